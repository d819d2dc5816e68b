/**
 * Checks Helm values against the key index of a pinned chart
 * (`tests/fixtures/chart-keys/<chart>.json`, generated from the chart's values.yaml, schema and
 * sub-charts). Other tests assert `unknownChartKeys(chart, values)` is `[]` on what stacks write.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ChartId } from '../../../constructs/charts/registry';

/** Key index of one pinned chart. */
export interface ChartKeyIndex {
  readonly chart: ChartId;
  readonly version: string;
  /** `owner/repo @ ref (commit) : path` the values were read from. */
  readonly source: string;
  readonly subcharts: readonly { readonly alias: string; readonly version: string; readonly source: string }[];
  /** Sub-charts whose values are not pinned here: only the keys the parent sets are known. */
  readonly unavailableSubcharts: readonly string[];
  /** Values the upstream release process rewrites in the published chart. */
  readonly packagingRewrites: Readonly<Record<string, string>>;
  /** Maps whose entries are merged over a defaults block: `nodesets.<name>.x` is checked as `nodesetDefaults.x`. */
  readonly entryDefaults: Readonly<Record<string, string>>;
  /** Every dotted key path of the defaults; maps descend, list items are `[]`. */
  readonly keys: readonly string[];
  /** Keys whose default is `{}`, `null` or a list of scalars: any sub-key is allowed. */
  readonly openKeys: readonly string[];
  /** Real keys that exist only in comments, templates or the schema. */
  readonly extraKeys: readonly string[];
  /** Prefixes under which any key is allowed (user-named maps, CRD passthrough); `*.x` matches `x` at any depth. */
  readonly freeForm: readonly string[];
  /** Kubernetes objects rendered verbatim (tolerations, resources, affinity …). */
  readonly passthrough: readonly string[];
  /** Keys in the defaults that the chart no longer reads. */
  readonly deadKeys: readonly string[];
  /** Default value of every image key (sub-charts merged, packaging rewrites applied). */
  readonly imageDefaults: Readonly<Record<string, string>>;
  /** Image defaults that live in the templates or the binaries, not in values.yaml. */
  readonly imageTemplateDefaults: Readonly<Record<string, string>>;
  /** The schema rejects unknown top-level keys. */
  readonly strictTopLevel?: boolean;
  /** Top-level keys of the schema. */
  readonly topLevelKeys?: readonly string[];
}

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'chart-keys');
const cache = new Map<ChartId, ChartKeyIndex>();

/** The key index of a chart. */
export function chartKeyIndex(chart: ChartId): ChartKeyIndex {
  let index = cache.get(chart);
  if (!index) {
    index = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${chart}.json`), 'utf8')) as ChartKeyIndex;
    cache.set(chart, index);
  }
  return index;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function under(key: string, prefix: string): boolean {
  if (prefix.startsWith('*.')) {
    const tail = prefix.slice(1);
    return key.endsWith(tail) || key.includes(`${tail}.`) || key.includes(`${tail}[]`);
  }
  return key === prefix || key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[]`);
}

/**
 * Every key path of `values` that is not a real key of the pinned chart, as written
 * (`nodesets.gpu.slurmd.imag`), so `[]` means Helm will read everything that is set.
 */
export function unknownChartKeys(chart: ChartId, values: object): string[] {
  const index = chartKeyIndex(chart);
  const dead = new Set(index.deadKeys);
  const known = new Set([...index.keys, ...index.extraKeys].filter((k) => !dead.has(k)));
  const open = [...index.openKeys, ...index.freeForm, ...index.passthrough].filter((k) => !dead.has(k));
  const unknown: string[] = [];

  const walk = (value: unknown, actual: string, normalized: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${actual}[${i}]`, `${normalized}[]`));
      return;
    }
    if (!isMap(value)) return;
    const entryDefaults = index.entryDefaults[normalized];
    for (const [key, child] of Object.entries(value)) {
      const a = actual ? `${actual}.${key}` : key;
      const n = entryDefaults ?? (normalized ? `${normalized}.${key}` : key);
      if (dead.has(n)) {
        unknown.push(a);
        continue;
      }
      if (!entryDefaults && open.some((p) => under(n, p) && n !== p)) continue;
      if (!known.has(n) && !open.includes(n)) {
        unknown.push(a);
        continue;
      }
      walk(child, a, n);
    }
  };
  walk(values, '', '');
  return unknown;
}

/** Top-level keys of `values` that a chart with a strict schema would reject. */
export function unknownTopLevelKeys(chart: ChartId, values: object): string[] {
  const index = chartKeyIndex(chart);
  if (!index.strictTopLevel || !index.topLevelKeys) return [];
  const allowed = new Set(index.topLevelKeys);
  return Object.keys(values).filter((k) => !allowed.has(k));
}
