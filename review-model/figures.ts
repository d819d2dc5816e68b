/**
 * The arithmetic of a site review, as pure functions of plain numbers: capacity, energy and
 * training compute. Every formula is stated once here and printed in each report's appendix
 * ({@link FORMULAS}); tests check each against hand-computed cases.
 *
 * A figure the accelerator data leaves unpublished (`null`) is never treated as zero: sums
 * carry the names of the parts they could not count ({@link PartialSum}).
 */
import type { ReviewAssumptions } from './assumptions';
import type { ComputeThreshold } from './eu-rules';

/** Hours in a year, for annual energy: 365 days of 24 hours. */
export const HOURS_PER_YEAR = 8760;
/** Seconds in a day. */
export const SECONDS_PER_DAY = 86_400;

/** A sum over named parts of which some may be unknown. */
export interface PartialSum {
  /** The sum of the known parts. */
  readonly value: number;
  /** Names of the parts whose figure is not published; empty when the sum is complete. */
  readonly unknown: readonly string[];
}

/** Sums the known values and names the unknown ones. */
export function sumKnown(parts: readonly { readonly name: string; readonly value: number | null }[]): PartialSum {
  const unknown = [...new Set(parts.filter((p) => p.value === null).map((p) => p.name))];
  return { value: parts.reduce((sum, p) => sum + (p.value ?? 0), 0), unknown };
}

/** A partial sum times a factor (the unknown parts stay unknown). */
export function scale(sum: PartialSum, factor: number): PartialSum {
  return { value: sum.value * factor, unknown: sum.unknown };
}

/** The figures of one accelerator the review uses; null when unpublished. */
export interface AcceleratorFigures {
  /** Memory per accelerator, GB. */
  readonly memoryGB: number | null;
  /** Dense BF16 peak per accelerator, TFLOP/s. */
  readonly bf16DenseTflops: number | null;
  /** Maximum power per accelerator, W. */
  readonly maxPowerW: number | null;
}

/** What {@link poolCapacity} needs of a pool. */
export interface PoolShape {
  readonly nodes: number;
  readonly acceleratorsPerNode: number;
  /** Units one accelerator offers (GPUs, MIG instances, time-sliced replicas; 2 GCDs for an MI250X). */
  readonly unitsPerAccelerator: number;
  readonly accelerator: AcceleratorFigures;
}

/** Capacity of one pool; null where the accelerator's figure is unpublished. */
export interface PoolCapacity {
  /** nodes x accelerators per node. */
  readonly accelerators: number;
  /** accelerators x units per accelerator: what quotas count. */
  readonly units: number;
  /** accelerators x memory per accelerator, GB. */
  readonly memoryGB: number | null;
  /** accelerators x dense BF16 TFLOP/s / 1000, PFLOP/s. */
  readonly bf16PeakPflops: number | null;
  /** accelerators x maximum power / 1000, kW. */
  readonly acceleratorPowerKw: number | null;
}

/** Capacity of a pool from its shape and its accelerator's figures. */
export function poolCapacity(pool: PoolShape): PoolCapacity {
  const accelerators = pool.nodes * pool.acceleratorsPerNode;
  const { memoryGB, bf16DenseTflops, maxPowerW } = pool.accelerator;
  return {
    accelerators,
    units: accelerators * pool.unitsPerAccelerator,
    memoryGB: memoryGB === null ? null : accelerators * memoryGB,
    bf16PeakPflops: bf16DenseTflops === null ? null : (accelerators * bf16DenseTflops) / 1000,
    acceleratorPowerKw: maxPowerW === null ? null : (accelerators * maxPowerW) / 1000,
  };
}

/** Power and energy of a site at the review's assumptions. */
export interface EnergyFigures {
  /** Sum over pools of accelerators x maximum power, kW. */
  readonly acceleratorKw: PartialSum;
  /** acceleratorKw x (1 + node overhead), kW: the installed IT power the review estimates. */
  readonly itKw: PartialSum;
  /** itKw x PUE, kW. */
  readonly facilityKw: PartialSum;
  /** itKw x utilization x 8,760 h / 1,000, MWh per year. */
  readonly annualItMWh: PartialSum;
  /** facilityKw x utilization x 8,760 h / 1,000, MWh per year. */
  readonly annualFacilityMWh: PartialSum;
}

/** Power and energy from each pool's accelerator power (kW, null when unpublished). */
export function energyFigures(pools: readonly { readonly name: string; readonly acceleratorPowerKw: number | null }[], a: ReviewAssumptions): EnergyFigures {
  const acceleratorKw = sumKnown(pools.map((p) => ({ name: p.name, value: p.acceleratorPowerKw })));
  const itKw = scale(acceleratorKw, 1 + a.nodeOverhead);
  const facilityKw = scale(itKw, a.pue);
  return {
    acceleratorKw,
    itKw,
    facilityKw,
    annualItMWh: scale(itKw, (a.utilization * HOURS_PER_YEAR) / 1000),
    annualFacilityMWh: scale(facilityKw, (a.utilization * HOURS_PER_YEAR) / 1000),
  };
}

