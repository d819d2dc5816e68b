/**
 * The parts of the rehearsal that need no cluster: simulated nodes from the deployed pool
 * descriptors, the expected-failure rules, and the command line. The rehearsal itself runs
 * in CI (.ci/run) on a real control plane.
 */

import { synthesizedStack } from '../../constructs/charts/stack-file';
import { parseRehearseArgs } from '../../cli/rehearse';
import { countOf, knownDefectOf, KNOWN_DEFECTS, verdict, type CheckResult } from '../../rehearsal/checks';
import { stackObjects } from '../../rehearsal/manifests';
import { clusterNodes, cpuNodes, poolDescriptors, RDMA_RESOURCE } from '../../rehearsal/nodes';
import { cellsToRehearse, failsRun } from '../../rehearsal/rehearse';
import { checkSiteText } from '../../site-model/loader';
import { scaledSiteSpec } from '../../site-model/scale';
import { addSiteStacks } from '../../stacks/site';
import { stackName } from '../../stacks/site-stack';
import { stringify } from 'yaml';
import { siteModel } from '../helpers';
import { memoryApp } from '../../stacks/synth';

type Json = Record<string, unknown>;

describe('simulated nodes', () => {
  const site = siteModel({
    gpuPools: {
      h100: { fabric: { nodesPerLeafSwitch: 2, leafSwitchesPerSpine: 2 } },
      mig: {
        accelerator: 'nvidia-h100-sxm',
        nodes: 3,
        acceleratorsPerNode: 8,
        cpusPerNode: 96,
        memoryGiBPerNode: 1024,
        interconnect: 'ethernet',
        sharing: { mode: 'mig', profile: '1g.10gb' },
      },
    },
  });
  const stacks = addSiteStacks(memoryApp(), site);
  const platform = stackObjects(synthesizedStack(stacks.platform), 'xx-minimal-platform');
  const descriptors = poolDescriptors(platform.manifests.map((o) => o.manifest as Json));
  const pools = clusterNodes(site, 'main', descriptors);
  const node = (pool: string, i: number) =>
    pools.find((p) => p.pool === pool)?.nodes[i] as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { taints: Json[] };
      status: { capacity: Record<string, string> };
    };

  test('come from the descriptor ConfigMaps the platform stack deploys, one per pool', () => {
    expect([...descriptors.keys()].sort()).toEqual(['h100', 'mig']);
    expect(pools.map((p) => [p.pool, p.nodes.length, p.total])).toEqual([
      ['h100', 4, 4],
      ['mig', 3, 3],
    ]);
  });

  test('carry the pool label and taint, and the fabric labels named as Slurm names switches', () => {
    const n = node('h100', 3);
    expect(n.metadata.name).toBe('h100-3');
    expect(n.metadata.labels).toMatchObject({
      'ai-factory.eu/pool': 'h100',
      'ai-factory.eu/leaf': 'h100-leaf1',
      'ai-factory.eu/spine': 'h100-spine0',
      'kubernetes.io/hostname': 'h100-3',
    });
    expect(n.spec.taints).toEqual([{ key: 'ai-factory.eu/pool', value: 'h100', effect: 'NoSchedule' }]);
  });

  test("advertise the pool's resource per node, RDMA on InfiniBand, and the site file's CPU and memory", () => {
    expect(node('h100', 0).status.capacity).toMatchObject({ 'nvidia.com/gpu': '8', [RDMA_RESOURCE]: '63', cpu: '112', memory: '2048Gi' });
    // 8 GPUs x 7 MIG instances of 1g.10gb; no RDMA on Ethernet
    expect(node('mig', 0).status.capacity).toMatchObject({ 'nvidia.com/mig-1g.10gb': '56', cpu: '96', memory: '1024Gi' });
    expect(node('mig', 0).status.capacity[RDMA_RESOURCE]).toBeUndefined();
    expect(node('mig', 0).metadata.labels['nvidia.com/mig.config']).toBe('all-1g.10gb');
  });

  test('a node cap keeps large pools small, and CPU nodes carry no taint', () => {
    expect(clusterNodes(site, 'main', descriptors, { maxNodesPerPool: 2 }).map((p) => [p.pool, p.nodes.length, p.total])).toEqual([
      ['h100', 2, 4],
      ['mig', 2, 3],
    ]);
    expect(cpuNodes(2).map((n) => (n.spec as { taints: unknown[] }).taints)).toEqual([[], []]);
  });

  test('a pool without a deployed descriptor cannot be provisioned', () => {
    expect(() => clusterNodes(site, 'main', new Map())).toThrow(
      'cluster main: the platform stack deploys no descriptor ConfigMap pool-h100, so its nodes cannot be provisioned',
    );
  });
});

