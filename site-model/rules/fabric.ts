/**
 * Rules of pool fabrics that validate but do not give what the file suggests: warnings.
 */
import { ACCELERATORS } from '../../constructs/gpu/accelerators';
import { poolOwnership, poolUses } from '../resolve';
import type { RuleContext } from './context';

/**
 * Warns for NVLink domains wider than one node: on Kubernetes, a job spanning trays of one
 * NVL72 rack needs an IMEX channel, which only NVIDIA's DRA driver provides. The pinned GPU
 * Operator (v26.7.0) ships it in its GPUCluster stack, which its values.yaml calls
 * experimental and which cannot coexist with the ClusterPolicy (device plugin) stack the
 * project deploys, so the project does not enable it yet. Pools Slurm owns whole are not warned.
 */
export function fabricRules(ctx: RuleContext): void {
  for (const [name, pool] of Object.entries(ctx.spec.gpuPools ?? {})) {
    const domain = pool.fabric?.nodesPerNvlinkDomain;
    if (domain === undefined || domain < 2 || ACCELERATORS[pool.accelerator].vendor !== 'NVIDIA') continue;
    // Only Kubernetes workloads lack the channels: a pool Slurm owns whole needs no warning.
    const ownership = poolOwnership(pool, poolUses(ctx.spec, name));
    if (typeof ownership !== 'string' && ownership.kubernetes === 0) continue;
    ctx.warn(
      ['gpuPools', name, 'fabric', 'nodesPerNvlinkDomain'],
      `Kubernetes workloads cannot use NVLink across the ${domain} nodes of a domain: that needs IMEX channels from NVIDIA's DRA driver, which the pinned GPU Operator offers only in its experimental GPUCluster stack, exclusive with the device-plugin stack deployed here`,
      domain,
      `keep Kubernetes jobs within one node (${pool.acceleratorsPerNode} GPUs) of pool ${name}; the domains still place Slurm jobs (topology) and Kueue workloads (topology-aware scheduling). See the README, "Multi-node NVLink"`,
    );
  }
}
