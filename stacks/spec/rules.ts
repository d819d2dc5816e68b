/**
 * Cross-field rules of a site file: references between sections, and quotas against
 * capacity. They run on whatever parts of the file are valid on their own, so a file
 * with both schema and reference mistakes shows all of them in one run.
 */
import { ACCELERATORS } from '../../constructs/accelerators';
import { migInstancesPerGpu, unitsPerGpu } from '../../constructs/gpu-sharing';
import { renderValue } from './problems';
import type { GpuPoolSpec, SiteSpec } from './schema';

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
  const usablePools = Object.fromEntries(
    Object.entries(poolSpecs).filter(([, p]) => p.sharing.mode !== 'mig' || (ACCELERATORS[p.accelerator].migCapable && typeof migInstancesPerGpu(p.sharing.profile, ACCELERATORS[p.accelerator].memoryGB ?? 0) === 'number')),
  );

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
      const poolSpec = usablePools[pool];
      if (poolSpec) {
        const capacity = poolUnits(poolSpec);
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

  // Capacity: guaranteed quotas must fit unless the site oversubscribes explicitly.
  const gpuRatio = spec.oversubscription?.gpu ?? 1;
  for (const [pool, { sum, tenants: who }] of guaranteedByPool) {
    const capacity = poolUnits(usablePools[pool]);
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
      add(
        ['tenants', who[who.length - 1], 'storageQuotaTiB', tier],
        `storage quotas on tier ${tier} add up to ${round(sum)} TiB (${who.join(', ')}) but the tier holds ${tierSpec.capacityTiB} TiB${storageRatio > 1 ? ` x ${storageRatio} oversubscription` : ''}`,
        round(sum),
        `lower the quotas or set oversubscription.storage to at least ${round(sum / tierSpec.capacityTiB)}`,
      );
    }
  }

  // Data labs: references to tenants, pools and tiers of the right role.
  for (const [lname, lab] of Object.entries(spec.dataLabs ?? {})) {
    lab.tenants.forEach((t, i) => {
      if (!tenants.includes(t)) add(['dataLabs', lname, 'tenants', i], 'names a tenant that does not exist', t, `use one of ${refList(tenants)}`);
    });
    lab.pools.forEach((p, i) => {
      if (!pools.includes(p)) add(['dataLabs', lname, 'pools', i], 'names a GPU pool that does not exist', p, `use one of ${refList(pools)}`);
    });
    for (const field of ['objectTier', 'volumeTier'] as const) {
      const tier = lab[field];
      if (tier === undefined) continue;
      if (!tiers.includes(tier)) {
        add(['dataLabs', lname, field], 'names a storage tier that does not exist', tier, `use one of ${refList(tiers)}`);
        continue;
      }
      const role = spec.storageTiers?.[tier]?.role;
      if (field === 'objectTier' && role !== undefined && role !== 'object') {
        add(['dataLabs', lname, field], `must be a tier with role object, but ${tier} has role ${role}`, tier, 'name an object tier');
      }
    }
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
