/** Rules of `storageTiers:`: the backend fits the role, and in-cluster backends know their cluster. */
import { runsInCluster, servesBuckets } from '../../constructs/storage/storage-tier';
import { CEPH_NEARFULL_RATIO, defaultMonitors, devicesPerNode, rawCapacityTiB, requiredRawTiB, storageNodeCount } from '../../constructs/storage/ceph-hardware';
import { tierClusters } from '../resolve';
import { round, type RuleContext } from './context';

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

  cephRules(ctx);
}

/**
 * Every cluster with a rook-ceph tier states its Ceph hardware, enough nodes for its
 * replicas, monitors and erasure coding, and raw capacity for its tiers after replication
 * (below Ceph's nearfull ratio), or is told plainly that capacity is not declared.
 */
function cephRules(ctx: RuleContext): void {
  const tiers = Object.entries(ctx.spec.storageTiers ?? {});
  for (const cluster of ctx.clusters) {
    const here = tiers
      .filter(([, t]) => t.backend.type === 'rook-ceph' && tierClusters(t, ctx.clusters).includes(cluster))
      .map(([name, t]) => ({ name, capacityTiB: t.capacityTiB, service: (t.backend as { service: 'block' | 'filesystem' | 'object' }).service }));
    if (here.length === 0) continue;
    const clusterSpec = ctx.spec.clusters?.[cluster];
    if (!clusterSpec) continue;
    const at = ['clusters', cluster, 'ceph'];
    const hw = clusterSpec.ceph;
    if (!hw) {
      ctx.add(
        ['clusters', cluster],
        `needs ceph: rook-ceph tier(s) ${here.map((t) => t.name).join(', ')} run there, and without the storage nodes and devices Rook takes every node and every empty device`,
        ctx.described('no ceph'),
        'add ceph: { nodes: { label: ai-factory.eu/storage=ceph, count: <n> }, devices: { filter: ^nvme[0-9]+n1$ }, devicesPerNode: <n>, deviceSizeTiB: <size> }',
      );
      continue;
    }
    const nodes = storageNodeCount(hw);
    const monitors = hw.monitors ?? defaultMonitors(nodes);
    if (hw.failureDomain === 'host' && nodes < hw.replicas) {
      ctx.add(
        [...at, 'replicas'],
        `needs ${hw.replicas} storage nodes to place its copies on distinct hosts, but the cluster has ${nodes}`,
        hw.replicas,
        `add storage nodes or lower replicas to ${nodes}`,
      );
    }
    if (hw.failureDomain === 'host' && here.some((t) => t.service === 'object') && nodes < 3) {
      ctx.add([...at, 'nodes'], 'needs 3 storage nodes at least: object data is erasure-coded 2+1 over distinct hosts', hw.nodes, 'add storage nodes');
    }
    if (monitors > nodes) {
      ctx.add(
        [...at, 'monitors'],
        `runs ${monitors} monitors, one per node, on ${nodes} storage node(s)`,
        monitors,
        `use 3 monitors at most ${nodes}, or add storage nodes`,
      );
    }
    const raw = rawCapacityTiB(hw);
    const needed = requiredRawTiB(here, hw.replicas);
    if (raw === undefined) {
      ctx.warn(
        at,
        `does not declare its raw capacity, so the ${round(needed)} TiB of raw storage its tiers need (${here.map((t) => `${t.name} ${t.capacityTiB} TiB`).join(', ')}, times ${hw.replicas} replicas or 1.5 for object data) cannot be checked`,
        ctx.described('no devicesPerNode or deviceSizeTiB'),
        'state devicesPerNode and deviceSizeTiB',
      );
    } else if (needed > raw * CEPH_NEARFULL_RATIO) {
      ctx.add(
        at,
        `holds ${round(raw)} TiB raw (${nodes} nodes x ${devicesPerNode(hw)} devices x ${hw.deviceSizeTiB} TiB), ${round(raw * CEPH_NEARFULL_RATIO)} TiB below Ceph's nearfull ratio ${CEPH_NEARFULL_RATIO}, but its tiers need ${round(needed)} TiB raw`,
        ctx.described(`${round(raw)} TiB raw`),
        `add storage nodes or devices (at least ${Math.ceil(needed / CEPH_NEARFULL_RATIO / ((devicesPerNode(hw) ?? 1) * (hw.deviceSizeTiB ?? 1)))} nodes of this kind), or lower the tiers' capacityTiB`,
      );
    }
  }
}
