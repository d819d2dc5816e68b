import { parse } from 'yaml';
import { GpuNodePool, type GpuNodePoolProps } from '../../../../constructs/gpu/gpu-node-pool';
import { KueueController } from '../../../../constructs/scheduling/kueue/kueue-controller';
import { MultiKueueManager } from '../../../../constructs/scheduling/kueue/multikueue';
import {
  CPU_FLAVOR_NAME,
  CPU_NODE_LABELS,
  KUEUE_API,
  kueueConfiguration,
  KueueQueues,
  MANAGED_NAMESPACE_SELECTOR,
  nodeShape,
  MULTIKUEUE_MANAGER_FRAMEWORKS,
  UNQUOTED_RESOURCE_PREFIXES,
  type KueueQueuesProps,
} from '../../../../constructs/scheduling/kueue/kueue-queues';
import { Tenant, type TenantGpuQuota } from '../../../../constructs/tenancy/tenant';
import { H100_POOL, releaseValues, resourceCounts, resources, siteSpec, synthJson, type SynthJson, synthSite, testStack, thrownBy } from '../../../helpers';

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
};
type FlavorQuota = { name: string; resources: { name: string; nominalQuota: string; borrowingLimit?: string }[] };
type ResourceGroup = { coveredResources: string[]; flavors: FlavorQuota[] };
type Selector = {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
};

/** A quantity Kueue is given, in whole base units: CPU in millicores, memory in MiB, GPUs as counted. */
function baseUnits(resource: string, quantity: string): number {
  const m = /^(\d+)(m|Mi|Gi)?$/.exec(quantity);
  if (!m) throw new Error(`unexpected quantity ${quantity}`);
  const n = Number(m[1]);
  if (resource === 'cpu' && (m[2] === undefined || m[2] === 'm')) return m[2] === 'm' ? n : n * 1000;
  if (resource === 'memory' && (m[2] === 'Gi' || m[2] === 'Mi')) return m[2] === 'Gi' ? n * 1024 : n;
  if (m[2] === undefined) return n;
  throw new Error(`unexpected quantity ${quantity} for ${resource}`);
}

/** Whether a label selector matches a set of labels, as Kubernetes evaluates it. */
function selects(selector: Selector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    if (e.operator === 'Exists') return e.key in labels;
    if (e.operator === 'DoesNotExist') return !(e.key in labels);
    if (e.operator === 'In') return e.key in labels && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'NotIn') return !(e.key in labels) || !(e.values ?? []).includes(labels[e.key]);
    throw new Error(`unknown operator ${e.operator}`);
  });
  return byLabels && byExpressions;
}

function manifests(json: SynthJson, kind: string): Manifest[] {
  return resources(json, 'kubernetes_manifest')
    .map((r) => r.manifest as Manifest)
    .filter((m) => m.kind === kind);
}

