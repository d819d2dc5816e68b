/**
 * Every command answers `--help` with its usage, exit 0, and does nothing else: no site is
 * validated, no schema rewritten, no benchmark run, no file written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

const COMMANDS: [string, string, RegExp][] = [
  ['validate', 'cli/validate.ts', /^usage: npm run validate -- \[<site>\]/],
  ['schema', 'cli/write-schema.ts', /^usage: npm run schema/],
  ['bench', 'bench/run.ts', /^usage: npm run bench/],
  ['render', 'cli/render.ts', /^usage: npm run render -- <site>/],
  ['preflight', 'cli/preflight.ts', /^usage: npm run preflight -- <site>/],
  ['rehearse', 'cli/rehearse.ts', /^usage: npm run rehearse -- <site>/],
  ['review', 'cli/review.ts', /^usage: npm run review -- <site>/],
];

describe.each(COMMANDS)('npm run %s -- --help', (_, script, usage) => {
  test('prints the usage, exits 0 and writes nothing', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-help-'));
    const schemaBefore = fs.statSync(path.join(ROOT, 'sites', 'site.schema.json')).mtimeMs;
    try {
      const run = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, script), '--help'], {
        cwd,
        env: { ...process.env, SITES_DIR: path.join(ROOT, 'sites') },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ status: run.status, usage: usage.test(run.stdout), stderr: run.stderr }).toEqual({ status: 0, usage: true, stderr: '' });
      expect(fs.readdirSync(cwd)).toEqual([]);
      expect(fs.statSync(path.join(ROOT, 'sites', 'site.schema.json')).mtimeMs).toBe(schemaBefore);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 90_000);
});

test('an unknown option is a usage error (exit 2), never a site name', () => {
  const run = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'cli/validate.ts'), '--frmat'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/^unknown option --frmat\nusage: npm run validate/);
}, 90_000);