describe('expected failures', () => {
  const defects = { 'node-agents': { issue: 11, what: 'node agents do not tolerate the pool taint' } };
  const r = (id: string, passed: boolean): CheckResult => {
    const knownDefect = knownDefectOf(id, defects);
    return { id, cluster: 'main', passed, detail: '', ...(knownDefect ? { knownDefect } : {}) };
  };

  test('a known defect that fails is an expected failure; one that passes fails the run', () => {
    expect([verdict(r('node-agents', false)), failsRun(r('node-agents', false))]).toEqual(['expected failure', false]);
    expect([verdict(r('node-agents', true)), failsRun(r('node-agents', true))]).toEqual(['UNEXPECTED PASS', true]);
    expect(knownDefectOf('node-agents/extra', defects)).toEqual(defects['node-agents']);
  });

  test('any other check fails the run when it fails', () => {
    expect([verdict(r('objects-accepted', false)), failsRun(r('objects-accepted', false))]).toEqual(['FAIL', true]);
    expect(knownDefectOf('node-agentsX', defects)).toBeUndefined();
  });

  test('every known defect in the table names the open issue that fixes it', () => {
    for (const defect of Object.values(KNOWN_DEFECTS)) expect(defect.issue).toBeGreaterThan(10);
  });
});

describe('npm run rehearse arguments', () => {
  test('a site and options', () => {
    expect(parseRehearseArgs(['es-1healthai', '--crds', '/c', '--max-nodes-per-pool=4', '--keep'])).toEqual({
      site: 'es-1healthai',
      crdsDir: '/c',
      maxNodesPerPool: 4,
      keep: true,
    });
  });

  test('--help prints the usage and exits 0; mistakes exit 2 with the reason', () => {
    expect(parseRehearseArgs(['--help'])).toMatchObject({ exit: 0, text: expect.stringMatching(/^usage: aif rehearse <site> \[options\]/) as unknown });
    expect(parseRehearseArgs([])).toMatchObject({ exit: 2, text: expect.stringMatching(/^name a site/) as unknown });
    expect(parseRehearseArgs(['a', '--max-nodes-per-pool', '0'])).toMatchObject({
      exit: 2,
      text: expect.stringMatching(/^--max-nodes-per-pool needs a whole number of at least 1/) as unknown,
    });
    expect(parseRehearseArgs(['a', '--nope'])).toMatchObject({ exit: 2, text: expect.stringMatching(/^unknown option --nope/) as unknown });
  });

  test('--cells all or N; anything else exits 2 with the reason', () => {
    expect(parseRehearseArgs(['a', '--cells', 'all'])).toEqual({ site: 'a', cells: 'all', keep: false });
    expect(parseRehearseArgs(['a', '--cells=2'])).toEqual({ site: 'a', cells: 2, keep: false });
    for (const bad of ['0', 'some', '1.5']) {
      expect(parseRehearseArgs(['a', '--cells', bad])).toMatchObject({
        exit: 2,
        text: expect.stringContaining(`--cells needs all or a whole number of at least 1, got ${bad}`) as unknown,
      });
    }
    expect(parseRehearseArgs(['--help'])).toMatchObject({ text: expect.stringContaining('--cells all|N') as unknown });
  });
});

describe('cells in a rehearsal', () => {
  // The reference gigafactory at 100,000 accelerators in five cells, a sixth of its racks for Kueue.
  const spec = scaledSiteSpec(100_000);
  (spec.gpuPools as Record<string, { owner: unknown }>).training.owner = { slurm: 19_980, kubernetes: 3_996 };
  const site = checkSiteText(stringify(spec, { lineWidth: 0 }), 'sites/eu-ref-gigafactory.yaml').site!;

  test('the first cell by default, the first N, or all; none for a site without cells', () => {
    const names = site.cells.map((c) => c.name);
    expect(names).toHaveLength(5);
    expect(cellsToRehearse(site)).toEqual(['training-c01']);
    expect(cellsToRehearse(site, 2)).toEqual(['training-c01', 'training-c02']);
    expect(cellsToRehearse(site, 9)).toEqual(names);
    expect(cellsToRehearse(site, 'all')).toEqual(names);
    expect(cellsToRehearse(siteModel({}), 'all')).toEqual([]);
  });

  test("a cell is simulated from its own stacks: its part of the pool, with the cell's owners", () => {
    const stacks = addSiteStacks(memoryApp(), site);
    const [cell] = site.cells;
    const objects = stackObjects(synthesizedStack(stacks.cells[cell.name].platform), stackName(site.spec.id, 'platform', cell.name));
    const here = objects.manifests.filter((o) => o.cluster === cell.name).map((o) => o.manifest as Json);
    const [pool] = clusterNodes(cell.site, cell.name, poolDescriptors(here), { maxNodesPerPool: 8 });
    expect([pool.pool, pool.total, pool.nodes.length]).toEqual(['training', cell.nodes, 8]);
    const part = site.pools.training.cells!.find((p) => p.nodes === cell.nodes)!;
    expect(cell.site.pools.training.ownership).toEqual(part.ownership);
    // The manager's own stacks deploy no descriptor of the pool: its nodes are in the cells.
    const manager = stackObjects(synthesizedStack(stacks.platform), stackName(site.spec.id, 'platform'));
    expect(poolDescriptors(manager.manifests.map((o) => o.manifest as Json)).has('training')).toBe(false);
  });
});

describe('quantities read back from the API server', () => {
  test('whole numbers with decimal suffixes, as the server canonicalizes them', () => {
    expect([countOf('95904'), countOf('60k'), countOf('2M')]).toEqual([95904, 60000, 2000000]);
    expect(() => countOf('1.5')).toThrow('not a whole-number quantity: 1.5');
  });
});
