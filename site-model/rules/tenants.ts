/**
 * Rules of `tenants:`: references to pools and tiers, guaranteed <= max <= capacity, and the
 * sums of guarantees and storage quotas (with the labs' volumes) against what the site has.
 */
import { MAX_STORAGE_CLASS_QUOTA_TIB } from '../../constructs/core/quantities';
import { labVolumeTier } from '../resolve';
import { round, type RuleContext } from './context';

interface Claims {
  sum: number;
  /** Who claims: tenant names, or `lab <name>`. */
  readonly by: string[];
}

function claim(map: Map<string, Claims>, key: string, amount: number, by: string): void {
  const entry = map.get(key) ?? { sum: 0, by: [] };
  entry.sum += amount;
  entry.by.push(by);
  map.set(key, entry);
}

/** Checks tenants' quotas against the pools and tiers of a site file. */
export function tenantRules(ctx: RuleContext): void {
  const { spec, pools, tiers, capacities } = ctx;
  const guaranteedByPool = new Map<string, Claims>();
  const storageByTier = new Map<string, Claims>();
  for (const [tname, tenant] of Object.entries(spec.tenants ?? {})) {
    for (const [pool, quota] of Object.entries(tenant.gpuQuota)) {
      const at = ['tenants', tname, 'gpuQuota', pool];
      if (!pools.includes(pool)) {
        ctx.add(at, 'names a GPU pool that does not exist', pool, `use one of ${ctx.list(pools)}`);
        continue;
      }
      if (quota.guaranteed > quota.max) ctx.add([...at, 'guaranteed'], `must not exceed max (${quota.max})`, quota.guaranteed, 'lower guaranteed or raise max');
      const capacity = capacities.get(pool);
      if (capacity === undefined) continue;
      if (quota.max > capacity) ctx.add([...at, 'max'], `exceeds the capacity of pool ${pool} (${capacity})`, quota.max, `lower it to ${capacity} at most`);
      claim(guaranteedByPool, pool, quota.guaranteed, tname);
    }
    for (const [tier, tib] of Object.entries(tenant.storageQuotaTiB)) {
      if (!tiers.includes(tier)) {
        ctx.add(['tenants', tname, 'storageQuotaTiB', tier], 'names a storage tier that does not exist', tier, `use one of ${ctx.list(tiers)}`);
        continue;
      }
      if (tib > MAX_STORAGE_CLASS_QUOTA_TIB) {
        ctx.add(
          ['tenants', tname, 'storageQuotaTiB', tier],
          `is more than a Kubernetes ResourceQuota accepts for one storage class (${MAX_STORAGE_CLASS_QUOTA_TIB} TiB: the API server rejects larger values as "must be an integer")`,
          tib,
          `lower it to ${MAX_STORAGE_CLASS_QUOTA_TIB} at most, and enforce larger shares in the storage system itself`,
        );
      }
      claim(storageByTier, tier, tib, tname);
    }
  }
  // Labs claim volumes on their volume tier, beside the tenants.
  for (const [lname, lab] of Object.entries(spec.dataLabs ?? {})) {
    if (lab.volumeQuotaTiB > MAX_STORAGE_CLASS_QUOTA_TIB) {
      ctx.add(
        ['dataLabs', lname, 'volumeQuotaTiB'],
        `is more than a Kubernetes ResourceQuota accepts for one storage class (${MAX_STORAGE_CLASS_QUOTA_TIB} TiB)`,
        lab.volumeQuotaTiB,
        `lower it to ${MAX_STORAGE_CLASS_QUOTA_TIB} at most`,
      );
    }
    const tier = labVolumeTier(lab, spec.storageTiers ?? {});
    if (tier !== undefined && tiers.includes(tier)) claim(storageByTier, tier, lab.volumeQuotaTiB, `lab ${lname}`);
  }

  // Guaranteed quotas must fit unless the site oversubscribes explicitly.
  const gpuRatio = spec.oversubscription?.gpu ?? 1;
  for (const [pool, { sum, by }] of guaranteedByPool) {
    const capacity = capacities.get(pool)!;
    if (sum <= capacity * gpuRatio) continue;
    ctx.add(
      ['tenants', by[by.length - 1], 'gpuQuota', pool, 'guaranteed'],
      `guaranteed quotas on pool ${pool} add up to ${sum} (${by.join(', ')}) but the pool offers ${capacity}${gpuRatio > 1 ? ` x ${gpuRatio} oversubscription` : ''}`,
      sum,
      `lower the guarantees or set oversubscription.gpu to at least ${round(sum / capacity)}`,
    );
  }
  const storageRatio = spec.oversubscription?.storage ?? 1;
  for (const [tier, { sum, by }] of storageByTier) {
    const tierSpec = spec.storageTiers?.[tier];
    if (!tierSpec || sum <= tierSpec.capacityTiB * storageRatio) continue;
    const last = by[by.length - 1];
    ctx.add(
      last.startsWith('lab ') ? ['dataLabs', last.slice(4), 'volumeQuotaTiB'] : ['tenants', last, 'storageQuotaTiB', tier],
      `storage quotas on tier ${tier} add up to ${round(sum)} TiB (${by.join(', ')}) but the tier holds ${tierSpec.capacityTiB} TiB${storageRatio > 1 ? ` x ${storageRatio} oversubscription` : ''}`,
      round(sum),
      `lower the quotas or set oversubscription.storage to at least ${round(sum / tierSpec.capacityTiB)}`,
    );
  }
}