/**
 * Whether a partial sum is at least (`>=`) or greater than (`>`) a threshold: `true` when its
 * known part already is, `false` when it is not and nothing is unknown, `unknown` when the
 * unpublished parts could still carry it over.
 */
export function crosses(sum: PartialSum, threshold: number, comparison: 'at least' | 'greater than'): boolean | 'unknown' {
  const over = comparison === 'at least' ? sum.value >= threshold : sum.value > threshold;
  if (over) return true;
  return sum.unknown.length > 0 ? 'unknown' : false;
}

/** A tenant's quota on one pool, as the compute figures need it. */
export interface QuotaShape {
  readonly pool: string;
  /** Units of the quota (guaranteed or maximum). */
  readonly units: number;
  readonly unitsPerAccelerator: number;
  /** Dense BF16 peak per accelerator of the pool, TFLOP/s; null when unpublished. */
  readonly bf16DenseTflops: number | null;
}

/** Dense BF16 peak a set of quotas holds: sum of units / units per accelerator x TFLOP/s x 10^12, FLOP/s. */
export function quotaPeakFlops(quotas: readonly QuotaShape[]): PartialSum {
  return sumKnown(
    quotas.map((q) => ({
      name: q.pool,
      // A quota of 0 units holds no compute, whatever the accelerator.
      value: q.units === 0 ? 0 : q.bf16DenseTflops === null ? null : (q.units / q.unitsPerAccelerator) * q.bf16DenseTflops * 1e12,
    })),
  );
}

/** Training compute reachable in `days` from a peak: peak FLOP/s x MFU x days x 86,400 s, FLOP. */
export function trainingFlop(peakFlops: PartialSum, mfu: number, days: number): PartialSum {
  return scale(peakFlops, mfu * days * SECONDS_PER_DAY);
}

/** Training compute over one window, against each threshold. */
export interface WindowCompute {
  readonly days: number;
  readonly flop: PartialSum;
  /** Per threshold id: whether the compute is greater than it ({@link crosses}). */
  readonly crossings: Readonly<Record<string, boolean | 'unknown'>>;
}

/** Training compute of a peak over each window, against each threshold. */
export function windowCompute(peakFlops: PartialSum, mfu: number, windows: readonly number[], thresholds: readonly ComputeThreshold[]): WindowCompute[] {
  return windows.map((days) => {
    const flop = trainingFlop(peakFlops, mfu, days);
    return { days, flop, crossings: Object.fromEntries(thresholds.map((t) => [t.id, crosses(flop, t.flop, t.comparison)])) };
  });
}

/** Every formula of the review, for its appendix. */
export const FORMULAS: readonly { readonly figure: string; readonly formula: string }[] = [
  { figure: 'accelerators of a pool', formula: 'nodes x acceleratorsPerNode' },
  { figure: 'units of a pool', formula: 'accelerators x units per accelerator (1; MIG instances per GPU; time-slicing replicas; 2 GCDs per MI250X)' },
  { figure: 'accelerator memory of a pool, GB', formula: 'accelerators x memory per accelerator (GB as marketed)' },
  { figure: 'peak dense BF16 of a pool, PFLOP/s', formula: 'accelerators x dense BF16 TFLOP/s per accelerator / 1,000' },
  { figure: 'accelerator power of a pool, kW', formula: 'accelerators x maximum power per accelerator (W) / 1,000' },
  { figure: 'IT power, kW', formula: 'sum of accelerator power x (1 + node overhead)' },
  { figure: 'facility power, kW', formula: 'IT power x PUE' },
  { figure: 'annual energy, MWh', formula: `power (kW) x utilization x ${HOURS_PER_YEAR.toLocaleString('en-US')} h / 1,000` },
  { figure: 'EED reporting', formula: 'IT power >= 500 kW (Art. 12(1): installed IT power demand of at least 500 kW)' },
  { figure: 'peak of a quota, FLOP/s', formula: 'sum over pools of units / units per accelerator x dense BF16 TFLOP/s x 10^12' },
  { figure: 'training compute in D days, FLOP', formula: `peak FLOP/s x MFU x D x ${SECONDS_PER_DAY.toLocaleString('en-US')} s` },
  { figure: 'AI Act crossing', formula: 'training compute > threshold (10^23 FLOP indicative GPAI criterion; 10^25 FLOP systemic-risk presumption)' },
  { figure: 'oversubscription of a pool', formula: "sum of tenants' guaranteed units / units of the pool" },
];
