/**
 * Accelerator models the project knows, with the figures that capacity, energy and
 * EU AI Act compute reports need.
 *
 * Every number was carried over from public sources (the `sources` URLs of each entry, per
 * figure, compiled 2026-11; `source` is the main one for compute). `null` means no source read states the figure; code must treat it
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
  /**
   * How {@link bf16DenseTflops} was obtained: `vendor_dense` (a source states the dense
   * figure), `halved_sparse` (only a with-sparsity figure was found; dense is half of it),
   * `secondary_dense` (a secondary source only), `derived` (per-CU rate times CUs times clock)
   * or `unpublished` (the figure is null).
   */
  readonly bf16Basis: 'vendor_dense' | 'halved_sparse' | 'secondary_dense' | 'derived' | 'unpublished';
  /**
   * Every source each figure was read from: `memory` for {@link memoryGB}, `compute` for
   * {@link bf16DenseTflops}, `power` for {@link maxPowerW}; empty when the figure is null.
   * Carried over, like the figures, from the project's accelerator data (compiled 2026-11-22).
   */
  readonly sources: {
    readonly memory: readonly string[];
    readonly compute: readonly string[];
    readonly power: readonly string[];
  };
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: ['https://www.thundercompute.com/blog/nvidia-a100-specs-full-guide', 'https://glennklockwood.com/garden/processors/A100'],
      compute: [
        'https://glennklockwood.com/garden/processors/A100',
        'https://upb-pc2.atlassian.net/wiki/spaces/PC2DOK/pages/1900609/NVIDIA+A100+40GB+with+NVLINK',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
      ],
      power: ['https://www.thundercompute.com/blog/nvidia-a100-specs-full-guide', 'https://glennklockwood.com/garden/processors/A100'],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: ['https://glennklockwood.com/garden/processors/h100', 'https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html'],
      compute: ['https://glennklockwood.com/garden/processors/h100', 'https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html'],
      power: ['https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html', 'https://glennklockwood.com/garden/processors/h100'],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: [
        'http://m.anandtech.com/Show/Index/21136?cPage=2&all=False&sort=0&page=1&slug=nvidia-at-sc23-h200-accelerator-with-hbm3e-and-jupiter-supercomputer-for-2024',
        'https://lzwjava.github.io/nvidia-h200-gpu-specs-en',
      ],
      compute: [
        'http://m.anandtech.com/Show/Index/21136?cPage=2&all=False&sort=0&page=1&slug=nvidia-at-sc23-h200-accelerator-with-hbm3e-and-jupiter-supercomputer-for-2024',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
        'https://lzwjava.github.io/nvidia-h200-gpu-specs-en',
      ],
      power: [
        'https://raw.githubusercontent.com/mlcommons/inference_results_v4.1/main/closed/NVIDIA/systems/H200-SXM-141GBx8_TRT_MaxQ.json',
        'https://lzwjava.github.io/nvidia-h200-gpu-specs-en',
      ],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: [
        'https://apps.fz-juelich.de/jsc/hps/jupiter/configuration.html',
        'https://nishikiout.net/entry/2023/08/09/143040',
        'https://knowledgebase.rackmountnts.com/blog/grace-hopper-superchip/',
      ],
      compute: [
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
        'https://apps.fz-juelich.de/jsc/hps/jupiter/configuration.html',
      ],
      power: [
        'https://artificial-intelligence-wiki.com/ai-development/ai-hardware-infrastructure/nvidia-grace-hopper-guide',
        'https://knowledgebase.rackmountnts.com/blog/grace-hopper-superchip/',
        'https://apps.fz-juelich.de/jsc/hps/jupiter/configuration.html',
      ],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: [
        'https://glennklockwood.com/garden/processors/B200',
        'https://fibermall.com/blog/?p=17161',
        'https://huggingface.co/datasets/adelineclarissa/MMLU-Bench',
        'https://docs.vultr.com/inference-cookbook/cuda/getting-started/hardware-overview',
        'https://verda.com/blog/gb300-nvl72-architecture',
      ],
      compute: [
        'https://glennklockwood.com/garden/processors/B200',
        'https://fibermall.com/blog/?p=17161',
        'https://verda.com/blog/gb300-nvl72-architecture',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
      ],
      power: [
        'https://glennklockwood.com/garden/processors/B200',
        'https://docs.vultr.com/inference-cookbook/cuda/getting-started/hardware-overview',
        'https://thedailyscout.com/s/mS-qfkbCluI',
      ],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: [
        'https://raw.githubusercontent.com/mlcommons/inference_results_v6.1/main/closed/Crusoe/systems/GB200-NVL72_GB200-186GB_aarch64x16_Dynamo.json',
        'https://aiwiki.ai/wiki/nvidia_gb200_nvl72/raw',
        'https://gpu.blog/gpus/nvidia-gb200-nvl72',
        'https://glennklockwood.com/garden/processors/B200',
        'https://kshirol-dev.github.io/learnAI/AIInfrastructure/08-training-clusters.html',
      ],
      compute: [
        'https://glennklockwood.com/garden/processors/B200',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
        'https://aiwiki.ai/wiki/nvidia_gb200_nvl72/raw',
        'https://verda.com/blog/gb300-nvl72-architecture',
      ],
      power: [
        'https://glennklockwood.com/garden/processors/B200',
        'https://verda.com/blog/gb300-nvl72-architecture',
        'https://hmc-tech.com/gpu/nvidia-h100-vs-nvidia-h200-sxm-vs-nvidia-gb200',
        'https://wifitalents.com/nvidia-blackwell-statistics',
      ],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: ['https://glennklockwood.com/garden/processors/B300', 'https://fibermall.com/blog/?p=17161', 'https://verda.com/blog/gb300-nvl72-architecture'],
      compute: ['https://glennklockwood.com/garden/processors/B300', 'https://fibermall.com/blog/?p=17161', 'https://verda.com/blog/gb300-nvl72-architecture'],
      power: ['https://verda.com/blog/gb300-nvl72-architecture', 'https://glennklockwood.com/garden/processors/B300'],
    },
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
    bf16Basis: 'halved_sparse',
    sources: {
      memory: [
        'https://glennklockwood.com/garden/processors/B300',
        'https://oxmaint.com/sap-integration/on-prem-ai/gb300-nvl72-specs-industrial-ai',
        'https://verda.com/blog/gb300-nvl72-architecture',
        'https://vendordeep.com/report/nvidia-launches-blackwell-ultra-gb300',
      ],
      compute: [
        'https://verda.com/blog/gb300-nvl72-architecture',
        'https://glennklockwood.com/garden/processors/B300',
        'https://vendordeep.com/report/nvidia-launches-blackwell-ultra-gb300',
      ],
      power: [
        'https://glennklockwood.com/garden/processors/B300',
        'https://verda.com/blog/gb300-nvl72-architecture',
        'https://epium.com/news/nvidia-gb300-blackwell-ultra-nvl72-liquid-cooling-costs-nearly-usd-50000',
        'https://awesomeagents.ai/hardware/nvidia-gb300-nvl72',
      ],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: [
        'https://rocm.docs.amd.com/en/latest/_sources/reference/gpu-specs.rst',
        'https://zexron.com/amd-mi250-x-aldebaran-as-mcm-with-up-to-479-teraflop-s-and-560-watt-tdp',
        'https://rocm.docs.amd.com/en/docs-7.14.0/_sources/reference/gpu-arch/mi250.md',
      ],
      compute: [
        'https://zexron.com/amd-mi250-x-aldebaran-as-mcm-with-up-to-479-teraflop-s-and-560-watt-tdp',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
        'https://yobitel.com/knowledge-base/amd-mi250',
      ],
      power: [
        'https://www.worldstockmarket.net/video-card-with-128-gb-of-memory-8192-bit-bus-tbp-500-w-and-the-worlds-first-dual-chip-gpu-amd-instinct-mi250-accelerators-presented',
        'https://meterpreter.org/amd-releases-instinct-mi200-series-computing-cards/',
      ],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: [
        'https://github.com/ROCm/legacy-rocm-build/blob/089d7513c55fc7b6edb2a75b83cb40ca883a0ec2/docs/conceptual/gpu-arch/mi300.md',
        'https://rocm.docs.amd.com/en/latest/_sources/reference/gpu-specs.rst',
      ],
      compute: [
        'https://github.com/ROCm/legacy-rocm-build/blob/089d7513c55fc7b6edb2a75b83cb40ca883a0ec2/docs/conceptual/gpu-arch/mi300.md',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
      ],
      power: [
        'https://raw.githubusercontent.com/mlcommons/inference_results_v4.1/main/closed/AMD/systems/8xMI300X_2xEPYC-9374F.json',
        'https://meterpreter.org/amd-confirms-instinct-mi300x-power-consumption-up-to-750w',
      ],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: [
        'https://rocm.docs.amd.com/en/latest/_sources/reference/gpu-specs.rst',
        'https://vengineer.hatenablog.com/entry/2023/12/11/080000',
        'https://estaterule.ru/news/amd-vypuskaet-samyj-bolshoj-i-slozhnyj-v-mire-gpu-so-192-gb-pamjati-i-gigantskij-apu-so-128-gb-na-rynok-vyhodjat-chipy-instinct-mi300a-i-instinct-mi300x',
      ],
      compute: [
        'https://vengineer.hatenablog.com/entry/2023/12/11/080000',
        'https://rocm.docs.amd.com/en/latest/_sources/reference/gpu-specs.rst',
        'https://github.com/ROCm/legacy-rocm-build/blob/089d7513c55fc7b6edb2a75b83cb40ca883a0ec2/docs/conceptual/gpu-arch/mi300.md',
      ],
      power: [],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: [
        'https://rocm.docs.amd.com/en/latest/_sources/reference/gpu-specs.rst',
        'https://wiaix.com/amd-instincttm-mi325x-accelerators',
        'https://docs.vultr.com/inference-cookbook/rocm/getting-started/hardware-requirements',
        'https://awesomeagents.ai/hardware/amd-mi325x',
      ],
      compute: [
        'https://awesomeagents.ai/hardware/amd-mi325x',
        'https://docs.vultr.com/inference-cookbook/rocm/getting-started/hardware-requirements',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
      ],
      power: [
        'https://yobitel.com/knowledge-base/amd-mi325x',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
        'https://topcpu.net/ja/news/a-whopping-288gb-of-memory-amd-officially-announces-next-gen-instinct-mi355x-gpu-accelerator-card-built-on-new-3nm-cnda4-architecture',
      ],
    },
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
    bf16Basis: 'secondary_dense',
    sources: {
      memory: [
        'https://rocm.docs.amd.com/en/latest/_sources/reference/gpu-specs.rst',
        'https://www.tomshardware.com/pc-components/gpus/amds-instinct-mi355x-accelerator-will-consume-1-400-watts',
        'https://www.theregister.com/2025/06/12/amd_mi355x/?td=readmore',
        'https://aiwiki.ai/wiki/amd_instinct_mi355x',
      ],
      compute: [
        'https://gangliao.me/blog/2026/amd-gpu-architecture-deep-dive',
        'https://www.world-today-news.com/?p=7253162',
        'https://pudn.club/news/amd-dives-deep-on-cdna-4-architecture-and-mi350-accelerator-at-hot-chip-2025',
        'https://rocm.docs.amd.com/en/latest/_sources/reference/gpu-specs.rst',
        'https://topcpu.net/ja/news/a-whopping-288gb-of-memory-amd-officially-announces-next-gen-instinct-mi355x-gpu-accelerator-card-built-on-new-3nm-cnda4-architecture',
      ],
      power: [
        'https://www.tomshardware.com/pc-components/gpus/amds-instinct-mi355x-accelerator-will-consume-1-400-watts',
        'https://www.theregister.com/2025/06/12/amd_mi355x/?td=readmore',
        'https://aiwiki.ai/wiki/amd_instinct_mi355x',
        'https://pudn.club/news/amd-dives-deep-on-cdna-4-architecture-and-mi350-accelerator-at-hot-chip-2025',
      ],
    },
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
    bf16Basis: 'unpublished',
    sources: {
      memory: [
        'https://windows.atsit.in/?p=34842',
        'https://cloudnews.tech/amd-challenges-vera-rubin-instinct-mi455x-and-mi430x-promise-fp4-fp8-parity-same-bandwidth-and-double-hbm4-memory',
        'https://www.pcmasters.de/server/133714885-amd-instinct-mi455x-und-mi430x-vorgestellt-und-mi500-fuer-2027-geplant.html',
      ],
      compute: [],
      power: [],
    },
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
    bf16Basis: 'vendor_dense',
    sources: {
      memory: ['https://www.sgpjbg.com/baogao/465025.html', 'https://pcguia.pt/2024/04/nvidia-e-amd-tem-um-novo-rival-no-mercado-de-ia-a-intel'],
      compute: [
        'https://www.sgpjbg.com/baogao/465025.html',
        'https://pcguia.pt/2024/04/nvidia-e-amd-tem-um-novo-rival-no-mercado-de-ia-a-intel',
        'https://github.com/stas00/ml-engineering/blob/b9e29720eebd4aa946fa9678975385efbc90a777/compute/accelerator/README.md',
      ],
      power: ['https://www.sgpjbg.com/baogao/465025.html', 'https://pcguia.pt/2024/04/nvidia-e-amd-tem-um-novo-rival-no-mercado-de-ia-a-intel'],
    },
  },
};

/** Ids of every known accelerator model, for schema enums. */
export const ACCELERATOR_IDS = Object.keys(ACCELERATORS) as readonly string[];
