/**
 * Maps a site spec onto the Slurm renderer's input, field by field: one Slurm cluster per
 * Kubernetes cluster that hosts a pool of a Slurm partition (Slinky runs slurmd pods in the
 * cluster of their controller). Only {@link resolveSite} calls it; everything else reads the
 * inputs and renderings from the site model.
 */
import type { PoolFabric } from '../constructs/gpu/gpu-node-pool';
import {
  gresTypeFor,
  type GpuVendor,
  type SlurmGpuSharing,
  type SlurmPartitionInput,
  type SlurmPoolInput,
  type SlurmRenderInput,
  type SlurmTenantInput,
} from '../constructs/scheduling/slurm/render';
import type { PoolModel, TenantPoolQuota } from './resolve';
import type { FabricSpec, GpuPoolSpec, SiteSpec, TenantSpec } from './schema';

/** The Slurm input of one Kubernetes cluster of a site. */
export interface SiteSlurmInput {
  /** Kubernetes cluster (key of `clusters:`) that runs it. */
  readonly kubernetesCluster: string;
  readonly input: SlurmRenderInput;
}

/**
 * Slurm ClusterName of the Slurm cluster on `kubernetesCluster`: the site id when the site has
 * one Kubernetes cluster, `<site id>-<cluster>` when it has several. It depends on the
 * clusters, not on how many run Slurm, so that adding or removing a partition never renames a
 * Slurm cluster (slurmctld refuses to start when its saved state has another ClusterName).
 */
function slurmClusterName(spec: SiteSpec, kubernetesCluster: string): string {
  return Object.keys(spec.clusters).length === 1 ? spec.id : `${spec.id}-${kubernetesCluster}`;
}

/**
 * The Slurm inputs of a site, in the order of `clusters:`; empty when the site does not run
 * Slurm. Called by {@link resolveSite} with the resolved pools; the rules have already
 * checked that every partition names existing pools of one cluster. Partitions over pools
 * left out of `pools` (those in cells) are skipped.
 * @param clusterName Slurm ClusterName of a cell's one Slurm cluster @default - {@link slurmClusterName}
 */
export function slurmInputs(
  spec: SiteSpec,
  pools: Readonly<Record<string, PoolModel>>,
  quotas: Readonly<Record<string, readonly TenantPoolQuota[]>>,
  clusterName?: string,
): SiteSlurmInput[] {
  const slurm = spec.scheduler.slurm;
  if (!slurm) return [];
  const partitionsByCluster = new Map<string, SlurmPartitionInput[]>();
  for (const [name, partition] of Object.entries(slurm.partitions)) {
    // A partition over pools in cells runs in the cells' Slurm clusters (each cell's model).
    const first = pools[partition.pools[0]] as PoolModel | undefined;
    if (!first) continue;
    const cluster = first.cluster;
    const list = partitionsByCluster.get(cluster) ?? [];
    list.push({
      name,
      pools: [...partition.pools],
      default: partition.default,
      maxTimeHours: partition.maxTimeHours,
      ...(partition.qos !== undefined ? { qos: partition.qos } : {}),
    });
    partitionsByCluster.set(cluster, list);
  }
  const clusters = Object.keys(spec.clusters).filter((c) => partitionsByCluster.has(c));
  return clusters.map((cluster) => {
    const slurmPools = Object.values(pools)
      .filter((p) => p.slurm && p.cluster === cluster)
      .map(slurmPool);
    const tenants = Object.entries(spec.tenants)
      .map(([name, tenant]) => slurmTenant(name, tenant, quotas[name], pools, slurmPools))
      .filter((t): t is SlurmTenantInput => t !== undefined);
    return {
      kubernetesCluster: cluster,
      input: {
        clusterName: clusterName ?? slurmClusterName(spec, cluster),
        pools: slurmPools,
        partitions: partitionsByCluster.get(cluster) ?? [],
        tenants,
        // Every QOS of the site goes into every Slurm cluster's slurmdbd, whether or not a partition names it.
        qos: Object.entries(slurm.qos).map(([name, q]) => ({
          name,
          priority: q.priority,
          ...(q.maxWallHours !== undefined ? { maxWallHours: q.maxWallHours } : {}),
          ...(q.maxGpusPerUser !== undefined ? { maxGpusPerUser: q.maxGpusPerUser } : {}),
          ...(q.maxJobsPerUser !== undefined ? { maxJobsPerUser: q.maxJobsPerUser } : {}),
        })),
        accounting: slurm.accounting !== undefined,
      },
    };
  });
}

