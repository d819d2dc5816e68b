import type { Construct } from 'constructs';
import { KueueQueues } from '../constructs/scheduling/kueue/kueue-queues';
import { NicClusterPolicy } from '../constructs/gpu/nic-cluster-policy';
import { MONITORING_NAMESPACE } from '../constructs/observability/observability';
import { SlurmCluster } from '../constructs/scheduling/slurm/slurm-cluster';
import { renderSlurm } from '../constructs/scheduling/slurm/render';
import { registryMirror } from './platform-stack';
import { slurmInputsFromSite } from '../site-model/slurm-input';
import { addStorageWorkloads, type StorageWorkloads } from './storage-wiring';
import { tierStorageClassName } from '../constructs/storage/storage-tier';
import { Tenant } from '../constructs/tenancy/tenant';
import type { PlatformStack } from './platform-stack';
import { SiteStack } from './site-stack';
import type { SiteSpec } from '../site-model/schema';

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

  constructor(scope: Construct, spec: SiteSpec, platform: PlatformStack) {
    super(scope, spec, 'workloads');
    this.addDependency(platform);

    this.tenants = Object.fromEntries(
      this.targets.map((target) => {
        const perCluster = Object.entries(spec.tenants).map(([name, tenant]) => {
          const id = this.targets.length > 1 ? `Tenant-${target.name}-${name}` : `Tenant-${name}`;
          const construct = new Tenant(this, id, {
            target,
            siteId: spec.id,
            tenantName: name,
            kind: tenant.kind,
            sector: tenant.sector,
            groups: tenant.oidcGroups,
            groupPrefix: spec.identity.oidcGroupPrefix,
            gpuQuotas: Object.entries(tenant.gpuQuota)
              .filter(([pool]) => this.poolCluster(pool) === target.name)
              .map(([pool, quota]) => ({ pool: platform.pools[pool], guaranteed: quota.guaranteed, max: quota.max })),
            storageQuotas: Object.entries(tenant.storageQuotaTiB).map(([tier, tib]) => ({ storageClassName: tierStorageClassName(tier), tib })),
            internetEgress: tenant.internetEgress,
            // Prometheus scrapes workload metrics that tenants expose.
            trustedSources: [MONITORING_NAMESPACE],
          });
          return [name, construct] as const;
        });
        return [target.name, Object.fromEntries(perCluster)];
      }),
    );

    const kueue = spec.scheduler.kueue;
    this.kueue = kueue
      ? Object.fromEntries(
          this.targets.map((target) => {
            const suffix = this.suffix(target.name);
            const tenants = Object.values(this.tenants[target.name]);
            const queues = new KueueQueues(this, `Kueue${suffix}`, {
              target,
              siteId: spec.id,
              pools: Object.keys(spec.gpuPools)
                .filter((pool) => this.poolCluster(pool) === target.name)
                .map((pool) => platform.pools[pool]),
              tenants,
              cohort: kueue.cohort ?? spec.id,
              fairSharing: kueue.fairSharing,
              dependsOn: tenants.map((t) => t.namespace.namespace),
            });
            return [target.name, queues];
          }),
        )
      : {};

    const slurmSpec = spec.scheduler.slurm;
    const slurm: Record<string, SlurmCluster> = {};
    for (const { kubernetesCluster, input } of slurmInputsFromSite(spec)) {
      const suffix = this.suffix(kubernetesCluster);
      slurm[kubernetesCluster] = new SlurmCluster(this, `Slurm${suffix}`, {
        target: this.target(kubernetesCluster),
        rendering: renderSlurm(input),
        pools: input.pools.map((p) => platform.pools[p.name]),
        loginNodes: slurmSpec?.loginNodes,
        restApi: slurmSpec?.restApi,
        accounting: slurmSpec?.accounting
          ? {
              host: slurmSpec.accounting.host,
              port: slurmSpec.accounting.port,
              database: slurmSpec.accounting.database,
              user: slurmSpec.accounting.user,
              passwordSecret: { name: slurmSpec.accounting.passwordSecret.name, key: slurmSpec.accounting.passwordSecret.key },
            }
          : undefined,
        mirror: registryMirror(spec),
      });
    }
    this.slurm = slurm;

    for (const target of this.targets) {
      const network = platform.gpuPlatforms[target.name].network;
      if (!network) continue;
      const suffix = this.suffix(target.name);
      new NicClusterPolicy(this, `NicClusterPolicy${suffix}`, {
        target,
        siteId: spec.id,
        imageRegistry: spec.registryMirror?.imageRegistry,
      });
    }

    // After the tenants: each lab opens egress inside its tenants' namespaces.
    this.storage = addStorageWorkloads(this, spec, this.targets, platform.pools, this.tenants, platform.storage, registryMirror(spec));
  }
}
