/**
 * Rules of `scheduler:`: at least one scheduler; Slurm partitions over existing pools of one
 * cluster, naming defined QOS; and slurmdbd accounting wherever Slurm has QOS or enforces
 * tenants' quotas.
 */
import { poolOwnership, poolUses, splitQuota } from '../resolve';
import type { RuleContext } from './context';

/** What the fix of a missing `accounting` says to add. */
const ADD_ACCOUNTING = 'add scheduler.slurm.accounting: host, user and passwordSecret (an existing Secret holding the database password)';

/** Checks the scheduler section of a site file. */
export function schedulerRules(ctx: RuleContext): void {
  const scheduler = ctx.spec.scheduler;
  if (scheduler && !scheduler.slurm && !scheduler.kueue) {
    ctx.add(['scheduler'], 'must choose at least one scheduler', ctx.raw.scheduler, 'add slurm:, kueue: or both');
  }
  if (!scheduler?.slurm) return;
  const partitions = Object.entries(scheduler.slurm.partitions);
  const at = ['scheduler', 'slurm', 'partitions'];
  if (partitions.length === 0) ctx.add(at, 'needs at least one partition', scheduler.slurm.partitions, 'add a partition over one of your pools');
  const defaults = partitions.filter(([, p]) => p.default).map(([n]) => n);
  if (defaults.length > 1) {
    ctx.add(
      [...at, defaults[1], 'default'],
      'only one partition can be the default',
      ctx.described(defaults.join(' and ')),
      'set default: true on one partition only',
    );
  }
  const qosNames = Object.keys(scheduler.slurm.qos);
  for (const [name, partition] of partitions) {
    // slurmctld exits when a partition's QOS is not in slurmdbd, so it must be one the site creates.
    if (partition.qos !== undefined && !qosNames.includes(partition.qos)) {
      ctx.add(
        [...at, name, 'qos'],
        'names a QOS that scheduler.slurm.qos does not define',
        partition.qos,
        qosNames.length > 0
          ? `use one of ${ctx.list(qosNames)}, or define ${partition.qos} under scheduler.slurm.qos with its limits`
          : `define ${partition.qos} under scheduler.slurm.qos with its limits, or remove qos`,
      );
    }
    const clusters = new Set<string>();
    partition.pools.forEach((pool, i) => {
      if (!ctx.pools.includes(pool)) {
        ctx.add([...at, name, 'pools', i], 'names a GPU pool that does not exist', pool, `use one of ${ctx.list(ctx.pools)}`);
        return;
      }
      const cluster = ctx.poolCluster(pool);
      if (cluster !== undefined) clusters.add(cluster);
    });
    // Slinky runs a partition's slurmd pods in the cluster of their controller.
    if (clusters.size > 1) {
      ctx.add(
        [...at, name, 'pools'],
        `a partition runs in one Kubernetes cluster but its pools are in ${[...clusters].join(' and ')}`,
        partition.pools,
        'split the partition by cluster',
      );
    }
  }
  accountingRules(ctx);
}

/**
 * QOS live in slurmdbd's database, and Slurm enforces a tenant's quota on the nodes it owns only
 * through its account's limits there: both need `scheduler.slurm.accounting`.
 */
function accountingRules(ctx: RuleContext): void {
  const slurm = ctx.spec.scheduler?.slurm;
  if (!slurm || slurm.accounting !== undefined) return;
  const qosNames = Object.keys(slurm.qos);
  if (qosNames.length > 0) {
    ctx.add(
      ['scheduler', 'slurm', 'qos'],
      "QOS live in slurmdbd's database, and this Slurm has no accounting",
      ctx.described(qosNames.join(', ')),
      ADD_ACCOUNTING,
    );
  }
  const pools = ctx.spec.gpuPools ?? {};
  for (const [tname, tenant] of Object.entries(ctx.spec.tenants ?? {})) {
    for (const [pool, quota] of Object.entries(tenant.gpuQuota)) {
      const spec = pools[pool];
      if (!spec) continue;
      const ownership = poolOwnership(spec, poolUses(ctx.spec, pool));
      // A pool without an owner is reported by the pool rules.
      if (typeof ownership === 'string' || ownership.slurm === 0) continue;
      const { max } = splitQuota(quota, ownership).slurm;
      if (max === 0) continue;
      ctx.add(
        ['tenants', tname, 'gpuQuota', pool],
        `Slurm enforces its part (up to ${max} units on the nodes of ${pool} it owns) only through slurmdbd accounting, and this Slurm has none`,
        quota,
        ADD_ACCOUNTING,
      );
    }
  }
}
