/**
 * Every catalogue site's review renders, and its figures agree with what the stacks deploy:
 * each pool's capacity in the review equals the capacity its descriptor ConfigMap carries, the
 * stacks come in deploy order, every Secret appears once. JUPITER's capacity matches its
 * published accelerator count and model.
 */
import { ACCELERATORS } from '../../constructs/gpu/accelerators';
import { DEFAULT_ASSUMPTIONS } from '../../review-model/assumptions';
import { siteFacts } from '../../review-model/facts';
import { catalogueMarkdown, reviewMarkdown } from '../../review-model/markdown';
import { catalogueRow, reviewSite, type SiteReview } from '../../review-model/site-review';
import { resourcesOf } from '../../review-model/snapshot';
import { modelJson, synthesizeSite, type BuiltSite } from '../../review-model/synth';
import { loadCatalogue } from '../../site-model/loader';
import { SITES_DIR } from '../helpers';

const SITES = loadCatalogue(SITES_DIR);

/** Capacity as the platform stack's pool descriptors state it, by pool. */
function descriptorCapacity(
  built: BuiltSite,
): Map<string, { accelerators: number; acceleratorMemoryGB: number | null; bf16DenseFlops: number | null; acceleratorPowerW: number | null }> {
  const out = new Map<string, { accelerators: number; acceleratorMemoryGB: number | null; bf16DenseFlops: number | null; acceleratorPowerW: number | null }>();
  for (const r of resourcesOf(built.snapshot)) {
    const name = (r.config.metadata as { name?: string } | undefined)?.name ?? '';
    const data = r.config.data as Record<string, string> | undefined;
    if (r.type !== 'kubernetes_config_map_v1' || !name.startsWith('pool-') || !data?.['pool.json']) continue;
    out.set(name.slice('pool-'.length), (JSON.parse(data['pool.json']) as { capacity: never }).capacity);
  }
  return out;
}

