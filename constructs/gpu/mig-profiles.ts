/**
 * The MIG profiles NVIDIA publishes for each MIG-capable accelerator of the catalogue, and
 * how many instances of each fit on one GPU when every GPU is cut into that one profile (the
 * single strategy the project uses: MIG manager config `all-<profile>`).
 *
 * These are facts, carried over with their source, never derived: profile names follow each
 * product's memory slices (1g.10gb on an 80 GB H100, 1g.18gb on an H200), so a profile of one
 * part can fit another part's memory and still not exist on it. Only profiles without media
 * extensions (`+me`) are listed, because the site schema names plain profiles only.
 *
 * Sources, read 2026-11:
 * - NVIDIA mig-parted, the default configuration the GPU Operator's MIG manager applies: its
 *   `all-<profile>` entries give the instances per GPU, and their device filters and comments
 *   name the product of each profile. Every figure below was read there:
 *   https://github.com/NVIDIA/mig-parted/blob/bd7160f43f16462eeb21e1eda5e67b5b6b03fd7d/deployments/systemd/config-default.yaml
 * - NVIDIA Multi-Instance GPU User Guide, "Supported GPUs" (the MIG-capable products, their
 *   memory and at most 7 instances each) and "Supported MIG Profiles" (one table per product;
 *   its A100 table names the 80GB part's profiles 1g.10gb, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb
 *   and 7g.80gb):
 *   https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-gpus.html,
 *   https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html
 *
 * To add an accelerator, copy its `all-<profile>` entries from the newest mig-parted default
 * configuration and cite the commit.
 */

/** The MIG profiles of one accelerator model. */
export interface MigProfileTable {
  /** Product name as NVIDIA's tables write it. */
  readonly product: string;
  /** Profile name (e.g. `1g.10gb`) to instances of it on one GPU cut into that profile only. */
  readonly instancesPerGpu: Readonly<Record<string, number>>;
  /** Where the figures are published. */
  readonly sources: readonly string[];
}

const GUIDE = 'https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html';
const GPUS = 'https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-gpus.html';
const MIG_PARTED = 'https://github.com/NVIDIA/mig-parted/blob/bd7160f43f16462eeb21e1eda5e67b5b6b03fd7d/deployments/systemd/config-default.yaml';

/** A100 80GB and H100 80GB share their profile names (the guide's A100 table names them for the 80GB part). */
const A100_H100_80GB = { '1g.10gb': 7, '1g.20gb': 4, '2g.20gb': 3, '3g.40gb': 2, '4g.40gb': 1, '7g.80gb': 1 } as const;

/**
 * MIG profile tables, keyed by accelerator id (see accelerators.ts). A MIG-capable accelerator
 * without an entry has no published table the project has read, and validation says so.
 */
export const MIG_PROFILES: Readonly<Record<string, MigProfileTable>> = {
  'nvidia-a100-sxm-80gb': {
    product: 'A100-SXM4-80GB',
    instancesPerGpu: A100_H100_80GB,
    sources: [`${MIG_PARTED} (A100-80GB, device 0x20B2)`, `${GUIDE} (A100 table, 80GB names)`, GPUS],
  },
  'nvidia-h100-sxm': {
    product: 'H100-SXM5-80GB',
    instancesPerGpu: A100_H100_80GB,
    sources: [`${MIG_PARTED} (H100-80GB, device 0x2330)`, `${GUIDE} (A100 table, 80GB names)`, GPUS],
  },
  'nvidia-gh200': {
    product: 'H100 on GH200 (96GB)',
    instancesPerGpu: { '1g.12gb': 7, '1g.24gb': 4, '2g.24gb': 3, '3g.48gb': 2, '4g.48gb': 1, '7g.96gb': 1 },
    sources: [GPUS, `${MIG_PARTED} (H100-96GB, GH200)`],
  },
  'nvidia-h200-sxm': {
    product: 'H200-SXM5-141GB',
    instancesPerGpu: { '1g.18gb': 7, '1g.35gb': 4, '2g.35gb': 3, '3g.71gb': 2, '4g.71gb': 1, '7g.141gb': 1 },
    sources: [GPUS, `${MIG_PARTED} (H200-141GB, device 0x2335)`],
  },
  'nvidia-b200-hgx': {
    product: 'B200 (180GB)',
    instancesPerGpu: { '1g.23gb': 7, '1g.45gb': 4, '2g.45gb': 3, '3g.90gb': 2, '4g.90gb': 1, '7g.180gb': 1 },
    sources: [GPUS, `${MIG_PARTED} (B200, device 0x2901)`],
  },
  'nvidia-gb200-nvl72': {
    product: 'GB200 (186GB)',
    instancesPerGpu: { '1g.23gb': 7, '1g.47gb': 4, '2g.47gb': 3, '3g.93gb': 2, '4g.93gb': 1, '7g.186gb': 1 },
    sources: [GPUS, `${MIG_PARTED} (GB200 HGX, device 0x2941)`],
  },
  'nvidia-b300-hgx': {
    product: 'B300 (288GB)',
    instancesPerGpu: { '1g.34gb': 7, '1g.67gb': 4, '2g.67gb': 3, '3g.135gb': 2, '4g.135gb': 1, '7g.269gb': 1 },
    sources: [`${MIG_PARTED} (B300, device 0x3182; added in mig-parted commit 47c56d96)`],
  },
  'nvidia-gb300-nvl72': {
    product: 'GB300 (288GB)',
    instancesPerGpu: { '1g.35gb': 7, '1g.70gb': 4, '2g.70gb': 3, '3g.139gb': 2, '4g.139gb': 1, '7g.278gb': 1 },
    sources: [`${MIG_PARTED} (GB300, device 0x31C2; added in mig-parted commit 75449116)`],
  },
};
