/**
 * Rules of what Slurm's pods need from the site: a directory for the login pods, file-system
 * tiers of their cluster mounted at distinct paths, and nodes larger than the reserve slurmd
 * leaves them.
 */
import { slurmMountPlan, tierClusters, tierIsSharedFileSystem } from '../resolve';
import type { RuleContext } from './context';

/** Paths the Slurm images use themselves; a tier mounted there would hide them. */
const RESERVED_PATHS = [
  '/',
  '/etc',
  '/etc/slurm',
  '/etc/sssd',
  '/etc/ssh',
  '/run',
  '/var/spool/slurmd',
  '/var/log/slurm',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/proc',
  '/sys',
  '/dev',
  '/tmp',
];

/** Checks the Slurm pods' directory, mounts and node reserve. */
export function slurmPodRules(ctx: RuleContext): void {
  const slurm = ctx.spec.scheduler?.slurm;
  if (!slurm) return;
  const at = ['scheduler', 'slurm'];

  if (slurm.loginNodes > 0 && ctx.spec.identity && ctx.spec.identity.directory === undefined) {
    ctx.add(
      ['identity'],
      `needs directory: Slurm's ${slurm.loginNodes} login pod(s) resolve and authenticate users with SSSD, and without the site's directory they know no user`,
      ctx.described('no directory'),
      'add identity.directory with ldap: { uri, searchBase } or sssdConfSecret: { name, key } (a Secret in namespace slurm), or set scheduler.slurm.loginNodes: 0',
    );
  }

  // The Kubernetes clusters that run a Slurm cluster: those of the partitions' pools.
  const clusters = [
    ...new Set(
      Object.values(slurm.partitions)
        .flatMap((p) => p.pools)
        .map((pool) => ctx.poolCluster(pool))
        .filter((c): c is string => c !== undefined),
    ),
  ];
  const tiers = ctx.spec.storageTiers ?? {};
  for (const [tier, path] of Object.entries(slurm.mounts ?? {})) {
    const where = [...at, 'mounts', tier];
    const spec = tiers[tier];
    if (!spec) {
      if (!ctx.tiers.includes(tier)) ctx.add(where, 'names a storage tier that does not exist', tier, `use one of ${ctx.list(ctx.tiers)}`);
      continue;
    }
    if (!tierIsSharedFileSystem(spec)) {
      ctx.add(
        where,
        `tier ${tier} is ${spec.backend.type}${spec.backend.type === 'rook-ceph' ? ` ${spec.backend.service}` : ''}, which pods on many nodes cannot mount at once`,
        path,
        'mount an nfs, csi or rook-ceph filesystem tier',
      );
    }
    const missing = clusters.filter((c) => !tierClusters(spec, ctx.clusters).includes(c));
    if (missing.length > 0) {
      ctx.add(
        where,
        `tier ${tier} is not served in cluster ${missing.join(', ')}, where Slurm runs`,
        path,
        `serve the tier in that cluster, or mount another tier`,
      );
    }
    if (RESERVED_PATHS.some((r) => path === r || (r !== '/' && path.startsWith(`${r}/`)))) {
      ctx.add(where, 'would hide a directory the Slurm images use', path, 'mount it elsewhere, e.g. /home, /project or /scratch');
    }
  }
  for (const cluster of clusters) {
    const byPath = new Map<string, string[]>();
    for (const m of slurmMountPlan(ctx.spec, ctx.clusters, cluster)) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m.tier]);
    for (const [path, names] of byPath) {
      if (names.length < 2) continue;
      const stated = slurm.mounts !== undefined;
      ctx.add(
        stated ? [...at, 'mounts'] : at,
        `would mount tiers ${names.join(' and ')} at the same path ${path}${stated ? '' : ' (each home, project and scratch tier goes to /<role> by default)'}`,
        stated ? slurm.mounts : ctx.described('no mounts'),
        `state scheduler.slurm.mounts with a distinct path per tier, e.g. { ${names.map((n, i) => `${n}: ${path}${i === 0 ? '' : `-${n}`}`).join(', ')} }`,
      );
    }
  }

  const reserve = slurm.nodeReserve;
  for (const pool of new Set(Object.values(slurm.partitions).flatMap((p) => p.pools))) {
    const spec = ctx.spec.gpuPools?.[pool];
    if (!spec) continue;
    if (reserve.cpus >= spec.cpusPerNode || reserve.memoryGiB >= spec.memoryGiBPerNode) {
      ctx.add(
        [...at, 'nodeReserve'],
        `leaves slurmd nothing on pool ${pool} (${spec.cpusPerNode} CPUs, ${spec.memoryGiBPerNode} GiB per node)`,
        reserve,
        `keep the reserve below the pool's CPUs and memory`,
      );
    }
  }
}
