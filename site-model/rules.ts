/**
 * Cross-field rules of a site file: references between sections, and quotas against
 * capacity. They run on whatever parts of the file are valid on their own, so a file
 * with both schema and reference mistakes shows all of them in one run.
 */
import { ACCELERATORS } from '../constructs/gpu/accelerators';
import { migInstancesPerGpu, unitsPerGpu } from '../constructs/gpu/gpu-sharing';
import { renderValue } from './problems';
import type { DataLabSpec, GpuPoolSpec, SiteSpec, StorageTierSpec } from './schema';

/** A rule violation, located by field path. */
export interface RuleFinding {
  readonly path: readonly (string | number)[];
  readonly problem: string;
  readonly got: string;
  readonly fix: string;
}

/** Names declared in a keyed map of the raw file, valid or not. */
function declared(raw: Record<string, unknown>, section: string): string[] {
  const value = raw[section];
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

/** Units (GPUs, MIG instances or time-sliced replicas) a pool offers in total. */
export function poolUnits(pool: GpuPoolSpec): number {
  return pool.nodes * pool.acceleratorsPerNode * unitsPerGpu(pool.accelerator, pool.sharing);
}

/** Backends whose service runs inside one Kubernetes cluster (rather than storage the site already runs). */
export function isInClusterBackend(tier: Pick<StorageTierSpec, 'backend'>): boolean {
  return tier.backend.type === 'rook-ceph' || tier.backend.type === 'minio';
}

/** Whether a tier serves buckets rather than volumes. */
export function isObjectBackend(tier: Pick<StorageTierSpec, 'backend'>): boolean {
  return tier.backend.type === 'minio' || (tier.backend.type === 'rook-ceph' && tier.backend.service === 'object');
}

/**
 * Clusters that get a tier: the one it names; else every cluster for external backends
 * (csi, nfs), and the only cluster for in-cluster backends (none when the site has several
 * and the tier names none, which the rules report).
 */
export function tierClusters(tier: Pick<StorageTierSpec, 'backend' | 'cluster'>, clusters: readonly string[]): string[] {
  if (tier.cluster !== undefined) return clusters.includes(tier.cluster) ? [tier.cluster] : [];
  if (!isInClusterBackend(tier) || clusters.length === 1) return [...clusters];
  return [];
}

/** The tier a lab keeps its volumes on: its volumeTier, else the site's first home tier. */
export function labVolumeTier(lab: Pick<DataLabSpec, 'volumeTier'>, tiers: Readonly<Record<string, Pick<StorageTierSpec, 'role'>>>): string | undefined {
  return lab.volumeTier ?? Object.entries(tiers).find(([, t]) => t.role === 'home')?.[0];
}

function hasPath(raw: unknown, dotted: string): boolean {
  let current: unknown = raw;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !(key in (current as object))) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}

