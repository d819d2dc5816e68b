import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterTarget } from '../../core/cluster-target';
import type { GpuNodePool } from '../../gpu/gpu-node-pool';
import { siteLabels, TENANT_LABEL } from '../../core/labels';
import { dnsLabel } from '../../core/names';
import type { Tenant } from '../../tenancy/tenant';

/** API version of the Kueue objects written (Kueue 0.19 serves v1beta2). */
export const KUEUE_API = 'kueue.x-k8s.io/v1beta2';

/** Name of the LocalQueue created in every tenant namespace. */
export const LOCAL_QUEUE_NAME = 'default';

/** Props of {@link KueueQueues}. */
export interface KueueQueuesProps {
  readonly target: ClusterTarget;
  readonly siteId: string;
  /** GPU pools of the cluster; each becomes a ResourceFlavor. */
  readonly pools: readonly GpuNodePool[];
  /** Tenants of the cluster; each gets a ClusterQueue and a LocalQueue. */
  readonly tenants: readonly Tenant[];
  /** Cohort in which tenants lend idle quota to each other. */
  readonly cohort: string;
  /**
   * Preempt by fair share when reclaiming lent quota. Needs `fairSharing` in the Kueue
   * Configuration too (see {@link kueueConfiguration}).
   * @default true
   */
  readonly fairSharing?: boolean;
  /** Objects these must wait for, e.g. the tenant namespaces. @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

type Json = Record<string, unknown>;

/**
 * Kueue queueing for a cluster: a ResourceFlavor per GPU pool (with a Topology when the pool
 * describes its fabric), a ClusterQueue per tenant with its guaranteed quota as nominal quota
 * and the rest up to its maximum as borrowing limit inside one cohort, so idle GPUs are lent
 * and reclaimed, and a LocalQueue `default` in each tenant namespace.
 *
 * These are custom resources, so they belong in the workloads stack, after the Kueue chart.
 * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/
 */
export class KueueQueues extends Construct {
  /** ClusterQueue name per tenant name. */
  readonly clusterQueues: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: KueueQueuesProps) {
    super(scope, id);
    const labels = siteLabels(props.siteId);
    const manifest = (childId: string, body: Json, dependsOn: ITerraformDependable[] = props.dependsOn ?? []) =>
      new Manifest(this, childId, { provider: props.target.kubernetes, manifest: body, dependsOn });

    const flavors: Record<string, Manifest> = {};
    for (const pool of props.pools) {
      let topologyName: string | undefined;
      if (pool.topologyLevels.length > 0) {
        topologyName = dnsLabel(`${pool.poolName}-fabric`);
        manifest(`Topology-${pool.poolName}`, {
          apiVersion: KUEUE_API,
          kind: 'Topology',
          metadata: { name: topologyName, labels },
          spec: { levels: pool.topologyLevels.map((nodeLabel) => ({ nodeLabel })) },
        });
      }
      flavors[pool.poolName] = manifest(`Flavor-${pool.poolName}`, {
        apiVersion: KUEUE_API,
        kind: 'ResourceFlavor',
        metadata: { name: pool.poolName, labels },
        spec: {
          nodeLabels: pool.nodeSelector,
          tolerations: pool.tolerations.map((t) => ({ ...t })),
          ...(topologyName ? { topologyName } : {}),
        },
      });
    }

    // One resource group covers CPU, memory and every GPU resource of the cluster, because a
    // resource may appear in only one group; flavors list 0 for GPU kinds they do not have.
    const gpuResources = [...new Set(props.pools.map((p) => p.resourceName))].sort();
    const covered = ['cpu', 'memory', ...gpuResources];
    const names: Record<string, string> = {};
    for (const tenant of props.tenants) {
      const queueName = dnsLabel(`tenant-${tenant.tenantName}`);
      names[tenant.tenantName] = queueName;
      const quotas = tenant.gpuQuotas.filter((q) => props.pools.includes(q.pool));
      const cq = manifest(
        `ClusterQueue-${tenant.tenantName}`,
        {
          apiVersion: KUEUE_API,
          kind: 'ClusterQueue',
          metadata: { name: queueName, labels: { ...labels, [TENANT_LABEL]: tenant.tenantName } },
          spec: {
            namespaceSelector: { matchLabels: { [TENANT_LABEL]: tenant.tenantName } },
            cohortName: props.cohort,
            queueingStrategy: 'BestEffortFIFO',
            ...((props.fairSharing ?? true) ? { fairSharing: { weight: '1' } } : {}),
            preemption: {
              reclaimWithinCohort: 'Any',
              borrowWithinCohort: { policy: 'LowerPriority' },
              withinClusterQueue: 'LowerPriority',
            },
            resourceGroups:
              quotas.length === 0
                ? []
                : [
                    {
                      coveredResources: covered,
                      flavors: quotas.map((q) => ({
                        name: q.pool.poolName,
                        resources: covered.map((resource) => {
                          const perUnit =
                            resource === 'cpu'
                              ? q.pool.cpusPerUnit
                              : resource === 'memory'
                                ? q.pool.memoryGiBPerUnit
                                : resource === q.pool.resourceName
                                  ? 1
                                  : 0;
                          const amount = (n: number) => (resource === 'memory' ? `${Math.ceil(n * perUnit)}Gi` : String(Math.ceil(n * perUnit)));
                          return { name: resource, nominalQuota: amount(q.guaranteed), borrowingLimit: amount(q.max - q.guaranteed) };
                        }),
                      })),
                    },
                  ],
          },
        },
        [...(props.dependsOn ?? []), ...quotas.map((q) => flavors[q.pool.poolName])],
      );
      manifest(
        `LocalQueue-${tenant.tenantName}`,
        {
          apiVersion: KUEUE_API,
          kind: 'LocalQueue',
          metadata: { name: LOCAL_QUEUE_NAME, namespace: tenant.namespaceName, labels },
          spec: { clusterQueue: queueName },
        },
        [...(props.dependsOn ?? []), tenant.namespace.namespace, cq],
      );
    }
    this.clusterQueues = names;
  }
}

/**
 * The Kueue Configuration the chart runs with (`managerConfig.controllerManagerConfigYaml`),
 * as an object for a YAML library to serialize. Keeps the chart's defaults and switches on
 * fair sharing and waiting for all pods of a job to be ready before admitting more.
 * @see https://kueue.sigs.k8s.io/docs/reference/kueue-config.v1beta2/
 */
export function kueueConfiguration(options: { fairSharing: boolean }): Json {
  return {
    apiVersion: 'config.kueue.x-k8s.io/v1beta2',
    kind: 'Configuration',
    health: { healthProbeBindAddress: ':8081' },
    metrics: { bindAddress: ':8443' },
    webhook: { port: 9443 },
    leaderElection: { leaderElect: true, resourceName: 'c1f6bfd2.kueue.x-k8s.io' },
    integrations: {
      frameworks: [
        'batch/job',
        'kubeflow.org/mpijob',
        'ray.io/rayjob',
        'ray.io/raycluster',
        'jobset.x-k8s.io/jobset',
        'trainer.kubeflow.org/trainjob',
        'pod',
        'deployment',
        'statefulset',
        'leaderworkerset.x-k8s.io/leaderworkerset',
      ],
    },
    // Distributed training needs every worker at once; admitting partial gangs deadlocks GPUs.
    waitForPodsReady: { timeout: '10m', blockAdmission: true },
    ...(options.fairSharing ? { fairSharing: { preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] } } : {}),
  };
}
