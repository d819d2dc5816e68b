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
  /**
   * Set when the checker itself failed on the file: a bug in ai-factory-cdk, not a mistake
   * in the file. `aif validate` exits with {@link EXIT_INTERNAL_ERROR} then.
   * @default - a problem of the file
   */
  readonly internal?: boolean;
}

/** Exit code of a run that found problems in site files (or policy violations). */
export const EXIT_INVALID = 1;

/** Exit code of a command line that does not describe a run: an unknown option, a missing value. */
export const EXIT_USAGE = 2;

/** Exit code of a run that failed on its own bug, never on a bad site file or command line. */
export const EXIT_INTERNAL_ERROR = 3;

/** Longest echoed value, path step or path, in characters: one problem stays one readable line. */
export const ECHO_LIMITS = {
  /** A value quoted after `got`. */
  value: 60,
  /** One step of a field path (a map key from the file). */
  pathStep: 48,
  /** A whole field path. */
  path: 160,
  /** The problem or fix text, which may quote names from the file. */
  text: 500,
} as const;

/** `text` cut to `max` characters, with `...` where it was cut. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 3))}...`;
}

/**
 * A field path for messages, each step and the whole cut to a readable length. A step that
 * would not read as one (empty, or holding spaces, quotes or control characters) is quoted.
 */
export function renderPath(fieldPath: readonly (string | number)[]): string {
  const step = (k: string | number): string => {
    const text = shorten(String(k), ECHO_LIMITS.pathStep);
    return text === '' || /[\s"\\\p{Cc}]/u.test(text) ? JSON.stringify(text) : text;
  };
  return shorten(fieldPath.map(step).join('.'), ECHO_LIMITS.path);
}

/**
 * A problem whose texts are cut to readable lengths, so no value from a file (a 5 MB string, a
 * key of a thousand characters) is echoed whole.
 */
export function bounded(p: SiteProblem): SiteProblem {
  // A name from the file quoted inside a text may hold a line break: one problem, one line.
  const line = (text: string, max: number) => shorten(text.replace(/\p{Cc}/gu, ' '), max);
  const path = line(p.path, ECHO_LIMITS.path);
  const problem = line(p.problem, ECHO_LIMITS.text);
  const got = line(p.got, ECHO_LIMITS.text);
  const fix = line(p.fix, ECHO_LIMITS.text);
  return path === p.path && problem === p.problem && got === p.got && fix === p.fix ? p : { ...p, path, problem, got, fix };
}

/** Whether any problem is the checker's own failure rather than the file's. */
export function hasInternalError(problems: readonly SiteProblem[]): boolean {
  return problems.some((p) => p.internal === true);
}

/** Renders one problem in the project's error format. */
export function formatProblem(problem: SiteProblem): string {
  const p = bounded(problem);
  return `${p.file}:${p.line} ${p.path || '(file)'}: ${p.problem}, got ${p.got}; ${p.fix}`;
}

/** Thrown when one or more site files are invalid; carries every problem found. */
export class SiteValidationError extends Error {
  constructor(public readonly problems: readonly SiteProblem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in site files:\n` + problems.map((p) => `  ${formatProblem(p)}`).join('\n'));
    this.name = 'SiteValidationError';
  }
}

/**
 * Renders a value found in a site file, short enough for one line: strings longer than
 * {@link ECHO_LIMITS}.value are cut and say their length, lists and maps are cut as JSON.
 */
export function renderValue(value: unknown): string {
  const max = ECHO_LIMITS.value;
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value.length <= max) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, max - 3)).slice(0, -1)}..." (${value.length.toLocaleString('en')} characters)`;
  }
  // JSON has no NaN, Infinity or bigint: JSON.stringify would print null or throw.
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  let text: string;
  try {
    // JSON.stringify gives undefined for functions and symbols, which a file never holds.
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    // A structure that refers to itself (built in code: the loader rejects such YAML).
    return 'a value that contains itself';
  }
  return shorten(text, max);
}

/** The closest candidate to `word` by edit distance, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // The edit distance costs length x length: a long word is no typo of a short name anyway.
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.length > 64) continue;
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