/** A `got` text that describes the value rather than quoting it. */
class Described {
  constructor(readonly text: string) {}
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Runs every cross-field rule. `spec` holds the valid parts, `raw` the whole parsed file. */
export function siteRules(spec: Partial<SiteSpec>, raw: Record<string, unknown>): RuleFinding[] {
  const findings: RuleFinding[] = [];
  /** Records a finding; `got` is a value from the file, or a `Described` text. */
  const add = (path: (string | number)[], problem: string, got: unknown, fix: string) =>
    findings.push({ path, problem, got: got instanceof Described ? got.text : renderValue(got), fix });
  const literal = (text: string) => new Described(text);

  const clusters = declared(raw, 'clusters');
  const pools = declared(raw, 'gpuPools');
  const tenants = declared(raw, 'tenants');
  const tiers = declared(raw, 'storageTiers');
  const refList = (names: string[]) => (names.length ? names.join(', ') : 'none declared');

  if ('clusters' in raw && clusters.length === 0) add(['clusters'], 'needs at least one cluster', raw.clusters, 'add a cluster with kubeconfigPath and context');
  if ('gpuPools' in raw && pools.length === 0) add(['gpuPools'], 'needs at least one GPU pool', raw.gpuPools, 'add a pool');

  // Pools: cluster references and sharing that fits the accelerator.
  const poolSpecs = spec.gpuPools ?? {};
  for (const [name, pool] of Object.entries(poolSpecs)) {
    if (pool.cluster === undefined && clusters.length > 1) {
      add(['gpuPools', name], 'must name its cluster because the site has several', literal('no cluster'), `add cluster: with one of ${refList(clusters)}`);
    }
    if (pool.cluster !== undefined && !clusters.includes(pool.cluster)) {
      add(['gpuPools', name, 'cluster'], 'names a cluster that the site does not declare', pool.cluster, `use one of ${refList(clusters)}`);
    }
    const fabric = pool.fabric;
    if (fabric) {
      if (fabric.nodesPerLeafSwitch === undefined && fabric.nodesPerNvlinkDomain === undefined) {
        add(['gpuPools', name, 'fabric'], 'describes no structure', fabric, 'set nodesPerLeafSwitch, nodesPerNvlinkDomain or both');
      }
      if (fabric.leafSwitchesPerSpine !== undefined && fabric.nodesPerLeafSwitch === undefined) {
        add(['gpuPools', name, 'fabric', 'leafSwitchesPerSpine'], 'needs nodesPerLeafSwitch to place nodes under leaves', fabric.leafSwitchesPerSpine, 'add nodesPerLeafSwitch');
      }
      for (const field of ['nodesPerLeafSwitch', 'nodesPerNvlinkDomain'] as const) {
        const n = fabric[field];
        if (n !== undefined && n > pool.nodes) add(['gpuPools', name, 'fabric', field], `is larger than the pool (${pool.nodes} nodes)`, n, `use at most ${pool.nodes}`);
      }
    }
    const model = ACCELERATORS[pool.accelerator];
    if (model.vendor !== 'NVIDIA' && model.vendor !== 'AMD') {
      add(
        ['gpuPools', name, 'accelerator'],
        `${model.vendor} accelerators are not yet supported: the project pins no operator chart for them`,
        pool.accelerator,
        'use an NVIDIA or AMD accelerator, or leave this pool out until support lands',
      );
    }
    if (pool.sharing.mode === 'mig') {
      if (!model.migCapable) {
        add(['gpuPools', name, 'sharing', 'mode'], `${pool.accelerator} does not support MIG`, 'mig', 'use exclusive or time-slicing');
      } else if (model.memoryGB !== null) {
        const n = migInstancesPerGpu(pool.sharing.profile, model.memoryGB);
        if (typeof n === 'string') add(['gpuPools', name, 'sharing', 'profile'], `the profile does not fit: ${n}`, pool.sharing.profile, 'choose a smaller profile');
      }
    }
  }
  // Units each pool offers; pools whose sharing does not fit their accelerator (reported
  // above) have no capacity to check quotas against.
  const capacities = new Map<string, number>();
  for (const [name, pool] of Object.entries(poolSpecs)) {
    try {
      capacities.set(name, poolUnits(pool));
    } catch {
      // a MIG profile that does not fit: already a finding
    }
  }

  // Scheduler.
  const scheduler = spec.scheduler;
  if (scheduler && !scheduler.slurm && !scheduler.kueue) {
    add(['scheduler'], 'must choose at least one scheduler', raw.scheduler, 'add slurm:, kueue: or both');
  }
  if (scheduler?.slurm) {
    const partitions = Object.entries(scheduler.slurm.partitions);
    if (partitions.length === 0) add(['scheduler', 'slurm', 'partitions'], 'needs at least one partition', scheduler.slurm.partitions, 'add a partition over one of your pools');
    const defaults = partitions.filter(([, p]) => p.default).map(([n]) => n);
    if (defaults.length > 1) {
      add(['scheduler', 'slurm', 'partitions', defaults[1], 'default'], 'only one partition can be the default', literal(defaults.join(' and ')), 'set default: true on one partition only');
    }
    for (const [pname, partition] of partitions) {
      partition.pools.forEach((pool, i) => {
        if (!pools.includes(pool)) add(['scheduler', 'slurm', 'partitions', pname, 'pools', i], 'names a GPU pool that does not exist', pool, `use one of ${refList(pools)}`);
      });
    }
  }

  // Storage tiers: the backend fits the role, and in-cluster backends know their cluster.
  const tierSpecs = spec.storageTiers ?? {};
  for (const [tname, tier] of Object.entries(tierSpecs)) {
    const at = ['storageTiers', tname];
    if (tier.role === 'object' && !isObjectBackend(tier)) {
      add([...at, 'backend', 'type'], `role object needs a backend that serves buckets, but ${tier.backend.type} serves volumes`, tier.backend.type, 'use rook-ceph with service: object, or minio');
    }
    if (tier.role !== 'object' && isObjectBackend(tier)) {
      add([...at, 'role'], 'this backend serves buckets only, so the tier must have role object', tier.role, 'set role: object, or use a csi, nfs or rook-ceph block or filesystem backend');
    }
    if (tier.cluster !== undefined && !clusters.includes(tier.cluster)) {
      add([...at, 'cluster'], 'names a cluster that the site does not declare', tier.cluster, `use one of ${refList(clusters)}`);
    }
    if (tier.cluster === undefined && isInClusterBackend(tier) && clusters.length > 1) {
      add(at, `must name its cluster: a ${tier.backend.type} backend runs inside one cluster and the site has several`, literal('no cluster'), `add cluster: with one of ${refList(clusters)}`);
    }
  }

  // Tenants: references, guaranteed <= max <= capacity.
  const tenantSpecs = spec.tenants ?? {};
  const guaranteedByPool = new Map<string, { sum: number; tenants: string[] }>();
  const storageByTier = new Map<string, { sum: number; tenants: string[] }>();
  for (const [tname, tenant] of Object.entries(tenantSpecs)) {
    for (const [pool, quota] of Object.entries(tenant.gpuQuota)) {
      const at = ['tenants', tname, 'gpuQuota', pool];
      if (!pools.includes(pool)) {
        add(at, 'names a GPU pool that does not exist', pool, `use one of ${refList(pools)}`);
        continue;
      }
      if (quota.guaranteed > quota.max) add([...at, 'guaranteed'], `must not exceed max (${quota.max})`, quota.guaranteed, 'lower guaranteed or raise max');
      const capacity = capacities.get(pool);
      if (capacity !== undefined) {
        if (quota.max > capacity) add([...at, 'max'], `exceeds the capacity of pool ${pool} (${capacity})`, quota.max, `lower it to ${capacity} at most`);
        const entry = guaranteedByPool.get(pool) ?? { sum: 0, tenants: [] };
        entry.sum += quota.guaranteed;
        entry.tenants.push(tname);
        guaranteedByPool.set(pool, entry);
      }
    }
    for (const [tier, tib] of Object.entries(tenant.storageQuotaTiB)) {
      if (!tiers.includes(tier)) {
        add(['tenants', tname, 'storageQuotaTiB', tier], 'names a storage tier that does not exist', tier, `use one of ${refList(tiers)}`);
        continue;
      }
      const entry = storageByTier.get(tier) ?? { sum: 0, tenants: [] };
      entry.sum += tib;
      entry.tenants.push(tname);
      storageByTier.set(tier, entry);
    }
  }

  // Labs claim volumes on their volume tier, beside the tenants.
  for (const [lname, lab] of Object.entries(spec.dataLabs ?? {})) {
    const tier = labVolumeTier(lab, spec.storageTiers ?? {});
    if (tier === undefined || !tiers.includes(tier)) continue;
    const entry = storageByTier.get(tier) ?? { sum: 0, tenants: [] };
    entry.sum += lab.volumeQuotaTiB;
    entry.tenants.push(`lab ${lname}`);
    storageByTier.set(tier, entry);
  }

  // Capacity: guaranteed quotas must fit unless the site oversubscribes explicitly.
  const gpuRatio = spec.oversubscription?.gpu ?? 1;
  for (const [pool, { sum, tenants: who }] of guaranteedByPool) {
    const capacity = capacities.get(pool) as number;
    if (sum > capacity * gpuRatio) {
      add(
        ['tenants', who[who.length - 1], 'gpuQuota', pool, 'guaranteed'],
        `guaranteed quotas on pool ${pool} add up to ${sum} (${who.join(', ')}) but the pool offers ${capacity}${gpuRatio > 1 ? ` x ${gpuRatio} oversubscription` : ''}`,
        sum,
        `lower the guarantees or set oversubscription.gpu to at least ${round(sum / capacity)}`,
      );
    }
  }
  const storageRatio = spec.oversubscription?.storage ?? 1;
  for (const [tier, { sum, tenants: who }] of storageByTier) {
    const tierSpec = spec.storageTiers?.[tier];
    if (!tierSpec) continue;
    if (sum > tierSpec.capacityTiB * storageRatio) {
      const last = who[who.length - 1];
      add(
        last.startsWith('lab ') ? ['dataLabs', last.slice(4), 'volumeQuotaTiB'] : ['tenants', last, 'storageQuotaTiB', tier],
        `storage quotas on tier ${tier} add up to ${round(sum)} TiB (${who.join(', ')}) but the tier holds ${tierSpec.capacityTiB} TiB${storageRatio > 1 ? ` x ${storageRatio} oversubscription` : ''}`,
        round(sum),
        `lower the quotas or set oversubscription.storage to at least ${round(sum / tierSpec.capacityTiB)}`,
      );
    }
  }

  // Data labs: references to tenants, pools and tiers of the right role, all in one cluster.
  const poolCluster = (pool: string) => poolSpecs[pool]?.cluster ?? (clusters.length === 1 ? clusters[0] : undefined);
  let resolvedLabs = 0;
  for (const [lname, lab] of Object.entries(spec.dataLabs ?? {})) {
    const before = findings.length;
    lab.tenants.forEach((t, i) => {
      if (!tenants.includes(t)) add(['dataLabs', lname, 'tenants', i], 'names a tenant that does not exist', t, `use one of ${refList(tenants)}`);
    });
    lab.pools.forEach((p, i) => {
      if (!pools.includes(p)) add(['dataLabs', lname, 'pools', i], 'names a GPU pool that does not exist', p, `use one of ${refList(pools)}`);
    });
    const [firstPool] = lab.pools.filter((p) => poolSpecs[p]);
    const labCluster = firstPool === undefined ? undefined : poolCluster(firstPool);
    lab.pools.forEach((p, i) => {
      const c = poolSpecs[p] ? poolCluster(p) : undefined;
      if (c !== undefined && labCluster !== undefined && c !== labCluster) {
        add(['dataLabs', lname, 'pools', i], `is in cluster ${c}, but a lab runs in one cluster and its first pool ${firstPool} is in ${labCluster}`, p, `use pools of cluster ${labCluster} only, or split the lab`);
      }
    });
    for (const field of ['objectTier', 'volumeTier'] as const) {
      const tier = lab[field];
      if (tier === undefined) continue;
      if (!tiers.includes(tier)) {
        add(['dataLabs', lname, field], 'names a storage tier that does not exist', tier, `use one of ${refList(tiers)}`);
        continue;
      }
      const tierSpec = spec.storageTiers?.[tier];
      const role = tierSpec?.role;
      if (field === 'objectTier' && role !== undefined && role !== 'object') {
        add(['dataLabs', lname, field], `must be a tier with role object, but ${tier} has role ${role}`, tier, 'name an object tier');
      }
      if (field === 'volumeTier' && role === 'object') {
        add(['dataLabs', lname, field], `must be a tier that holds volumes, but ${tier} has role object`, tier, 'name a home or project tier');
      }
      const served = tierSpec ? tierClusters(tierSpec, clusters) : [];
      if (tierSpec && labCluster !== undefined && served.length > 0 && !served.includes(labCluster)) {
        add(['dataLabs', lname, field], `is served in cluster ${served.join(', ')}, but the lab runs in cluster ${labCluster} (where its pools are)`, tier, `use a tier of cluster ${labCluster}, or set that tier's cluster to ${labCluster}`);
      }
    }
    const volumeTier = labVolumeTier(lab, spec.storageTiers ?? {});
    if (lab.volumeTier === undefined && volumeTier !== undefined && labCluster !== undefined) {
      const served = tierClusters(tierSpecs[volumeTier], clusters);
      if (served.length > 0 && !served.includes(labCluster)) {
        add(['dataLabs', lname], `keeps its volumes on the home tier ${volumeTier}, which is served in cluster ${served.join(', ')}, not in the lab's cluster ${labCluster}`, literal('no volumeTier'), `set volumeTier: to a tier of cluster ${labCluster}`);
      }
    }
    if (lab.gpusPerNotebook > lab.gpusPerPool) {
      add(['dataLabs', lname, 'gpusPerNotebook'], `must not exceed gpusPerPool (${lab.gpusPerPool}), or no notebook could start`, lab.gpusPerNotebook, `lower it, or raise gpusPerPool to at least ${lab.gpusPerNotebook}`);
    }
    lab.pools.forEach((p) => {
      const capacity = capacities.get(p);
      if (capacity !== undefined && lab.gpusPerPool > capacity) {
        add(['dataLabs', lname, 'gpusPerPool'], `exceeds the capacity of pool ${p} (${capacity})`, lab.gpusPerPool, `lower it to ${capacity} at most`);
      }
    });
    if (findings.length === before) resolvedLabs++;
  }
  // JupyterHub in every lab signs users in with the site's issuer. Checked once the labs'
  // own references resolve, since a lab that names nothing real would not be built anyway.
  if (resolvedLabs > 0 && spec.identity && spec.identity.oidcIssuerUrl === undefined) {
    add(['identity'], 'needs oidcIssuerUrl because the site has data labs, whose JupyterHub signs users in through OIDC', literal('no oidcIssuerUrl'), 'add identity.oidcIssuerUrl: with the issuer URL of the site\'s identity provider');
  }

  // State: local state only on development sites.
  if (spec.state?.backend === 'local' && spec.development !== true) {
    add(['state', 'backend'], 'local state is only allowed on a development site', 'local', 'use s3, kubernetes or pg, or set development: true');
  }

  // Assumptions must point at fields that exist.
  for (const key of Object.keys(spec.assumptions ?? {})) {
    if (!hasPath(raw, key)) add(['assumptions', key], 'names a field that the file does not have', key, 'use the dotted path of an existing field, e.g. gpuPools.main.nodes');
  }
  return findings;
}
