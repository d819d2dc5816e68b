/**
 * Accelerator models the project knows, with the figures that capacity, energy and
 * EU AI Act compute reports need.
 *
 * Every number was carried over from a public source (the `source` URL of each entry,
 * compiled 2026-11). `null` means no source read states the figure; code must treat it
 * as unknown, never as zero. FLOP/s figures are dense (without 2:4 sparsity), which is
 * what ordinary training achieves.
 */
export interface AcceleratorModel {
  /** Stable kebab-case id used in site files (`gpuPools.<name>.accelerator`). */
  readonly id: string;
  readonly vendor: 'NVIDIA' | 'AMD' | 'Intel';
  /** Marketing name. */
  readonly name: string;
  /** `shipping` or `announced` (figures of announced parts are provisional). */
  readonly status: 'shipping' | 'announced';
  /** On-package memory per accelerator, GB as marketed; null when unpublished. */
  readonly memoryGB: number | null;
  /** Dense BF16 tensor peak per accelerator, TFLOP/s; null when unpublished. */
  readonly bf16DenseTflops: number | null;
  /** Maximum board or module power per accelerator, W; null when unpublished. */
  readonly maxPowerW: number | null;
  /** What `maxPowerW` covers. */
  readonly powerScope: 'gpu_board' | 'superchip_module' | 'gpu_share_in_superchip' | 'apu_package' | null;
  /** Accelerators in a typical node. */
  readonly typicalPerNode: number | null;
  /** Kubernetes extended resource the device plugin advertises. */
  readonly resourceName: 'nvidia.com/gpu' | 'amd.com/gpu' | 'habana.ai/gaudi';
  /**
   * Devices software sees per accelerator: 2 for MI250X (two GCDs), else 1. Device plugins,
   * quotas and Slurm GRES count these.
   */
  readonly devicesPerAccelerator: number;
  /** Whether the part supports NVIDIA Multi-Instance GPU partitioning. */
  readonly migCapable: boolean;
  /** Source of the compute figure. */
  readonly source: string;
}

