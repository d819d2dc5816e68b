import { parse } from 'yaml';
import { GpuNodePool, type GpuNodePoolProps } from '../../../../constructs/gpu/gpu-node-pool';
import { KueueController } from '../../../../constructs/scheduling/kueue/kueue-controller';
import { KUEUE_API, kueueConfiguration, KueueQueues, type KueueQueuesProps } from '../../../../constructs/scheduling/kueue/kueue-queues';
import { Tenant, type TenantGpuQuota } from '../../../../constructs/tenancy/tenant';
import { releaseValues, resourceCounts, resources, siteSpec, synthJson, synthSite, testStack, type SynthJson } from '../../../helpers';

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
};
type FlavorQuota = { name: string; resources: { name: string; nominalQuota: string; borrowingLimit: string }[] };
type ResourceGroup = { coveredResources: string[]; flavors: FlavorQuota[] };

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

const H100: Omit<GpuNodePoolProps, 'target'> = {
  siteId: 'xx-test',
  poolName: 'h100',
  accelerator: 'nvidia-h100-sxm',
  nodes: 4,
  acceleratorsPerNode: 8,
  cpusPerNode: 112,
  memoryGiBPerNode: 2048,
  interconnect: 'infiniband',
};
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

describe('KueueQueues', () => {
  describe('defaults: one pool, one tenant', () => {
    let json: SynthJson;
    let queues: KueueQueues;
    beforeAll(() => {
      ({ json, queues } = kueueQueues());
    });

    test('exactly a ResourceFlavor, a ClusterQueue and a LocalQueue', () => {
      expect(resourceCounts(json).kubernetes_manifest).toBe(3);
      expect(
        resources(json, 'kubernetes_manifest')
          .map((r) => [(r.manifest as Manifest).apiVersion, (r.manifest as Manifest).kind])
          .sort(),
      ).toEqual([
        [KUEUE_API, 'ClusterQueue'],
        [KUEUE_API, 'LocalQueue'],
        [KUEUE_API, 'ResourceFlavor'],
      ]);
      expect(KUEUE_API).toBe('kueue.x-k8s.io/v1beta2');
    });

    test('one ResourceFlavor per pool, selecting and tolerating its nodes', () => {
      expect(manifests(json, 'ResourceFlavor')).toEqual([
        {
          apiVersion: 'kueue.x-k8s.io/v1beta2',
          kind: 'ResourceFlavor',
          metadata: { name: 'h100', labels },
          spec: {
            nodeLabels: { 'ai-factory.eu/pool': 'h100' },
            tolerations: [
              { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' },
              { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
            ],
          },
        },
      ]);
    });

    test('a ClusterQueue per tenant: guaranteed as nominal quota, the rest up to max as borrowing limit', () => {
      const [cq] = manifests(json, 'ClusterQueue');
      expect(cq.metadata).toEqual({ name: 'tenant-acme', labels: { ...labels, 'ai-factory.eu/tenant': 'acme' } });
      expect(cq.spec).toEqual({
        namespaceSelector: { matchLabels: { 'ai-factory.eu/tenant': 'acme' } },
        cohortName: 'xx-test',
        queueingStrategy: 'BestEffortFIFO',
        fairSharing: { weight: '1' },
        preemption: { reclaimWithinCohort: 'Any', borrowWithinCohort: { policy: 'LowerPriority' }, withinClusterQueue: 'LowerPriority' },
        resourceGroups: [
          {
            coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
            flavors: [
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

    test('a LocalQueue in each tenant namespace points at its ClusterQueue', () => {
      expect(manifests(json, 'LocalQueue').map((m) => [m.metadata.namespace, m.metadata.name, m.spec])).toEqual([
        ['tenant-acme', 'default', { clusterQueue: 'tenant-acme' }],
      ]);
    });

    test('the ClusterQueue waits for its flavors, the LocalQueue for the namespace and the ClusterQueue', () => {
      expect(manifestResource(json, 'ClusterQueue', 'tenant-acme').depends_on).toEqual([expect.stringMatching(/^kubernetes_manifest\./)]);
      const local = manifestResource(json, 'LocalQueue', 'default').depends_on ?? [];
      expect(local.map((d) => d.split('.')[0]).sort()).toEqual(['kubernetes_manifest', 'kubernetes_namespace_v1']);
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

    test('one ResourceFlavor per pool, each with its own nodes', () => {
      expect(manifests(json, 'ResourceFlavor').map((m) => [m.metadata.name, m.spec.nodeLabels])).toEqual([
        ['h100', { 'ai-factory.eu/pool': 'h100' }],
        ['mig', { 'ai-factory.eu/pool': 'mig' }],
      ]);
    });

    test('MIG and whole-GPU pools share one resource group, each flavor quoting only its own GPU kind', () => {
      const byName = Object.fromEntries(manifests(json, 'ClusterQueue').map((m) => [m.metadata.name, m.spec]));
      const [group] = byName['tenant-acme'].resourceGroups as ResourceGroup[];
      expect(group.coveredResources).toEqual(['cpu', 'memory', 'nvidia.com/gpu', 'nvidia.com/mig-1g.10gb']);
      expect(group.flavors).toEqual([
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
            { name: 'memory', nominalQuota: `${Math.ceil(14 * (2048 / 56))}Gi`, borrowingLimit: `${Math.ceil(14 * (2048 / 56))}Gi` },
            { name: 'nvidia.com/gpu', nominalQuota: '0', borrowingLimit: '0' },
            { name: 'nvidia.com/mig-1g.10gb', nominalQuota: '14', borrowingLimit: '14' },
          ],
        },
      ]);
    });

    test("a tenant's flavors are the pools it has quota in", () => {
      const byName = Object.fromEntries(manifests(json, 'ClusterQueue').map((m) => [m.metadata.name, m.spec]));
      expect((byName['tenant-uni'].resourceGroups as ResourceGroup[])[0].flavors.map((f) => f.name)).toEqual(['h100']);
      expect((byName['tenant-uni'].resourceGroups as ResourceGroup[])[0].flavors[0].resources.find((r) => r.name === 'nvidia.com/gpu')).toEqual({
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
  });

  describe('props: cohort and fairSharing, a tenant without GPU quota', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = kueueQueues({ tenants: { acme: { h100: { guaranteed: 8, max: 16 } }, idle: {} }, props: { cohort: 'eu-shared', fairSharing: false } }));
    });

    test("the cohort names the ClusterQueues' cohort, and without fair sharing they carry no weight", () => {
      for (const cq of manifests(json, 'ClusterQueue')) {
        expect([cq.metadata.name, cq.spec.cohortName, cq.spec.fairSharing]).toEqual([cq.metadata.name, 'eu-shared', undefined]);
      }
    });

    test('a tenant without GPU quota still gets queues, with no resource groups', () => {
      const idle = manifests(json, 'ClusterQueue').find((m) => m.metadata.name === 'tenant-idle');
      expect(idle?.spec.resourceGroups).toEqual([]);
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
      expect(manifests(json, 'ResourceFlavor')[0].spec.topologyName).toBe('h100-fabric');
      expect(resourceCounts(json).kubernetes_manifest).toBe(4);
    });
  });
});

describe('kueueConfiguration', () => {
  test('keeps the chart defaults, waits for whole gangs, and adds fair-sharing preemption only when asked', () => {
    const on = kueueConfiguration({ fairSharing: true });
    expect(on.fairSharing).toEqual({ preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] });
    expect(on.waitForPodsReady).toEqual({ timeout: '10m', blockAdmission: true });
    expect([on.apiVersion, on.kind]).toEqual(['config.kueue.x-k8s.io/v1beta2', 'Configuration']);
    const off = kueueConfiguration({ fairSharing: false });
    expect(off.fairSharing).toBeUndefined();
    expect({ ...on, fairSharing: undefined }).toEqual({ ...off, fairSharing: undefined });
  });
});

describe('KueueController', () => {
  /** A stack with one controller, synthesized, and the Helm values and Kueue Configuration it deploys. */
  function controller(props: { fairSharing?: boolean; serviceMonitor?: boolean } = {}) {
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
});

describe('Kueue in a site (stack wiring)', () => {
  describe('the minimal site', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    beforeAll(() => {
      ({ platform, workloads } = synthSite(siteSpec()));
    });

    test('queues go to the workloads stack, in the cohort named after the site, with fair sharing', () => {
      expect(manifests(workloads, 'ResourceFlavor').map((m) => m.metadata.name)).toEqual(['h100']);
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

  describe('a site without the kueue scheduler', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    beforeAll(() => {
      ({ platform, workloads } = synthSite(
        siteSpec({ scheduler: { kueue: null, slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } } } } }),
      ));
    });

    test('has no Kueue objects and no Kueue controller', () => {
      expect(resources(workloads, 'kubernetes_manifest').filter((r) => String((r.manifest as Manifest).apiVersion).startsWith('kueue'))).toEqual([]);
      expect(resources(platform, 'helm_release').filter((r) => r.name === 'kueue')).toEqual([]);
    });
  });
});
