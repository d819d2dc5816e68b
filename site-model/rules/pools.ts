/**
 * Rules of `clusters:` and `gpuPools:`: Kubernetes versions the stacks install on,
 * cluster references, fabrics, and sharing that fits the accelerator.
 */
import { compareKubernetes, KUBERNETES_REQUIREMENT, parseKubernetesVersion } from '../../constructs/charts/registry';
import { ACCELERATORS } from '../../constructs/gpu/accelerators';
import { migInstancesPerGpu, migProfilesOf } from '../../constructs/gpu/gpu-sharing';
import { closest } from '../problems';
import { poolOwnership, poolUses } from '../resolve';
import type { RuleContext } from './context';

/** Checks the clusters and GPU pools of a site file. */
export function poolRules(ctx: RuleContext): void {
  const { raw, clusters, pools } = ctx;
  if ('clusters' in raw && clusters.length === 0)
    ctx.add(['clusters'], 'needs at least one cluster', raw.clusters, 'add a cluster with kubeconfigPath and context');
  if ('gpuPools' in raw && pools.length === 0) ctx.add(['gpuPools'], 'needs at least one GPU pool', raw.gpuPools, 'add a pool');

  // Helm refuses a chart whose kubeVersion the cluster does not meet, and the API server an
  // object of an API it does not serve, so an old cluster would fail at apply time, halfway
  // through the platform stack.
  const required = KUBERNETES_REQUIREMENT;
  for (const [name, cluster] of Object.entries(ctx.spec.clusters ?? {})) {
    const version = parseKubernetesVersion(cluster.kubernetesVersion);
    if (version !== undefined && compareKubernetes(version, required.minor) < 0) {
      ctx.add(
        ['clusters', name, 'kubernetesVersion'],
        `is older than the stacks install on: Kubernetes ${required.version} or newer, for ${required.neededBy}`,
        cluster.kubernetesVersion,
        `upgrade the cluster to ${required.version} or newer and state its version`,
      );
    }
  }

  for (const [name, pool] of Object.entries(ctx.spec.gpuPools ?? {})) {
    const at = ['gpuPools', name];
    if (pool.cluster === undefined && clusters.length > 1) {
      ctx.add(at, 'must name its cluster because the site has several', ctx.described('no cluster'), `add cluster: with one of ${ctx.list(clusters)}`);
    }
    if (pool.cluster !== undefined && !clusters.includes(pool.cluster)) {
      ctx.add([...at, 'cluster'], 'names a cluster that the site does not declare', pool.cluster, `use one of ${ctx.list(clusters)}`);
    }
    const fabric = pool.fabric;
    if (fabric) {
      if (fabric.nodesPerLeafSwitch === undefined && fabric.nodesPerNvlinkDomain === undefined) {
        ctx.add([...at, 'fabric'], 'describes no structure', fabric, 'set nodesPerLeafSwitch, nodesPerNvlinkDomain or both');
      }
      if (fabric.leafSwitchesPerSpine !== undefined && fabric.nodesPerLeafSwitch === undefined) {
        ctx.add(
          [...at, 'fabric', 'leafSwitchesPerSpine'],
          'needs nodesPerLeafSwitch to place nodes under leaves',
          fabric.leafSwitchesPerSpine,
          'add nodesPerLeafSwitch',
        );
      }
      for (const field of ['nodesPerLeafSwitch', 'nodesPerNvlinkDomain'] as const) {
        const n = fabric[field];
        if (n !== undefined && n > pool.nodes)
          ctx.add([...at, 'fabric', field], `is larger than the pool (${pool.nodes} nodes)`, n, `use at most ${pool.nodes}`);
      }
    }
    ownershipRules(ctx, name);
    const model = ACCELERATORS[pool.accelerator];
    if (model.vendor !== 'NVIDIA' && model.vendor !== 'AMD') {
      ctx.add(
        [...at, 'accelerator'],
        `${model.vendor} accelerators are not yet supported: the project pins no operator chart for them`,
        pool.accelerator,
        'use an NVIDIA or AMD accelerator, or leave this pool out until support lands',
      );
    }
    if (pool.sharing.mode === 'mig') {
      if (!model.migCapable) {
        ctx.add([...at, 'sharing', 'mode'], `${pool.accelerator} does not support MIG`, 'mig', 'use exclusive or time-slicing');
      } else {
        // NVIDIA's profile table of the part, not arithmetic: a profile of another part can
        // fit the memory and still not exist here (constructs/gpu/mig-profiles.ts).
        const n = migInstancesPerGpu(pool.sharing.profile, pool.accelerator);
        if (typeof n === 'string') {
          const known = migProfilesOf(pool.accelerator);
          const hint = closest(pool.sharing.profile, known);
          const fix =
            known.length === 0
              ? 'use exclusive or time-slicing'
              : n.includes(' needs ')
                ? 'choose a smaller profile'
                : hint
                  ? `did you mean ${hint}?`
                  : `use one of ${known.join(', ')}`;
          ctx.add([...at, 'sharing', 'profile'], n.includes(' needs ') ? `the profile does not fit: ${n}` : n, pool.sharing.profile, fix);
        }
      }
    }
  }
}

