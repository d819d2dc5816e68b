/** Rules of `storageTiers:`: the backend fits the role, and in-cluster backends know their cluster. */
import { runsInCluster, servesBuckets } from '../../constructs/storage/storage-tier';
import type { RuleContext } from './context';

/** Checks the storage tiers of a site file. */
export function storageRules(ctx: RuleContext): void {
  const { clusters } = ctx;
  for (const [name, tier] of Object.entries(ctx.spec.storageTiers ?? {})) {
    const at = ['storageTiers', name];
    if (tier.role === 'object' && !servesBuckets(tier.backend)) {
      ctx.add(
        [...at, 'backend', 'type'],
        `role object needs a backend that serves buckets, but ${tier.backend.type} serves volumes`,
        tier.backend.type,
        'use rook-ceph with service: object, or minio',
      );
    }
    if (tier.role !== 'object' && servesBuckets(tier.backend)) {
      ctx.add(
        [...at, 'role'],
        'this backend serves buckets only, so the tier must have role object',
        tier.role,
        'set role: object, or use a csi, nfs or rook-ceph block or filesystem backend',
      );
    }
    if (tier.cluster !== undefined && !clusters.includes(tier.cluster)) {
      ctx.add([...at, 'cluster'], 'names a cluster that the site does not declare', tier.cluster, `use one of ${ctx.list(clusters)}`);
    }
    if (tier.cluster === undefined && runsInCluster(tier.backend) && clusters.length > 1) {
      ctx.add(
        at,
        `must name its cluster: a ${tier.backend.type} backend runs inside one cluster and the site has several`,
        ctx.described('no cluster'),
        `add cluster: with one of ${ctx.list(clusters)}`,
      );
    }
  }
}