/** The catalogue, keyed by id. */
export const ACCELERATORS: Readonly<Record<string, AcceleratorModel>> = {
  'nvidia-a100-sxm-80gb': {
    id: 'nvidia-a100-sxm-80gb',
    vendor: 'NVIDIA',
    name: 'A100 80GB SXM4',
    status: 'shipping',
    memoryGB: 80,
    bf16DenseTflops: 312,
    maxPowerW: 400,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'nvidia.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: true,
    source: 'https://glennklockwood.com/garden/processors/A100',
  },
  'nvidia-h100-sxm': {
    id: 'nvidia-h100-sxm',
    vendor: 'NVIDIA',
    name: 'H100 SXM5 80GB',
    status: 'shipping',
    memoryGB: 80,
    bf16DenseTflops: 989.4,
    maxPowerW: 700,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'nvidia.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: true,
    source: 'https://glennklockwood.com/garden/processors/h100',
  },
  'nvidia-h200-sxm': {
    id: 'nvidia-h200-sxm',
    vendor: 'NVIDIA',
    name: 'H200 SXM 141GB',
    status: 'shipping',
    memoryGB: 141,
    bf16DenseTflops: 989,
    maxPowerW: 700,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'nvidia.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: true,
    source:
      'http://m.anandtech.com/Show/Index/21136?cPage=2&all=False&sort=0&page=1&slug=nvidia-at-sc23-h200-accelerator-with-hbm3e-and-jupiter-supercomputer-for-2024',
  },
  'nvidia-gh200': {
    id: 'nvidia-gh200',
    vendor: 'NVIDIA',
    name: 'GH200 Grace Hopper Superchip (GPU part)',
    status: 'shipping',
    memoryGB: 96,
    bf16DenseTflops: 989,
    maxPowerW: 1000,
    powerScope: 'superchip_module',
    typicalPerNode: 4,
    resourceName: 'nvidia.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: true,
    source: 'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
  },
  'nvidia-b200-hgx': {
    id: 'nvidia-b200-hgx',
    vendor: 'NVIDIA',
    name: 'B200 (HGX B200)',
    status: 'shipping',
    memoryGB: 180,
    bf16DenseTflops: 2250,
    maxPowerW: 1000,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'nvidia.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: true,
    source: 'https://glennklockwood.com/garden/processors/B200',
  },
  'nvidia-gb200-nvl72': {
    id: 'nvidia-gb200-nvl72',
    vendor: 'NVIDIA',
    name: 'GB200 NVL72 (per Blackwell GPU)',
    status: 'shipping',
    memoryGB: 186,
    bf16DenseTflops: 2500,
    maxPowerW: 1200,
    powerScope: 'gpu_share_in_superchip',
    typicalPerNode: 4,
    resourceName: 'nvidia.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: true,
    source: 'https://glennklockwood.com/garden/processors/B200',
  },
  'nvidia-b300-hgx': {
    id: 'nvidia-b300-hgx',
    vendor: 'NVIDIA',
    name: 'B300 / Blackwell Ultra (HGX B300)',
    status: 'shipping',
    memoryGB: 288,
    bf16DenseTflops: 2250,
    maxPowerW: 1100,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'nvidia.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: true,
    source: 'https://glennklockwood.com/garden/processors/B300',
  },
  'nvidia-gb300-nvl72': {
    id: 'nvidia-gb300-nvl72',
    vendor: 'NVIDIA',
    name: 'GB300 NVL72 (per Blackwell Ultra GPU)',
    status: 'shipping',
    memoryGB: 288,
    bf16DenseTflops: 2500,
    maxPowerW: 1400,
    powerScope: 'gpu_share_in_superchip',
    typicalPerNode: 4,
    resourceName: 'nvidia.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: true,
    source: 'https://verda.com/blog/gb300-nvl72-architecture',
  },
  'amd-mi250x': {
    id: 'amd-mi250x',
    vendor: 'AMD',
    name: 'Instinct MI250X',
    status: 'shipping',
    memoryGB: 128,
    bf16DenseTflops: 383.0,
    maxPowerW: 560,
    powerScope: 'gpu_board',
    typicalPerNode: 4,
    resourceName: 'amd.com/gpu',
    devicesPerAccelerator: 2,
    migCapable: false,
    source: 'https://zexron.com/amd-mi250-x-aldebaran-as-mcm-with-up-to-479-teraflop-s-and-560-watt-tdp',
  },
  'amd-mi300x': {
    id: 'amd-mi300x',
    vendor: 'AMD',
    name: 'Instinct MI300X',
    status: 'shipping',
    memoryGB: 192,
    bf16DenseTflops: 1307.4,
    maxPowerW: 750,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'amd.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: false,
    source: 'https://github.com/ROCm/legacy-rocm-build/blob/089d7513c55fc7b6edb2a75b83cb40ca883a0ec2/docs/conceptual/gpu-arch/mi300.md',
  },
  'amd-mi300a': {
    id: 'amd-mi300a',
    vendor: 'AMD',
    name: 'Instinct MI300A (APU)',
    status: 'shipping',
    memoryGB: 128,
    bf16DenseTflops: 980.6,
    maxPowerW: null,
    powerScope: 'apu_package',
    typicalPerNode: 4,
    resourceName: 'amd.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: false,
    source: 'https://vengineer.hatenablog.com/entry/2023/12/11/080000',
  },
  'amd-mi325x': {
    id: 'amd-mi325x',
    vendor: 'AMD',
    name: 'Instinct MI325X',
    status: 'shipping',
    memoryGB: 256,
    bf16DenseTflops: 1307.4,
    maxPowerW: 1000,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'amd.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: false,
    source: 'https://awesomeagents.ai/hardware/amd-mi325x',
  },
  'amd-mi355x': {
    id: 'amd-mi355x',
    vendor: 'AMD',
    name: 'Instinct MI355X',
    status: 'shipping',
    memoryGB: 288,
    bf16DenseTflops: 2516.6,
    maxPowerW: 1400,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'amd.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: false,
    source: 'https://gangliao.me/blog/2026/amd-gpu-architecture-deep-dive',
  },
  'amd-mi430x': {
    id: 'amd-mi430x',
    vendor: 'AMD',
    name: 'Instinct MI430X',
    status: 'announced',
    memoryGB: 432,
    bf16DenseTflops: null,
    maxPowerW: null,
    powerScope: null,
    typicalPerNode: null,
    resourceName: 'amd.com/gpu',
    devicesPerAccelerator: 1,
    migCapable: false,
    source: 'https://windows.atsit.in/?p=34842',
  },
  'intel-gaudi3': {
    id: 'intel-gaudi3',
    vendor: 'Intel',
    name: 'Gaudi 3 (HL-325L OAM)',
    status: 'shipping',
    memoryGB: 128,
    bf16DenseTflops: 1835,
    maxPowerW: 900,
    powerScope: 'gpu_board',
    typicalPerNode: 8,
    resourceName: 'habana.ai/gaudi',
    devicesPerAccelerator: 1,
    migCapable: false,
    source: 'https://www.sgpjbg.com/baogao/465025.html',
  },
};

/** Ids of every known accelerator model, for schema enums. */
export const ACCELERATOR_IDS = Object.keys(ACCELERATORS) as readonly string[];
