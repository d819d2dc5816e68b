/**
 * `review --against`: what changes between two synthesized states of a site. The comparison is
 * a pure function of two snapshots, tested here on sites synthesized in memory; one end-to-end
 * run compares two commits of a temporary clone, each synthesized by its own code.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { runReview } from '../../cli/review';
import { DEFAULT_ASSUMPTIONS } from '../../review-model/assumptions';
import { attributeChanges, changesMarkdown, changesSummary, siteChanges, type SiteChanges } from '../../review-model/changes';
import { synthesizeSite } from '../../review-model/synth';
import { checkSiteText, loadCatalogue } from '../../site-model/loader';
import { SLURM_PATCH } from '../constructs/scheduling/slurm/slurm-helpers';
import { siteModel, SITES_DIR } from '../helpers';

const ROOT = path.join(__dirname, '..', '..');
const BETA = { kind: 'sme', oidcGroups: { admins: ['beta-admins'] }, gpuQuota: { h100: { guaranteed: 8, max: 16 } }, storageQuotaTiB: { project: 10 } };

/** Every Terraform address a comparison lists, by kind of change. */
function addresses(c: SiteChanges): { added: string[]; removed: string[]; changed: string[] } {
  return {
    added: c.terraform.flatMap((s) => s.added),
    removed: c.terraform.flatMap((s) => s.removed),
    changed: c.terraform.flatMap((s) => s.changed.map((x) => x.address)),
  };
}

