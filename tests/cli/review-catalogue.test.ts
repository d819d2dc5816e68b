/**
 * Every catalogue site's review renders, and its figures agree with what the stacks deploy:
 * each pool's capacity in the review equals the capacity its descriptor ConfigMaps carry (one
 * per cell for a pool in cells), the stacks come in deploy order, every Secret appears once.
 * JUPITER's capacity matches its published accelerator count and model; the gigafactory's
 * review covers its cells.
 */
import { ACCELERATORS } from '../../constructs/gpu/accelerators';
import { DEFAULT_ASSUMPTIONS } from '../../review-model/assumptions';
import { siteFacts } from '../../review-model/facts';
import { catalogueMarkdown, reviewMarkdown } from '../../review-model/markdown';
import { catalogueRow, reviewSite, type SiteReview } from '../../review-model/site-review';
import { resourcesOf } from '../../review-model/snapshot';
import { modelJson, synthesizeSite, type BuiltSite } from '../../review-model/synth';
import { loadCatalogue } from '../../site-model/loader';
import type { SiteModel } from '../../site-model/resolve';
import { SITES_DIR } from '../helpers';

const SITES = loadCatalogue(SITES_DIR);

/** Capacity as the platform stacks' pool descriptors state it, by pool: a pool in cells adds up its cells' descriptors. */
function descriptorCapacity(
  built: BuiltSite,
): Map<string, { accelerators: number; acceleratorMemoryGB: number | null; bf16DenseFlops: number | null; acceleratorPowerW: number | null }> {
  const out = new Map<string, { accelerators: number; acceleratorMemoryGB: number | null; bf16DenseFlops: number | null; acceleratorPowerW: number | null }>();
  for (const r of resourcesOf(built.snapshot)) {
    const name = (r.config.metadata as { name?: string } | undefined)?.name ?? '';
    const data = r.config.data as Record<string, string> | undefined;
    if (r.type !== 'kubernetes_config_map_v1' || !name.startsWith('pool-') || !data?.['pool.json']) continue;
    const capacity = (
      JSON.parse(data['pool.json']) as {
        capacity: { accelerators: number; acceleratorMemoryGB: number | null; bf16DenseFlops: number | null; acceleratorPowerW: number | null };
      }
    ).capacity;
    const pool = name.slice('pool-'.length);
    const seen = out.get(pool);
    const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
    out.set(
      pool,
      seen
        ? {
            accelerators: seen.accelerators + capacity.accelerators,
            acceleratorMemoryGB: add(seen.acceleratorMemoryGB, capacity.acceleratorMemoryGB),
            bf16DenseFlops: add(seen.bf16DenseFlops, capacity.bf16DenseFlops),
            acceleratorPowerW: add(seen.acceleratorPowerW, capacity.acceleratorPowerW),
          }
        : capacity,
    );
  }
  return out;
}

/** The model that holds a cluster's pools: the site's, or a cell's. */
const ownerOf = (site: SiteModel, cluster: string): SiteModel => site.cells.find((c) => c.name === cluster)?.site ?? site;

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
    const cells = site.cells.flatMap((c) => [`${site.spec.id}-${c.name}-platform`, `${site.spec.id}-${c.name}-workloads`]);
    expect(names).toEqual([`${site.spec.id}-platform`, `${site.spec.id}-workloads`, ...cells]);
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
    // slurmdbd's password in the namespace of each Slurm cluster, the cells' included.
    const slurmClusters = [...site.slurm, ...site.cells.flatMap((c) => c.site.slurm)];
    if (accounting) for (const s of slurmClusters) expect(keys).toContain(`${s.kubernetesCluster}/slurm/${accounting.passwordSecret.name}`);
    for (const lab of Object.values(built.stacks.workloads.storage.labs)) {
      for (const name of lab.requiredSecrets) expect(keys).toContain(`${site.labs[lab.labName].cluster}/${lab.namespace.name}/${name}`);
    }
    // Each cell's kubeconfig, in the manager's Kueue namespace.
    for (const c of site.cells) {
      const secret = review.beforeDeploy.secrets.find((s) => s.name === c.kubeconfigSecret);
      expect(secret).toMatchObject({ cluster: c.cluster, namespace: 'kueue-system', keys: ['kubeconfig'] });
    }
  });

  test('gives every pool its labels, taint and owner counts, and Slurm-owned nodes their Slinky annotations', () => {
    for (const p of review.beforeDeploy.pools) {
      // A pool in cells is listed once per cell, with the cell's part of it.
      const pool = ownerOf(site, p.cluster).pools[p.pool];
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
    // Every node of every pool is listed once: the cells' parts add up to the pool.
    for (const pool of Object.values(site.pools)) {
      const rows = review.beforeDeploy.pools.filter((p) => p.pool === pool.name);
      expect(rows.reduce((n, p) => n + p.nodes, 0)).toBe(pool.spec.nodes);
    }
  });
});