/** The kubernetes_manifest resource (with its depends_on) of a Kueue object. */
function manifestResource(json: SynthJson, kind: string, name: string): { depends_on?: string[] } {
  const found = resources(json, 'kubernetes_manifest').filter((r) => {
    const m = r.manifest as Manifest;
    return m.kind === kind && m.metadata.name === name;
  });
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/** Required props of an H100 pool; tests override what they exercise. */
const H100 = H100_POOL;
const MIG: Omit<GpuNodePoolProps, 'target'> = { ...H100, poolName: 'mig', nodes: 2, interconnect: 'ethernet', sharing: { mode: 'mig', profile: '1g.10gb' } };
const labels = { 'app.kubernetes.io/managed-by': 'ai-factory-cdk', 'ai-factory.eu/site': 'xx-test' };

interface QueuesOptions {
  readonly pools?: readonly Omit<GpuNodePoolProps, 'target'>[];
  /** GPU quotas per tenant name, per pool name. */
  readonly tenants?: Readonly<Record<string, Readonly<Record<string, { guaranteed: number; max: number }>>>>;
  readonly props?: Partial<KueueQueuesProps>;
}

/** A stack with pools, tenants and their Kueue queues, synthesized. */
function kueueQueues(options: QueuesOptions = {}) {
  const { stack, target } = testStack();
  const pools = Object.fromEntries((options.pools ?? [H100]).map((p) => [p.poolName, new GpuNodePool(stack, `Pool-${p.poolName}`, { ...p, target })]));
  const tenants = Object.entries(options.tenants ?? { acme: { h100: { guaranteed: 8, max: 16 } } }).map(([name, quotas]) => {
    const gpuQuotas: TenantGpuQuota[] = Object.entries(quotas).map(([pool, q]) => ({ pool: pools[pool], ...q }));
    return new Tenant(stack, `Tenant-${name}`, {
      target,
      siteId: 'xx-test',
      tenantName: name,
      kind: 'startup',
      groups: { admins: [`${name}-admins`], members: [], viewers: [] },
      gpuQuotas,
    });
  });
  const queues = new KueueQueues(stack, 'Kueue', { target, siteId: 'xx-test', pools: Object.values(pools), tenants, cohort: 'xx-test', ...options.props });
  return { queues, json: synthJson(stack) };
}

/** Flavor quotas of a ClusterQueue's (single) resource group. */
function flavorsOf(cq: Manifest): FlavorQuota[] {
  return (cq.spec.resourceGroups as ResourceGroup[])[0].flavors;
}

/** The CPU flavor's quotas for a tenant whose namespace allows `cpus` CPUs and `memoryGiB` GiB, and no GPU of `gpuResources`. */
function cpuFlavor(cpus: number, memoryGiB: number, gpuResources: string[]): FlavorQuota {
  return {
    name: 'cpu',
    resources: [
      { name: 'cpu', nominalQuota: String(cpus), borrowingLimit: '0' },
      { name: 'memory', nominalQuota: `${memoryGiB}Gi`, borrowingLimit: '0' },
      ...gpuResources.map((name) => ({ name, nominalQuota: '0', borrowingLimit: '0' })),
    ],
  };
}

describe('KueueQueues', () => {
  describe('defaults: one pool, one tenant', () => {
    let json: SynthJson;
    let queues: KueueQueues;
    beforeAll(() => {
      ({ json, queues } = kueueQueues());
    });

    test('exactly two ResourceFlavors (the pool and CPU nodes), a Cohort, a ClusterQueue and a LocalQueue', () => {
      expect(resourceCounts(json).kubernetes_manifest).toBe(5);
      expect(
        resources(json, 'kubernetes_manifest')
          .map((r) => [(r.manifest as Manifest).apiVersion, (r.manifest as Manifest).kind])
          .sort(),
      ).toEqual([
        [KUEUE_API, 'ClusterQueue'],
        [KUEUE_API, 'Cohort'],
        [KUEUE_API, 'LocalQueue'],
        [KUEUE_API, 'ResourceFlavor'],
        [KUEUE_API, 'ResourceFlavor'],
      ]);
      expect(KUEUE_API).toBe('kueue.x-k8s.io/v1beta2');
    });

    test('one ResourceFlavor per pool, selecting and tolerating its nodes, and one selecting CPU nodes', () => {
      expect(manifests(json, 'ResourceFlavor')).toEqual([
        {
          apiVersion: 'kueue.x-k8s.io/v1beta2',
          kind: 'ResourceFlavor',
          metadata: { name: 'cpu', labels },
          spec: { nodeLabels: { 'ai-factory.eu/node-class': 'cpu' } },
        },
        {
          apiVersion: 'kueue.x-k8s.io/v1beta2',
          kind: 'ResourceFlavor',
          metadata: { name: 'h100', labels },
          spec: {
            nodeLabels: { 'ai-factory.eu/pool': 'h100', 'ai-factory.eu/owner': 'kubernetes' },
            tolerations: [
              { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' },
              { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
            ],
          },
        },
      ]);
      expect([CPU_FLAVOR_NAME, CPU_NODE_LABELS]).toEqual(['cpu', { 'ai-factory.eu/node-class': 'cpu' }]);
    });

    test('a ClusterQueue per tenant: the CPU flavor first, then guaranteed as nominal quota and the rest up to max as borrowing limit', () => {
      const [cq] = manifests(json, 'ClusterQueue');
      expect(cq.metadata).toEqual({ name: 'tenant-acme', labels: { ...labels, 'ai-factory.eu/tenant': 'acme' } });
      expect(cq.spec).toEqual({
        namespaceSelector: { matchLabels: { 'ai-factory.eu/tenant': 'acme' } },
        cohortName: 'xx-test',
        queueingStrategy: 'BestEffortFIFO',
        fairSharing: { weight: '1' },
        // No borrowWithinCohort: Kueue ignores it under fair sharing.
        preemption: { reclaimWithinCohort: 'Any', withinClusterQueue: 'LowerPriority' },
        resourceGroups: [
          {
            coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
            flavors: [
              // The namespace's ResourceQuota: 16 GPUs' CPU and memory plus 16 CPUs and 64 GiB.
              cpuFlavor(16 * 14 + 16, 16 * 256 + 64, ['nvidia.com/gpu']),
              {
                name: 'h100',
                resources: [
                  { name: 'cpu', nominalQuota: String(8 * 14), borrowingLimit: String(8 * 14) },
                  { name: 'memory', nominalQuota: `${8 * 256}Gi`, borrowingLimit: `${8 * 256}Gi` },
                  { name: 'nvidia.com/gpu', nominalQuota: '8', borrowingLimit: '8' },
                ],
              },
            ],
          },
        ],
      });
      expect(queues.clusterQueues).toEqual({ acme: 'tenant-acme' });
    });

    test("the Cohort's own quota is what no tenant is guaranteed: 24 of 32 GPUs, with their CPU and memory", () => {
      expect(manifests(json, 'Cohort')).toEqual([
        {
          apiVersion: KUEUE_API,
          kind: 'Cohort',
          metadata: { name: 'xx-test', labels },
          spec: {
            resourceGroups: [
              {
                coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
                flavors: [
                  {
                    name: 'h100',
                    resources: [
                      { name: 'cpu', nominalQuota: String(4 * 112 - 8 * 14) },
                      { name: 'memory', nominalQuota: `${4 * 2048 - 8 * 256}Gi` },
                      { name: 'nvidia.com/gpu', nominalQuota: '24' },
                    ],
                  },
                ],
              },
            ],
          },
        },
      ]);
      expect(queues.cohortName).toBe('xx-test');
    });

    test("the CPU flavor's quota is the CPU and memory the tenant's ResourceQuota allows", () => {
      const hard = resources(json, 'kubernetes_resource_quota_v1').map((r) => (r.spec as { hard: Record<string, string> }).hard);
      expect(hard).toHaveLength(1);
      const cpu = flavorsOf(manifests(json, 'ClusterQueue')[0]).find((f) => f.name === 'cpu');
      expect(cpu?.resources.slice(0, 2).map((r) => r.nominalQuota)).toEqual([hard[0]['requests.cpu'], hard[0]['requests.memory']]);
    });

    test('a LocalQueue in each tenant namespace points at its ClusterQueue', () => {
      expect(manifests(json, 'LocalQueue').map((m) => [m.metadata.namespace, m.metadata.name, m.spec])).toEqual([
        ['tenant-acme', 'default', { clusterQueue: 'tenant-acme' }],
      ]);
    });

    test('the Cohort waits for the flavors, the ClusterQueue for its flavors and the Cohort, the LocalQueue for the namespace and the ClusterQueue', () => {
      const kinds = (deps: string[] | undefined) => (deps ?? []).map((d) => d.split('.')[0]).sort();
      expect(kinds(manifestResource(json, 'Cohort', 'xx-test').depends_on)).toEqual(['kubernetes_manifest']);
      expect(kinds(manifestResource(json, 'ClusterQueue', 'tenant-acme').depends_on)).toEqual([
        'kubernetes_manifest',
        'kubernetes_manifest',
        'kubernetes_manifest',
      ]);
      expect(kinds(manifestResource(json, 'LocalQueue', 'default').depends_on)).toEqual(['kubernetes_manifest', 'kubernetes_namespace_v1']);
    });
  });

  describe('a MIG pool beside a whole-GPU pool, two tenants', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = kueueQueues({
        pools: [H100, MIG],
        tenants: { acme: { h100: { guaranteed: 8, max: 16 }, mig: { guaranteed: 14, max: 28 } }, uni: { h100: { guaranteed: 8, max: 32 } } },
      }));
    });

    test('one ResourceFlavor per pool, each with its own nodes, and the CPU flavor', () => {
      expect(manifests(json, 'ResourceFlavor').map((m) => [m.metadata.name, m.spec.nodeLabels])).toEqual([
        ['cpu', { 'ai-factory.eu/node-class': 'cpu' }],
        ['h100', { 'ai-factory.eu/pool': 'h100', 'ai-factory.eu/owner': 'kubernetes' }],
        ['mig', { 'ai-factory.eu/pool': 'mig', 'ai-factory.eu/owner': 'kubernetes' }],
      ]);
    });

    test('MIG and whole-GPU pools share one resource group, each flavor quoting only its own GPU kind', () => {
      const byName = Object.fromEntries(manifests(json, 'ClusterQueue').map((m) => [m.metadata.name, m]));
      const [group] = byName['tenant-acme'].spec.resourceGroups as ResourceGroup[];
      expect(group.coveredResources).toEqual(['cpu', 'memory', 'nvidia.com/gpu', 'nvidia.com/mig-1g.10gb']);
      expect(group.flavors).toEqual([
        cpuFlavor(16 * 14 + 28 * 2 + 16, 16 * 256 + 28 * (2048 / 56) + 64, ['nvidia.com/gpu', 'nvidia.com/mig-1g.10gb']),
        {
          name: 'h100',
          resources: [
            { name: 'cpu', nominalQuota: '112', borrowingLimit: '112' },
            { name: 'memory', nominalQuota: '2048Gi', borrowingLimit: '2048Gi' },
            { name: 'nvidia.com/gpu', nominalQuota: '8', borrowingLimit: '8' },
            { name: 'nvidia.com/mig-1g.10gb', nominalQuota: '0', borrowingLimit: '0' },
          ],
        },
        {
          name: 'mig',
          resources: [
            // 7 instances per GPU: each 1g.10gb instance comes with 1/56 of the node.
            { name: 'cpu', nominalQuota: '28', borrowingLimit: '28' },
            { name: 'memory', nominalQuota: '512Gi', borrowingLimit: '512Gi' },
            { name: 'nvidia.com/gpu', nominalQuota: '0', borrowingLimit: '0' },
            { name: 'nvidia.com/mig-1g.10gb', nominalQuota: '14', borrowingLimit: '14' },
          ],
        },
      ]);
    });

    test("a tenant's flavors are the CPU flavor and the pools it has quota in", () => {
      const uni = manifests(json, 'ClusterQueue').find((m) => m.metadata.name === 'tenant-uni');
      expect(flavorsOf(uni!).map((f) => f.name)).toEqual(['cpu', 'h100']);
      expect(flavorsOf(uni!)[1].resources.find((r) => r.name === 'nvidia.com/gpu')).toEqual({
        name: 'nvidia.com/gpu',
        nominalQuota: '8',
        borrowingLimit: '24',
      });
    });

    test('every tenant gets its own ClusterQueue and LocalQueue', () => {
      expect(manifests(json, 'ClusterQueue').map((m) => m.metadata.name)).toEqual(['tenant-acme', 'tenant-uni']);
      expect(manifests(json, 'LocalQueue').map((m) => [m.metadata.namespace, m.spec.clusterQueue])).toEqual([
        ['tenant-acme', 'tenant-acme'],
        ['tenant-uni', 'tenant-uni'],
      ]);
    });

    test("the Cohort holds each pool's unguaranteed units: 16 of 32 H100s and 98 of 112 MIG instances", () => {
      const [cohort] = manifests(json, 'Cohort');
      const units = (cohort.spec.resourceGroups as ResourceGroup[])[0].flavors.map((f) => [
        f.name,
        f.resources.filter((r) => r.name.startsWith('nvidia.com/')).map((r) => r.nominalQuota),
      ]);
      expect(units).toEqual([
        ['h100', ['16', '0']],
        ['mig', ['0', '98']],
      ]);
    });
  });

  describe('quotas add up', () => {
    // 5 of 56 MIG instances per node: CPU and memory that do not divide evenly.
    const tenants = {
      acme: { h100: { guaranteed: 8, max: 16 }, mig: { guaranteed: 5, max: 10 } },
      uni: { h100: { guaranteed: 12, max: 32 }, mig: { guaranteed: 33, max: 112 } },
      lab: { h100: { guaranteed: 0, max: 4 } },
    };
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = kueueQueues({ pools: [H100, MIG], tenants }));
    });

    test("for every pool and resource, the ClusterQueues' nominal quotas and the Cohort's own add up to the pool's capacity", () => {
      const capacity: Record<string, Record<string, number>> = {
        h100: { cpu: 4 * 112 * 1000, memory: 4 * 2048 * 1024, 'nvidia.com/gpu': 32, 'nvidia.com/mig-1g.10gb': 0 },
        mig: { cpu: 2 * 112 * 1000, memory: 2 * 2048 * 1024, 'nvidia.com/gpu': 0, 'nvidia.com/mig-1g.10gb': 112 },
      };
      const sum: Record<string, Record<string, number>> = { h100: {}, mig: {} };
      const add = (flavors: FlavorQuota[]) => {
        for (const f of flavors.filter((x) => x.name !== 'cpu')) {
          for (const r of f.resources) sum[f.name][r.name] = (sum[f.name][r.name] ?? 0) + baseUnits(r.name, r.nominalQuota);
        }
      };
      manifests(json, 'ClusterQueue').forEach((cq) => add(flavorsOf(cq)));
      add((manifests(json, 'Cohort')[0].spec.resourceGroups as ResourceGroup[])[0].flavors);
      expect(sum).toEqual(capacity);
    });

    test('CPU and memory that do not divide evenly are rounded down in nominal quotas and up in borrowing limits', () => {
      const acme = flavorsOf(manifests(json, 'ClusterQueue').find((m) => m.metadata.name === 'tenant-acme')!).find((f) => f.name === 'mig');
      // 5/56 of a node of 112 CPUs and 2048 GiB: 10 CPUs and 187,245.7 MiB.
      expect(acme?.resources.slice(0, 2)).toEqual([
        { name: 'cpu', nominalQuota: '10', borrowingLimit: '10' },
        { name: 'memory', nominalQuota: '187245Mi', borrowingLimit: '187246Mi' },
      ]);
    });

    test("every tenant can reach its max: its borrowing limit fits in the Cohort's quota and the others' guarantees", () => {
      const cqs = manifests(json, 'ClusterQueue');
      const cohort = (manifests(json, 'Cohort')[0].spec.resourceGroups as ResourceGroup[])[0].flavors;
      for (const cq of cqs) {
        for (const f of flavorsOf(cq).filter((x) => x.name !== 'cpu')) {
          for (const r of f.resources) {
            const lendable =
              baseUnits(r.name, cohort.find((c) => c.name === f.name)!.resources.find((c) => c.name === r.name)!.nominalQuota) +
              cqs
                .filter((other) => other !== cq)
                .flatMap((other) => flavorsOf(other).filter((o) => o.name === f.name))
                .reduce((total, o) => total + baseUnits(r.name, o.resources.find((c) => c.name === r.name)!.nominalQuota), 0);
            expect([cq.metadata.name, f.name, r.name, baseUnits(r.name, r.borrowingLimit!) <= lendable]).toEqual([cq.metadata.name, f.name, r.name, true]);
          }
        }
        const tenant = cq.metadata.name.slice('tenant-'.length) as keyof typeof tenants;
        for (const [pool, q] of Object.entries(tenants[tenant])) {
          const gpu = flavorsOf(cq)
            .find((f) => f.name === pool)!
            .resources.find((r) => r.name === (pool === 'mig' ? 'nvidia.com/mig-1g.10gb' : 'nvidia.com/gpu'))!;
          expect(Number(gpu.nominalQuota) + Number(gpu.borrowingLimit)).toBe(q.max);
        }
      }
    });
  });

  describe('guarantees above capacity (oversubscription.gpu)', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = kueueQueues({ tenants: { acme: { h100: { guaranteed: 20, max: 32 } }, uni: { h100: { guaranteed: 20, max: 32 } } } }));
    });

    test('leave the Cohort no quota of the pool, rather than a negative one', () => {
      const [flavor] = (manifests(json, 'Cohort')[0].spec.resourceGroups as ResourceGroup[])[0].flavors;
      expect(flavor.resources.map((r) => r.nominalQuota)).toEqual(['0', '0', '0']);
    });
  });

  describe('props: cohort and fairSharing, a tenant without GPU quota', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = kueueQueues({ tenants: { acme: { h100: { guaranteed: 8, max: 16 } }, idle: {} }, props: { cohort: 'eu-shared', fairSharing: false } }));
    });

    test('the cohort names the Cohort and the ClusterQueues join it', () => {
      expect(manifests(json, 'Cohort').map((m) => m.metadata.name)).toEqual(['eu-shared']);
      expect(manifests(json, 'ClusterQueue').map((cq) => cq.spec.cohortName)).toEqual(['eu-shared', 'eu-shared']);
    });

    test('without fair sharing, ClusterQueues carry no weight and preempt lower priorities to borrow', () => {
      for (const cq of manifests(json, 'ClusterQueue')) {
        expect([cq.metadata.name, cq.spec.fairSharing, cq.spec.preemption]).toEqual([
          cq.metadata.name,
          undefined,
          { reclaimWithinCohort: 'Any', borrowWithinCohort: { policy: 'LowerPriority' }, withinClusterQueue: 'LowerPriority' },
        ]);
      }
    });

    test('a tenant without GPU quota still gets queues, and the CPU flavor for its CPU-only pods', () => {
      const idle = manifests(json, 'ClusterQueue').find((m) => m.metadata.name === 'tenant-idle');
      expect(idle?.spec.resourceGroups).toEqual([{ coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'], flavors: [cpuFlavor(16, 64, ['nvidia.com/gpu'])] }]);
      expect(manifests(json, 'LocalQueue').map((m) => m.metadata.namespace)).toEqual(['tenant-acme', 'tenant-idle']);
    });
  });

  describe('a pool with a fabric', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = kueueQueues({ pools: [{ ...H100, fabric: { nodesPerLeafSwitch: 2, leafSwitchesPerSpine: 2, nodesPerNvlinkDomain: 1 } }] }));
    });

    test('gets a Topology of its fabric levels, and its flavor uses it', () => {
      expect(manifests(json, 'Topology').map((m) => [m.metadata.name, m.spec])).toEqual([
        ['cpu-nodes', { levels: [{ nodeLabel: 'kubernetes.io/hostname' }] }],
        [
          'h100-fabric',
          {
            levels: [
              { nodeLabel: 'ai-factory.eu/spine' },
              { nodeLabel: 'ai-factory.eu/leaf' },
              { nodeLabel: 'ai-factory.eu/nvlink-domain' },
              { nodeLabel: 'kubernetes.io/hostname' },
            ],
          },
        ],
      ]);
      expect(resourceCounts(json).kubernetes_manifest).toBe(7);
    });

    test('the ClusterQueue stays topology-only: its CPU flavor has a Topology of hosts, on the same nodes', () => {
      expect(manifests(json, 'ResourceFlavor').map((m) => [m.metadata.name, m.spec.nodeLabels, m.spec.topologyName])).toEqual([
        ['cpu-topology', { 'ai-factory.eu/node-class': 'cpu' }, 'cpu-nodes'],
        ['h100', { 'ai-factory.eu/pool': 'h100', 'ai-factory.eu/owner': 'kubernetes' }, 'h100-fabric'],
      ]);
      expect(flavorsOf(manifests(json, 'ClusterQueue')[0]).map((f) => f.name)).toEqual(['cpu-topology', 'h100']);
    });
  });

  describe('a pool with a fabric beside one without', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = kueueQueues({
        pools: [{ ...H100, fabric: { nodesPerLeafSwitch: 2 } }, MIG],
        tenants: { acme: { h100: { guaranteed: 8, max: 16 } }, uni: { h100: { guaranteed: 8, max: 16 }, mig: { guaranteed: 7, max: 14 } }, idle: {} },
      }));
    });

    test('a ClusterQueue whose pools all have a topology gets the CPU flavor with one; any other, the plain one', () => {
      expect(manifests(json, 'ClusterQueue').map((cq) => [cq.metadata.name, flavorsOf(cq).map((f) => f.name)])).toEqual([
        ['tenant-acme', ['cpu-topology', 'h100']],
        ['tenant-idle', ['cpu']],
        ['tenant-uni', ['cpu', 'h100', 'mig']],
      ]);
      expect(
        manifests(json, 'ResourceFlavor')
          .map((m) => m.metadata.name)
          .sort(),
      ).toEqual(['cpu', 'cpu-topology', 'h100', 'mig']);
    });
  });

  describe('validation', () => {
    test('a pool named like a CPU flavor is rejected', () => {
      expect(thrownBy(() => kueueQueues({ pools: [{ ...H100, poolName: 'cpu' }], tenants: { acme: { cpu: { guaranteed: 8, max: 16 } } } }))).toMatch(
        /^KueueQueues .*: pool "cpu" has the name of a ResourceFlavor of CPU-only nodes; rename the pool$/,
      );
      expect(thrownBy(() => kueueQueues({ pools: [{ ...H100, poolName: 'cpu-topology' }], tenants: {} }))).toMatch(/: pool "cpu-topology" has the name of/);
    });
  });
});

