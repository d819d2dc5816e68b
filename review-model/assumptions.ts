/**
 * The figures a site review assumes because a site file does not state them: power usage
 * effectiveness, node overhead, utilization and model FLOP utilization. Each is a default the
 * command line can override (`--pue`, `--node-overhead`, `--utilization`, `--mfu`), and every
 * report names the values it used.
 *
 * These are assumptions, not facts about any site. Where a published figure informed the
 * choice, its source is given; where none did, the text says so.
 */

/** A default the review assumes, with why. */
export interface Assumption {
  /** The command-line option that overrides it. */
  readonly option: string;
  /** Short name for tables. */
  readonly label: string;
  readonly value: number;
  /** What the number means and why this value. */
  readonly basis: string;
  /** Sources of the published figures it rests on; empty when none. */
  readonly sources: readonly string[];
}

/**
 * Power usage effectiveness (facility power / IT power), when the site file states none
 * (`energy.pue`): the industry average of Uptime Institute's 2023 global survey.
 * Liquid-cooled HPC sites do better (the NLAIF tender targets PUE < 1.2), so facility figures
 * are on the high side for them.
 * @see https://intelligence.uptimeinstitute.com/resource/large-data-centers-are-mostly-more-efficient-analysis-confirms
 */
export const DEFAULT_PUE: Assumption = {
  option: '--pue',
  label: 'PUE',
  value: 1.58,
  basis:
    'industry-average power usage effectiveness in 2023 (Uptime Institute Global Data Center Survey), used when the site file states no energy.pue; liquid-cooled HPC sites do better (the NLAIF tender targets PUE < 1.2), so facility figures are on the high side for them',
  sources: [
    'https://intelligence.uptimeinstitute.com/resource/large-data-centers-are-mostly-more-efficient-analysis-confirms',
    'https://www.subsdy.com/grants/acquisition-delivery-installation-and-hardware-and-software-maintenance-of-nlaif-supercomputer-for-t',
  ],
};

/**
 * Power of everything in a GPU node besides its accelerators (CPUs, host memory, NICs, switches
 * inside the node, fans, power conversion), as a fraction of the accelerators' maximum power.
 * No source states it for a catalogue node; published systems bound it: a GB300 NVL72 rack is
 * quoted at about 120 kW for 72 x 1.4 kW of GPUs (+19%), an air-cooled DGX H100 draws up to
 * 10.2 kW for 8 x 700 W of GPUs (+82%, at its maximum input). The review assumes 30%, nearer the
 * liquid-cooled rack-scale systems most catalogue sites plan. Where the accelerator figure is a
 * superchip module or APU package (it includes the CPU), the overhead counts the CPU twice.
 */
export const DEFAULT_NODE_OVERHEAD: Assumption = {
  option: '--node-overhead',
  label: 'node overhead',
  value: 0.3,
  basis:
    "assumption: power of a node's CPUs, memory, NICs, fans and power conversion as a fraction of its accelerators' maximum power; no source states it for the catalogue's nodes. Published systems bound it: a GB300 NVL72 rack is quoted at ~120 kW for 72 x 1.4 kW of GPUs (+19%), a DGX H100 draws up to 10.2 kW for 8 x 700 W of GPUs (+82%, maximum input)",
  sources: [
    'https://introl.com/blog/why-nvidia-gb300-nvl72-blackwell-ultra-matters',
    'https://verda.com/blog/gb300-nvl72-architecture',
    'https://www.supercluster.blog/p/6-ai-supercluster-nvidia-dgx-h100',
    'https://unanswered.io/guide/nvidia-dgx-power-consumption-watts',
  ],
};

/**
 * Average IT power over a year as a fraction of the maximum, for annual energy. No source
 * states it for these sites.
 */
export const DEFAULT_UTILIZATION: Assumption = {
  option: '--utilization',
  label: 'utilization',
  value: 0.7,
  basis: "assumption: the year's average IT power as a fraction of the maximum, for annual energy; no source states it for these sites",
  sources: [],
};

/**
 * Model FLOP utilization: the share of the dense BF16 peak a training run turns into model
 * FLOPs. Meta reports 38-43% BF16 MFU for Llama 3 405B on 8,192 to 16,384 H100 GPUs.
 * @see https://arxiv.org/abs/2407.21783
 */
export const DEFAULT_MFU: Assumption = {
  option: '--mfu',
  label: 'model FLOP utilization',
  value: 0.4,
  basis: 'share of the dense BF16 peak a large training run achieves: Meta reports 38-43% BF16 MFU for Llama 3 405B on 8,192 to 16,384 H100 GPUs',
  sources: ['https://arxiv.org/abs/2407.21783', 'https://glennklockwood.com/garden/llama-3.1'],
};

/** Training windows the AI Act figures are given for, days. */
export const TRAINING_WINDOWS_DAYS: readonly number[] = [30, 90];

/** Where the PUE a review used comes from. */
export type PueSource = 'default' | 'site file' | 'command line';

/** The assumptions a review ran with. */
export interface ReviewAssumptions {
  readonly pue: number;
  /** Where `pue` comes from: the default, the site file's `energy.pue`, or `--pue`. @default 'default' */
  readonly pueSource?: PueSource;
  readonly nodeOverhead: number;
  readonly utilization: number;
  readonly mfu: number;
}

/** The assumptions that are numbers, which the command line can set. */
export type NumericAssumption = Exclude<keyof ReviewAssumptions, 'pueSource'>;

/** The defaults, as a {@link ReviewAssumptions}. */
export const DEFAULT_ASSUMPTIONS: ReviewAssumptions = {
  pue: DEFAULT_PUE.value,
  nodeOverhead: DEFAULT_NODE_OVERHEAD.value,
  utilization: DEFAULT_UTILIZATION.value,
  mfu: DEFAULT_MFU.value,
};

/** The four assumptions with the values a review used, for its appendix. */
export function assumptionsUsed(a: ReviewAssumptions): readonly (Assumption & { readonly default: number; readonly overridden: boolean })[] {
  const used: [Assumption, number][] = [
    [DEFAULT_PUE, a.pue],
    [DEFAULT_NODE_OVERHEAD, a.nodeOverhead],
    [DEFAULT_UTILIZATION, a.utilization],
    [DEFAULT_MFU, a.mfu],
  ];
  return used.map(([d, value]) => {
    const fromSite = d === DEFAULT_PUE && a.pueSource === 'site file';
    const basis = fromSite ? 'stated by the site file (energy.pue), in place of the default' : d.basis;
    return { ...d, basis, sources: fromSite ? [] : d.sources, value, default: d.value, overridden: value !== d.value };
  });
}

/**
 * The assumptions for one site: its own `energy.pue` replaces the default PUE, unless `--pue`
 * was given (`pueGiven`), which wins over both.
 */
export function siteAssumptions(
  site: { readonly spec: { readonly energy?: { readonly pue?: number } } },
  a: ReviewAssumptions,
  pueGiven: boolean,
): ReviewAssumptions {
  if (pueGiven) return { ...a, pueSource: 'command line' };
  const stated = site.spec.energy?.pue;
  return stated !== undefined ? { ...a, pue: stated, pueSource: 'site file' } : { ...a, pueSource: 'default' };
}
