import type { TerraformStack } from 'cdktf';
import type { ClusterTarget } from '../../../constructs/core/cluster-target';
import { ACCELERATOR_IDS, ACCELERATORS, type AcceleratorModel } from '../../../constructs/gpu/accelerators';
import { GpuNodePool, type GpuNodePoolProps, type PoolCapacity } from '../../../constructs/gpu/gpu-node-pool';
import { H100_POOL, resourceCounts, resourceNamed, synthJson, type SynthJson, testStack, thrownBy } from '../../helpers';

const POOL = 'ai-factory.eu/pool';
const H100 = ACCELERATORS['nvidia-h100-sxm'];
const MI250X = ACCELERATORS['amd-mi250x'];

/** Required props of an H100 pool; tests override what they exercise. */
const BASE = H100_POOL;

/** What the descriptor ConfigMap `pool-<name>` says, parsed. */
interface Descriptor {
  readonly accelerator: string;
  readonly nodes: number;
  readonly acceleratorsPerNode: number;
  readonly resourceName: string;
  readonly nodeLabels: Record<string, string>;
  readonly taint: Record<string, string>;
  readonly capacity: PoolCapacity;
  readonly fabric: Record<string, number> | null;
  readonly topologyLevels: string[];
  readonly ownership: { label: string; nodes: Record<string, number>; slurmNodes: string };
}

function descriptorMap(json: SynthJson, poolName: string, namespace = 'aif-system') {
  return resourceNamed(json, 'kubernetes_config_map_v1', `pool-${poolName}`, namespace) as {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    data: Record<string, string>;
  };
}

function descriptor(json: SynthJson, poolName: string, namespace?: string): Descriptor {
  return JSON.parse(descriptorMap(json, poolName, namespace).data['pool.json']) as Descriptor;
}

/**
 * Capacity of `nodes` x `perNode` accelerators of `model`, worked out from the catalogue entry:
 * software counts devices (two per MI250X), capacity counts physical accelerators, and an
 * unpublished figure stays unknown.
 */
function expectedCapacity(model: AcceleratorModel, nodes: number, perNode: number): PoolCapacity {
  const accelerators = nodes * perNode;
  return {
    nodes,
    accelerators,
    schedulableUnits: accelerators * model.devicesPerAccelerator,
    acceleratorMemoryGB: model.memoryGB === null ? null : model.memoryGB * accelerators,
    bf16DenseFlops: model.bf16DenseTflops === null ? null : model.bf16DenseTflops * accelerators * 1e12,
    acceleratorPowerW: model.maxPowerW === null ? null : model.maxPowerW * accelerators,
  };
}

/** Capacities are equal; FLOP/s to 12 significant digits, since the product's rounding depends on its order. */
function expectCapacity(actual: PoolCapacity, expected: PoolCapacity): void {
  expect({ ...actual, bf16DenseFlops: null }).toEqual({ ...expected, bf16DenseFlops: null });
  if (expected.bf16DenseFlops === null) expect(actual.bf16DenseFlops).toBeNull();
  else expect(Math.abs((actual.bf16DenseFlops ?? 0) - expected.bf16DenseFlops) / expected.bf16DenseFlops).toBeLessThan(1e-12);
}

