/** Rules of `scheduler:`: at least one scheduler, and Slurm partitions over existing pools of one cluster. */
import type { RuleContext } from './context';

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
  for (const [name, partition] of partitions) {
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
}