describe('a MultiKueue manager and its cells', () => {
  test("the manager's quota is the cells' total, in CPU and memory too, where a unit's share of a node is no whole GiB", () => {
    // 894 GiB and 144 cores over 4 GPUs a node: 223.5 GiB a GPU. Two cells of 4 nodes; the
    // tenant is guaranteed 5 GPUs in one and 4 in the other, 9 (an odd count) in all.
    const pool = { ...H100_POOL, nodes: 4, acceleratorsPerNode: 4, cpusPerNode: 144, memoryGiBPerNode: 894 };
    const cellQuotas = [5, 4];
    const cells = cellQuotas.map((guaranteed, i) => {
      const { stack, target } = testStack(`cell${i}`);
      const gpuPool = new GpuNodePool(stack, 'Pool', { ...pool, target });
      const tenant = new Tenant(stack, 'Tenant', {
        target,
        siteId: 'xx-test',
        tenantName: 'acme',
        kind: 'startup',
        groups: { admins: [], members: [], viewers: [] },
        gpuQuotas: [{ pool: gpuPool, guaranteed, max: 16 }],
      });
      new KueueQueues(stack, 'Kueue', { target, siteId: 'xx-test', pools: [gpuPool], tenants: [tenant], cohort: 'xx-test' });
      return { json: synthJson(stack), gpuPool };
    });
    const { stack, target } = testStack('manager');
    new MultiKueueManager(stack, 'MultiKueue', {
      target,
      siteId: 'xx-test',
      name: 'xx-test-main',
      workers: [
        { name: 'cell0', kubeconfigSecret: 'multikueue-cell0' },
        { name: 'cell1', kubeconfigSecret: 'multikueue-cell1' },
      ],
      pools: [{ name: 'h100', resourceName: 'nvidia.com/gpu', units: 32, node: nodeShape(cells[0].gpuPool) }],
      tenants: [{ name: 'acme', namespace: 'tenant-acme', quotas: [{ pool: 'h100', guaranteed: 9, max: 32 }], cpuOnly: { cpu: 4, memoryGiB: 16 } }],
      cohort: 'xx-test',
    });
    const nominal = (json: SynthJson, resource: string) => {
      const cq = manifests(json, 'ClusterQueue')[0];
      const flavor = (cq.spec.resourceGroups as ResourceGroup[])[0].flavors.find((f) => f.name === 'h100')!;
      return baseUnits(resource, flavor.resources.find((r) => r.name === resource)!.nominalQuota);
    };
    for (const resource of ['nvidia.com/gpu', 'cpu', 'memory']) {
      const total = cells.reduce((sum, c) => sum + nominal(c.json, resource), 0);
      expect({ resource, manager: nominal(synthJson(stack), resource) }).toEqual({ resource, manager: total });
    }
    // 9 GPUs of 223.5 GiB: 2,011.5 GiB, which whole GiB would have rounded down to 2,011.
    expect(nominal(synthJson(stack), 'memory')).toBe(9 * 223.5 * 1024);
  });
});

