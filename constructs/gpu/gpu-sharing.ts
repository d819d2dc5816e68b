/**
 * How a pool's GPUs are shared, and what that means for the units Kubernetes schedules.
 *
 * Pure functions, shared by validation (quota checks) and by the constructs that render
 * device-plugin and MIG configuration.
 */
import { ACCELERATORS } from './accelerators';

/** Sharing modes of a GPU pool. */
export type GpuSharing =
  { readonly mode: 'exclusive' } | { readonly mode: 'mig'; readonly profile: string } | { readonly mode: 'time-slicing'; readonly replicas: number };

/** Compute slices of a MIG-capable GPU. */
export const MIG_COMPUTE_SLICES = 7;
/** Memory slices of a MIG-capable GPU. */
export const MIG_MEMORY_SLICES = 8;

/** A parsed MIG profile such as `3g.40gb`. */
export interface MigProfile {
  readonly computeSlices: number;
  readonly memoryGB: number;
}

/** Parses `<n>g.<m>gb`; undefined when the text is not a profile name. */
export function parseMigProfile(profile: string): MigProfile | undefined {
  const m = /^([1-7])g\.([0-9]+)gb$/.exec(profile);
  return m ? { computeSlices: Number(m[1]), memoryGB: Number(m[2]) } : undefined;
}

/**
 * Instances of `profile` that fit on one GPU with `gpuMemoryGB` of memory, or a reason
 * why the profile does not fit that GPU.
 *
 * A GPU has 7 compute slices and 8 memory slices; an instance takes `n` compute slices
 * and as many memory slices as its memory needs.
 * @see https://docs.nvidia.com/datacenter/tesla/mig-user-guide/
 */
export function migInstancesPerGpu(profile: string, gpuMemoryGB: number): number | string {
  const parsed = parseMigProfile(profile);
  if (!parsed) return `${profile} is not a MIG profile name such as 1g.10gb`;
  if (parsed.memoryGB > gpuMemoryGB) return `${profile} needs ${parsed.memoryGB} GB but the GPU has ${gpuMemoryGB} GB`;
  const memorySlices = Math.max(1, Math.round(parsed.memoryGB / (gpuMemoryGB / MIG_MEMORY_SLICES)));
  const instances = Math.min(Math.floor(MIG_COMPUTE_SLICES / parsed.computeSlices), Math.floor(MIG_MEMORY_SLICES / memorySlices));
  return instances >= 1 ? instances : `${profile} does not fit a ${gpuMemoryGB} GB GPU`;
}

/**
 * Units one accelerator advertises to Kubernetes under the sharing mode: its devices (2 for
 * an MI250X, else 1) when exclusive, times the replicas when time-sliced, the MIG instances
 * when cut with MIG. Throws for a MIG profile that does not fit the accelerator (validation
 * reports that case first).
 */
export function unitsPerGpu(acceleratorId: string, sharing: GpuSharing): number {
  const devices = ACCELERATORS[acceleratorId]?.devicesPerAccelerator ?? 1;
  switch (sharing.mode) {
    case 'exclusive':
      return devices;
    case 'time-slicing':
      return devices * sharing.replicas;
    case 'mig': {
      const memory = ACCELERATORS[acceleratorId]?.memoryGB;
      const n = memory == null ? `the memory of ${acceleratorId} is unknown` : migInstancesPerGpu(sharing.profile, memory);
      if (typeof n === 'string') throw new Error(n);
      return n;
    }
  }
}
