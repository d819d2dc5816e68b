import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterTarget } from '../../core/cluster-target';
import { FABRIC_LABELS, type GpuNodePool } from '../../gpu/gpu-node-pool';
import { LABEL_PREFIX, siteLabels, TENANT_LABEL } from '../../core/labels';
import { dnsLabel } from '../../core/names';
import { ISOLATED_NAMESPACES_SELECTOR } from '../../tenancy/isolated-namespace';
import { quotaCompute, type Tenant } from '../../tenancy/tenant';

/** API version of the Kueue objects written (Kueue 0.19 serves v1beta2). */
export const KUEUE_API = 'kueue.x-k8s.io/v1beta2';

/** Name of the LocalQueue created in every tenant namespace. */
export const LOCAL_QUEUE_NAME = 'default';

/**
 * Node label that says what a node is for. CPU-only worker nodes must carry
 * {@link CPU_NODE_LABELS} (`ai-factory.eu/node-class=cpu`): the `cpu` ResourceFlavor selects
 * them, so tenants' CPU-only pods run there. Nodes get it from node provisioning (kubelet
 * `--node-labels`, the node group's labels) or `kubectl label node`.
 * @see https://kueue.sigs.k8s.io/docs/concepts/resource_flavor/
 */
export const NODE_CLASS_LABEL = `${LABEL_PREFIX}/node-class`;

/** Labels of a CPU-only worker node; see {@link NODE_CLASS_LABEL}. */
export const CPU_NODE_LABELS: Readonly<Record<string, string>> = { [NODE_CLASS_LABEL]: 'cpu' };

/**
 * Name of the ResourceFlavor of CPU-only nodes. Kueue tries a ClusterQueue's flavors in
 * order and takes the first that fits; this one comes first in every ClusterQueue, so a
 * workload that asks for no GPU is given it rather than a GPU pool, and a workload that asks
 * for GPUs does not fit it (it has no GPU quota) and goes on to its pools.
 * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#flavorfungibility
 */
export const CPU_FLAVOR_NAME = 'cpu';

/**
 * Name of the CPU flavor for ClusterQueues whose pools all use topology-aware scheduling
 * (pools with a `fabric`). Kueue gives a workload that asks for no topology a TAS flavor only
 * when every flavor of its ClusterQueue is one ("TAS-only" ClusterQueues); a plain CPU flavor
 * beside them would leave such a tenant's GPU jobs no flavor at all. So those ClusterQueues
 * get this one: the same nodes, with a Topology of one level, the host.
 * @see https://kueue.sigs.k8s.io/docs/concepts/topology_aware_scheduling/
 */
export const CPU_TOPOLOGY_FLAVOR_NAME = 'cpu-topology';

/**
 * Prefixes of device resources that Kueue does not schedule by quota (its Configuration's
 * `resources.excludeResourcePrefixes`): `rdma/`, which the NicClusterPolicy's RDMA shared
 * device plugin advertises (`rdma/rdma_shared_device_a`, 63 pods per NIC). Every other
 * resource a tenant pod may ask for (CPU, memory, each pool's GPU resource) is covered by
 * the ClusterQueues.
 * @see https://kueue.sigs.k8s.io/docs/reference/kueue-config.v1beta2/#Resources
 */
export const UNQUOTED_RESOURCE_PREFIXES: readonly string[] = ['rdma/'];

/**
 * Namespaces whose Jobs and pods Kueue manages (`managedJobsNamespaceSelector`): those with
 * the isolation-group label, which every tenant and data-lab namespace carries and no system
 * namespace does. Pod-based integrations (pod, deployment, statefulset, leaderworkerset) act
 * only there, and the chart scopes every job and pod webhook to it, so Kueue's fail-closed
 * pod webhook never gates operators, storage or monitoring ({@link ISOLATED_NAMESPACES_SELECTOR}).
 * @see https://kueue.sigs.k8s.io/docs/tasks/manage/enforce_job_management/opt_in_namespace_management/
 */
