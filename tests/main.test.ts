import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixtureText } from './helpers';

const ROOT = path.join(__dirname, '..');

/** Runs main.ts the way `cdktf synth` does, with its own sites folder and output folder. */
function runMain(sites: Record<string, string>, env: Record<string, string> = {}, previousOutput = false) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-main-'));
  const sitesDir = path.join(dir, 'sites');
  fs.mkdirSync(sitesDir);
  for (const [name, text] of Object.entries(sites)) fs.writeFileSync(path.join(sitesDir, name), text);
  const outdir = path.join(dir, 'out');
  if (previousOutput) {
    // What an earlier, successful synth left behind.
    fs.mkdirSync(path.join(outdir, 'stacks', 'xx-minimal-platform'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'manifest.json'), '{}');
  }
  const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, SITES_DIR: sitesDir, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1', ...env },
    encoding: 'utf8',
  });
  return { ...result, outdir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('main.ts', () => {
  test('synthesizes every site of the catalogue, with progress and a policy report', () => {
    const run = runMain({ 'xx-minimal.yaml': fixtureText(), 'xx-second.yaml': fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }) });
    try {
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(/validated 2 site file\(s\)\n\[1\/2\] built xx-minimal\n\[2\/2\] built xx-second\n/);
      expect(JSON.parse(fs.readFileSync(path.join(run.outdir, 'policy-report.json'), 'utf8'))).toEqual([]);
      expect(fs.readdirSync(path.join(run.outdir, 'stacks')).sort()).toEqual([
        'xx-minimal-platform',
        'xx-minimal-workloads',
        'xx-second-platform',
        'xx-second-workloads',
      ]);
    } finally {
      run.cleanup();
    }
  });

  test('SITE synthesizes one site only', () => {
    const run = runMain(
      { 'xx-minimal.yaml': fixtureText(), 'xx-second.yaml': fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }) },
      { SITE: 'xx-second' },
    );
    try {
      expect(run.status).toBe(0);
      expect(fs.readdirSync(path.join(run.outdir, 'stacks')).sort()).toEqual(['xx-second-platform', 'xx-second-workloads']);
    } finally {
      run.cleanup();
    }
  });

  test('an invalid site exits non-zero, prints every problem and leaves no output, not even an earlier one', () => {
    const run = runMain(
      {
        'xx-minimal.yaml': fixtureText({ country: 'de', kind: 'lab' }),
        'xx-second.yaml': fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }),
      },
      {},
      true,
    );
    try {
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^2 problems in site files:\n/);
      expect(run.stderr).toMatch(/xx-minimal\.yaml:\d+ kind: must be one of factory, gigafactory, got "lab"; use one of factory, gigafactory/);
      expect(run.stderr).toMatch(/xx-minimal\.yaml:\d+ country: must be an ISO 3166-1 alpha-2 code such as DE, got "de"/);
      expect(fs.existsSync(path.join(run.outdir, 'stacks'))).toBe(false);
      expect(fs.existsSync(path.join(run.outdir, 'manifest.json'))).toBe(false);
      expect(fs.existsSync(`${run.outdir}.partial`)).toBe(false);
    } finally {
      run.cleanup();
    }
  });
});
