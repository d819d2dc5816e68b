/**
 * How a pool's GPUs are shared, and what that means for the units Kubernetes schedules.
 *
 * Pure functions, shared by validation (quota checks) and by the constructs that render
 * device-plugin and MIG configuration.
 */
import { ACCELERATORS } from './accelerators';
import { MIG_PROFILES } from './mig-profiles';

/** Sharing modes of a GPU pool. */
export type GpuSharing =
  { readonly mode: 'exclusive' } | { readonly mode: 'mig'; readonly profile: string } | { readonly mode: 'time-slicing'; readonly replicas: number };

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
 * Instances of `profile` on one GPU of accelerator `acceleratorId` cut into that profile
 * only, or why the profile does not exist there. The figures are NVIDIA's published profile
 * tables ({@link MIG_PROFILES}), not arithmetic: a profile whose memory would fit can still
 * not exist on the part (1g.10gb is an 80 GB part's profile; an H200's smallest is 1g.18gb).
 * @see https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html
 */
export function migInstancesPerGpu(profile: string, acceleratorId: string): number | string {
  const parsed = parseMigProfile(profile);
  if (!parsed) return `${profile} is not a MIG profile name such as 1g.10gb`;
  const model = ACCELERATORS[acceleratorId];
  if (!model?.migCapable) return `${acceleratorId} does not support MIG`;
  if (model.memoryGB !== null && parsed.memoryGB > model.memoryGB) return `${profile} needs ${parsed.memoryGB} GB but the GPU has ${model.memoryGB} GB`;
  const table = MIG_PROFILES[acceleratorId];
  if (!table) return `no published MIG profile table for ${acceleratorId} is in constructs/gpu/mig-profiles.ts`;
  const instances = table.instancesPerGpu[profile];
  if (instances === undefined) return `${profile} is not a MIG profile of the ${table.product}, whose profiles are ${migProfilesOf(acceleratorId).join(', ')}`;
  return instances;
}

/** The MIG profiles NVIDIA publishes for an accelerator, smallest first; empty when none is known. */
export function migProfilesOf(acceleratorId: string): string[] {
  return Object.keys(MIG_PROFILES[acceleratorId]?.instancesPerGpu ?? {});
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
      const n = migInstancesPerGpu(sharing.profile, acceleratorId);
      if (typeof n === 'string') throw new Error(n);
      return n;
    }
  }
}
