import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterTarget } from '../../core/cluster-target';
import { siteLabels, TENANT_LABEL } from '../../core/labels';
import { dnsLabel } from '../../core/names';
import { CPU_FLAVOR_NAME, flavorResources, KUEUE_API, LOCAL_QUEUE_NAME, unitAmounts, type Amounts, type NodeShape } from './kueue-queues';

/** Kueue's namespace, where MultiKueue reads the workers' kubeconfig Secrets. */
export const KUEUE_NAMESPACE = 'kueue-system';

/** Key of the kubeconfig in a worker's Secret, as Kueue's MultiKueue setup creates it. */
export const KUBECONFIG_SECRET_KEY = 'kubeconfig';

/** Controller name of MultiKueue's admission checks. */
export const MULTIKUEUE_CONTROLLER = 'kueue.x-k8s.io/multikueue';

/** Most worker clusters one MultiKueueConfig lists (Kueue 0.19 CRD: `spec.clusters` maxItems 20). */
export const MAX_CELLS_PER_MANAGER = 20;

/** A worker cluster the manager sends jobs to. */
export interface MultiKueueWorker {
  /** Name of the MultiKueueCluster object (a DNS label). */
  readonly name: string;
  /**
   * Secret in {@link KUEUE_NAMESPACE} of the manager whose key {@link KUBECONFIG_SECRET_KEY}
   * reaches the worker. Referenced, never written: credentials are not the project's to hold.
   */
  readonly kubeconfigSecret: string;
}

/** A pool the workers run, as the manager's quota counts it. */
export interface MultiKueuePool {
  /** Pool name; also the name of its ResourceFlavor on the manager. */
  readonly name: string;
  /** Device resource of one unit, e.g. nvidia.com/gpu. */
  readonly resourceName: string;
  /** Units on Kubernetes-owned nodes of the pool in all workers together. */
  readonly units: number;
  /** One node of the pool: the CPU and memory that come with its units, as the workers count them. */
  readonly node: NodeShape;
}

/** A tenant's queue on the manager. */
export interface MultiKueueTenant {
  readonly name: string;
  /** The tenant's namespace on the manager (and, with the same name, on every worker). */
  readonly namespace: string;
  /** Its quotas on the Kubernetes-owned nodes of the pools, summed over the workers. */
  readonly quotas: readonly { readonly pool: string; readonly guaranteed: number; readonly max: number }[];
  /** CPU and memory its CPU-only pods may use, as in its namespace's ResourceQuota. */
  readonly cpuOnly: { readonly cpu: number; readonly memoryGiB: number };
}

/** Props of {@link MultiKueueManager}. */
export interface MultiKueueManagerProps {
  /** The manager cluster. */
  readonly target: ClusterTarget;
  /** Site id, for labels. */
  readonly siteId: string;
  /** Name of the MultiKueueConfig and its AdmissionCheck (a DNS label). */
  readonly name: string;
  /** Worker clusters (cells), at most {@link MAX_CELLS_PER_MANAGER}. */
  readonly workers: readonly MultiKueueWorker[];
  readonly pools: readonly MultiKueuePool[];
  readonly tenants: readonly MultiKueueTenant[];
  /** Cohort in which the manager's ClusterQueues lend idle quota, as the workers' do. */
  readonly cohort: string;
  /** Objects these must wait for, e.g. the tenant namespaces. @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

type Json = Record<string, unknown>;

/**
 * Kueue MultiKueue on a manager cluster: one queue across cells. A tenant submits to the
 * LocalQueue `default` of its namespace on the manager; the ClusterQueue's admission check
 * sends the workload to a worker (cell) that admits it, where the same namespace and LocalQueue
 * exist (the workers' own {@link KueueQueues}).
 * - a MultiKueueCluster per worker, whose kubeconfig is the existing Secret it names;
 * - a MultiKueueConfig listing them, and an AdmissionCheck of MultiKueue's controller on it;
 * - ResourceFlavors `cpu` and one per pool, without node labels: no pod runs on the manager;
 * - per tenant a ClusterQueue whose quota is the tenant's quotas summed over the workers (Kueue:
 *   the manager's quota should equal the workers' total), in a Cohort that holds what no
 *   tenant is guaranteed, and a LocalQueue.
 *
 * Custom resources: they belong in the workloads stack, after the Kueue chart.
 * @see https://kueue.sigs.k8s.io/docs/concepts/multikueue/
 * @see https://kueue.sigs.k8s.io/docs/tasks/manage/setup_multikueue/
 */
export class MultiKueueManager extends Construct {
  /** ClusterQueue name per tenant name. */
  readonly clusterQueues: Readonly<Record<string, string>>;
  /** Name of the AdmissionCheck the ClusterQueues carry. */
  readonly admissionCheckName: string;