describe('kueueConfiguration', () => {
  test('manages Jobs and pods only in namespaces with the isolation-group label, that is tenant and lab namespaces', () => {
    const config = kueueConfiguration({ fairSharing: true });
    expect(config.managedJobsNamespaceSelector).toEqual({ matchExpressions: [{ key: 'ai-factory.eu/isolation-group', operator: 'Exists' }] });
    expect(config.managedJobsNamespaceSelector).toEqual(MANAGED_NAMESPACE_SELECTOR);
    // Kueue refuses a selector that matches kube-system or its own namespace.
    expect([selects(MANAGED_NAMESPACE_SELECTOR, { 'kubernetes.io/metadata.name': 'kube-system' })]).toEqual([false]);
  });

  test('leaves RDMA devices out of quota', () => {
    expect(kueueConfiguration({ fairSharing: true }).resources).toEqual({ excludeResourcePrefixes: ['rdma/'] });
    expect(UNQUOTED_RESOURCE_PREFIXES).toEqual(['rdma/']);
  });

  test('keeps the chart defaults, waits for whole gangs, and adds fair-sharing preemption only when asked', () => {
    const on = kueueConfiguration({ fairSharing: true });
    expect(on.fairSharing).toEqual({ preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] });
    expect(on.waitForPodsReady).toEqual({ timeout: '10m', blockAdmission: true });
    expect([on.apiVersion, on.kind]).toEqual(['config.kueue.x-k8s.io/v1beta2', 'Configuration']);
    const off = kueueConfiguration({ fairSharing: false });
    expect(off.fairSharing).toBeUndefined();
    expect({ ...on, fairSharing: undefined }).toEqual({ ...off, fairSharing: undefined });
  });

  test('a MultiKueue manager integrates only kinds every cell serves without a CRD; nothing else changes', () => {
    type Frameworks = { integrations: { frameworks: string[] } };
    const manager = kueueConfiguration({ fairSharing: true, multiKueueManager: true }) as Frameworks & Record<string, unknown>;
    const plain = kueueConfiguration({ fairSharing: true }) as Frameworks & Record<string, unknown>;
    expect(manager.integrations.frameworks).toEqual(['batch/job', 'pod', 'deployment', 'statefulset']);
    expect(manager.integrations.frameworks).toEqual([...MULTIKUEUE_MANAGER_FRAMEWORKS]);
    // A worker cluster keeps every integration: tenants may run JobSets there once its CRDs exist.
    expect(plain.integrations.frameworks).toEqual(expect.arrayContaining(['jobset.x-k8s.io/jobset', 'leaderworkerset.x-k8s.io/leaderworkerset']));
    expect(plain.integrations.frameworks.length).toBe(10);
    expect({ ...manager, integrations: undefined }).toEqual({ ...plain, integrations: undefined });
  });
});

