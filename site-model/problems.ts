/**
 * Problems found in a site file, and how they are printed.
 *
 * Every problem prints as `<file>:<line> <path>: <problem>, got <value>; <fix>` so an
 * operator can jump to the line, and CI logs read the same way as compiler output.
 */

/** One thing wrong with a site file. */
export interface SiteProblem {
  /** Path of the site file as given to the loader. */
  readonly file: string;
  /** 1-based line of the offending value (or of its nearest existing parent). */
  readonly line: number;
  /** Dotted field path, e.g. `gpuPools.h100.nodes`. */
  readonly path: string;
  /** What is wrong. */
  readonly problem: string;
  /** The value found, rendered for humans. */
  readonly got: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Renders one problem in the project's error format. */
export function formatProblem(p: SiteProblem): string {
  return `${p.file}:${p.line} ${p.path || '(file)'}: ${p.problem}, got ${p.got}; ${p.fix}`;
}

/** Thrown when one or more site files are invalid; carries every problem found. */
export class SiteValidationError extends Error {
  constructor(public readonly problems: readonly SiteProblem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in site files:\n` + problems.map((p) => `  ${formatProblem(p)}`).join('\n'));
    this.name = 'SiteValidationError';
  }
}

/** Renders a value found in a site file, short enough for one line. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The closest candidate to `word` by edit distance, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length];
}
