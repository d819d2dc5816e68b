/**
 * `npm run validate -- --format json|github`: the report as data for tools, and as GitHub
 * Actions annotations that a pull request shows at each problem's line.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixtureText } from '../helpers';

const ROOT = path.join(__dirname, '..', '..');

describe('validate --format', () => {
  let dir: string;
  const validate = (...args: string[]) =>
    spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'cli', 'validate.ts'), ...args], {
      cwd: dir,
      env: { ...process.env, SITES_DIR: path.join(dir, 'sites') },
      encoding: 'utf8',
    });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-format-'));
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.writeFileSync(path.join(dir, 'sites', 'xx-minimal.yaml'), fixtureText({ country: 'de', gpuPools: { h100: { nodes: 0 } } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('json: every problem as data, with its file relative to where the command runs, and its line', () => {
    const run = validate('--format', 'json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      exitCode: number;
      problems: { file: string; line: number; path: string; problem: string; fix: string }[];
    };
    expect(report).toMatchObject({ ok: false, exitCode: 1 });
    expect(report.problems.map((p) => [p.file, p.path])).toEqual([
      [path.join('sites', 'xx-minimal.yaml'), 'country'],
      [path.join('sites', 'xx-minimal.yaml'), 'gpuPools.h100.nodes'],
    ]);
    for (const p of report.problems) expect(p.line).toBeGreaterThan(1);
  });

  test('github: one ::error annotation per problem with file and line, and the summary', () => {
    const run = validate('--format=github');
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      expect.stringMatching(
        /^::error file=sites\/xx-minimal\.yaml,line=\d+,title=country::sites\/xx-minimal\.yaml:\d+ country: must be an ISO 3166-1 alpha-2 code/,
      ),
      expect.stringMatching(/^::error file=sites\/xx-minimal\.yaml,line=\d+,title=gpuPools\.h100\.nodes::/),
    ]);
    expect(lines.at(-1)).toBe('2 problem(s) in site files');
  });

  test('a format that does not exist is a usage error', () => {
    const run = validate('--format', 'sarif2');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^--format takes one of text, json, github, got sarif2\n/);
  });

  test('json of a valid site: ok, with its warnings as data', () => {
    fs.writeFileSync(path.join(dir, 'sites', 'xx-minimal.yaml'), fixtureText());
    const run = validate('--format', 'json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, exitCode: 0, problems: [] });
  });
});
