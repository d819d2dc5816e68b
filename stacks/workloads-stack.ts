import type { Construct } from 'constructs';
import { NicClusterPolicy } from '../constructs/gpu/nic-cluster-policy';
import { MONITORING_NAMESPACE } from '../constructs/observability/observability';
import type { GpuNodePool } from '../constructs/gpu/gpu-node-pool';
import { KueueQueues, nodeShape } from '../constructs/scheduling/kueue/kueue-queues';
import { MultiKueueManager } from '../constructs/scheduling/kueue/multikueue';
import { SlurmCluster } from '../constructs/scheduling/slurm/slurm-cluster';
import { quotaCompute, Tenant } from '../constructs/tenancy/tenant';
import type { SiteModel } from '../site-model/resolve';
import { clusterScopedId } from './ids';
import type { PlatformStack } from './platform-stack';
import { SiteStack } from './site-stack';
import { addStorageWorkloads, type StorageWorkloads } from './storage-wiring';
import { addUpgradeMoves } from './upgrade-moves';

/**
 * The workloads layer of a site: tenants and the custom resources whose CRDs the platform
 * layer installs. Depends on the platform stack, so `cdktf deploy '*'` applies it second.
 */
export class WorkloadsStack extends SiteStack {
  /** Tenants keyed by cluster name, then tenant name. */
  readonly tenants: Readonly<Record<string, Readonly<Record<string, Tenant>>>>;
  /** Kueue queues per cluster name, when the site schedules with Kueue; not for clusters with cells. */
  readonly kueue: Readonly<Record<string, KueueQueues>>;
  /** MultiKueue per cluster with cells (their manager), when the site schedules with Kueue. */
  readonly multiKueue: Readonly<Record<string, MultiKueueManager>>;
  /** Slurm clusters per Kubernetes cluster name, when the site schedules with Slurm. */
  readonly slurm: Readonly<Record<string, SlurmCluster>>;
  /** Storage tiers, Ceph clusters and data labs. */
  readonly storage: StorageWorkloads;

