/**
 * main.ts, the app of cdktf.json, compiled: run by node itself, where its output streams and
 * exit code show exactly, and under the real `cdktf synth`, for what only the CLI shows (it
 * removes stale stack folders itself, and fails when the app fails). Any sequence of synths,
 * and SITE naming a site, are tested in-process in tests/cli/synth.test.ts (`aif synth` runs
 * the same synthCatalogue); `cdktf synth` costs over three CPU-seconds a run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixtureText } from './helpers';

const ROOT = path.join(__dirname, '..');

// cdktf.json's app compiles the project (tsc -b, incremental) and runs dist/main.js; so do these
// tests, with dist/ compiled by jest's global setup (tests/global-setup.js).

/** Runs main.ts, compiled, the way `cdktf synth` does, with its own sites folder and output folder. */
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
  const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'main.js')], {
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
      // On stdout: the cdktf CLI shows the app's stderr as errors.
      expect(run.stdout).toMatch(/validated 2 site file\(s\)\n\[1\/2\] built xx-minimal\n\[2\/2\] built xx-second\n/);
      expect(run.stderr).toBe('');
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

  test('an invalid site exits non-zero, prints every problem and leaves the previous output as it was', () => {
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
      expect(fs.readdirSync(path.join(run.outdir, 'stacks'))).toEqual(['xx-minimal-platform']);
      expect(fs.readFileSync(path.join(run.outdir, 'manifest.json'), 'utf8')).toBe('{}');
      expect(fs.existsSync(`${run.outdir}.partial`)).toBe(false);
    } finally {
      run.cleanup();
    }
  });
});

describe('cdktf synth, one site after another', () => {
  /** `cdktf synth` as an operator runs it (CHECKPOINT_DISABLE as `npm run synth` sets it), into `outdir`. */
  const cdktfSynth = (sitesDir: string, outdir: string, site: string) =>
    spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', outdir], {
      cwd: ROOT,
      env: { ...process.env, SITES_DIR: sitesDir, SITE: site, CHECKPOINT_DISABLE: '1', CI: '1' },
      encoding: 'utf8',
    });

  test('A, then B, then a misspelt site: A and B succeed (SITE names the one written), the misspelt one fails and leaves the output as it was', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-cdktf-'));
    try {
      const sitesDir = path.join(dir, 'sites');
      fs.mkdirSync(sitesDir);
      fs.writeFileSync(path.join(sitesDir, 'xx-minimal.yaml'), fixtureText());
      fs.writeFileSync(path.join(sitesDir, 'xx-second.yaml'), fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }));
      const outdir = path.join(dir, 'out');
      const stacks = () => fs.readdirSync(path.join(outdir, 'stacks')).sort();

      const a = cdktfSynth(sitesDir, outdir, 'xx-minimal');
      expect(a.status).toBe(0);
      // Progress is not printed as an error by the CLI.
      expect(`${a.stdout}${a.stderr}`).toMatch(/built xx-minimal/);
      expect(`${a.stdout}${a.stderr}`).not.toMatch(/\[ERROR\][^\n]*(validated|built|wrote)/);
      // Both site files are there: SITE named the one built.
      expect(stacks()).toEqual(['xx-minimal-platform', 'xx-minimal-workloads']);
      // Before the fix: ENOENT lstat 'out/stacks/xx-minimal-platform', exit 1.
      const b = cdktfSynth(sitesDir, outdir, 'xx-second');
      expect({ status: b.status, enoent: `${b.stdout}${b.stderr}`.includes('ENOENT') }).toEqual({ status: 0, enoent: false });
      expect(stacks()).toEqual(['xx-second-platform', 'xx-second-workloads']);

      // No run of A again after it: the misspelt run leaves the output as B left it (checked
      // below), as B found A's; tests/cli/synth.test.ts synthesizes A again after a misspelt site.
      const manifest = fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8');
      const typo = cdktfSynth(sitesDir, outdir, 'xx-secnd');
      expect(typo.status).not.toBe(0);
      // The app's own diagnosis reaches the operator through the CLI.
      expect(`${typo.stdout}${typo.stderr}`).toContain('did you mean xx-second?');
      expect(stacks()).toEqual(['xx-second-platform', 'xx-second-workloads']);
      expect(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).toBe(manifest);
      expect(fs.existsSync(`${outdir}.partial`)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