export const MANAGED_NAMESPACE_SELECTOR = ISOLATED_NAMESPACES_SELECTOR;

/** Props of {@link KueueQueues}. */
export interface KueueQueuesProps {
  /** Cluster the objects are written to. */
  readonly target: ClusterTarget;
  /** Site id, for labels. */
  readonly siteId: string;
  /**
   * GPU pools of the cluster; each with Kubernetes-owned nodes becomes a ResourceFlavor of
   * those nodes. Pools Slurm owns whole are left out.
   */
  readonly pools: readonly GpuNodePool[];
  /**
   * Tenants of the cluster; each gets a ClusterQueue and a LocalQueue. Their quotas are those
   * on the Kubernetes-owned nodes (a split pool's Slurm part goes to Slurm's accounts).
   */
  readonly tenants: readonly Tenant[];
  /**
   * Cohort in which tenants lend idle quota to each other. A Cohort object of that name holds
   * each pool's capacity that no tenant is guaranteed, for every tenant to borrow.
   */
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

/** Topology of the CPU flavor for TAS-only ClusterQueues: hosts only. */
const CPU_TOPOLOGY_NAME = 'cpu-nodes';

/** One pool's flavor quantities in whole base units: GPU units, CPU millicores, memory MiB. */
export interface Amounts {
  readonly units: number;
  readonly milliCpus: number;
  readonly memoryMiB: number;
}

/**
 * What a flavor holds: the units, CPU and memory of the pool's Kubernetes-owned nodes.
 * Kubernetes reserves some of each node for itself; Kueue's quota is the pool's share of the
 * site file's figures, as the tenants' ResourceQuotas are.
 */
function flavorCapacity(pool: GpuNodePool): Amounts {
  const nodes = pool.ownership.kubernetes;
  return { units: pool.unitsOwnedBy('kubernetes'), milliCpus: nodes * pool.cpusPerNode * 1000, memoryMiB: nodes * pool.memoryGiBPerNode * 1024 };
}

/** What one node of a pool holds, for {@link unitAmounts}. */
export interface NodeShape {
  readonly cpusPerNode: number;
  readonly memoryGiBPerNode: number;
  /** Schedulable units (GPUs, MIG instances, replicas) per node. */
  readonly unitsPerNode: number;
}

/**
 * `units` of a pool with the CPU and memory that come with them, rounded down (`floor`, for a
 * nominal quota, so that guarantees never add up to more than the pool) or up (for a limit).
 * KueueQueues and the MultiKueue manager count with it alike, so the manager's quota is the
 * cells' total.
 */
export function unitAmounts(units: number, node: NodeShape, round: (n: number) => number): Amounts {
  return {
    units,
    milliCpus: round((units * node.cpusPerNode * 1000) / node.unitsPerNode),
    memoryMiB: round((units * node.memoryGiBPerNode * 1024) / node.unitsPerNode),
  };
}

/** A pool's {@link NodeShape}. */
export function nodeShape(pool: GpuNodePool): NodeShape {
  return { cpusPerNode: pool.cpusPerNode, memoryGiBPerNode: pool.memoryGiBPerNode, unitsPerNode: pool.schedulableUnits / pool.nodes };
}

const amountsOf = (pool: GpuNodePool, units: number, round: (n: number) => number): Amounts => unitAmounts(units, nodeShape(pool), round);

const cpuQuantity = (milli: number): string => (milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`);
const memoryQuantity = (mib: number): string => (mib === 0 ? '0' : mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`);

/** A flavor's quota of each covered resource, `resource` being the pool's GPU resource (none for CPU). */
export function flavorResources(covered: readonly string[], gpuResource: string | undefined, amounts: Amounts, limit?: Amounts): Json[] {
  const quantity = (a: Amounts, resource: string) =>
    resource === 'cpu' ? cpuQuantity(a.milliCpus) : resource === 'memory' ? memoryQuantity(a.memoryMiB) : String(resource === gpuResource ? a.units : 0);
  return covered.map((name) => ({ name, nominalQuota: quantity(amounts, name), ...(limit ? { borrowingLimit: quantity(limit, name) } : {}) }));
}

/**
 * Kueue queueing for a cluster:
 * - a ResourceFlavor per GPU pool (with a Topology when the pool describes its fabric), and
 *   one, `cpu`, for CPU-only nodes ({@link CPU_NODE_LABELS});
 * - a ClusterQueue per tenant, whose flavors are `cpu` first, then the pools it has quota in:
 *   each pool's guaranteed units (and the CPU and memory that come with them) as nominal
 *   quota, the rest up to its maximum as borrowing limit. On `cpu`, the CPU and memory its
 *   namespace's ResourceQuota allows, not lent or borrowed, so a workload that asks for no
 *   GPU is given `cpu` and not a GPU pool;
 * - a Cohort all the ClusterQueues join, whose own quota is each pool's capacity that no
 *   tenant is guaranteed, so every tenant can reach its maximum by borrowing, and idle
 *   guarantees are lent and reclaimed (with fair sharing by default);
 * - a LocalQueue `default` in each tenant namespace.
 *
 * These are custom resources, so they belong in the workloads stack, after the Kueue chart.
 * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/
 * @see https://kueue.sigs.k8s.io/docs/concepts/cohort/
 */
export class KueueQueues extends Construct {
  /** ClusterQueue name per tenant name. */
  readonly clusterQueues: Readonly<Record<string, string>>;
  /** Name of the Cohort the ClusterQueues join. */
  readonly cohortName: string;