  /**
   * @param site the site, or for a cell the cell's model
   * @param platform the platform stack of the same site or cell
   * @param cell the cell this stack deploys @default - the site's own workloads stack
   * @param cellPools a cell's GPU pool per name of the pools in cells, for the manager's
   *   quotas (resource names, CPU and memory per unit) @default - none, the site has no cells
   */
  constructor(scope: Construct, site: SiteModel, platform: PlatformStack, cell?: string, cellPools: Readonly<Record<string, GpuNodePool>> = {}) {
    super(scope, site, 'workloads', cell);
    this.addDependency(platform);
    const spec = site.spec;

    this.tenants = Object.fromEntries(
      site.clusters.map((cluster) => {
        const target = this.target(cluster.name);
        const perCluster = Object.values(site.tenants).map((tenant) => {
          const t = tenant.spec;
          const construct = new Tenant(this, this.clusterScopedId('Tenant', cluster.name, tenant.name), {
            target,
            siteId: spec.id,
            tenantName: tenant.name,
            kind: t.kind,
            sector: t.sector,
            groups: t.oidcGroups,
            groupPrefix: spec.identity.oidcGroupPrefix,
            // The namespace holds the part on Kubernetes-owned nodes; Slurm's accounts the rest.
            gpuQuotas: tenant.gpuQuotas
              // Pools in cells have no nodes here (the manager); the cells' tenants hold their quotas.
              .filter((q) => q.cluster === cluster.name && q.kubernetes.max > 0 && platform.pools[q.pool] !== undefined)
              .map((q) => ({ pool: platform.pools[q.pool], guaranteed: q.kubernetes.guaranteed, max: q.kubernetes.max })),
            clusterPools: cluster.pools.map((p) => platform.pools[p]),
            // Volumes only: an object quota is a bucket of that size (storage wiring), not a claim.
            storageQuotas: Object.entries(t.storageQuotaTiB)
              .filter(([tier]) => site.tiers[tier].spec.role !== 'object')
              .map(([tier, tib]) => ({ storageClassName: site.tiers[tier].storageClassName, tib })),
            internetEgress: t.internetEgress,
            // Prometheus scrapes workload metrics that tenants expose.
            trustedSources: [MONITORING_NAMESPACE],
          });
          return [tenant.name, construct] as const;
        });
        return [cluster.name, Object.fromEntries(perCluster)];
      }),
    );

    const kueue = spec.scheduler.kueue;
    this.kueue = kueue
      ? Object.fromEntries(
          site.clusters
            .filter((cluster) => cluster.cells.length === 0)
            .map((cluster) => {
              const tenants = Object.values(this.tenants[cluster.name]);
              const queues = new KueueQueues(this, this.clusterScopedId('Kueue', cluster.name), {
                target: this.target(cluster.name),
                siteId: spec.id,
                pools: cluster.pools.map((pool) => platform.pools[pool]),
                tenants,
                cohort: kueue.cohort ?? spec.id,
                fairSharing: kueue.fairSharing,
                dependsOn: tenants.map((t) => t.namespace.namespace),
              });
              return [cluster.name, queues];
            }),
        )
      : {};

    const multiKueue: Record<string, MultiKueueManager> = {};
    for (const cluster of kueue ? site.clusters.filter((c) => c.cells.length > 0) : []) {
      const tenants = Object.values(this.tenants[cluster.name]);
      const pools = Object.values(site.pools)
        .filter((p) => p.cluster === cluster.name && p.unitsOwned.kubernetes > 0 && cellPools[p.name] !== undefined)
        .map((p) => ({
          name: p.name,
          resourceName: cellPools[p.name].resourceName,
          units: p.unitsOwned.kubernetes,
          node: nodeShape(cellPools[p.name]),
        }));
      // New in 0.3, so no 0.1 id to move from (not this.clusterScopedId): its moves come below.
      const id = clusterScopedId('MultiKueue', cluster.name);
      multiKueue[cluster.name] = new MultiKueueManager(this, id, {
        target: this.target(cluster.name),
        siteId: spec.id,
        name: `${spec.id}-${cluster.name}`,
        workers: site.cells.filter((c) => c.cluster === cluster.name).map((c) => ({ name: c.name, kubeconfigSecret: c.kubeconfigSecret })),
        pools,
        tenants: tenants.map((t) => {
          const quotas = site.tenants[t.tenantName].gpuQuotas
            .filter((q) => pools.some((p) => p.name === q.pool) && q.kubernetes.max > 0)
            .map((q) => ({ pool: q.pool, guaranteed: q.kubernetes.guaranteed, max: q.kubernetes.max }));
          return {
            name: t.tenantName,
            namespace: t.namespaceName,
            quotas,
            // The CPU-only room of the namespace, with what the GPUs bring, as its ResourceQuota has it.
            cpuOnly: quotaCompute(quotas.map((q) => ({ pool: cellPools[q.pool], units: q.max }))),
          };
        }),
        cohort: kueue!.cohort ?? spec.id,
        dependsOn: tenants.map((t) => t.namespace.namespace),
      });
      // Before it had cells the cluster's queues were Kueue-<cluster>: its Cohort, ClusterQueues,
      // LocalQueues and flavors have the same ids and objects here, so state moves them (UPGRADE.md).
      addUpgradeMoves(this, new Map([[id, clusterScopedId('Kueue', cluster.name)]]));
    }
    this.multiKueue = multiKueue;

    const slurmSpec = spec.scheduler.slurm;
    const slurm: Record<string, SlurmCluster> = {};
    const directory = spec.identity.directory;
    for (const { kubernetesCluster, input, rendering, mounts } of site.slurm) {
      slurm[kubernetesCluster] = new SlurmCluster(this, this.clusterScopedId('Slurm', kubernetesCluster), {
        target: this.target(kubernetesCluster),
        rendering,
        pools: input.pools.map((p) => platform.pools[p.name]),
        loginNodes: slurmSpec?.loginNodes,
        loginService: slurmSpec?.loginService,
        restApi: slurmSpec?.restApi,
        mounts,
        ...(slurmSpec ? { nodeReserve: slurmSpec.nodeReserve } : {}),
        ...(directory ? { directory: 'ldap' in directory ? { ldap: { ...directory.ldap } } : { sssdConfSecret: { ...directory.sssdConfSecret } } } : {}),
        accounting: slurmSpec?.accounting
          ? {
              host: slurmSpec.accounting.host,
              port: slurmSpec.accounting.port,
              database: slurmSpec.accounting.database,
              user: slurmSpec.accounting.user,
              passwordSecret: { name: slurmSpec.accounting.passwordSecret.name, key: slurmSpec.accounting.passwordSecret.key },
            }
          : undefined,
        mirror: site.mirror,
      });
    }
    this.slurm = slurm;

    for (const cluster of site.clusters) {
      if (!platform.gpuPlatforms[cluster.name].network) continue;
      new NicClusterPolicy(this, this.clusterScopedId('NicClusterPolicy', cluster.name), {
        target: this.target(cluster.name),
        siteId: spec.id,
        pools: cluster.pools.map((pool) => platform.pools[pool]),
        imageRegistry: site.mirror?.imageRegistry,
      });
    }

    // After the tenants: each lab opens egress inside its tenants' namespaces.
    this.storage = addStorageWorkloads(this, site, platform.pools, this.tenants, platform.storage);
  }
}