/**
 * One scheduler owns each node: the pool's owners cover its nodes exactly, Slurm owns nodes
 * exactly when a partition uses the pool, labs have Kubernetes-owned nodes to run on, and a
 * split keeps NVLink domains whole.
 */
function ownershipRules(ctx: RuleContext, name: string): void {
  const pool = ctx.spec.gpuPools?.[name];
  if (!pool) return;
  const at = ['gpuPools', name];
  const uses = poolUses(ctx.spec, name);
  const ownership = poolOwnership(pool, uses);
  const split = (n: number) => `owner: { slurm: ${n}, kubernetes: ${pool.nodes - n} }`;
  if (typeof ownership === 'string') {
    if (pool.owner !== undefined) {
      const sum = typeof pool.owner === 'object' ? pool.owner.slurm + pool.owner.kubernetes : pool.nodes;
      ctx.add(
        [...at, 'owner'],
        sum > pool.nodes ? `owns ${sum - pool.nodes} node(s) twice: ${ownership}` : `leaves ${pool.nodes - sum} node(s) without an owner: ${ownership}`,
        pool.owner,
        `make slurm and kubernetes add up to ${pool.nodes}`,
      );
    } else {
      ctx.add(
        at,
        `needs an owner: ${ownership}, and a GPU booked by both is given twice`,
        ctx.described('no owner'),
        `add owner: slurm, owner: kubernetes, or a split such as ${split(Math.ceil(pool.nodes / 2))}`,
      );
    }
    return;
  }
  if (uses.partitions.length > 0 && ownership.slurm === 0) {
    ctx.add(
      [...at, 'owner'],
      `gives Slurm no node, but partition ${uses.partitions.join(', ')} runs on the pool`,
      pool.owner,
      `give Slurm nodes (${split(pool.nodes)} or a split), or take the pool out of the partition`,
    );
  }
  if (uses.partitions.length === 0 && ownership.slurm > 0) {
    ctx.add(
      [...at, 'owner'],
      'gives Slurm nodes that no Slurm partition runs on',
      pool.owner,
      `add the pool to a partition under scheduler.slurm.partitions, or give its nodes to kubernetes`,
    );
  }
  const labs = uses.kubernetes.filter((u) => u.startsWith('data lab '));
  if (labs.length > 0 && ownership.kubernetes === 0) {
    ctx.add(
      pool.owner === undefined ? at : [...at, 'owner'],
      `gives Kubernetes no node, but ${labs.join(' and ')} run notebooks on the pool`,
      pool.owner ?? ctx.described('no owner'),
      `give Kubernetes nodes (owner: kubernetes, or a split such as ${split(Math.floor(pool.nodes / 2))}), or use another pool in the lab`,
    );
  }
  const domain = pool.fabric?.nodesPerNvlinkDomain;
  if (domain !== undefined && ownership.slurm % domain !== 0 && ownership.kubernetes > 0) {
    const down = ownership.slurm - (ownership.slurm % domain);
    ctx.add(
      [...at, 'owner', 'slurm'],
      `splits an NVLink domain between Slurm and Kubernetes: domains have ${domain} nodes, and Slurm's first ${ownership.slurm} nodes end inside one`,
      ownership.slurm,
      `use a multiple of ${domain}, e.g. ${split(down)}${down + domain <= pool.nodes ? ` or ${split(down + domain)}` : ''}`,
    );
  }
}