describe.each(SITES.map((s) => [s.spec.id, s] as const))('review of %s', (_id, site) => {
  let built: BuiltSite;
  let review: SiteReview;
  let markdown: string;
  beforeAll(() => {
    built = synthesizeSite(site);
    review = reviewSite(site, built, DEFAULT_ASSUMPTIONS);
    markdown = reviewMarkdown(review);
  });

  test('renders every section, and its JSON round-trips', () => {
    const headings = markdown.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Capacity',
      '## Scheduling',
      '## Storage',
      '## Software',
      '## Before you deploy',
      '## Deployment',
      '## Energy',
      '## EU AI Act compute',
      '## Appendix: inputs, formulas and assumptions',
    ]);
    expect(markdown).not.toMatch(/undefined|NaN|\[object Object\]/);
    expect(JSON.parse(JSON.stringify(review))).toEqual(review);
  });

  test("each pool's capacity is the capacity its descriptor deploys", () => {
    const deployed = descriptorCapacity(built);
    expect([...deployed.keys()].sort()).toEqual(review.capacity.pools.map((p) => p.pool).sort());
    for (const p of review.capacity.pools) {
      const d = deployed.get(p.pool)!;
      expect([p.pool, p.accelerators, p.memoryGB]).toEqual([p.pool, d.accelerators, d.acceleratorMemoryGB]);
      if (d.bf16DenseFlops === null) expect(p.bf16PeakPflops).toBeNull();
      else expect((p.bf16PeakPflops ?? NaN) * 1e15).toBeCloseTo(d.bf16DenseFlops, -9);
      const energy = review.energy.pools.find((e) => e.pool === p.pool)!;
      expect(energy.acceleratorPowerKw === null ? null : energy.acceleratorPowerKw * 1000).toEqual(
        d.acceleratorPowerW === null ? null : expect.closeTo(d.acceleratorPowerW, 6),
      );
    }
    expect(review.capacity.total.accelerators).toBe(Object.values(site.spec.gpuPools).reduce((n, p) => n + p.nodes * p.acceleratorsPerNode, 0));
  });

  test('lists stacks in deploy order, each with the resources it synthesizes', () => {
    const names = review.deployment.stacks.map((s) => s.name);
    expect(names).toEqual([`${site.spec.id}-platform`, `${site.spec.id}-workloads`]);
    for (const s of review.deployment.stacks) {
      for (const d of s.dependsOn) expect(names.indexOf(d)).toBeLessThan(names.indexOf(s.name));
      expect(s.resources).toBe(resourcesOf(built.snapshot).filter((r) => r.stack === s.name).length);
      expect(s.backend.type).toBe(site.spec.state.backend);
    }
    expect(review.deployment.command).toBe(`SITE=${site.spec.id} npx cdktf deploy ${names.join(' ')}`);
  });

  test('names every Secret once, with a command that checks it', () => {
    const keys = review.beforeDeploy.secrets.map((s) => `${s.cluster}/${s.namespace}/${s.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of review.beforeDeploy.secrets) expect(s.check).toMatch(new RegExp(`^kubectl --context \\S+ get secret -n ${s.namespace} ${s.name}$`));
    const accounting = site.spec.scheduler.slurm?.accounting;
    if (accounting) expect(review.beforeDeploy.secrets.map((s) => s.name)).toContain(accounting.passwordSecret.name);
    for (const lab of Object.values(built.stacks.workloads.storage.labs)) {
      for (const name of lab.requiredSecrets) expect(keys).toContain(`${site.labs[lab.labName].cluster}/${lab.namespace.name}/${name}`);
    }
  });

  test('gives every pool its labels, taint and owner counts, and Slurm-owned nodes their Slinky annotations', () => {
    for (const p of review.beforeDeploy.pools) {
      const pool = site.pools[p.pool];
      expect(p.labels['ai-factory.eu/pool']).toBe(p.pool);
      expect(p.taint).toBe(`ai-factory.eu/pool=${p.pool}:NoSchedule`);
      expect(p.owners.reduce((n, o) => n + o.nodes, 0)).toBe(pool.spec.nodes);
      if (pool.slurm && pool.ownership.slurm > 0) {
        expect(p.slinky?.first['nodeset.slinky.slurm.net/hostname-override']).toBe(`${p.pool}-0`);
        expect(p.slinky?.last['nodeset.slinky.slurm.net/hostname-override']).toBe(`${p.pool}-${pool.ownership.slurm - 1}`);
      } else {
        expect(p.slinky).toBeUndefined();
      }
    }
  });
});

describe('JUPITER (de-jaif)', () => {
  const site = SITES.find((s) => s.spec.id === 'de-jaif')!;
  const facts = siteFacts({ site: 'de-jaif', model: modelJson(site), stacks: [] });

  test('the Booster is 5,938 nodes of 4 GH200, the 23,752 GH200 JSC publishes', () => {
    // https://apps.fz-juelich.de/jsc/hps/jupiter/configuration.html: 5,938 booster nodes with 4 NVIDIA GH200 each.
    const booster = facts.pools.booster;
    expect([booster.accelerator.id, booster.nodes, booster.acceleratorsPerNode, booster.capacity.accelerators]).toEqual(['nvidia-gh200', 5938, 4, 23_752]);
    expect(booster.accelerator.name).toBe(ACCELERATORS['nvidia-gh200'].name);
    // Published facts, not reference design: the site file lists none of them under assumptions.
    for (const field of ['accelerator', 'nodes', 'acceleratorsPerNode']) expect(Object.keys(facts.assumptions)).not.toContain(`gpuPools.booster.${field}`);
    // 23,752 x 989 TFLOP/s dense BF16 = 23,490.728 PFLOP/s.
    expect(booster.capacity.bf16PeakPflops).toBeCloseTo(23_490.728, 6);
  });

  test('the rest of the site is the reference-design inference pool, marked as such', () => {
    const row = catalogueRow(facts, DEFAULT_ASSUMPTIONS);
    expect(row.accelerators).toBe(23_752 + 64); // + 16 x 4 GH200 of the assumed JARVIS stand-in
    expect(Object.keys(facts.assumptions)).toEqual(expect.arrayContaining(['gpuPools.inference.nodes', 'gpuPools.inference.accelerator']));
  });
});

describe('the catalogue table', () => {
  test('has one row per site and totals that add them up', () => {
    const rows = SITES.map((s) => catalogueRow(siteFacts({ site: s.spec.id, model: modelJson(s), stacks: [] }), DEFAULT_ASSUMPTIONS));
    const md = catalogueMarkdown(rows, DEFAULT_ASSUMPTIONS);
    const lines = md.split('\n').filter((l) => l.startsWith('| '));
    expect(lines).toHaveLength(2 + SITES.length + 1); // header, alignment, sites, total
    const total = rows.reduce((n, r) => n + r.accelerators, 0);
    expect(lines[lines.length - 1]).toContain(`| ${total.toLocaleString('en-US')} |`);
    for (const s of SITES) expect(md).toContain(`| ${s.spec.id} | ${s.spec.name} |`);
    // The gigafactory holds about 100,000 accelerators.
    expect(rows.find((r) => r.kind === 'gigafactory')?.accelerators).toBeGreaterThan(95_000);
  });
});