describe('KueueController', () => {
  /** A stack with one controller, synthesized, and the Helm values and Kueue Configuration it deploys. */
  function controller(props: { fairSharing?: boolean; serviceMonitor?: boolean; multiKueueManager?: boolean } = {}) {
    const { stack, target } = testStack();
    new KueueController(stack, 'Kueue', { target, ...props });
    const json = synthJson(stack);
    const values = releaseValues(json, 'kueue');
    return { json, values, configuration: parse(values.managerConfig?.controllerManagerConfigYaml ?? '') as unknown };
  }

  describe('defaults', () => {
    let deployed: ReturnType<typeof controller>;
    beforeAll(() => {
      deployed = controller();
    });

    test('the pinned chart runs the Configuration with fair sharing and a ServiceMonitor for the monitoring stack', () => {
      expect(resourceCounts(deployed.json)).toEqual({ helm_release: 1 });
      expect(deployed.configuration).toEqual(kueueConfiguration({ fairSharing: true }));
      expect(deployed.values).toMatchObject({ enablePrometheus: true, metrics: { prometheusNamespace: 'monitoring' } });
    });
  });

  describe('fairSharing: false, serviceMonitor: false', () => {
    let deployed: ReturnType<typeof controller>;
    beforeAll(() => {
      deployed = controller({ fairSharing: false, serviceMonitor: false });
    });

    test('switch fair sharing and the ServiceMonitor off', () => {
      expect(deployed.configuration).toEqual(kueueConfiguration({ fairSharing: false }));
      expect(deployed.values.enablePrometheus).toBe(false);
      expect(deployed.values.metrics).toBeUndefined();
    });
  });

  test('multiKueueManager: the Configuration of a MultiKueue manager', () => {
    const deployed = controller({ multiKueueManager: true });
    expect(deployed.configuration).toEqual(kueueConfiguration({ fairSharing: true, multiKueueManager: true }));
    expect(controller().configuration).toEqual(kueueConfiguration({ fairSharing: true, multiKueueManager: false }));
  });
});

