/**
 * Maps a site spec onto the Slurm renderer's input, field by field: one Slurm cluster per
 * Kubernetes cluster that hosts a pool of a Slurm partition (Slinky runs slurmd pods in the
 * cluster of their controller).
 */
import { ACCELERATORS } from '../constructs/gpu/accelerators';
import { unitsPerGpu } from '../constructs/gpu/gpu-sharing';
import type { PoolFabric } from '../constructs/gpu/gpu-node-pool';
import {
  gresTypeFor,
  renderSlurm,
  SlurmInputError,
  type GpuVendor,
  type SlurmGpuSharing,
  type SlurmPartitionInput,
  type SlurmPoolInput,
  type SlurmRenderInput,
  type SlurmTenantInput,
} from '../constructs/scheduling/slurm/render';
import type { FabricSpec, GpuPoolSpec, SiteSpec, TenantSpec } from './schema';

/** The Slurm cluster of one Kubernetes cluster of a site. */
export interface SiteSlurmCluster {
  /** Kubernetes cluster (key of `clusters:`) that runs it. */
  readonly kubernetesCluster: string;
  readonly input: SlurmRenderInput;
}

/** Thrown when a site's Slurm section cannot be mapped; lists every problem. */
export class SlurmMappingError extends Error {
  constructor(
    readonly siteId: string,
    readonly problems: readonly string[],
  ) {
    super(`site ${siteId}: ${problems.length} Slurm problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'SlurmMappingError';
  }
}

/**
 * Slurm ClusterName of the Slurm cluster on `kubernetesCluster`: the site id when the site
 * runs one Slurm cluster, `<site id>-<cluster>` when it runs several.
 */
export function slurmClusterName(spec: SiteSpec, kubernetesCluster: string, slurmClusters: number): string {
  return slurmClusters === 1 ? spec.id : `${spec.id}-${kubernetesCluster}`;
}

/**
 * The Slurm clusters of a site, in the order of `clusters:`; empty when the site does not
 * run Slurm.
 */
export function slurmInputsFromSite(spec: SiteSpec): SiteSlurmCluster[] {
  const slurm = spec.scheduler.slurm;
  if (!slurm) return [];
  const problems: string[] = [];
  const clusterNames = Object.keys(spec.clusters);
  const clusterOf = (poolName: string, pool: GpuPoolSpec): string | undefined => {
    if (pool.cluster !== undefined) return pool.cluster;
    if (clusterNames.length === 1) return clusterNames[0];
    problems.push(`gpuPools.${poolName}.cluster: is required on a site with several clusters, got nothing; name the cluster of the pool`);
    return undefined;
  };

  // Partitions, and the Kubernetes cluster each one runs on.
  const partitionsByCluster = new Map<string, SlurmPartitionInput[]>();
  const slurmPools = new Set<string>();
  for (const [name, partition] of Object.entries(slurm.partitions)) {
    const clusters = new Set<string>();
    for (const poolName of partition.pools) {
      const pool = spec.gpuPools[poolName];
      if (!pool) {
        problems.push(`scheduler.slurm.partitions.${name}.pools: names a GPU pool that does not exist, got ${JSON.stringify(poolName)}; use one of ${Object.keys(spec.gpuPools).join(', ')}`);
        continue;
      }
      const cluster = clusterOf(poolName, pool);
      if (cluster !== undefined) clusters.add(cluster);
      slurmPools.add(poolName);
    }
    if (clusters.size > 1) {
      problems.push(
        `scheduler.slurm.partitions.${name}.pools: a partition runs in one Kubernetes cluster but its pools are in ${[...clusters].join(' and ')}, got ${JSON.stringify(partition.pools)}; split the partition by cluster`,
      );
      continue;
    }
    const [cluster] = [...clusters];
    if (cluster === undefined) continue;
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
  if (problems.length > 0) throw new SlurmMappingError(spec.id, problems);

  const clusters = clusterNames.filter((c) => partitionsByCluster.has(c));
  return clusters.map((cluster) => {
    const pools = Object.entries(spec.gpuPools)
      .filter(([name, pool]) => slurmPools.has(name) && clusterOf(name, pool) === cluster)
      .map(([name, pool]) => slurmPool(name, pool));
    const tenants = Object.entries(spec.tenants)
      .map(([name, tenant]) => slurmTenant(name, tenant, spec, pools))
      .filter((t): t is SlurmTenantInput => t !== undefined);
    return {
      kubernetesCluster: cluster,
      input: {
        clusterName: slurmClusterName(spec, cluster, clusters.length),
        pools,
        partitions: partitionsByCluster.get(cluster) ?? [],
        tenants,
        accounting: slurm.accounting !== undefined,
      },
    };
  });
}

function slurmPool(name: string, pool: GpuPoolSpec): SlurmPoolInput {
  const model = ACCELERATORS[pool.accelerator];
  return {
    name,
    nodes: pool.nodes,
    // Slurm, like the device plugin, sees each device: an MI250X is two GPUs.
    gpusPerNode: pool.acceleratorsPerNode * model.devicesPerAccelerator,
    vendor: model.vendor.toLowerCase() as GpuVendor,
    gresType: gresTypeFor(pool.accelerator),
    sharing: slurmSharing(pool),
    cpusPerNode: pool.cpusPerNode,
    memoryMiBPerNode: pool.memoryGiBPerNode * 1024,
    ...(pool.fabric ? { fabric: slurmFabric(pool.fabric) } : {}),
  };
}

function slurmSharing(pool: GpuPoolSpec): SlurmGpuSharing {
  const s = pool.sharing;
  switch (s.mode) {
    case 'exclusive':
      return { mode: 'exclusive' };
    case 'mig':
      return { mode: 'mig', profile: s.profile, instancesPerGpu: unitsPerGpu(pool.accelerator, s) };
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
function slurmTenant(name: string, tenant: TenantSpec, spec: SiteSpec, pools: readonly SlurmPoolInput[]): SlurmTenantInput | undefined {
  const maxUnitsByPool: Record<string, number> = {};
  let gpuEquivalents = 0;
  for (const pool of pools) {
    const quota = tenant.gpuQuota[pool.name];
    if (!quota) continue;
    maxUnitsByPool[pool.name] = quota.max;
    const poolSpec = spec.gpuPools[pool.name];
    gpuEquivalents += quota.guaranteed / unitsPerGpu(poolSpec.accelerator, poolSpec.sharing);
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

/**
 * Site-file paths of the renderer's input paths: the mapping above read backwards, so
 * problems point at the line an operator must change.
 */
const INPUT_TO_SITE: readonly [RegExp, string][] = [
  [/^clusterName$/, 'id'],
  [/^pools\.([^.]+)\.gpusPerNode$/, 'gpuPools.$1.acceleratorsPerNode'],
  [/^pools\.([^.]+)\.memoryMiBPerNode$/, 'gpuPools.$1.memoryGiBPerNode'],
  [/^pools\.([^.]+)\.(gresType|vendor)$/, 'gpuPools.$1.accelerator'],
  [/^pools\.([^.]+)\.name$/, 'gpuPools.$1'],
  [/^pools(\..*)?$/, 'gpuPools$1'],
  [/^partitions(\..*)?$/, 'scheduler.slurm.partitions$1'],
  [/^tenants\.([^.]+)\.maxUnitsByPool\.([^.]+)$/, 'tenants.$1.gpuQuota.$2.max'],
  [/^tenants\.([^.]+)\.fairshare$/, 'tenants.$1.gpuQuota'],
];

/** A Slurm problem of a site, located by site-file path. */
export interface SlurmSiteProblem {
  /** Dotted site-file path, e.g. `gpuPools.h100.fabric.nodesPerNvlinkDomain`. */
  readonly path: string;
  /** The rest of the message: `<problem>, got <value>; <fix>`. */
  readonly text: string;
}

/**
 * Everything that stops a site's Slurm configuration from rendering (partitions across
 * clusters, NVLink domains that do not fit, names that would clash …), located by site path.
 * Validation runs this, so synth and validate report it with file and line.
 */
export function slurmSiteProblems(spec: SiteSpec): SlurmSiteProblem[] {
  const raw: string[] = [];
  try {
    for (const c of slurmInputsFromSite(spec)) {
      try {
        renderSlurm(c.input);
      } catch (e) {
        if (!(e instanceof SlurmInputError)) throw e;
        raw.push(...e.problems);
      }
    }
  } catch (e) {
    if (!(e instanceof SlurmMappingError)) throw e;
    raw.push(...e.problems);
  }
  return raw.map((p) => {
    const at = p.indexOf(': ');
    const inputPath = p.slice(0, at);
    const rule = INPUT_TO_SITE.find(([re]) => re.test(inputPath));
    return { path: rule ? inputPath.replace(rule[0], rule[1]) : inputPath, text: p.slice(at + 2) };
  });
}