  constructor(scope: Construct, id: string, props: KueueQueuesProps) {
    super(scope, id);
    const clashes = props.pools.filter((p) => p.poolName === CPU_FLAVOR_NAME || p.poolName === CPU_TOPOLOGY_FLAVOR_NAME);
    if (clashes.length > 0) {
      throw new Error(
        `KueueQueues ${this.node.path}: ${clashes.map((p) => `pool "${p.poolName}"`).join(', ')} has the name of a ResourceFlavor of CPU-only nodes; rename the pool`,
      );
    }
    const labels = siteLabels(props.siteId);
    const fairSharing = props.fairSharing ?? true;
    const manifest = (childId: string, body: Json, dependsOn: ITerraformDependable[] = props.dependsOn ?? []) =>
      new Manifest(this, childId, { provider: props.target.kubernetes, manifest: body, dependsOn });

    // Kueue places pods only on the nodes Kubernetes owns; Slurm's slurmd pods hold the rest.
    const pools = props.pools.filter((p) => p.ownership.kubernetes > 0);
    const flavors: Record<string, Manifest> = {};
    for (const pool of pools) {
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
          nodeLabels: pool.nodeSelectorFor('kubernetes'),
          tolerations: pool.tolerations.map((t) => ({ ...t })),
          ...(topologyName ? { topologyName } : {}),
        },
      });
    }
    // The CPU flavors, created when a ClusterQueue uses them. Untainted nodes need no
    // toleration; the label keeps CPU work off any untainted GPU node.
    const cpuFlavors: Record<string, Manifest> = {};
    const cpuFlavor = (withTopology: boolean): Manifest => {
      const name = withTopology ? CPU_TOPOLOGY_FLAVOR_NAME : CPU_FLAVOR_NAME;
      if (!cpuFlavors[name]) {
        if (withTopology) {
          manifest('Topology-cpu', {
            apiVersion: KUEUE_API,
            kind: 'Topology',
            metadata: { name: CPU_TOPOLOGY_NAME, labels },
            spec: { levels: [{ nodeLabel: FABRIC_LABELS.host }] },
          });
        }
        cpuFlavors[name] = manifest(`Flavor-${name}`, {
          apiVersion: KUEUE_API,
          kind: 'ResourceFlavor',
          metadata: { name, labels },
          spec: { nodeLabels: { ...CPU_NODE_LABELS }, ...(withTopology ? { topologyName: CPU_TOPOLOGY_NAME } : {}) },
        });
      }
      return cpuFlavors[name];
    };

    // One resource group covers CPU, memory and every GPU resource of the cluster, because a
    // resource may appear in only one group and a pod's CPU must come from its GPUs' flavor;
    // flavors list 0 for GPU kinds they do not have.
    const gpuResources = [...new Set(pools.map((p) => p.resourceName))].sort();
    const covered = ['cpu', 'memory', ...gpuResources];

    // The Cohort's own quota: what is left of each pool once every guarantee is taken out.
    // Oversubscribed guarantees (oversubscription.gpu) leave nothing, rather than less.
    const guaranteedOn = (pool: GpuNodePool): Amounts =>
      props.tenants
        .flatMap((t) => t.gpuQuotas.filter((q) => q.pool === pool))
        .map((q) => amountsOf(pool, q.guaranteed, Math.floor))
        .reduce((a, b) => ({ units: a.units + b.units, milliCpus: a.milliCpus + b.milliCpus, memoryMiB: a.memoryMiB + b.memoryMiB }), {
          units: 0,
          milliCpus: 0,
          memoryMiB: 0,
        });
    const unguaranteed = pools.map((pool) => {
      const capacity = flavorCapacity(pool);
      const taken = guaranteedOn(pool);
      const left: Amounts = {
        units: Math.max(0, capacity.units - taken.units),
        milliCpus: Math.max(0, capacity.milliCpus - taken.milliCpus),
        memoryMiB: Math.max(0, capacity.memoryMiB - taken.memoryMiB),
      };
      return { name: pool.poolName, resources: flavorResources(covered, pool.resourceName, left) };
    });
    this.cohortName = dnsLabel(props.cohort);
    const cohort = manifest(
      'Cohort',
      {
        apiVersion: KUEUE_API,
        kind: 'Cohort',
        metadata: { name: this.cohortName, labels },
        spec: unguaranteed.length === 0 ? {} : { resourceGroups: [{ coveredResources: covered, flavors: unguaranteed }] },
      },
      [...(props.dependsOn ?? []), ...Object.values(flavors)],
    );

    const names: Record<string, string> = {};
    for (const tenant of props.tenants) {
      const queueName = dnsLabel(`tenant-${tenant.tenantName}`);
      names[tenant.tenantName] = queueName;
      const quotas = tenant.gpuQuotas.filter((q) => pools.includes(q.pool));
      const topologyOnly = quotas.length > 0 && quotas.every((q) => q.pool.topologyLevels.length > 0);
      const cpu = cpuFlavor(topologyOnly);
      // The CPU and memory the namespace's ResourceQuota allows in all (see Tenant), so that
      // a CPU-only workload whose pods the namespace can hold fits here and does not fall
      // through to a GPU flavor. It is the namespace's quota, not the CPU nodes' capacity
      // (which the site file does not describe), so it is neither lent nor borrowed.
      const compute = quotaCompute(tenant.gpuQuotas.map((q) => ({ pool: q.pool, units: q.max })));
      const ceiling: Amounts = { units: 0, milliCpus: compute.cpu * 1000, memoryMiB: compute.memoryGiB * 1024 };
      const none: Amounts = { units: 0, milliCpus: 0, memoryMiB: 0 };
      const cq = manifest(
        `ClusterQueue-${tenant.tenantName}`,
        {
          apiVersion: KUEUE_API,
          kind: 'ClusterQueue',
          metadata: { name: queueName, labels: { ...labels, [TENANT_LABEL]: tenant.tenantName } },
          spec: {
            namespaceSelector: { matchLabels: { [TENANT_LABEL]: tenant.tenantName } },
            cohortName: this.cohortName,
            queueingStrategy: 'BestEffortFIFO',
            ...(fairSharing ? { fairSharing: { weight: '1' } } : {}),
            preemption: {
              reclaimWithinCohort: 'Any',
              // Kueue ignores borrowWithinCohort under fair sharing, whose strategies decide instead.
              ...(fairSharing ? {} : { borrowWithinCohort: { policy: 'LowerPriority' } }),
              withinClusterQueue: 'LowerPriority',
            },
            resourceGroups: [
              {
                coveredResources: covered,
                flavors: [
                  { name: topologyOnly ? CPU_TOPOLOGY_FLAVOR_NAME : CPU_FLAVOR_NAME, resources: flavorResources(covered, undefined, ceiling, none) },
                  ...quotas.map((q) => ({
                    name: q.pool.poolName,
                    resources: flavorResources(
                      covered,
                      q.pool.resourceName,
                      amountsOf(q.pool, q.guaranteed, Math.floor),
                      amountsOf(q.pool, q.max - q.guaranteed, Math.ceil),
                    ),
                  })),
                ],
              },
            ],
          },
        },
        [...(props.dependsOn ?? []), cpu, ...quotas.map((q) => flavors[q.pool.poolName]), cohort],
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
 * Kueue integrations of a MultiKueue manager: those whose kinds every worker serves without a
 * CRD. Kueue's MultiKueue watches, in each worker, the kind of every enabled integration that
 * has a MultiKueue adapter, and reports the worker inactive (`ClientConnectionFailed: no
 * matches for kind`) while one of them is missing there; the project installs none of the
 * JobSet, Kubeflow MPI, Ray, Trainer or LeaderWorkerSet CRDs, so enabling those on a manager
 * keeps every cell inactive (the rehearsal's `multikueue-cluster-active` check showed it).
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/pkg/controller/admissionchecks/multikueue/multikueuecluster.go
 */
export const MULTIKUEUE_MANAGER_FRAMEWORKS = ['batch/job', 'pod', 'deployment', 'statefulset'] as const;

/**
 * The Kueue Configuration the chart runs with (`managerConfig.controllerManagerConfigYaml`),
 * as an object for a YAML library to serialize. Keeps the chart's defaults and:
 * - manages Jobs and pods only in tenant and data-lab namespaces
 *   ({@link MANAGED_NAMESPACE_SELECTOR}); the chart gives the same selector to its webhooks;
 * - leaves device resources that no quota schedules ({@link UNQUOTED_RESOURCE_PREFIXES}) out
 *   of admission, so a job asking for RDMA is admitted on its GPUs;
 * - waits for all pods of a job to be ready before admitting more;
 * - switches on fair sharing when asked;
 * - on a MultiKueue manager, integrates only {@link MULTIKUEUE_MANAGER_FRAMEWORKS}.
 * @see https://kueue.sigs.k8s.io/docs/reference/kueue-config.v1beta2/
 */
export function kueueConfiguration(options: { fairSharing: boolean; multiKueueManager?: boolean }): Json {
  return {
    apiVersion: 'config.kueue.x-k8s.io/v1beta2',
    kind: 'Configuration',
    health: { healthProbeBindAddress: ':8081' },
    metrics: { bindAddress: ':8443' },
    webhook: { port: 9443 },
    leaderElection: { leaderElect: true, resourceName: 'c1f6bfd2.kueue.x-k8s.io' },
    managedJobsNamespaceSelector: { matchExpressions: MANAGED_NAMESPACE_SELECTOR.matchExpressions.map((e) => ({ ...e })) },
    integrations: {
      frameworks: options.multiKueueManager
        ? [...MULTIKUEUE_MANAGER_FRAMEWORKS]
        : [
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
    resources: { excludeResourcePrefixes: [...UNQUOTED_RESOURCE_PREFIXES] },
    ...(options.fairSharing ? { fairSharing: { preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] } } : {}),
  };
}