describe('Kueue in a site (stack wiring)', () => {
  describe('the minimal site', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    beforeAll(() => {
      ({ platform, workloads } = synthSite(siteSpec()));
    });

    test('queues go to the workloads stack, in the cohort named after the site, with fair sharing', () => {
      expect(manifests(workloads, 'ResourceFlavor').map((m) => m.metadata.name)).toEqual(['cpu', 'h100']);
      expect(manifests(workloads, 'Cohort').map((m) => m.metadata.name)).toEqual(['xx-minimal']);
      expect(manifests(workloads, 'ClusterQueue').map((m) => [m.metadata.name, m.spec.cohortName, m.spec.fairSharing])).toEqual([
        ['tenant-acme', 'xx-minimal', { weight: '1' }],
      ]);
      expect(manifests(workloads, 'LocalQueue').map((m) => m.metadata.namespace)).toEqual(['tenant-acme']);
      expect(manifests(platform, 'ClusterQueue')).toEqual([]);
    });

    test('the controller goes to the platform stack, with fair sharing', () => {
      const config = parse(releaseValues(platform, 'kueue').managerConfig?.controllerManagerConfigYaml ?? '') as Record<string, unknown>;
      expect(config.fairSharing).toEqual(kueueConfiguration({ fairSharing: true }).fairSharing);
      expect(resources(workloads, 'helm_release').filter((r) => r.name === 'kueue')).toEqual([]);
    });
  });

  describe('a site with its own cohort and without fair sharing', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    beforeAll(() => {
      ({ platform, workloads } = synthSite(siteSpec({ scheduler: { kueue: { cohort: 'eu-shared', fairSharing: false } } })));
    });

    test('the cohort and fair sharing follow the site file, in the queues and the controller', () => {
      const [cq] = manifests(workloads, 'ClusterQueue');
      expect(cq.spec.cohortName).toBe('eu-shared');
      expect(cq.spec.fairSharing).toBeUndefined();
      const config = parse(releaseValues(platform, 'kueue').managerConfig?.controllerManagerConfigYaml ?? '') as Record<string, unknown>;
      expect(config.fairSharing).toBeUndefined();
    });
  });

  describe('a site with a data lab, on an InfiniBand pool', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    let resourceNames: string[];
    beforeAll(() => {
      let stacks: ReturnType<typeof synthSite>['stacks'];
      ({ platform, workloads, stacks } = synthSite(
        siteSpec({
          storageTiers: { object: { role: 'object', capacityTiB: 50, backend: { type: 'rook-ceph', service: 'object' } } },
          dataLabs: { lab: { tenants: ['acme'], pools: ['h100'], objectTier: 'object' } },
          identity: { oidcIssuerUrl: 'https://login.example.eu/realms/aif' },
        }),
      ));
      resourceNames = Object.values(stacks.platform.pools).map((p) => p.resourceName);
    });

    test("Kueue manages Jobs and pods in the tenant and lab namespaces only, never in the platform's or Kubernetes' own", () => {
      const config = parse(releaseValues(platform, 'kueue').managerConfig?.controllerManagerConfigYaml ?? '') as { managedJobsNamespaceSelector: Selector };
      type Meta = { name: string; labels?: Record<string, string> };
      const created = [platform, workloads].flatMap((json) => resources(json, 'kubernetes_namespace_v1').map((r) => r.metadata as Meta));
      // Namespaces Helm creates or installs into carry no label of the project.
      const byHelm = [platform, workloads]
        .flatMap((json) => resources(json, 'helm_release').map((r) => String(r.namespace)))
        .filter((n) => !n.startsWith('${') && !created.some((c) => c.name === n));
      const kubernetes = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
      const all = [...created, ...[...new Set([...byHelm, ...kubernetes])].map((name) => ({ name, labels: {} }))];
      expect(all.length).toBeGreaterThan(10);
      const managed = all.filter((n) => selects(config.managedJobsNamespaceSelector, { ...n.labels, 'kubernetes.io/metadata.name': n.name }));
      expect(managed.map((n) => n.name).sort()).toEqual(['lab-lab', 'tenant-acme']);
    });

    test('every device resource a tenant pod can ask for is covered by every ClusterQueue or left out of quota', () => {
      const [nic] = manifests(workloads, 'NicClusterPolicy');
      const plugin = (nic.spec.rdmaSharedDevicePlugin as { config: string }).config;
      // The RDMA shared device plugin advertises rdma/<resourceName>.
      const rdma = (JSON.parse(plugin) as { configList: { resourceName: string }[] }).configList.map((c) => `rdma/${c.resourceName}`);
      expect(rdma).toEqual(['rdma/rdma_shared_device_a']);
      const cqs = manifests(workloads, 'ClusterQueue');
      const unscheduled = [...resourceNames, ...rdma].filter(
        (r) =>
          !UNQUOTED_RESOURCE_PREFIXES.some((prefix) => r.startsWith(prefix)) &&
          !cqs.every((cq) => (cq.spec.resourceGroups as ResourceGroup[]).some((g) => g.coveredResources.includes(r))),
      );
      expect(unscheduled).toEqual([]);
    });
  });

  describe('a site without the kueue scheduler', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    beforeAll(() => {
      ({ platform, workloads } = synthSite(
        siteSpec({
          scheduler: {
            kueue: null,
            slurm: {
              partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } },
              accounting: { host: 'slurmdbd-db.example.internal', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } },
            },
          },
        }),
      ));
    });

    test('has no Kueue objects and no Kueue controller', () => {
      expect(resources(workloads, 'kubernetes_manifest').filter((r) => String((r.manifest as Manifest).apiVersion).startsWith('kueue'))).toEqual([]);
      expect(resources(platform, 'helm_release').filter((r) => r.name === 'kueue')).toEqual([]);
    });
  });
});