describe('comparing two synthesized states', () => {
  test('the same site twice changes nothing', () => {
    const snapshot = synthesizeSite(siteModel()).snapshot;
    const c = siteChanges(snapshot, synthesizeSite(siteModel()).snapshot, { ref: 'HEAD' });
    expect(changesSummary(c)).toEqual([
      'Capacity: unchanged',
      'Node ownership: unchanged',
      'Tenants and quotas: unchanged',
      'Slurm topology: unchanged',
      'Charts: unchanged',
      'Terraform: 0 resource(s) added, 0 changed, 0 removed',
    ]);
  });

  test("adding a tenant shows the tenant, its resources, and the Cohort's quota it no longer lends", () => {
    const before = synthesizeSite(siteModel()).snapshot;
    const after = synthesizeSite(siteModel({ tenants: { beta: BETA } })).snapshot;
    const c = siteChanges(before, after, { ref: 'main', commit: 'a'.repeat(40) });
    expect(c.tenants.added).toEqual([
      {
        tenant: 'beta',
        kind: 'sme',
        gpu: { h100: { guaranteed: 8, max: 16, slurm: { guaranteed: 0, max: 0 }, kubernetes: { guaranteed: 8, max: 16 } } },
        storageTiB: { project: 10 },
      },
    ]);
    expect([c.capacity.pools, c.ownership, c.quotas, c.storageQuotas, c.topology, c.charts, c.tenants.removed]).toEqual([[], [], [], [], [], [], []]);
    const { added, removed, changed } = addresses(c);
    expect(removed).toEqual([]);
    expect(added.length).toBeGreaterThan(0);
    for (const a of added) expect(a).toMatch(/-beta_/);
    // The Cohort lends each pool's capacity that no tenant is guaranteed: 24 of 32 H100 before, 16 after.
    const cohort = c.terraform.flatMap((s) => s.changed).find((x) => x.address.includes('Cohort'))!;
    expect(cohort.attributes).toContainEqual({ path: 'manifest.spec.resourceGroups[0].flavors[0].resources[2].nominalQuota', from: '24', to: '16' });
    // Everything else that changes only waits for the new namespace.
    for (const r of c.terraform.flatMap((s) => s.changed).filter((x) => x !== cohort)) {
      for (const a of r.attributes)
        expect([r.address, a.path, a.from, a.to]).toEqual([r.address, expect.stringMatching(/^depends_on\[".*-beta_.*"\]$/), undefined, 'true']);
    }
    expect(changed).toContain(cohort.address);
    const md = changesMarkdown(c);
    expect(md.split('\n')[0]).toBe('## xx-minimal: changes since `main` (aaaaaaaaaaaa)');
    expect(md).toContain('| beta | added | h100 | - | 8 / 16 (Slurm 0 / 0, Kubernetes 8 / 16) |');
  });

  test('adding nodes to a pool with a fabric shows the new switches', () => {
    const fabric = (nodes: number) =>
      siteModel({ ...SLURM_PATCH, gpuPools: { h100: { owner: 'slurm', nodes, fabric: { nodesPerLeafSwitch: 2, leafSwitchesPerSpine: 2 } } } });
    const c = siteChanges(synthesizeSite(fabric(4)).snapshot, synthesizeSite(fabric(6)).snapshot, { ref: 'HEAD~1' });
    // 4 nodes: leaf0-1 under spine0, the top. 6 nodes: leaf2 joins under a new spine1, and a pool switch h100 joins the two spines.
    expect(c.topology).toEqual([
      { kubernetesCluster: 'main', switchesFrom: 3, switchesTo: 6, added: ['h100-leaf2', 'h100-spine1', 'h100'], removed: [], rewired: [] },
    ]);
    expect(c.capacity.pools).toEqual([
      {
        pool: 'h100',
        change: 'changed',
        fields: [
          { field: 'nodes', from: '4', to: '6' },
          { field: 'accelerators', from: '32', to: '48' },
          { field: 'units', from: '32', to: '48' },
          { field: 'peak dense BF16, PFLOP/s', from: '31.7', to: '47.5' },
        ],
      },
    ]);
    expect(c.ownership).toEqual([{ pool: 'h100', from: { slurm: 4, kubernetes: 0 }, to: { slurm: 6, kubernetes: 0 } }]);
    expect(changesSummary(c)[3]).toBe('Slurm topology: 3 switch(es) added, 0 removed, 0 rewired');
    expect(changesMarkdown(c)).toContain('- added: `h100-leaf2`, `h100-spine1`, `h100`');
  });

  test('removing nodes shows the switches removed and those whose members changed', () => {
    const fabric = (nodes: number) =>
      siteModel({ ...SLURM_PATCH, gpuPools: { h100: { owner: 'slurm', nodes, fabric: { nodesPerLeafSwitch: 2, leafSwitchesPerSpine: 2 } } } });
    const c = siteChanges(synthesizeSite(fabric(8)).snapshot, synthesizeSite(fabric(6)).snapshot, { ref: 'HEAD~1' });
    // 8 nodes: spine1 joins leaf2-3. 6 nodes: leaf3 goes, spine1 joins leaf2 only.
    expect(c.topology).toEqual([{ kubernetesCluster: 'main', switchesFrom: 7, switchesTo: 6, added: [], removed: ['h100-leaf3'], rewired: ['h100-spine1'] }]);
  });

  test('a site that did not exist at the ref is new whole', () => {
    const after = synthesizeSite(siteModel()).snapshot;
    const c = siteChanges(undefined, after, { ref: 'v0.1.0' });
    expect(c.from.siteExisted).toBe(false);
    expect(c.tenants.added.map((t) => t.tenant)).toEqual(['acme']);
    expect(c.capacity.pools.map((p) => [p.pool, p.change])).toEqual([['h100', 'added']]);
    expect(addresses(c).added.length).toBe(c.terraform.reduce((n, s) => n + s.added.length, 0));
    expect(c.terraform.map((s) => s.stack)).toEqual(['xx-minimal-platform', 'xx-minimal-workloads']);
    expect(changesMarkdown(c)).toContain('The site file did not exist at `v0.1.0`: everything below is new.');
  });

  test('a side whose model cannot be read is compared by its stacks alone, and the report says so', () => {
    const before = { ...synthesizeSite(siteModel()).snapshot, model: {}, modelError: 'Cannot find module ./site-model/loader' };
    const after = synthesizeSite(siteModel({ tenants: { beta: BETA } })).snapshot;
    const c = siteChanges(before, after, { ref: 'v0.1.0' });
    expect(c.modelNotCompared).toBe('the resolved model at v0.1.0 cannot be read: Cannot find module ./site-model/loader');
    expect([c.capacity.pools, c.ownership, c.tenants.added, c.quotas, c.topology, c.charts]).toEqual([[], [], [], [], [], []]);
    expect(addresses(c).added.length).toBeGreaterThan(0);
    expect(changesSummary(c)[2]).toBe('Tenants and quotas: not compared (the resolved model at v0.1.0 cannot be read: Cannot find module ./site-model/loader)');
  });

  test("splitting a cluster into cells shows the cells' stacks added whole and their Slurm switches", () => {
    // The catalogue's gigafactory, and the same file with its training cluster in one piece.
    const [cells] = loadCatalogue(SITES_DIR, 'eu-ref-gigafactory');
    const doc = parseDocument(fs.readFileSync(path.join(SITES_DIR, 'eu-ref-gigafactory.yaml'), 'utf8'));
    doc.deleteIn(['clusters', 'training', 'cells']);
    doc.deleteIn(['assumptions', 'clusters.training.cells']);
    const whole = checkSiteText(doc.toString(), 'sites/eu-ref-gigafactory.yaml').site!;
    const c = siteChanges(synthesizeSite(whole).snapshot, synthesizeSite(cells).snapshot, { ref: 'HEAD~1' });

    const names = cells.cells.map((x) => x.name);
    const added = c.terraform.filter((s) => s.change === 'added');
    expect(added.map((s) => s.stack)).toEqual(names.flatMap((n) => [`eu-ref-gigafactory-${n}-platform`, `eu-ref-gigafactory-${n}-workloads`]));
    for (const s of added) expect([s.stack, s.added.length, s.removed.length]).toEqual([s.stack, expect.any(Number), 0]);
    expect(added.every((s) => s.added.length > 0)).toBe(true);
    // The one Slurm cluster of the training cluster goes; each cell's comes with its racks' switches.
    const topology = new Map(c.topology.map((t) => [t.kubernetesCluster, t]));
    // topology.conf: a switch per NVLink domain (18 nodes, one NVL72 rack) of Slurm's nodes, and one joining them.
    const switches = (slurmNodes: number) => slurmNodes / 18 + 1;
    expect(topology.get('training')).toMatchObject({ switchesFrom: switches(whole.pools.training.ownership.slurm), switchesTo: 0, added: [] });
    for (const cell of cells.cells) {
      expect(topology.get(cell.name)).toMatchObject({ switchesFrom: 0, switchesTo: switches(cell.site.pools.training.ownership.slurm), removed: [] });
    }
    expect(c.capacity.pools).toEqual([]);
  });

  test('attribute changes read Helm values and JSON strings by key, and multi-line text by line', () => {
    const before = { values: ['a: 1\nconf: |\n  x=1\n  y=2\n'], data: { 'pool.json': '{"nodes":4}' }, depends_on: ['r.a'] };
    const after = { values: ['a: 2\nconf: |\n  x=1\n  y=3\n'], data: { 'pool.json': '{"nodes":6}' }, depends_on: ['r.b', 'r.a'] };
    expect(attributeChanges(before, after)).toEqual([
      { path: 'values[0].a', from: '1', to: '2' },
      { path: 'values[0].conf', from: '(text)', to: '1 line(s) added, 1 removed: -y=2 +y=3' },
      { path: 'data["pool.json"].nodes', from: '4', to: '6' },
      { path: 'depends_on["r.b"]', to: 'true' },
    ]);
  });
});

