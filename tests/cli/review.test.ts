/**
 * `npm run review`: arguments, exit codes, the files it writes and how it writes them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseReviewArgs, run as reviewRun, runReview, writeFilesAtomically, type ReviewArgs } from '../../cli/review';
import { DEFAULT_ASSUMPTIONS } from '../../review-model/assumptions';
import { CHARTS, KUBERNETES_REQUIREMENT } from '../../constructs/charts/registry';
import { dec, int, orUnpublished, partial, power, sci, table } from '../../review-model/markdown';
import { reviewSite, type SiteReview } from '../../review-model/site-review';
import { synthesizeSite } from '../../review-model/synth';
import { SLURM_PATCH, TEST_ACCOUNTING } from '../constructs/scheduling/slurm/slurm-helpers';
import { fixtureText, runCommand, siteModel } from '../helpers';

const ROOT = path.join(__dirname, '..', '..');

describe('arguments', () => {
  const parsed = (...argv: string[]) => parseReviewArgs(argv);

  test('a site, with the default assumptions and output folder', () => {
    expect(parsed('de-jaif')).toEqual({ site: 'de-jaif', all: false, out: 'review', assumptions: DEFAULT_ASSUMPTIONS, pueGiven: false });
  });

  test('every option, in both forms', () => {
    expect(parsed('de-jaif', '--against', 'main', '--out=reports', '--pue', '1.2', '--node-overhead=0.25', '--utilization', '0.8', '--mfu=0.35')).toEqual({
      site: 'de-jaif',
      all: false,
      against: 'main',
      out: 'reports',
      assumptions: { pue: 1.2, nodeOverhead: 0.25, utilization: 0.8, mfu: 0.35 },
      pueGiven: true,
    });
    expect(parsed('--all')).toEqual({ all: true, out: 'review', assumptions: DEFAULT_ASSUMPTIONS, pueGiven: false });
    // No site: every site, as --all.
    expect(parsed()).toEqual({ all: true, out: 'review', assumptions: DEFAULT_ASSUMPTIONS, pueGiven: false });
    expect(parsed('--sites-dir', 'x', 'de-jaif')).toEqual({
      site: 'de-jaif',
      all: false,
      out: 'review',
      assumptions: DEFAULT_ASSUMPTIONS,
      pueGiven: false,
      sitesDir: 'x',
    });
  });

  test('--help prints the usage and exits 0', () => {
    const help = parsed('de-jaif', '--help');
    expect('exit' in help ? [help.exit, help.text.split('\n')[0]] : help).toEqual([0, 'usage: aif review <site> [options]']);
  });

  test.each([
    [['--bogus'], 'unknown option --bogus'],
    [['--against', 'main'], '--against compares one site; name it instead of --all'],
    [['a', 'b'], 'one site at a time, got a and b; use --all for the whole catalogue'],
    [['--all', 'de-jaif'], '--all reviews every site; drop de-jaif, or drop --all'],
    [['--all', '--against', 'main'], '--against compares one site; name it instead of --all'],
    [['de-jaif', '--against'], '--against needs a git ref, e.g. --against main'],
    [['de-jaif', '--against', '--out', 'x'], '--against needs a git ref, e.g. --against main'],
    [['de-jaif', '--out'], '--out needs a folder'],
    [['de-jaif', '--pue', '0.9'], '--pue needs a ratio of 1 or more, e.g. 1.2, got 0.9'],
    [['de-jaif', '--node-overhead', '-1'], '--node-overhead needs a fraction of 0 or more, e.g. 0.3, got -1'],
    [['de-jaif', '--utilization', '0'], '--utilization needs a fraction above 0 and at most 1, e.g. 0.7, got 0'],
    [['de-jaif', '--mfu', '1.5'], '--mfu needs a fraction above 0 and at most 1, e.g. 0.4, got 1.5'],
    [['de-jaif', '--mfu', 'forty'], '--mfu needs a fraction above 0 and at most 1, e.g. 0.4, got forty'],
  ])('%j exits 2: %s', (argv, message) => {
    const r = parsed(...argv);
    expect('exit' in r ? [r.exit, r.text.split('\n\nusage: ')[0]] : r).toEqual([2, message]);
  });
});

describe('running', () => {
  let dir: string;
  let sites: string;
  const args = (patch: Partial<ReviewArgs> = {}): ReviewArgs => ({ site: 'xx-minimal', all: false, out: 'review', assumptions: DEFAULT_ASSUMPTIONS, ...patch });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-review-test-'));
    sites = path.join(dir, 'sites');
    fs.mkdirSync(sites);
    fs.writeFileSync(path.join(sites, 'xx-minimal.yaml'), fixtureText());
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes the review as Markdown and JSON, and nothing else', () => {
    const log: string[] = [];
    const outcome = runReview(args(), { sitesDir: sites, cwd: dir, log: (l) => log.push(l) });
    expect(outcome.exit).toBe(0);
    expect(outcome.files).toEqual([path.join(dir, 'review', 'xx-minimal.md'), path.join(dir, 'review', 'xx-minimal.json')]);
    expect(fs.readdirSync(path.join(dir, 'review')).sort()).toEqual(['xx-minimal.json', 'xx-minimal.md']);
    expect(log).toEqual([`loaded ${path.join(sites, 'xx-minimal.yaml')}`, 'synthesizing xx-minimal in memory']);
    const md = fs.readFileSync(outcome.files[0], 'utf8');
    expect(md.split('\n')[0]).toBe('# Site review: Minimal test site (xx-minimal)');
    // The minimum Kubernetes release, and what sets it (a chart's kubeVersion or an API the stacks write).
    expect(md).toMatch(/Kubernetes \d+\.\d+ or newer on every cluster: the oldest release the stacks install on \(for [^)]/);
    const review = JSON.parse(fs.readFileSync(outcome.files[1], 'utf8')) as SiteReview;
    expect(review.capacity.total.accelerators).toBe(32);
    expect(outcome.text.split('\n')[0]).toBe('xx-minimal: 32 accelerators, 1 tenant(s), 2 stack(s), 1 Secret(s) to create');
  });

  test('the assumptions given are the ones used, and the report says so', () => {
    const outcome = runReview(args({ assumptions: { pue: 1.2, nodeOverhead: 0, utilization: 1, mfu: 0.5 } }), { sitesDir: sites, cwd: dir });
    const review = JSON.parse(fs.readFileSync(outcome.files[1], 'utf8')) as SiteReview;
    // 32 H100 x 700 W = 22.4 kW; no overhead; x 1.2 = 26.88 kW; a full year: 26.88 x 8,760 / 1000 = 235.4688 MWh.
    expect(review.energy.figures.itKw.value).toBeCloseTo(22.4, 9);
    expect(review.energy.figures.facilityKw.value).toBeCloseTo(26.88, 9);
    expect(review.energy.figures.annualFacilityMWh.value).toBeCloseTo(235.4688, 9);
    expect(review.appendix.assumptions.filter((a) => a.overridden).map((a) => [a.option, a.value, a.default])).toEqual([
      ['--pue', 1.2, 1.58],
      ['--node-overhead', 0, 0.3],
      ['--utilization', 1, 0.7],
      ['--mfu', 0.5, 0.4],
    ]);
  });

  test("the site file's energy.pue replaces the default PUE, and --pue wins over it", () => {
    fs.writeFileSync(path.join(sites, 'xx-minimal.yaml'), fixtureText({ energy: { pue: 1.1 } }));
    const read = () => JSON.parse(fs.readFileSync(path.join(dir, 'review', 'xx-minimal.json'), 'utf8')) as SiteReview;
    const noOverhead = { ...DEFAULT_ASSUMPTIONS, nodeOverhead: 0 };
    runReview(args({ assumptions: noOverhead }), { sitesDir: sites, cwd: dir });
    // 32 H100 x 700 W = 22.4 kW of IT power, no overhead; x 1.1 = 24.64 kW.
    expect(read().energy.figures.facilityKw.value).toBeCloseTo(24.64, 9);
    expect(read().assumptions).toMatchObject({ pue: 1.1, pueSource: 'site file' });
    expect(fs.readFileSync(path.join(dir, 'review', 'xx-minimal.md'), 'utf8')).toContain("x PUE 1.10 (the site file's energy.pue)");
    const pueRow = read().appendix.assumptions.find((a) => a.option === '--pue');
    expect(pueRow).toMatchObject({ value: 1.1, default: 1.58, basis: 'stated by the site file (energy.pue), in place of the default' });
    // --pue 1.3 on the command line: 22.4 x 1.3 = 29.12 kW.
    runReview(args({ assumptions: { ...noOverhead, pue: 1.3 }, pueGiven: true }), { sitesDir: sites, cwd: dir });
    expect(read().energy.figures.facilityKw.value).toBeCloseTo(29.12, 9);
    expect(read().assumptions).toMatchObject({ pue: 1.3, pueSource: 'command line' });
  });

  test('an unknown site exits 1 with a suggestion, and writes nothing', () => {
    const outcome = runReview(args({ site: 'xx-minimall' }), { sitesDir: sites, cwd: dir });
    expect(outcome.exit).toBe(1);
    expect(outcome.text).toContain('SITE: no such site in the catalogue, got "xx-minimall"; did you mean xx-minimal?');
    expect(fs.existsSync(path.join(dir, 'review'))).toBe(false);
  });

  test('an invalid site file exits 1 naming the file and line', () => {
    fs.writeFileSync(path.join(sites, 'xx-minimal.yaml'), fixtureText({ gpuPools: { h100: { nodes: 0 } } }));
    const outcome = runReview(args(), { sitesDir: sites, cwd: dir });
    expect(outcome.exit).toBe(1);
    expect(outcome.text).toMatch(/xx-minimal\.yaml:\d+ gpuPools\.h100\.nodes: /);
  });

  test('--all writes one table for the catalogue', () => {
    fs.writeFileSync(
      path.join(sites, 'xx-other.yaml'),
      fixtureText({ id: 'xx-other', name: 'Other test site', clusters: { main: { context: 'other' } }, gpuPools: { h100: { nodes: 2 } } }),
    );
    const outcome = runReview(args({ site: undefined, all: true }), { sitesDir: sites, cwd: dir });
    expect(outcome.exit).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'review')).sort()).toEqual(['catalogue.json', 'catalogue.md']);
    const table = JSON.parse(fs.readFileSync(path.join(dir, 'review', 'catalogue.json'), 'utf8')) as { sites: { site: string; accelerators: number }[] };
    expect(table.sites.map((s) => [s.site, s.accelerators])).toEqual([
      ['xx-minimal', 32],
      ['xx-other', 16],
    ]);
  });

  test('--against a ref that names no commit exits 1', () => {
    const outcome = runReview(args({ site: 'de-jaif', against: 'no-such-ref-anywhere' }), { sitesDir: path.join(ROOT, 'sites'), cwd: dir });
    expect([outcome.exit, outcome.files]).toEqual([1, []]);
    expect(outcome.text).toMatch(/^no-such-ref-anywhere names no commit of the repository at /);
  });

  test('--against with a catalogue outside any git repository exits 1', () => {
    const outcome = runReview(args({ against: 'HEAD' }), { sitesDir: sites, cwd: dir });
    expect(outcome.exit).toBe(1);
    expect(outcome.text).toContain('is not inside a git work tree');
  });

  test('files are written whole: a failed write leaves the previous files and no temporary ones', () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'a.md'), 'old');
    fs.mkdirSync(path.join(out, 'b.json')); // a folder where the second file goes: renaming onto it fails
    expect(() =>
      writeFilesAtomically([
        { path: path.join(out, 'a.md'), text: 'new' },
        { path: path.join(out, 'b.json'), text: '{}' },
      ]),
    ).toThrow();
    expect(fs.readdirSync(out).sort()).toEqual(['a.md', 'b.json']);
  });
});

describe('formatting', () => {
  test('FLOP counts, powers of ten, partial sums and unpublished figures', () => {
    expect([sci(1.000164672e25), sci(3.33388224e24), sci(9.999e24), sci(0)]).toEqual(['1.00 × 10^25', '3.33 × 10^24', '1.00 × 10^25', '0']);
    expect([power(1e23), power(1e25), power(2e25)]).toEqual(['10^23', '10^25', '2.00 × 10^25']);
    expect(partial({ value: 31.6608, unknown: [] }, (n) => dec(n, 1))).toBe('31.7');
    expect(partial({ value: 31.6608, unknown: ['mi430x'] }, (n) => dec(n, 1))).toBe('at least 31.7 (not published: mi430x)');
    expect(partial({ value: 0, unknown: ['mi430x'] }, (n) => dec(n, 1))).toBe('not published (mi430x)');
    expect([orUnpublished(null, int), orUnpublished(23_752, int)]).toEqual(['not published', '23,752']);
    expect(table(['a', 'n'], [['x|y', '1']], ['n'])).toBe('| a | n |\n| --- | ---: |\n| x\\|y | 1 |');
  });
});

describe('software and what the site provides', () => {
  const MIRROR = {
    registryMirror: { imageRegistry: 'registry.example.eu/mirror', chartRepository: 'oci://registry.example.eu/charts', pullSecretName: 'mirror-pull' },
  };
  const review = (patch: unknown = {}) => {
    const site = siteModel(patch);
    return reviewSite(site, synthesizeSite(site), DEFAULT_ASSUMPTIONS);
  };

  test('with a registry mirror, every chart and image comes from it, and its pull Secret is in every namespace', () => {
    const r = review(MIRROR);
    expect(r.software.mirror).toEqual({
      configured: true,
      imageRegistry: 'registry.example.eu/mirror',
      chartRepository: 'oci://registry.example.eu/charts',
      everythingFromMirror: true,
      outside: [],
    });
    expect(r.software.registries.map((x) => x.registry)).toEqual(['registry.example.eu']);
    const namespaces = new Set(r.software.releases.map((x) => x.namespace));
    const pull = r.beforeDeploy.secrets.filter((s) => s.name === 'mirror-pull');
    for (const ns of namespaces) expect(pull.map((s) => s.namespace)).toContain(ns);
    expect(pull.map((s) => s.namespace)).toContain('tenant-acme');
    expect(pull.every((s) => s.keys.join() === '.dockerconfigjson')).toBe(true);
  });

  test('without one, the report names the upstream registries and says nothing comes from a mirror', () => {
    const r = review();
    expect(r.software.mirror).toEqual({ configured: false, everythingFromMirror: false, outside: [] });
    expect(r.software.registries.map((x) => x.registry)).toEqual(expect.arrayContaining(['nvcr.io', 'quay.io', 'registry.k8s.io']));
    // Every release is listed with its pinned chart and version.
    const kueue = r.software.releases.find((x) => x.chart === 'kueue')!;
    expect([kueue.version, kueue.namespace, kueue.pinnedFrom]).toEqual([CHARTS.kueue.version, 'kueue-system', CHARTS.kueue.source]);
    expect(r.software.kubernetes.minimum).toBe(KUBERNETES_REQUIREMENT.version);
  });

  test('Slurm pools get owner counts and Slinky annotations; Kueue sites need the CPU node label', () => {
    const r = review({ ...SLURM_PATCH, gpuPools: { h100: { owner: { slurm: 3, kubernetes: 1 }, fabric: { nodesPerLeafSwitch: 2 } } } });
    const [pool] = r.beforeDeploy.pools;
    expect(pool.owners.map((o) => [o.label, o.value, o.nodes, o.which])).toEqual([
      ['ai-factory.eu/owner', 'slurm', 3, 'nodes 0 to 2 (Slurm names h100-0 to h100-2)'],
      ['ai-factory.eu/owner', 'kubernetes', 1, 'node 3'],
    ]);
    expect(pool.slinky).toEqual({
      nodes: 3,
      first: { 'nodeset.slinky.slurm.net/hostname-override': 'h100-0', 'topology.slinky.slurm.net/spec': 'default:h100-leaf0' },
      last: { 'nodeset.slinky.slurm.net/hostname-override': 'h100-2', 'topology.slinky.slurm.net/spec': 'default:h100-leaf1' },
    });
    expect(pool.fabricLabels).toEqual(['ai-factory.eu/leaf']);
    expect(r.beforeDeploy.cpuNodeLabels).toEqual({ 'ai-factory.eu/node-class': 'cpu' });
    expect(r.beforeDeploy.secrets.find((s) => s.namespace === 'slurm')).toMatchObject({
      name: TEST_ACCOUNTING.passwordSecret.name,
      keys: [TEST_ACCOUNTING.passwordSecret.key],
    });
    expect(r.scheduling.tenants[0].quotas).toEqual([
      { pool: 'h100', guaranteed: 8, max: 16, slurm: { guaranteed: 6, max: 12 }, kubernetes: { guaranteed: 2, max: 4 } },
    ]);
  });
});

describe('the command', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-review-cli-'));
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.writeFileSync(path.join(dir, 'sites', 'xx-minimal.yaml'), fixtureText());
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => runCommand(reviewRun, args, { cwd: dir, env: { SITES_DIR: path.join(dir, 'sites') } });

  test('exits 0 with --help, 2 for bad arguments, 1 for an unknown site, 0 when it writes the review', async () => {
    const help = await run('--help');
    expect([help.status, help.stdout.split('\n')[0]]).toEqual([0, 'usage: aif review <site> [options]']);
    const bad = await run('--pue', 'x', 'xx-minimal');
    expect([bad.status, bad.stderr.split('\n')[0]]).toEqual([2, '--pue needs a ratio of 1 or more, e.g. 1.2, got x']);
    const unknown = await run('xx-minimum');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('did you mean xx-minimal?');
    const ok = await run('xx-minimal');
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain('synthesizing xx-minimal in memory');
    expect(ok.stdout).toMatch(/^wrote \S+review\/xx-minimal\.md$/m);
    expect(fs.readdirSync(path.join(dir, 'review')).sort()).toEqual(['xx-minimal.json', 'xx-minimal.md']);
  });
});
