import type { Construct } from 'constructs';
import { NicClusterPolicy } from '../constructs/gpu/nic-cluster-policy';
import { MONITORING_NAMESPACE } from '../constructs/observability/observability';
import { KueueQueues } from '../constructs/scheduling/kueue/kueue-queues';
import { SlurmCluster } from '../constructs/scheduling/slurm/slurm-cluster';
import { Tenant } from '../constructs/tenancy/tenant';
import type { SiteModel } from '../site-model/resolve';
import type { PlatformStack } from './platform-stack';
import { SiteStack } from './site-stack';
import { addStorageWorkloads, type StorageWorkloads } from './storage-wiring';

/**
 * The workloads layer of a site: tenants and the custom resources whose CRDs the platform
 * layer installs. Depends on the platform stack, so `cdktf deploy '*'` applies it second.
 */
export class WorkloadsStack extends SiteStack {
  /** Tenants keyed by cluster name, then tenant name. */
  readonly tenants: Readonly<Record<string, Readonly<Record<string, Tenant>>>>;
  /** Kueue queues per cluster name, when the site schedules with Kueue. */
  readonly kueue: Readonly<Record<string, KueueQueues>>;
  /** Slurm clusters per Kubernetes cluster name, when the site schedules with Slurm. */
  readonly slurm: Readonly<Record<string, SlurmCluster>>;
  /** Storage tiers, Ceph clusters and data labs. */
  readonly storage: StorageWorkloads;

  constructor(scope: Construct, site: SiteModel, platform: PlatformStack) {
    super(scope, site, 'workloads');
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
              .filter((q) => q.cluster === cluster.name && q.kubernetes.max > 0)
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
          site.clusters.map((cluster) => {
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