describe('npm run review -- <site> --against <ref>, end to end', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-review-against-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const git = (repo: string, ...args: string[]) => {
    const r = spawnSync('git', ['-C', repo, '-c', 'user.name=review test', '-c', 'user.email=review@example.invalid', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };

  test('a commit that adds a tenant and bumps a chart shows exactly those two things, each tree synthesized by its own code', () => {
    const repo = path.join(dir, 'repo');
    expect(spawnSync('git', ['clone', '--quiet', ROOT, repo], { encoding: 'utf8' }).status).toBe(0);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
    // Base commit: the clone's own minimal fixture as a site of its catalogue.
    const site = path.join(repo, 'sites', 'xx-minimal.yaml');
    fs.copyFileSync(path.join(repo, 'tests', 'fixtures', 'xx-minimal.yaml'), site);
    git(repo, 'add', 'sites/xx-minimal.yaml');
    git(repo, 'commit', '--quiet', '-m', 'base');
    // The change: a tenant, and the Kueue chart one patch release up.
    const doc = parseDocument(fs.readFileSync(site, 'utf8'));
    doc.setIn(['tenants', 'beta'], doc.createNode(BETA));
    fs.writeFileSync(site, doc.toString());
    const chartFile = path.join(repo, 'constructs', 'charts', 'kueue', 'chart.ts');
    const chart = fs.readFileSync(chartFile, 'utf8');
    const from = /version: '(\d+)\.(\d+)\.(\d+)'/.exec(chart)!;
    const old = `${from[1]}.${from[2]}.${from[3]}`;
    const to = `${from[1]}.${from[2]}.${Number(from[3]) + 1}`;
    fs.writeFileSync(chartFile, chart.replace(from[0], `version: '${to}'`));
    git(repo, 'commit', '--quiet', '-am', 'add tenant beta, bump kueue');

    const log: string[] = [];
    const outcome = runReview(
      { site: 'xx-minimal', all: false, against: 'HEAD~1', out: 'review', assumptions: DEFAULT_ASSUMPTIONS },
      { sitesDir: path.join(repo, 'sites'), cwd: dir, log: (l) => log.push(l) },
    );
    expect(outcome.text).toContain('wrote');
    expect(outcome.exit).toBe(0);
    expect(outcome.files).toEqual([path.join(dir, 'review', 'xx-minimal.changes.md'), path.join(dir, 'review', 'xx-minimal.changes.json')]);
    expect(log).toEqual(
      expect.arrayContaining(['working tree: synthesizing xx-minimal with its own main.ts', 'HEAD~1: synthesizing xx-minimal with its own main.ts']),
    );

    const c = JSON.parse(fs.readFileSync(outcome.files[1], 'utf8')) as SiteChanges;
    expect(c.from).toEqual({ ref: 'HEAD~1', commit: git(repo, 'rev-parse', 'HEAD~1'), siteExisted: true });
    expect(changesSummary(c).slice(0, 5)).toEqual([
      'Capacity: unchanged',
      'Node ownership: unchanged',
      'Tenants and quotas: tenant `beta` added (h100 8 / 16)',
      'Slurm topology: unchanged',
      `Charts: kueue ${old} → ${to} (main/kueue-system/kueue)`,
    ]);
    // Terraform: the new tenant's resources, the Kueue release's version, the Cohort's lent quota,
    // and resources that now also wait for the new namespace; nothing else.
    const { added, removed } = addresses(c);
    expect(removed).toEqual([]);
    for (const a of added) expect(a).toMatch(/-beta_/);
    const changed = c.terraform.flatMap((s) => s.changed);
    const release = changed.find((x) => x.address.startsWith('helm_release.Kueue'))!;
    expect(release.attributes).toEqual([{ path: 'version', from: old, to }]);
    for (const r of changed.filter((x) => x !== release && !x.address.includes('Cohort'))) {
      for (const a of r.attributes) expect([r.address, a.path]).toEqual([r.address, expect.stringMatching(/^depends_on\[".*-beta_.*"\]$/)]);
    }
    // No worktree is left behind.
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, 'review')).sort()).toEqual(['xx-minimal.changes.json', 'xx-minimal.changes.md']);
  }, 600_000);
});
