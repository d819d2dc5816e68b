import { kueueConfiguration } from '../../../../constructs/scheduling/kueue/kueue-queues';
import { resources, siteSpec, synthSite, type SynthJson } from '../../../helpers';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> };

function manifests(json: SynthJson, kind: string): Manifest[] {
  return resources(json, 'kubernetes_manifest')
    .map((r) => r.manifest as Manifest)
    .filter((m) => m.kind === kind);
}

const twoPools = {
  gpuPools: {
    mig: { accelerator: 'nvidia-h100-sxm', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 112, memoryGiBPerNode: 2048, interconnect: 'ethernet', sharing: { mode: 'mig', profile: '1g.10gb' } },
  },
  tenants: {
    // acme keeps its h100 quota from the fixture and adds MIG instances.
    acme: { gpuQuota: { mig: { guaranteed: 14, max: 28 } } },
    uni: { kind: 'academia', oidcGroups: {}, gpuQuota: { h100: { guaranteed: 8, max: 32 } } },
  },
};

describe('KueueQueues', () => {
  test('one ResourceFlavor per pool, selecting and tolerating its nodes', () => {
    const { workloads } = synthSite(siteSpec());
    const flavors = manifests(workloads, 'ResourceFlavor');
    expect(flavors).toEqual([
      {
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'ResourceFlavor',
        metadata: { name: 'h100', labels: { 'app.kubernetes.io/managed-by': 'ai-factory-cdk', 'ai-factory.eu/site': 'xx-minimal' } },
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
    const { workloads } = synthSite(siteSpec());
    const [cq] = manifests(workloads, 'ClusterQueue');
    expect(cq.metadata.name).toBe('tenant-acme');
    expect(cq.spec).toEqual({
      namespaceSelector: { matchLabels: { 'ai-factory.eu/tenant': 'acme' } },
      cohortName: 'xx-minimal',
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
  });

  test('a LocalQueue in each tenant namespace points at its ClusterQueue', () => {
    const { workloads } = synthSite(siteSpec());
    expect(manifests(workloads, 'LocalQueue').map((m) => [m.metadata.namespace, m.metadata.name, m.spec])).toEqual([
      ['tenant-acme', 'default', { clusterQueue: 'tenant-acme' }],
    ]);
  });

  test('MIG and whole-GPU pools share one resource group, each flavor quoting only its own GPU kind', () => {
    const { workloads } = synthSite(siteSpec(twoPools));
    const byName = Object.fromEntries(manifests(workloads, 'ClusterQueue').map((m) => [m.metadata.name, m.spec]));
    const group = (byName['tenant-acme'].resourceGroups as { coveredResources: string[]; flavors: { name: string; resources: { name: string; nominalQuota: string; borrowingLimit: string }[] }[] }[])[0];
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
          { name: 'cpu', nominalQuota: '28', borrowingLimit: '28' },
          { name: 'memory', nominalQuota: `${Math.ceil(14 * (2048 / 56))}Gi`, borrowingLimit: `${Math.ceil(14 * (2048 / 56))}Gi` },
          { name: 'nvidia.com/gpu', nominalQuota: '0', borrowingLimit: '0' },
          { name: 'nvidia.com/mig-1g.10gb', nominalQuota: '14', borrowingLimit: '14' },
        ],
      },
    ]);
    expect((byName['tenant-uni'].resourceGroups as { flavors: { name: string }[] }[])[0].flavors.map((f) => f.name)).toEqual(['h100']);
  });

  test('the cohort and fair sharing follow the site file', () => {
    const { workloads } = synthSite(siteSpec({ scheduler: { kueue: { cohort: 'eu-shared', fairSharing: false } } }));
    const [cq] = manifests(workloads, 'ClusterQueue');
    expect(cq.spec.cohortName).toBe('eu-shared');
    expect(cq.spec.fairSharing).toBeUndefined();
    expect(kueueConfiguration({ fairSharing: false }).fairSharing).toBeUndefined();
    expect(kueueConfiguration({ fairSharing: true }).fairSharing).toEqual({ preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] });
  });

  test('a pool with a fabric gets a Topology, and its flavor uses it', () => {
    const { workloads } = synthSite(siteSpec({ gpuPools: { h100: { fabric: { nodesPerLeafSwitch: 2, leafSwitchesPerSpine: 2, nodesPerNvlinkDomain: 1 } } } }));
    expect(manifests(workloads, 'Topology').map((m) => [m.metadata.name, m.spec])).toEqual([
      ['h100-fabric', { levels: [{ nodeLabel: 'ai-factory.eu/spine' }, { nodeLabel: 'ai-factory.eu/leaf' }, { nodeLabel: 'ai-factory.eu/nvlink-domain' }, { nodeLabel: 'kubernetes.io/hostname' }] }],
    ]);
    expect(manifests(workloads, 'ResourceFlavor')[0].spec.topologyName).toBe('h100-fabric');
  });

  test('no Kueue objects without the kueue scheduler', () => {
    const { workloads } = synthSite(siteSpec({ scheduler: { kueue: null, slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } } } } }));
    expect(resources(workloads, 'kubernetes_manifest').filter((r) => String((r.manifest as Manifest).apiVersion).startsWith('kueue'))).toEqual([]);
  });
});