describe('the reference gigafactory as cells plus a manager', () => {
  const site = SITES.find((s) => s.spec.id === 'eu-ref-gigafactory')!;
  const cells = site.cells.map((c) => c.name);
  let review: SiteReview;
  let markdown: string;
  beforeAll(() => {
    review = reviewSite(site, synthesizeSite(site), DEFAULT_ASSUMPTIONS);
    markdown = reviewMarkdown(review);
  });

  test('deploys twelve stacks: the manager and inference, then each cell platform before its workloads', () => {
    expect(cells).toEqual(['training-c01', 'training-c02', 'training-c03', 'training-c04', 'training-c05']);
    const stacks = review.deployment.stacks;
    expect(stacks).toHaveLength(12);
    for (const cell of cells) {
      expect(stacks.find((s) => s.name === `eu-ref-gigafactory-${cell}-workloads`)?.dependsOn).toEqual([`eu-ref-gigafactory-${cell}-platform`]);
    }
  });

  test('schedules with one Slurm cluster per cell, and Kueue on the manager and in every cell', () => {
    expect(review.scheduling.slurm.map((s) => [s.kubernetesCluster, s.clusterName, s.accounting])).toEqual(
      cells.map((c) => [c, `eu-ref-gigafactory-${c}`, true]),
    );
    const kueueClusters = review.scheduling.kueue.map((k) => k.cluster);
    expect(kueueClusters).toEqual(expect.arrayContaining(['training', ...cells]));
    expect(review.software.kubernetes.clusters.filter((c) => cells.includes(c.cluster)).map((c) => c.field)).toEqual(
      cells.map(() => 'clusters.training.kubernetesVersion'),
    );
  });

  test("lists the training pool's nodes cell by cell, each cell's Slurm names from 0", () => {
    const training = review.beforeDeploy.pools.filter((p) => p.pool === 'training');
    expect(training.map((p) => p.cluster)).toEqual(cells);
    for (const p of training) {
      const part = ownerOf(site, p.cluster).pools.training;
      expect(p.nodes).toBe(part.spec.nodes);
      expect(p.labels['ai-factory.eu/pool']).toBe('training');
      expect(p.owners.map((o) => [o.value, o.nodes])).toEqual([
        ['slurm', part.ownership.slurm],
        ['kubernetes', part.ownership.kubernetes],
      ]);
      expect(p.slinky?.last['nodeset.slinky.slurm.net/hostname-override']).toBe(`training-${part.ownership.slurm - 1}`);
    }
  });

  test("asks for each cell's kubeconfig Secret in the manager, and each cell's slurmdbd password, with the commands that check them", () => {
    for (const cell of cells) {
      expect(markdown).toContain(`kubectl --context eu-ref-gigafactory-training get secret -n kueue-system multikueue-${cell}`);
      expect(markdown).toContain(`kubectl --context eu-ref-gigafactory-${cell} get secret -n slurm slurmdbd-db`);
    }
    const kubeconfigs = review.beforeDeploy.secrets.filter((s) => s.name.startsWith('multikueue-'));
    expect(kubeconfigs.map((s) => [s.cluster, s.namespace, s.name, s.keys])).toEqual(
      cells.map((c) => ['training', 'kueue-system', `multikueue-${c}`, ['kubeconfig']]),
    );
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
