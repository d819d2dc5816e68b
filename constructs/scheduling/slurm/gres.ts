/**
 * GPUs as Slurm generic resources (GRES): the node's `Gres=` string, its gres.conf lines, and
 * the TRES names that account limits count.
 */
import { deviceRange, poolNodes } from './hostlist';
import type { GpuVendor, SlurmGpuSharing, SlurmPoolInput } from './input';

/**
 * GRES type of an accelerator id of the catalogue: the model without the vendor, e.g.
 * `nvidia-h100-sxm` -> `h100`, `nvidia-gb300-nvl72` -> `gb300`, `amd-mi300x` -> `mi300x`,
 * `intel-gaudi3` -> `gaudi3`. It is a substring of the names NVML and ROCm SMI report
 * (`nvidia_h100_80gb_hbm3`), as autodetection requires.
 *
 * @see https://slurm.schedmd.com/gres.conf.html#OPT_Type
 */
export function gresTypeFor(acceleratorId: string): string {
  const model = acceleratorId.split('-')[1];
  if (!model) throw new Error(`accelerator id ${JSON.stringify(acceleratorId)} is not <vendor>-<model>[-<variant>]`);
  return model;
}

/**
 * Character devices of the GPUs inside a slurmd container, as the vendors' Kubernetes device
 * plugins expose them when a pod holds every GPU of its node: NVIDIA `/dev/nvidia<minor>`,
 * AMD DRM render nodes from `renderD128`, Intel Gaudi accel nodes `/dev/accel/accel<i>`.
 */
export const GPU_DEVICE_FILES: Readonly<Record<GpuVendor, { readonly stem: string; readonly first: number }>> = {
  nvidia: { stem: '/dev/nvidia', first: 0 },
  amd: { stem: '/dev/dri/renderD', first: 128 },
  intel: { stem: '/dev/accel/accel', first: 0 },
};

function sharingOf(pool: SlurmPoolInput): SlurmGpuSharing {
  return pool.sharing ?? { mode: 'exclusive' };
}

/** Units a node schedules: GPUs, MIG instances or shards. */
export function unitsPerNode(pool: SlurmPoolInput): number {
  const s = sharingOf(pool);
  if (s.mode === 'mig') return pool.gpusPerNode * s.instancesPerGpu;
  if (s.mode === 'shard') return pool.gpusPerNode * s.sharesPerGpu;
  return pool.gpusPerNode;
}

/** The GRES a node of the pool offers, for `NodeName ... Gres=` and slurmd `--conf Gres=`. */
export function nodeGres(pool: SlurmPoolInput): string[] {
  const s = sharingOf(pool);
  if (s.mode === 'mig') return [`gpu:${s.profile}:${unitsPerNode(pool)}`];
  const gpus = `gpu:${pool.gresType}:${pool.gpusPerNode}`;
  return s.mode === 'shard' ? [gpus, `shard:${unitsPerNode(pool)}`] : [gpus];
}

/** GRES names the cluster uses (slurm.conf `GresTypes=`). */
export function gresTypes(pools: readonly SlurmPoolInput[]): string[] {
  return pools.some((p) => sharingOf(p).mode === 'shard') ? ['gpu', 'shard'] : ['gpu'];
}

/**
 * The TRES that counts the pool's units in account limits: `gres/gpu:<type>` for whole GPUs
 * and MIG instances (typed, so limits can tell pools apart), `gres/shard` for shards.
 *
 * @see https://slurm.schedmd.com/tres.html
 */
export function unitTres(pool: SlurmPoolInput): string {
  const s = sharingOf(pool);
  if (s.mode === 'shard') return 'gres/shard';
  return `gres/gpu:${s.mode === 'mig' ? s.profile : pool.gresType}`;
}

/**
 * gres.conf lines of one pool, for all of its nodes at once.
 *
 * Whole GPUs and shards name their device files, so `slurmd -G` can check them anywhere and
 * slurmd needs no vendor library. MIG instances have no fixed device files (they depend on
 * the GPU and compute instance ids), so MIG pools use `AutoDetect=nvml`.
 *
 * @see https://slurm.schedmd.com/gres.conf.html
 */
export function gresConfLines(pool: SlurmPoolInput): string[] {
  const nodes = poolNodes(pool.name, pool.nodes);
  const s = sharingOf(pool);
  if (s.mode === 'mig') return [`NodeName=${nodes} AutoDetect=nvml`];
  const dev = GPU_DEVICE_FILES[pool.vendor];
  const lines = [`NodeName=${nodes} Name=gpu Type=${pool.gresType} File=${deviceRange(dev.stem, dev.first, pool.gpusPerNode)}`];
  if (s.mode === 'shard') lines.push(`NodeName=${nodes} Name=shard Count=${unitsPerNode(pool)}`);
  return lines;
}
