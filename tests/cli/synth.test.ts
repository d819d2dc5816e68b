/**
 * `aif synth`: any sequence of synths of any sites succeeds, and a failed or misspelt run
 * leaves the previous output as it was. Runs in this process, as `aif` does, into a
 * temporary folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run as aif } from '../../cli/aif';
import type { Io } from '../../cli/args';
import { fixtureText } from '../helpers';

describe('aif synth', () => {
  let dir: string;
  let sitesDir: string;
  let out: string;
  /** `aif synth <args> --out <out>` with the temporary catalogue; what it printed. */
  const synth = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), env: { SITES_DIR: sitesDir }, cwd: dir };
    const status = await aif(['synth', ...args, '--out', 'out'], io);
    return { status, stdout, stderr };
  };
  const stacks = () => fs.readdirSync(path.join(out, 'stacks')).sort();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-synth-'));
    sitesDir = path.join(dir, 'sites');
    out = path.join(dir, 'out');
    fs.mkdirSync(sitesDir);
    fs.writeFileSync(path.join(sitesDir, 'xx-minimal.yaml'), fixtureText());
    fs.writeFileSync(path.join(sitesDir, 'xx-second.yaml'), fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('site A, then site B, then the catalogue, then a misspelt site, then A again: every run but the misspelt one exits 0, and that one leaves the output as it was', async () => {
    const a = await synth('xx-minimal');
    expect(a.status).toBe(0);
    // Progress: one line per site, on stderr, and nothing that reads as an error.
    expect(a.stderr).toBe(`validated 1 site file(s)\n[1/1] built xx-minimal\nwrote 2 stacks to ${out}\n`);
    expect(stacks()).toEqual(['xx-minimal-platform', 'xx-minimal-workloads']);

    const b = await synth('xx-second');
    expect(b.status).toBe(0);
    expect(stacks()).toEqual(['xx-second-platform', 'xx-second-workloads']);

    const all = await synth();
    expect(all.status).toBe(0);
    expect(all.stderr).toMatch(/^validated 2 site file\(s\)\n\[1\/2\] built xx-minimal\n\[2\/2\] built xx-second\n/);
    expect(stacks()).toEqual(['xx-minimal-platform', 'xx-minimal-workloads', 'xx-second-platform', 'xx-second-workloads']);
    const manifest = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');
    const stack = fs.readFileSync(path.join(out, 'stacks', 'xx-second-platform', 'cdk.tf.json'), 'utf8');

    const typo = await synth('xx-secnd');
    expect(typo.status).toBe(1);
    // Once, naming the folder and the likely fix.
    expect(typo.stderr).toBe(`sites/xx-secnd.yaml: no site "xx-secnd" in sites; did you mean xx-second?\n`);
    expect(stacks()).toEqual(['xx-minimal-platform', 'xx-minimal-workloads', 'xx-second-platform', 'xx-second-workloads']);
    expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(fs.readFileSync(path.join(out, 'stacks', 'xx-second-platform', 'cdk.tf.json'), 'utf8')).toBe(stack);

    const again = await synth('xx-minimal');
    expect(again.status).toBe(0);
    expect(stacks()).toEqual(['xx-minimal-platform', 'xx-minimal-workloads']);
    expect(Object.keys((JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { stacks: object }).stacks).sort()).toEqual([
      'xx-minimal-platform',
      'xx-minimal-workloads',
    ]);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
  }, 120_000);

  test('two sites named; an invalid site fails with every problem and writes nothing', async () => {
    expect((await synth('xx-second', 'xx-minimal')).status).toBe(0);
    expect(stacks()).toEqual(['xx-minimal-platform', 'xx-minimal-workloads', 'xx-second-platform', 'xx-second-workloads']);
    const manifest = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');
    const broken = path.join(sitesDir, 'xx-broken.yaml');
    fs.writeFileSync(broken, fixtureText({ id: 'xx-broken', kind: 'lab', clusters: { main: { context: 'broken' } } }));
    try {
      const bad = await synth('xx-broken');
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/xx-broken\.yaml:\d+ kind: must be one of factory, gigafactory, got "lab"/);
      expect(bad.stderr).toMatch(/\n\n1 problem\(s\) in site files; nothing written\n$/);
      expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(manifest);
    } finally {
      fs.rmSync(broken);
    }
  }, 120_000);

  test('with no site named, SITE names one, as for cdktf synth', async () => {
    let stderr = '';
    const io: Io = { out: () => undefined, err: (t) => (stderr += t), env: { SITES_DIR: sitesDir, SITE: 'xx-second' }, cwd: dir };
    expect(await aif(['synth', '--out', 'out'], io)).toBe(0);
    expect(stderr).toMatch(/\[1\/1\] built xx-second\n/);
    expect(stacks()).toEqual(['xx-second-platform', 'xx-second-workloads']);
  }, 120_000);

  test('an output folder in folders that do not exist yet is made with them; a failed run takes them away again', async () => {
    const run = async (sites: string, outArg: string) => {
      let stderr = '';
      const io: Io = { out: () => undefined, err: (t) => (stderr += t), env: { SITES_DIR: sites }, cwd: dir };
      return { status: await aif(['synth', 'xx-minimal', '--out', outArg], io), stderr };
    };
    const ok = await run(sitesDir, 'new/deeper/out');
    expect(ok).toEqual({ status: 0, stderr: expect.stringMatching(/wrote 2 stacks to .*new\/deeper\/out\n/) as unknown });
    expect(fs.readdirSync(path.join(dir, 'new', 'deeper', 'out', 'stacks')).sort()).toEqual(['xx-minimal-platform', 'xx-minimal-workloads']);

    const badSites = path.join(dir, 'bad-sites');
    fs.mkdirSync(badSites);
    fs.writeFileSync(path.join(badSites, 'xx-minimal.yaml'), fixtureText({ country: 'de' }));
    const failed = await run(badSites, 'other/deeper/out');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/nothing written/);
    expect(fs.existsSync(path.join(dir, 'other'))).toBe(false);
  }, 120_000);
});