function slurmPool({ name, spec: pool, accelerator: model, unitsPerAccelerator, ownership }: PoolModel): SlurmPoolInput {
  return {
    name,
    // The nodes Slurm owns: the pool's first, by index.
    nodes: ownership.slurm,
    // Slurm, like the device plugin, sees each device: an MI250X is two GPUs.
    gpusPerNode: pool.acceleratorsPerNode * model.devicesPerAccelerator,
    vendor: model.vendor.toLowerCase() as GpuVendor,
    gresType: gresTypeFor(pool.accelerator),
    sharing: slurmSharing(pool, unitsPerAccelerator),
    cpusPerNode: pool.cpusPerNode,
    memoryMiBPerNode: pool.memoryGiBPerNode * 1024,
    ...(pool.fabric ? { fabric: slurmFabric(pool.fabric) } : {}),
  };
}

function slurmSharing(pool: GpuPoolSpec, unitsPerAccelerator: number): SlurmGpuSharing {
  const s = pool.sharing;
  switch (s.mode) {
    case 'exclusive':
      return { mode: 'exclusive' };
    case 'mig':
      return { mode: 'mig', profile: s.profile, instancesPerGpu: unitsPerAccelerator };
    case 'time-slicing':
      // Slurm's counterpart of time-slicing is sharding: each GPU offers `replicas` shards.
      return { mode: 'shard', sharesPerGpu: s.replicas };
  }
}

function slurmFabric(f: FabricSpec): PoolFabric {
  return {
    ...(f.nodesPerLeafSwitch !== undefined ? { nodesPerLeafSwitch: f.nodesPerLeafSwitch } : {}),
    ...(f.leafSwitchesPerSpine !== undefined ? { leafSwitchesPerSpine: f.leafSwitchesPerSpine } : {}),
    ...(f.nodesPerNvlinkDomain !== undefined ? { nodesPerNvlinkDomain: f.nodesPerNvlinkDomain } : {}),
  };
}

/**
 * The tenant's account in one Slurm cluster, or undefined when it has no quota on the
 * cluster's pools. Fairshare is the tenant's guaranteed quota in whole-GPU equivalents (MIG
 * instances and shards divided by their count per GPU), at least 1: the counterpart of the
 * nominal quota Kueue gives the tenant.
 */
function slurmTenant(
  name: string,
  tenant: TenantSpec,
  quotas: readonly TenantPoolQuota[],
  models: Readonly<Record<string, PoolModel>>,
  pools: readonly SlurmPoolInput[],
): SlurmTenantInput | undefined {
  const maxUnitsByPool: Record<string, number> = {};
  let gpuEquivalents = 0;
  for (const pool of pools) {
    // The part of the tenant's quota on the nodes Slurm owns (splitQuota).
    const quota = quotas.find((q) => q.pool === pool.name)?.slurm;
    if (!quota || quota.max === 0) continue;
    maxUnitsByPool[pool.name] = quota.max;
    gpuEquivalents += quota.guaranteed / models[pool.name].unitsPerAccelerator;
  }
  if (Object.keys(maxUnitsByPool).length === 0) return undefined;
  return {
    name,
    fairshare: Math.max(1, Math.round(gpuEquivalents)),
    maxUnitsByPool,
    description: tenant.displayName ?? name,
    organization: tenant.kind,
  };
}
