/**
 * Rules of `clusters:` and `gpuPools:`: Kubernetes versions the pinned charts install on,
 * cluster references, fabrics, and sharing that fits the accelerator.
 */
import { CHARTS, compareKubernetes, KUBERNETES_REQUIREMENT, parseKubernetesVersion } from '../../constructs/charts/registry';
import { ACCELERATORS } from '../../constructs/gpu/accelerators';
import { migInstancesPerGpu } from '../../constructs/gpu/gpu-sharing';
import type { RuleContext } from './context';

/** Checks the clusters and GPU pools of a site file. */
export function poolRules(ctx: RuleContext): void {
  const { raw, clusters, pools } = ctx;
  if ('clusters' in raw && clusters.length === 0)
    ctx.add(['clusters'], 'needs at least one cluster', raw.clusters, 'add a cluster with kubeconfigPath and context');
  if ('gpuPools' in raw && pools.length === 0) ctx.add(['gpuPools'], 'needs at least one GPU pool', raw.gpuPools, 'add a pool');

  // Helm refuses a chart whose kubeVersion the cluster does not meet, so an old cluster would
  // fail at apply time, halfway through the platform stack.
  const required = KUBERNETES_REQUIREMENT;
  const needs = required.charts.map((id) => `${id} ${CHARTS[id].version}`).join(', ');
  for (const [name, cluster] of Object.entries(ctx.spec.clusters ?? {})) {
    const version = parseKubernetesVersion(cluster.kubernetesVersion);
    if (version !== undefined && compareKubernetes(version, required.minor) < 0) {
      ctx.add(
        ['clusters', name, 'kubernetesVersion'],
        `is older than the pinned charts install on: ${needs} need Kubernetes ${required.version} or newer (their kubeVersion)`,
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
      } else if (model.memoryGB !== null) {
        const n = migInstancesPerGpu(pool.sharing.profile, model.memoryGB);
        if (typeof n === 'string') ctx.add([...at, 'sharing', 'profile'], `the profile does not fit: ${n}`, pool.sharing.profile, 'choose a smaller profile');
      }
    }
  }
}
