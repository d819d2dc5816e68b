import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { Construct } from 'constructs';
import { siteLabels } from '../constructs/core/labels';
import { GpuNodePool } from '../constructs/gpu/gpu-node-pool';
import { GpuPlatform } from '../constructs/gpu/gpu-platform';
import { Observability } from '../constructs/observability/observability';
import { KueueController } from '../constructs/scheduling/kueue/kueue-controller';
import { SlurmOperator } from '../constructs/scheduling/slurm/slurm-operator';
import { TenantPodPolicy } from '../constructs/tenancy/tenant-pod-policy';
import type { SiteModel } from '../site-model/resolve';
import { clusterScopedId } from './ids';
import { SiteStack } from './site-stack';
import { addStoragePlatform, type StoragePlatform } from './storage-wiring';

/** Namespace of the project's own descriptors on every cluster. */
export const SYSTEM_NAMESPACE = 'aif-system';

/**
 * The platform layer of a site: operators, CRDs and cluster-wide configuration. It must be
 * applied before the workloads layer, whose custom resources need these CRDs.
 */
export class PlatformStack extends SiteStack {
  /** GPU pools keyed by name. */
  readonly pools: Readonly<Record<string, GpuNodePool>>;
  /** Monitoring per cluster name. */
  readonly observability: Readonly<Record<string, Observability>>;
  /** GPU and network operators per cluster name. */
  readonly gpuPlatforms: Readonly<Record<string, GpuPlatform>>;
  /** Kueue controller per cluster name, when the site schedules with Kueue. */
  readonly kueue: Readonly<Record<string, KueueController>>;
  /** Slinky operator per cluster name that runs Slurm. */
  readonly slurm: Readonly<Record<string, SlurmOperator>>;
  /** Storage operators (csi-driver-nfs, Rook, MinIO) and data-lab CRDs per cluster name. */
  readonly storage: StoragePlatform;

  /**
   * @param site the site, or for a cell the cell's model
   * @param cell the cell this stack deploys @default - the site's own platform stack
   */
  constructor(scope: Construct, site: SiteModel, cell?: string) {
    super(scope, site, 'platform', cell);
    const spec = site.spec;
    const systemNamespaces: Record<string, NamespaceV1> = {};
    for (const target of this.targets) {
      const ns = new NamespaceV1(this, this.clusterScopedId('SystemNamespace', target.name), {
        provider: target.kubernetes,
        metadata: { name: SYSTEM_NAMESPACE, labels: siteLabels(spec.id, { 'pod-security.kubernetes.io/enforce': 'restricted' }) },
      });
      new ConfigMapV1(this, this.clusterScopedId('SiteInfo', target.name), {
        provider: target.kubernetes,
        metadata: { name: 'site', namespace: ns.metadata.name, labels: siteLabels(spec.id) },
        data: {
          id: spec.id,
          name: spec.name,
          kind: spec.kind,
          country: spec.country,
          city: spec.city,
          hostInstitution: spec.hostInstitution,
          cluster: target.name,
          'assumptions.json': JSON.stringify(spec.assumptions, null, 2),
        },
      });
      systemNamespaces[target.name] = ns;
    }

    this.pools = Object.fromEntries(
      // A pool in cells has its nodes there: the cells' stacks make it.
      Object.values(site.pools)
        .filter((pool) => !pool.cells)
        .map((pool) => {
          const p = pool.spec;
          const construct = new GpuNodePool(this, `Pool-${pool.name}`, {
            target: this.target(pool.cluster),
            siteId: spec.id,
            poolName: pool.name,
            accelerator: p.accelerator,
            nodes: p.nodes,
            acceleratorsPerNode: p.acceleratorsPerNode,
            cpusPerNode: p.cpusPerNode,
            memoryGiBPerNode: p.memoryGiBPerNode,
            interconnect: p.interconnect,
            sharing: p.sharing,
            fabric: p.fabric,
            ownership: pool.ownership,
            // A reference, not the literal name: Terraform then creates the namespace first.
            descriptorNamespace: systemNamespaces[pool.cluster].metadata.name,
          });
          return [pool.name, construct];
        }),
    );

    const mirror = site.mirror;
    const observability: Record<string, Observability> = {};
    const gpuPlatforms: Record<string, GpuPlatform> = {};
    const kueue: Record<string, KueueController> = {};
    const slurm: Record<string, SlurmOperator> = {};
    for (const cluster of site.clusters) {
      const target = this.target(cluster.name);
      // What tenants' and labs' pods may not ask of the scheduler, in place before their namespaces
      // are. New in 0.3, so no 0.1 id to move from (not this.clusterScopedId).
      new TenantPodPolicy(this, clusterScopedId('TenantPodPolicy', cluster.name), { target, siteId: spec.id });
      // Monitoring first: its CRDs carry the ServiceMonitors the other charts create.
      const monitoring = new Observability(this, this.clusterScopedId('Observability', cluster.name), { target, siteId: spec.id, mirror });
      observability[cluster.name] = monitoring;
      gpuPlatforms[cluster.name] = new GpuPlatform(this, this.clusterScopedId('GpuPlatform', cluster.name), {
        target,
        siteId: spec.id,
        pools: cluster.pools.map((name) => this.pools[name]),
        mirror,
        dependsOn: [monitoring.chart.release],
      });
      if (spec.scheduler.kueue) {
        kueue[cluster.name] = new KueueController(this, this.clusterScopedId('Kueue', cluster.name), {
          target,
          fairSharing: spec.scheduler.kueue.fairSharing,
          // A cluster with cells is their MultiKueue manager: it may only integrate kinds every cell serves.
          multiKueueManager: cluster.cells.length > 0,
          mirror,
          dependsOn: [monitoring.chart.release],
        });
      }
      if (cluster.slurm) {
        slurm[cluster.name] = new SlurmOperator(this, this.clusterScopedId('SlurmOperator', cluster.name), {
          target,
          mirror,
          dependsOn: [monitoring.chart.release],
        });
      }
    }
    this.slurm = slurm;
    this.observability = observability;
    this.gpuPlatforms = gpuPlatforms;
    this.kueue = kueue;
    this.storage = addStoragePlatform(this, site, observability);
  }
}
