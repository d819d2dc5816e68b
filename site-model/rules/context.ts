/**
 * What every section's rules get: the valid parts of a site file, the whole parsed file, the
 * names it declares and where its values sit. Rules create problems through the source, so
 * each problem names its file and line where it is found.
 */
import type { SiteProblem } from '../problems';
import { poolCluster, poolUnits } from '../resolve';
import type { SiteSpec } from '../schema';
import { Described, type PathKey, type SiteSource } from '../source';

/** Names declared in a keyed map of the raw file, valid or not. */
function declared(raw: Readonly<Record<string, unknown>>, section: string): string[] {
  const value = raw[section];
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

/** The input of the rules of one site file, and the problems they found. */
export class RuleContext {
  /** Clusters the file declares (valid or not). */
  readonly clusters: readonly string[];
  /** Pools the file declares. */
  readonly pools: readonly string[];
  /** Tenants the file declares. */
  readonly tenants: readonly string[];
  /** Storage tiers the file declares. */
  readonly tiers: readonly string[];
  /** Units each valid pool offers; pools whose sharing does not fit their accelerator have none. */
  readonly capacities: ReadonlyMap<string, number>;
  readonly problems: SiteProblem[] = [];
  /** Things that deploy but do not do what the file suggests; printed, never fatal. */
  readonly warnings: SiteProblem[] = [];

  /**
   * @param spec the parts of the file that are valid on their own
   * @param raw the whole parsed file
   * @param source where the file's values sit
   */
  constructor(
    readonly spec: Partial<SiteSpec>,
    readonly raw: Readonly<Record<string, unknown>>,
    readonly source: SiteSource,
  ) {
    this.clusters = declared(raw, 'clusters');
    this.pools = declared(raw, 'gpuPools');
    this.tenants = declared(raw, 'tenants');
    this.tiers = declared(raw, 'storageTiers');
    const capacities = new Map<string, number>();
    for (const [name, pool] of Object.entries(spec.gpuPools ?? {})) {
      const units = poolUnits(pool);
      if (typeof units === 'number') capacities.set(name, units);
    }
    this.capacities = capacities;
  }

  /** Records a problem; `got` is a value from the file, or a {@link described} text. */
  add(path: readonly PathKey[], problem: string, got: unknown, fix: string): void {
    this.problems.push(this.source.problem(path, problem, got, fix));
  }

  /** Records a warning: the file is valid, but something in it will not work as it reads. */
  warn(path: readonly PathKey[], problem: string, got: unknown, fix: string): void {
    this.warnings.push(this.source.problem(path, problem, got, fix));
  }

  /** A `got` text that describes the value instead of quoting it. */
  described(text: string): Described {
    return new Described(text);
  }

  /** `a, b, c`, or `none declared`. */
  list(names: readonly string[]): string {
    return names.length ? names.join(', ') : 'none declared';
  }

  /** Cluster of a valid pool: the one it names, else the only cluster. */
  poolCluster(pool: string): string | undefined {
    const spec = this.spec.gpuPools?.[pool];
    return spec ? poolCluster(spec, this.clusters) : undefined;
  }
}

/** Rounds to two decimals, for sums in messages. */
export const round = (n: number): number => Math.round(n * 100) / 100;
