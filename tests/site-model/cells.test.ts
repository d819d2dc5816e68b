/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- parsed YAML and synthesized JSON are untyped */
import { parse, stringify } from 'yaml';
import { fabricBlockNodes, placeInCells, splitAmounts, splitInProportion } from '../../site-model/cells';
import { checkSiteText } from '../../site-model/loader';
import { formatProblem } from '../../site-model/problems';
import { scaledSiteSpec, scaledSiteText, siteAccelerators } from '../../site-model/scale';

const FILE = 'sites/eu-ref-gigafactory.yaml';

/** The reference gigafactory at 100,000 accelerators in cells, with a sixth of its racks given to Kubernetes. */
function splitOwnerGigafactory(): string {
  const site = scaledSiteSpec(100_000);
  site.gpuPools.training.owner = { slurm: 19_980, kubernetes: 3_996 };
  return stringify(site, { lineWidth: 0 });
}

describe('placeInCells', () => {
  const pool = { name: 'training', nodes: 23_976, blockNodes: 18, ownership: { slurm: 19_980, kubernetes: 3_996 } };

  test('places every node of the gigafactory in exactly one of five cells, in whole NVL72 racks, none over 5,000', () => {
    const result = placeInCells([pool], ['a', 'b', 'c', 'd', 'e'], 5000);
    if (!('placement' in result)) throw new Error('no placement');
    const parts = Object.values(result.placement).flat();
    expect(parts.map((p) => p.nodes)).toEqual([4806, 4806, 4788, 4788, 4788]);
    expect(parts.every((p) => p.nodes % 18 === 0 && p.ownership.kubernetes % 18 === 0 && p.ownership.slurm % 18 === 0)).toBe(true);
    expect(parts.reduce((s, p) => s + p.nodes, 0)).toBe(23_976);
    expect(parts.reduce((s, p) => s + p.ownership.kubernetes, 0)).toBe(3_996);
    expect(parts.every((p) => p.ownership.slurm + p.ownership.kubernetes === p.nodes)).toBe(true);
  });

  test('names the number of cells needed when the declared ones cannot hold the pool', () => {
    expect(placeInCells([pool], ['a', 'b', 'c', 'd'], 5000)).toEqual({ needed: 5 });
    // 277 racks of 18 fit in 5,000 nodes, so 1,332 racks need 5 cells; at 4,000 nodes (222 racks), 6.
    expect(placeInCells([pool], ['a'], 4000)).toEqual({ needed: 6 });
  });

  test('keeps blocks of several pools whole and the cells under the limit', () => {
    const pools = [
      { name: 'x', nodes: 64 * 30, blockNodes: 64, ownership: { slurm: 0, kubernetes: 64 * 30 } },
      { name: 'y', nodes: 18 * 50, blockNodes: 18, ownership: { slurm: 18 * 50, kubernetes: 0 } },
    ];
    const result = placeInCells(pools, ['a', 'b', 'c'], 1000);
    if (!('placement' in result)) throw new Error('no placement');
    for (const parts of Object.values(result.placement)) {
      expect(parts.reduce((s, p) => s + p.nodes, 0)).toBeLessThanOrEqual(1000);
      for (const p of parts) expect(p.nodes % (p.pool === 'x' ? 64 : 18)).toBe(0);
    }
    expect(
      Object.values(result.placement)
        .flat()
        .filter((p) => p.pool === 'x')
        .reduce((s, p) => s + p.nodes, 0),
    ).toBe(1920);
  });

  test('a block is the least common multiple of the fabric levels', () => {
    expect(fabricBlockNodes(undefined)).toBe(1);
    expect(fabricBlockNodes({ nodesPerNvlinkDomain: 18 })).toBe(18);
    expect(fabricBlockNodes({ nodesPerLeafSwitch: 32, leafSwitchesPerSpine: 16 })).toBe(512);
    expect(fabricBlockNodes({ nodesPerLeafSwitch: 36, nodesPerNvlinkDomain: 18 })).toBe(36);
  });
});