describe('GpuNodePool', () => {
  describe('defaults: an exclusive H100 pool', () => {
    let pool: GpuNodePool;
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      pool = new GpuNodePool(stack, 'Pool', { ...BASE, target });
      json = synthJson(stack);
    });

    test('exactly one resource: the descriptor ConfigMap pool-h100 in aif-system, with the site and pool labels', () => {
      expect(resourceCounts(json)).toEqual({ kubernetes_config_map_v1: 1 });
      const map = descriptorMap(json, 'h100');
      expect(map.metadata).toEqual({
        name: 'pool-h100',
        namespace: 'aif-system',
        labels: { 'app.kubernetes.io/managed-by': 'ai-factory-cdk', 'ai-factory.eu/site': 'xx-test', [POOL]: 'h100' },
      });
      expect(Object.keys(map.data)).toEqual(['pool.json']);
    });

    test('pool.json tells node provisioning the labels, the taint, the capacity and that there is no fabric', () => {
      const d = descriptor(json, 'h100');
      expect({ ...d, capacity: undefined }).toEqual({
        accelerator: 'nvidia-h100-sxm',
        nodes: 4,
        acceleratorsPerNode: 8,
        resourceName: 'nvidia.com/gpu',
        nodeLabels: { [POOL]: 'h100' },
        taint: { key: POOL, operator: 'Equal', value: 'h100', effect: 'NoSchedule' },
        capacity: undefined,
        fabric: null,
        topologyLevels: [],
        // Without a stated ownership, Kubernetes owns every node.
        ownership: { label: 'ai-factory.eu/owner', nodes: { slurm: 0, kubernetes: 4 }, slurmNodes: 'first' },
      });
      expectCapacity(d.capacity, expectedCapacity(H100, 4, 8));
      // The descriptor says what the construct exposes to schedulers and reports.
      expect(d.capacity).toEqual(pool.capacity);
    });

    test('whole GPUs: one unit per GPU, under the vendor resource, with no sharing labels', () => {
      expect(pool.sharing).toEqual({ mode: 'exclusive' });
      expect(pool.resourceName).toBe(H100.resourceName);
      expect(pool.unitsPerAccelerator).toBe(1);
      expect(pool.schedulableUnits).toBe(4 * 8);
      expect(pool.nodeLabels).toEqual({ [POOL]: 'h100' });
      expect(pool.devicePluginConfigName).toBeUndefined();
      expect(pool.migConfigName).toBeUndefined();
    });

    test('workloads select the pool and tolerate its taint and the vendor GPU taint', () => {
      expect(pool.nodeSelectorFor('kubernetes')).toEqual({ [POOL]: 'h100', 'ai-factory.eu/owner': 'kubernetes' });
      expect(pool.taint).toEqual({ key: POOL, operator: 'Equal', value: 'h100', effect: 'NoSchedule' });
      expect(pool.tolerations).toEqual([
        { key: POOL, operator: 'Equal', value: 'h100', effect: 'NoSchedule' },
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ]);
    });

    test('each unit comes with its share of the node: CPUs and host memory per GPU', () => {
      expect(pool.cpusPerUnit).toBe(112 / 8);
      expect(pool.memoryGiBPerUnit).toBe(2048 / 8);
    });

    test('no fabric, so no topology levels', () => {
      expect(pool.fabric).toBeUndefined();
      expect(pool.topologyLevels).toEqual([]);
    });

    test('the props are kept as given', () => {
      expect([pool.poolName, pool.model, pool.nodes, pool.acceleratorsPerNode, pool.cpusPerNode, pool.memoryGiBPerNode, pool.interconnect]).toEqual([
        'h100',
        H100,
        4,
        8,
        112,
        2048,
        'infiniband',
      ]);
    });
  });

  describe('sharing modes', () => {
    // H100 80GB MIG profiles: seven 1g.10gb or two 3g.40gb instances per GPU
    // (https://docs.nvidia.com/datacenter/tesla/mig-user-guide/, supported profiles of H100 80GB).
    const MIG_1G_PER_GPU = 7;
    const MIG_3G_PER_GPU = 2;
    const REPLICAS = 4;
    let pools: Record<'whole' | 'mig1g' | 'mig3g' | 'shared', GpuNodePool>;
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      pools = {
        whole: new GpuNodePool(stack, 'Whole', { ...BASE, target, poolName: 'whole', sharing: { mode: 'exclusive' } }),
        mig1g: new GpuNodePool(stack, 'Mig1g', { ...BASE, target, poolName: 'mig-1g', sharing: { mode: 'mig', profile: '1g.10gb' } }),
        mig3g: new GpuNodePool(stack, 'Mig3g', { ...BASE, target, poolName: 'mig-3g', nodes: 2, sharing: { mode: 'mig', profile: '3g.40gb' } }),
        shared: new GpuNodePool(stack, 'Shared', { ...BASE, target, poolName: 'shared', nodes: 3, sharing: { mode: 'time-slicing', replicas: REPLICAS } }),
      };
      json = synthJson(stack);
    });

    test('one descriptor per pool, nothing else', () => {
      expect(resourceCounts(json)).toEqual({ kubernetes_config_map_v1: 4 });
    });

    test('exclusive, given explicitly, is the default: whole GPUs under nvidia.com/gpu', () => {
      const p = pools.whole;
      expect([p.resourceName, p.unitsPerAccelerator, p.schedulableUnits]).toEqual(['nvidia.com/gpu', 1, 4 * 8]);
      expect(p.nodeLabels).toEqual({ [POOL]: 'whole' });
      expect(descriptor(json, 'whole').resourceName).toBe('nvidia.com/gpu');
    });

    test('MIG: instances of the profile per GPU, the mixed-strategy resource, and the MIG layout as a node label', () => {
      const p = pools.mig1g;
      expect(p.resourceName).toBe('nvidia.com/mig-1g.10gb');
      expect(p.unitsPerAccelerator).toBe(MIG_1G_PER_GPU);
      expect(p.schedulableUnits).toBe(4 * 8 * MIG_1G_PER_GPU);
      expect(p.migConfigName).toBe('all-1g.10gb');
      expect(p.devicePluginConfigName).toBeUndefined();
      expect(p.nodeLabels).toEqual({ [POOL]: 'mig-1g', 'nvidia.com/mig.config': 'all-1g.10gb' });
      expect(p.cpusPerUnit).toBe(112 / (8 * MIG_1G_PER_GPU));
      expect(p.memoryGiBPerUnit).toBe(2048 / (8 * MIG_1G_PER_GPU));

      const q = pools.mig3g;
      expect([q.resourceName, q.unitsPerAccelerator, q.schedulableUnits]).toEqual(['nvidia.com/mig-3g.40gb', MIG_3G_PER_GPU, 2 * 8 * MIG_3G_PER_GPU]);
      expect(q.nodeLabels).toEqual({ [POOL]: 'mig-3g', 'nvidia.com/mig.config': 'all-3g.40gb' });
    });

    test('MIG: the descriptor carries the MIG label and counts instances, while capacity still counts physical GPUs', () => {
      const d = descriptor(json, 'mig-1g');
      expect(d.resourceName).toBe('nvidia.com/mig-1g.10gb');
      expect(d.nodeLabels).toEqual({ [POOL]: 'mig-1g', 'nvidia.com/mig.config': 'all-1g.10gb' });
      expect([d.capacity.accelerators, d.capacity.schedulableUnits, d.capacity.acceleratorMemoryGB]).toEqual([
        4 * 8,
        4 * 8 * MIG_1G_PER_GPU,
        4 * 8 * (H100.memoryGB ?? NaN),
      ]);
    });

    test('time-slicing: replicas per GPU under the renamed .shared resource, and the device-plugin config as a node label', () => {
      const p = pools.shared;
      expect(p.resourceName).toBe('nvidia.com/gpu.shared');
      expect(p.unitsPerAccelerator).toBe(REPLICAS);
      expect(p.schedulableUnits).toBe(3 * 8 * REPLICAS);
      expect(p.devicePluginConfigName).toBe('shared');
      expect(p.migConfigName).toBeUndefined();
      expect(p.nodeLabels).toEqual({ [POOL]: 'shared', 'nvidia.com/device-plugin.config': 'shared' });
      expect(p.cpusPerUnit).toBe(112 / (8 * REPLICAS));
      const d = descriptor(json, 'shared');
      expect([d.resourceName, d.nodeLabels, d.capacity.schedulableUnits]).toEqual(['nvidia.com/gpu.shared', p.nodeLabels, 3 * 8 * REPLICAS]);
    });

    test('sharing changes neither the taint nor the tolerations: every mode tolerates the vendor GPU taint', () => {
      for (const [name, p] of Object.entries({ whole: pools.whole, 'mig-1g': pools.mig1g, shared: pools.shared })) {
        expect(p.taint).toEqual({ key: POOL, operator: 'Equal', value: name, effect: 'NoSchedule' });
        expect(p.tolerations).toEqual([p.taint, { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
        expect(descriptor(json, name).taint).toEqual(p.taint);
      }
    });
  });

  describe('fabric', () => {
    const SPINE = 'ai-factory.eu/spine';
    const LEAF = 'ai-factory.eu/leaf';
    const NVLINK = 'ai-factory.eu/nvlink-domain';
    const HOST = 'kubernetes.io/hostname';
    const fabrics = {
      tree: { nodesPerLeafSwitch: 4, leafSwitchesPerSpine: 2, nodesPerNvlinkDomain: 2 },
      leaves: { nodesPerLeafSwitch: 16 },
      nvl: { nodesPerNvlinkDomain: 18 },
    };
    let pools: Record<keyof typeof fabrics, GpuNodePool>;
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      pools = {
        tree: new GpuNodePool(stack, 'Tree', { ...BASE, target, poolName: 'tree', fabric: fabrics.tree }),
        leaves: new GpuNodePool(stack, 'Leaves', { ...BASE, target, poolName: 'leaves', fabric: fabrics.leaves }),
        nvl: new GpuNodePool(stack, 'Nvl', {
          ...BASE,
          target,
          poolName: 'nvl',
          accelerator: 'nvidia-gb200-nvl72',
          acceleratorsPerNode: 4,
          fabric: fabrics.nvl,
        }),
      };
      json = synthJson(stack);
    });

    test('spine, leaf and NVLink domain become topology levels, widest first, ending with the host', () => {
      expect(pools.tree.topologyLevels).toEqual([SPINE, LEAF, NVLINK, HOST]);
    });

    test('only the levels the fabric describes appear', () => {
      expect(pools.leaves.topologyLevels).toEqual([LEAF, HOST]);
      expect(pools.nvl.topologyLevels).toEqual([NVLINK, HOST]);
    });

    test('the descriptor carries the fabric and its levels', () => {
      for (const name of ['tree', 'leaves', 'nvl'] as const) {
        const d = descriptor(json, name);
        expect([name, d.fabric, d.topologyLevels]).toEqual([name, fabrics[name], pools[name].topologyLevels]);
      }
      expect(pools.tree.fabric).toEqual(fabrics.tree);
    });
  });

  describe('descriptorNamespace', () => {
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      new GpuNodePool(stack, 'Pool', { ...BASE, target, descriptorNamespace: 'site-ops' });
      json = synthJson(stack);
    });

    test('puts the descriptor in the given namespace instead of aif-system', () => {
      expect(resourceCounts(json)).toEqual({ kubernetes_config_map_v1: 1 });
      expect(descriptorMap(json, 'h100', 'site-ops').metadata.namespace).toBe('site-ops');
      expect(() => descriptorMap(json, 'h100', 'aif-system')).toThrow('found 0');
    });
  });

  describe('MI250X: two devices per accelerator', () => {
    const NODES = 3;
    const PER_NODE = 4;
    let pool: GpuNodePool;
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      pool = new GpuNodePool(stack, 'Pool', {
        ...BASE,
        target,
        poolName: 'mi250x',
        accelerator: 'amd-mi250x',
        nodes: NODES,
        acceleratorsPerNode: PER_NODE,
        cpusPerNode: 64,
        memoryGiBPerNode: 512,
        interconnect: 'slingshot',
      });
      json = synthJson(stack);
    });

    test('the catalogue says two devices (GCDs) per MI250X', () => {
      expect(MI250X.devicesPerAccelerator).toBe(2);
    });

    test('Kubernetes schedules devices: units, and the CPUs and memory per unit, count both GCDs', () => {
      expect(pool.unitsPerAccelerator).toBe(MI250X.devicesPerAccelerator);
      expect(pool.schedulableUnits).toBe(NODES * PER_NODE * MI250X.devicesPerAccelerator);
      expect(pool.cpusPerUnit).toBe(64 / (PER_NODE * MI250X.devicesPerAccelerator));
      expect(pool.memoryGiBPerUnit).toBe(512 / (PER_NODE * MI250X.devicesPerAccelerator));
    });

    test('capacity counts physical accelerators, with the per-accelerator figures of the catalogue', () => {
      expectCapacity(pool.capacity, expectedCapacity(MI250X, NODES, PER_NODE));
      expect(pool.capacity.accelerators).toBe(NODES * PER_NODE);
      expect(descriptor(json, 'mi250x').capacity).toEqual(pool.capacity);
    });

    test('AMD resource name, and the AMD GPU taint tolerated', () => {
      expect(pool.resourceName).toBe('amd.com/gpu');
      expect(pool.tolerations[1]).toEqual({ key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
      expect(descriptor(json, 'mi250x')).toMatchObject({ accelerator: 'amd-mi250x', resourceName: 'amd.com/gpu', nodes: NODES, acceleratorsPerNode: PER_NODE });
    });
  });

  describe('capacity of every accelerator in the catalogue', () => {
    const NODES = 5;
    const perNode = (m: AcceleratorModel) => m.typicalPerNode ?? 4;
    let pools: Record<string, GpuNodePool>;
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      pools = Object.fromEntries(
        ACCELERATOR_IDS.map((id) => [
          id,
          new GpuNodePool(stack, id, { ...BASE, target, poolName: id, accelerator: id, nodes: NODES, acceleratorsPerNode: perNode(ACCELERATORS[id]) }),
        ]),
      );
      json = synthJson(stack);
    });

    test('one descriptor per pool', () => {
      expect(resourceCounts(json)).toEqual({ kubernetes_config_map_v1: ACCELERATOR_IDS.length });
    });

    test.each(ACCELERATOR_IDS.map((id) => [id]))('%s: capacity, units and resource name follow its catalogue entry', (id) => {
      const model = ACCELERATORS[id];
      const pool = pools[id];
      expectCapacity(pool.capacity, expectedCapacity(model, NODES, perNode(model)));
      expect(descriptor(json, id).capacity).toEqual(pool.capacity);
      expect(pool.schedulableUnits).toBe(NODES * perNode(model) * model.devicesPerAccelerator);
      expect(pool.resourceName).toBe(model.resourceName);
    });

    test('an unpublished figure stays unknown (null), never zero', () => {
      const unknownPower = ACCELERATOR_IDS.filter((id) => ACCELERATORS[id].maxPowerW === null);
      const unknownFlops = ACCELERATOR_IDS.filter((id) => ACCELERATORS[id].bf16DenseTflops === null);
      // The catalogue has such entries (e.g. MI300A power, MI430X compute), so this checks something.
      expect(unknownPower.length).toBeGreaterThan(0);
      expect(unknownFlops.length).toBeGreaterThan(0);
      for (const id of unknownPower) expect([id, descriptor(json, id).capacity.acceleratorPowerW]).toEqual([id, null]);
      for (const id of unknownFlops) expect([id, descriptor(json, id).capacity.bf16DenseFlops]).toEqual([id, null]);
    });
  });

  describe('node agent tolerations', () => {
    let pools: Record<'h100' | 'h200' | 'mi300' | 'mig', GpuNodePool>;
    const taint = (pool: string) => ({ key: POOL, operator: 'Equal', value: pool, effect: 'NoSchedule' });
    const NVIDIA = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
    const AMD = { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
    beforeAll(() => {
      const { stack, target } = testStack();
      pools = {
        h100: new GpuNodePool(stack, 'H100', { ...BASE, target }),
        h200: new GpuNodePool(stack, 'H200', { ...BASE, target, poolName: 'h200', accelerator: 'nvidia-h200-sxm' }),
        mi300: new GpuNodePool(stack, 'Mi300', { ...BASE, target, poolName: 'mi300', accelerator: 'amd-mi300x' }),
        mig: new GpuNodePool(stack, 'Mig', { ...BASE, target, poolName: 'mig', sharing: { mode: 'mig', profile: '1g.10gb' } }),
      };
    });

    test("an agent on one pool's nodes tolerates its taint and its vendor's GPU taint", () => {
      expect(pools.h100.nodeAgentTolerations).toEqual([taint('h100'), NVIDIA]);
      expect(pools.mi300.nodeAgentTolerations).toEqual([taint('mi300'), AMD]);
      // MIG changes the resource, not the taints.
      expect(pools.mig.nodeAgentTolerations).toEqual([taint('mig'), NVIDIA]);
    });

    test("the cluster's list holds every pool's taint, in pool order, and each vendor's GPU taint once", () => {
      expect(GpuNodePool.nodeAgentTolerations([pools.h100, pools.h200, pools.mi300, pools.mig])).toEqual([
        taint('h100'),
        NVIDIA,
        taint('h200'),
        taint('mi300'),
        AMD,
        taint('mig'),
      ]);
    });

    test('a cluster without pools needs no toleration', () => {
      expect(GpuNodePool.nodeAgentTolerations([])).toEqual([]);
    });
  });

  describe('ownership: a pool split between Slurm and Kubernetes', () => {
    let pool: GpuNodePool;
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      pool = new GpuNodePool(stack, 'Pool', { ...BASE, target, ownership: { slurm: 3, kubernetes: 1 } });
      json = synthJson(stack);
    });

    test("each owner's workloads select the pool and their owner, never the other's nodes", () => {
      expect(pool.nodeSelectorFor('slurm')).toEqual({ [POOL]: 'h100', 'ai-factory.eu/owner': 'slurm' });
      expect(pool.nodeSelectorFor('kubernetes')).toEqual({ [POOL]: 'h100', 'ai-factory.eu/owner': 'kubernetes' });
    });

    test('units by owner add up to the pool', () => {
      expect([pool.unitsOwnedBy('slurm'), pool.unitsOwnedBy('kubernetes')]).toEqual([24, 8]);
      expect(pool.unitsOwnedBy('slurm') + pool.unitsOwnedBy('kubernetes')).toBe(pool.schedulableUnits);
    });

    test('pool.json tells node provisioning how many nodes get each owner label, Slurm first', () => {
      expect(descriptor(json, 'h100').ownership).toEqual({ label: 'ai-factory.eu/owner', nodes: { slurm: 3, kubernetes: 1 }, slurmNodes: 'first' });
      // The owner varies by node, so it is not among the labels every node carries.
      expect(descriptor(json, 'h100').nodeLabels).toEqual({ [POOL]: 'h100' });
    });
  });

  describe('validation', () => {
    let stack: TerraformStack;
    let target: ClusterTarget;
    let n = 0;
    beforeAll(() => {
      ({ stack, target } = testStack());
    });
    /** The error of a pool built with `props` over the H100 base (a fresh construct id each time). */
    const errorOf = (props: Partial<GpuNodePoolProps>) => thrownBy(() => new GpuNodePool(stack, `Pool${n++}`, { ...BASE, target, ...props }));

    test('an accelerator that is not in the catalogue', () => {
      expect(errorOf({ accelerator: 'nvidia-h999' })).toBe('GpuNodePool h100: accelerator nvidia-h999 is not in the catalogue');
    });

    test.each([[0], [-2], [2.5]])('nodes must be a whole number >= 1: %p', (nodes) => {
      expect(errorOf({ nodes })).toBe(`GpuNodePool h100: nodes must be a whole number >= 1, got ${nodes}`);
    });

    test.each([[0], [1.5]])('acceleratorsPerNode must be a whole number >= 1: %p', (acceleratorsPerNode) => {
      expect(errorOf({ acceleratorsPerNode })).toBe(`GpuNodePool h100: acceleratorsPerNode must be a whole number >= 1, got ${acceleratorsPerNode}`);
    });

    test.each([
      [{ slurm: 3, kubernetes: 3 }, 'slurm 3 and kubernetes 3'],
      [{ slurm: 1, kubernetes: 2 }, 'slurm 1 and kubernetes 2'],
      [{ slurm: -1, kubernetes: 5 }, 'slurm -1 and kubernetes 5'],
    ])('ownership must give each node one owner: %p', (ownership, got) => {
      expect(errorOf({ ownership })).toBe(`GpuNodePool h100: ownership must give each of the 4 nodes one owner, got ${got}`);
    });

    test('MIG on a part without MIG', () => {
      expect(errorOf({ poolName: 'mi250x', accelerator: 'amd-mi250x', sharing: { mode: 'mig', profile: '1g.10gb' } })).toBe(
        'GpuNodePool mi250x: amd-mi250x does not support MIG; use exclusive or time-slicing',
      );
      expect(errorOf({ poolName: 'mi300x', accelerator: 'amd-mi300x', sharing: { mode: 'mig', profile: '1g.10gb' } })).toBe(
        'GpuNodePool mi300x: amd-mi300x does not support MIG; use exclusive or time-slicing',
      );
    });

    test('every problem of the props is reported at once', () => {
      expect(errorOf({ accelerator: 'nvidia-h999', nodes: 0, acceleratorsPerNode: 1.5 })).toBe(
        'GpuNodePool h100: accelerator nvidia-h999 is not in the catalogue; nodes must be a whole number >= 1, got 0; acceleratorsPerNode must be a whole number >= 1, got 1.5',
      );
      expect(errorOf({ accelerator: 'intel-gaudi3', nodes: 0, sharing: { mode: 'mig', profile: '1g.10gb' } })).toBe(
        'GpuNodePool h100: nodes must be a whole number >= 1, got 0; intel-gaudi3 does not support MIG; use exclusive or time-slicing',
      );
    });

    test.each([['H100'], ['h100_a'], ['-h100'], ['h100-'], ['x'.repeat(64)]])('the pool name must be a DNS-1123 label: %p', (poolName) => {
      expect(errorOf({ poolName })).toBe(
        `"${poolName}" is not a valid Kubernetes name (DNS-1123 label: lower-case letters, digits and "-", at most 63 characters)`,
      );
    });

    test('a 63-character pool name is accepted', () => {
      expect(new GpuNodePool(stack, 'Longest', { ...BASE, target, poolName: 'x'.repeat(63) }).poolName).toBe('x'.repeat(63));
    });

    test('a MIG profile that does not fit the GPU is rejected, naming both sizes', () => {
      expect(errorOf({ sharing: { mode: 'mig', profile: '7g.100gb' } })).toBe('7g.100gb needs 100 GB but the GPU has 80 GB');
    });
  });
});
