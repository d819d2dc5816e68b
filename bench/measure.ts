/**
 * The pure parts of `aif bench`: statistics, ratios, tables, the JSON floor and the sizes of
 * synthesized output. `bench/run.ts` runs the processes; these are what tests check.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readSynthesizedStack } from '../constructs/charts/stack-file';
import { objectSizes, type ObjectSize } from '../constructs/policies/object-size';

/** One whole-process run: seconds of wall clock and of CPU (user + system of the process and its children), peak resident memory. */
export interface ProcessRun {
  readonly wallS: number;
  /** Undefined where the platform gives no CPU time of a child (no /usr/bin/time). */
  readonly cpuS?: number;
  /** KiB; undefined as for {@link cpuS}. */
  readonly peakRssKiB?: number;
}

/** Smallest and median of some numbers (the median of an even count is the mean of the middle two). */
export function minMedian(values: readonly number[]): { min: number; median: number } {
  if (values.length === 0) throw new Error('minMedian: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return { min: sorted[0], median: sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2 };
}

/** `a / b`, undefined when either is missing or `b` is not positive. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || !(b > 0) ? undefined : a / b;
}

/**
 * Parses the output of `/usr/bin/time -f '%e %U %S %M'`: wall, user and system seconds,
 * peak RSS in KiB. GNU time writes the line last, after anything the child printed to the same file.
 */
export function parseGnuTime(text: string): ProcessRun | undefined {
  const line = text.trim().split('\n').pop() ?? '';
  const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(line.trim());
  if (!m) return undefined;
  return { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), peakRssKiB: Number(m[4]) };
}

/** A table with a header row, columns padded to their widest cell; numeric-looking cells are right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (s: string) => /^[-+]?[\d.,]+\s*(s|x|%|KiB|MiB|ms)?$/.test(s.trim()) || s === '-';
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i > 0 && numeric(c) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Seconds with two decimals, `-` when unknown. */
export const seconds = (s: number | undefined): string => (s === undefined ? '-' : s.toFixed(2));
/** A ratio as `12.3x`, `-` when unknown. */
export const times = (r: number | undefined): string => (r === undefined ? '-' : `${r.toFixed(r < 10 ? 2 : 1)}x`);
/** Bytes as KiB, no decimals. */
export const kib = (bytes: number | undefined): string => (bytes === undefined ? '-' : `${Math.round(bytes / 1024).toLocaleString('en')} KiB`);
/** KiB as MiB, no decimals. */
export const mib = (k: number | undefined): string => (k === undefined ? '-' : `${Math.round(k / 1024)} MiB`);

/** A target and whether the measurement meets it. */
export interface Target {
  readonly what: string;
  readonly measured: string;
  /** Undefined when it could not be measured. */
  readonly met?: boolean;
}

/** The targets, one line each: `met`, `NOT MET` or `not measured`. */
export function formatTargets(targets: readonly Target[]): string {
  return targets.map((t) => `  ${t.met === undefined ? 'not measured' : t.met ? 'met    ' : 'NOT MET'}  ${t.what}: ${t.measured}`).join('\n');
}

/**
 * The floor a synth is compared with: reads every file under `src` (recursively), parses the
 * JSON files, and writes them, serialized again as the synth writes them (2-space JSON), with
 * the other files as they are, under `dst`. Self-contained (no imports outside its body), so
 * that `bench/run.ts` can run it in a bare `node -e` process: the floor is then Node's start,
 * the reads, the parses and the writes, nothing of ai-factory-cdk.
 * @returns bytes read
 */
export function floorCopy(src: string, dst: string): number {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const nodeFs = require('fs') as typeof import('fs');
  const nodePath = require('path') as typeof import('path');
  /* eslint-enable @typescript-eslint/no-require-imports */
  let bytes = 0;
  const walk = (from: string, to: string): void => {
    nodeFs.mkdirSync(to, { recursive: true });
    for (const entry of nodeFs.readdirSync(from, { withFileTypes: true })) {
      const a = nodePath.join(from, entry.name);
      const b = nodePath.join(to, entry.name);
      if (entry.isDirectory()) {
        walk(a, b);
        continue;
      }
      const text = nodeFs.readFileSync(a, 'utf8');
      bytes += Buffer.byteLength(text);
      nodeFs.writeFileSync(b, entry.name.endsWith('.json') ? JSON.stringify(JSON.parse(text), null, 2) : text);
    }
  };
  walk(src, dst);
  return bytes;
}

/** One synthesized stack of an output folder, measured. */
export interface StackMeasure {
  readonly stack: string;
  readonly resources: number;
  readonly sizes: readonly ObjectSize[];
}

/** Every stack of a synth's output folder (`<out>/stacks/<stack>/cdk.tf.json`), measured from the files written. */
export function measureOutput(outdir: string): StackMeasure[] {
  const stacksDir = path.join(outdir, 'stacks');
  return fs
    .readdirSync(stacksDir)
    .sort()
    .map((stack) => {
      const json = readSynthesizedStack(path.join(stacksDir, stack, 'cdk.tf.json')) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
      const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
      return { stack, resources, sizes: objectSizes(json) };
    });
}

/** The largest measured size of a kind over some stacks, with its address. */
export function largest(stacks: readonly StackMeasure[], kind: ObjectSize['kind']): ObjectSize | undefined {
  let best: ObjectSize | undefined;
  for (const s of stacks) for (const size of s.sizes) if (size.kind === kind && (best === undefined || size.bytes > best.bytes)) best = size;
  return best;
}

/** Bytes of every file under a folder. */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return total;
}