describe('splitAmounts', () => {
  test('parts add up exactly, and no maximum is below its guarantee', () => {
    for (const [g, m, weights] of [
      [60_000, 95_904, [4806, 4806, 4788, 4788, 4788]],
      [7, 7, [1, 1, 1]],
      [1, 10, [3, 0, 5]],
      [0, 3, [2, 2]],
    ] as const) {
      const parts = splitAmounts({ guaranteed: g, max: m }, weights);
      expect(parts.reduce((s, p) => s + p.guaranteed, 0)).toBe(g);
      expect(parts.reduce((s, p) => s + p.max, 0)).toBe(m);
      expect(parts.every((p) => p.max >= p.guaranteed)).toBe(true);
      weights.forEach((w, i) => w === 0 && expect(parts[i]).toEqual({ guaranteed: 0, max: 0 }));
    }
    expect(splitInProportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
  });
});

describe('cells in a site file', () => {
  test('the site-wide quotas of every tenant add up over the cells, per owner', () => {
    const { site, problems } = checkSiteText(splitOwnerGigafactory(), FILE);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(site!.cells.map((c) => c.name)).toEqual(['training-c01', 'training-c02', 'training-c03', 'training-c04', 'training-c05']);
    for (const tenant of Object.values(site!.tenants)) {
      const q = tenant.gpuQuotas.find((x) => x.pool === 'training');
      if (!q) continue;
      const inCells = site!.cells.map((c) => c.site.tenants[tenant.name].gpuQuotas.find((x) => x.pool === 'training')!);
      for (const owner of ['kubernetes', 'slurm'] as const) {
        expect(inCells.reduce((s, x) => s + x[owner].guaranteed, 0)).toBe(q[owner].guaranteed);
        expect(inCells.reduce((s, x) => s + x[owner].max, 0)).toBe(q[owner].max);
      }
      expect(inCells.reduce((s, x) => s + x.guaranteed, 0)).toBe(q.guaranteed);
      expect(inCells.reduce((s, x) => s + x.max, 0)).toBe(q.max);
    }
  });

  test('each cell runs its own Slurm cluster, whose account limits add up to the site totals', () => {
    const site = checkSiteText(splitOwnerGigafactory(), FILE).site!;
    expect(site.slurm.map((s) => s.kubernetesCluster)).toEqual([]);
    const slurm = site.cells.map((c) => c.site.slurm[0]);
    expect(new Set(slurm.map((s) => s.input.clusterName)).size).toBe(5);
    expect(slurm[0].input.clusterName).toBe('eu-ref-gigafactory-training-c01');
    expect(slurm.reduce((s, x) => s + x.input.pools[0].nodes, 0)).toBe(19_980);
    for (const tenant of Object.values(site.tenants)) {
      const q = tenant.gpuQuotas.find((x) => x.pool === 'training');
      if (!q) continue;
      const limits = slurm.map((s) => (s.input.tenants ?? []).find((t) => t.name === tenant.name)?.maxUnitsByPool.training ?? 0);
      expect(limits.reduce((a, b) => a + b, 0)).toBe(q.slurm.max);
      // The rendered sacctmgr file of each cell carries its part.
      slurm.forEach((s, i) => expect(s.rendering.accounts).toContain(`gres/gpu=${limits[i]}`));
    }
  });

  test('too few cells: a problem at the cells, naming how many are needed', () => {
    const site = scaledSiteSpec(100_000);
    delete site.clusters.training.cells['training-c05'];
    const text = stringify(site, { lineWidth: 0 });
    const line = text.split('\n').findIndex((l) => l.trim() === 'training-c01:') + 1;
    expect(checkSiteText(text, FILE).problems.map(formatProblem)).toEqual([
      `${FILE}:${line} clusters.training.cells: cannot hold the 23,976 nodes of cluster training in whole fabric blocks at most 5,000 nodes per cell: they need 5 cells, the file declares 4, got 4 cells; add 1 more cells under clusters.training.cells, or raise cells.maxNodes`,
    ]);
  });

  test('a split owner that cuts a scalable unit is a problem', () => {
    const site = scaledSiteSpec(100_000);
    // Scalable units of 4 leaves x 36 nodes (144 nodes, 8 NVL72 racks); the owners cut one.
    site.gpuPools.training.fabric = { nodesPerNvlinkDomain: 18, nodesPerLeafSwitch: 36, leafSwitchesPerSpine: 4 };
    site.gpuPools.training.nodes = 23_904;
    site.gpuPools.training.owner = { slurm: 19_944, kubernetes: 3_960 };
    site.tenants['reference-frontier-lab'].gpuQuota.training.max = 95_616;
    const problems = checkSiteText(stringify(site, { lineWidth: 0 }), FILE).problems.map(formatProblem);
    expect(problems).toEqual([expect.stringMatching(/gpuPools\.training\.owner: splits a fabric block of 144 nodes between Slurm and Kubernetes/)]);
  });

  test('a cluster over 5,000 nodes without cells is a warning, not an error', () => {
    const site = scaledSiteSpec(100_000);
    delete site.clusters.training.cells;
    // The reference file states why it has cells; without them that assumption names nothing.
    delete site.assumptions['clusters.training.cells'];
    const check = checkSiteText(stringify(site, { lineWidth: 0 }), FILE);
    expect(check.problems).toEqual([]);
    expect((check.warnings ?? []).map(formatProblem)).toContainEqual(expect.stringMatching(/clusters\.training: holds 23,976 GPU nodes, more than the 5,000/));
  });
});

describe('scaledSiteSpec', () => {
  test.each([1_000, 10_000, 100_000, 1_000_000])('%i accelerators: valid, within 3%% of the size, cells under 5,000 nodes', (n) => {
    const text = scaledSiteText(n);
    const accelerators = siteAccelerators(parse(text));
    expect(Math.abs(accelerators - n) / n).toBeLessThan(0.03);
    const check = checkSiteText(text, FILE);
    expect(check.problems.map(formatProblem)).toEqual([]);
    expect(check.site!.cells.length).toBeGreaterThanOrEqual(1);
    expect(check.site!.cells.every((c) => c.nodes <= 5000 && c.nodes % 18 === 0)).toBe(true);
  });
});