  constructor(scope: Construct, id: string, props: MultiKueueManagerProps) {
    super(scope, id);
    const problems: string[] = [];
    if (props.workers.length === 0) problems.push('needs at least one worker');
    if (props.workers.length > MAX_CELLS_PER_MANAGER)
      problems.push(`has ${props.workers.length} workers, more than the ${MAX_CELLS_PER_MANAGER} a MultiKueueConfig lists`);
    const clash = props.pools.find((p) => p.name === CPU_FLAVOR_NAME);
    if (clash) problems.push(`pool "${clash.name}" has the name of the CPU-only ResourceFlavor; rename the pool`);
    if (problems.length > 0) throw new Error(`MultiKueueManager ${this.node.path}: ${problems.join('; ')}`);

    const labels = siteLabels(props.siteId);
    const manifest = (childId: string, body: Json, dependsOn: ITerraformDependable[] = props.dependsOn ?? []) =>
      new Manifest(this, childId, { provider: props.target.kubernetes, manifest: body, dependsOn });

    const clusters = props.workers.map((w) =>
      manifest(`Cluster-${w.name}`, {
        apiVersion: KUEUE_API,
        kind: 'MultiKueueCluster',
        metadata: { name: dnsLabel(w.name), labels },
        spec: { clusterSource: { kubeConfig: { locationType: 'Secret', location: w.kubeconfigSecret } } },
      }),
    );
    const configName = dnsLabel(props.name);
    const config = manifest(
      'Config',
      {
        apiVersion: KUEUE_API,
        kind: 'MultiKueueConfig',
        metadata: { name: configName, labels },
        spec: { clusters: props.workers.map((w) => dnsLabel(w.name)) },
      },
      [...(props.dependsOn ?? []), ...clusters],
    );
    this.admissionCheckName = configName;
    const check = manifest(
      'AdmissionCheck',
      {
        apiVersion: KUEUE_API,
        kind: 'AdmissionCheck',
        metadata: { name: configName, labels },
        spec: { controllerName: MULTIKUEUE_CONTROLLER, parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'MultiKueueConfig', name: configName } },
      },
      [...(props.dependsOn ?? []), config],
    );

    const flavors = [CPU_FLAVOR_NAME, ...props.pools.map((p) => p.name)].map((name) =>
      manifest(`Flavor-${name}`, { apiVersion: KUEUE_API, kind: 'ResourceFlavor', metadata: { name, labels }, spec: {} }),
    );
    const gpuResources = [...new Set(props.pools.map((p) => p.resourceName))].sort();
    const covered = ['cpu', 'memory', ...gpuResources];
    // Guarantees round down (never promise more than the pool has), borrowing limits up, in
    // millicores and MiB: KueueQueues' own amounts, so the manager's quota is the cells' total.
    const amounts = (pool: MultiKueuePool, units: number, round: (n: number) => number = Math.floor): Amounts => unitAmounts(units, pool.node, round);
    const none: Amounts = { units: 0, milliCpus: 0, memoryMiB: 0 };

    const cohortName = dnsLabel(props.cohort);
    const cohortFlavors = props.pools.map((pool) => {
      const guaranteed = props.tenants.reduce((sum, t) => sum + (t.quotas.find((q) => q.pool === pool.name)?.guaranteed ?? 0), 0);
      return { name: pool.name, resources: flavorResources(covered, pool.resourceName, amounts(pool, Math.max(0, pool.units - guaranteed))) };
    });
    const cohort = manifest(
      'Cohort',
      {
        apiVersion: KUEUE_API,
        kind: 'Cohort',
        metadata: { name: cohortName, labels },
        spec: cohortFlavors.length === 0 ? {} : { resourceGroups: [{ coveredResources: covered, flavors: cohortFlavors }] },
      },
      [...(props.dependsOn ?? []), ...flavors],
    );

    const names: Record<string, string> = {};
    for (const tenant of props.tenants) {
      const queueName = dnsLabel(`tenant-${tenant.name}`);
      names[tenant.name] = queueName;
      const cq = manifest(
        `ClusterQueue-${tenant.name}`,
        {
          apiVersion: KUEUE_API,
          kind: 'ClusterQueue',
          metadata: { name: queueName, labels: { ...labels, [TENANT_LABEL]: tenant.name } },
          spec: {
            namespaceSelector: { matchLabels: { [TENANT_LABEL]: tenant.name } },
            cohortName,
            queueingStrategy: 'BestEffortFIFO',
            admissionChecksStrategy: { admissionChecks: [{ name: configName }] },
            resourceGroups: [
              {
                coveredResources: covered,
                flavors: [
                  {
                    name: CPU_FLAVOR_NAME,
                    resources: flavorResources(
                      covered,
                      undefined,
                      { units: 0, milliCpus: tenant.cpuOnly.cpu * 1000, memoryMiB: tenant.cpuOnly.memoryGiB * 1024 },
                      none,
                    ),
                  },
                  ...tenant.quotas.flatMap((q) => {
                    const pool = props.pools.find((p) => p.name === q.pool);
                    if (!pool) return [];
                    return [
                      {
                        name: pool.name,
                        resources: flavorResources(covered, pool.resourceName, amounts(pool, q.guaranteed), amounts(pool, q.max - q.guaranteed, Math.ceil)),
                      },
                    ];
                  }),
                ],
              },
            ],
          },
        },
        [...(props.dependsOn ?? []), check, cohort, ...flavors],
      );
      manifest(
        `LocalQueue-${tenant.name}`,
        {
          apiVersion: KUEUE_API,
          kind: 'LocalQueue',
          metadata: { name: LOCAL_QUEUE_NAME, namespace: tenant.namespace, labels: { ...labels, [TENANT_LABEL]: tenant.name } },
          spec: { clusterQueue: queueName },
        },
        [...(props.dependsOn ?? []), cq],
      );
    }
    this.clusterQueues = names;
  }
}
