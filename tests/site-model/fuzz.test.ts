/**
 * Issue 14: property-based fuzzing of `npm run validate`. Valid site files (the fixture and
 * catalogue sites) are mutated (a field dropped, a line duplicated, a value retyped, a key
 * renamed, a value nested thousands deep, a value inflated to a huge string, number, map or
 * alias bomb) and validated whole: every run must end in success or in problems that each
 * name their file and line, never in an exception, an internal error or a stack trace, and
 * within a time bound.
 *
 * The run is a fixed number of cases (FUZZ_RUNS, default 100), so a loaded machine runs as many
 * as a quiet one; FUZZ_SEED replays a run.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { validateCatalogue } from '../../cli/validate';
import { EXIT_INTERNAL_ERROR } from '../../site-model/problems';
import { fixtureText, SITES_DIR } from '../helpers';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** Longest one mutated file may take to validate, synthesis included. */
const CASE_MS = 15_000;
const STACK_FRAME = /^\s+at .+[(:]\d+/m;

type Step = string | number;

/** Seeds: the fixture (also with a policy suppression) and catalogue sites of different shapes (MIG, Slurm, labs, two clusters). */
const SEEDS: readonly { name: string; text: string }[] = [
  { name: 'xx-minimal', text: fixtureText() },
  {
    name: 'xx-minimal',
    text: fixtureText({ policySuppressions: { 'AIF-TEN-2': { 'workloads/Tenant-main-acme': 'quota enforced by the site admission webhook' } } }),
  },
  ...['de-jaif', 'es-1healthai', 'eu-ref-gigafactory', 'it-it4lia'].map((name) => ({
    name,
    text: fs.readFileSync(path.join(SITES_DIR, `${name}.yaml`), 'utf8'),
  })),
];

/** Every path to a value of the document, in document order. */
function pathsOf(doc: Document): Step[][] {
  const out: Step[][] = [];
  const walk = (node: unknown, at: Step[]): void => {
    if (at.length > 0) out.push(at);
    if (isMap(node)) for (const pair of node.items) walk(pair.value, [...at, String((pair.key as { value?: unknown } | null)?.value)]);
    else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...at, i]));
  };
  walk(doc.contents, []);
  return out;
}

/** A value of another type than the field expects. */
const otherValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, 5e-324, Number.NaN, Number.POSITIVE_INFINITY),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 4 }),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: otherValue }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('nodes', 'h100', 'main', '<<', '1', '')),
  }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 5000 }), flow: fc.constantFrom('[', '{') }),
  fc.record({
    kind: fc.constant('inflate' as const),
    at: fc.nat(),
    how: fc.constantFrom('string' as const, 'number' as const, 'entries' as const, 'aliases' as const),
    size: fc.integer({ min: 1, max: 200_000 }),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/**
 * Applies mutations to a site file's text. Text-level for what a YAML writer would refuse or
 * normalise. A mutation the harness's own YAML writer cannot apply (re-writing an alias bomb
 * an earlier mutation planted) is skipped: the file under test is what counts.
 */
function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    try {
      out = mutateOnce(out, m);
    } catch {
      // The harness, not validate, failed to write this mutation.
    }
  }
  return out;
}

function mutateOnce(text: string, m: Mutation): string {
  if (m.kind === 'duplicate') {
    const lines = text.split('\n');
    const i = m.at % lines.length;
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  }
  const doc = parseDocument(text);
  const paths = pathsOf(doc);
  if (doc.errors.length > 0 || paths.length === 0) return text;
  const at = paths[m.at % paths.length];
  switch (m.kind) {
    case 'drop':
      doc.deleteIn(at);
      return doc.toString();
    case 'retype':
      doc.setIn(at, m.value);
      return doc.toString();
    case 'rename': {
      if (typeof at[at.length - 1] !== 'string') return text;
      const value = doc.getIn(at, true);
      doc.deleteIn(at);
      doc.setIn([...at.slice(0, -1), m.name], value);
      return doc.toString();
    }
    case 'nest': {
      doc.setIn(at, '@@HOLE@@');
      const [open, close] = m.flow === '[' ? ['[', ']'] : ['{a: ', '}'];
      return doc.toString().replace('@@HOLE@@', `${open.repeat(m.depth)}1${close.repeat(m.depth)}`);
    }
    case 'inflate': {
      if (m.how === 'string') doc.setIn(at, 'x'.repeat(m.size));
      else if (m.how === 'number') doc.setIn(at, m.size % 2 === 0 ? m.size ** 3 : 1 / m.size);
      else if (m.how === 'entries') doc.setIn(at, Object.fromEntries(Array.from({ length: Math.min(m.size, 5000) }, (_, i) => [`k${i}`, i])));
      if (m.how !== 'aliases') return doc.toString();
      doc.setIn(at, '@@HOLE@@');
      const levels = 2 + (m.size % 8);
      const bomb = `&l0 [${Array.from(
        { length: levels },
        (_, i) =>
          `&l${i + 1} [${Array(9)
            .fill(i === 0 ? 'lol' : `*l${i}`)
            .join(', ')}]`,
      ).join(', ')}]`;
      return doc.toString().replace('"@@HOLE@@"', bomb).replace('@@HOLE@@', bomb);
    }
  }
}

describe('fuzzing validate with mutated site files', () => {
  test('every mutated file ends in success or in problems with file and line, never a crash or stack trace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-fuzz-'));
    const outcomes = { valid: 0, invalid: 0, policy: 0 };
    let slowest = 0;
    const started = Date.now();
    try {
      const property = fc.property(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 3 }), (seed, mutations) => {
        for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
        const file = path.join(dir, `${seed.name}.yaml`);
        fs.writeFileSync(file, mutate(seed.text, mutations));
        const t0 = Date.now();
        const report = validateCatalogue(dir);
        const ms = Date.now() - t0;
        slowest = Math.max(slowest, ms);
        expect(ms).toBeLessThan(CASE_MS);
        expect(report.exitCode).not.toBe(EXIT_INTERNAL_ERROR);
        expect(report.text).not.toMatch(STACK_FRAME);
        if (report.ok) {
          outcomes.valid++;
          return;
        }
        const lines = report.text.split('\n\n')[0].split('\n');
        if (report.text.endsWith('policy violation(s)')) {
          outcomes.policy++;
          return;
        }
        outcomes.invalid++;
        for (const line of lines) {
          expect(line.startsWith(`${file}:`)).toBe(true);
          expect(line.slice(file.length)).toMatch(/^:[1-9]\d* \S.*: .+, got .+; .+$/);
          expect(line.length).toBeLessThan(2000);
        }
      });
      fc.assert(property, {
        numRuns: FUZZ_RUNS,
        ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const total = outcomes.valid + outcomes.invalid + outcomes.policy;
    console.log(
      `fuzz: ${total} mutated site files validated in ${((Date.now() - started) / 1000).toFixed(1)} s (${outcomes.invalid} with problems, ${outcomes.valid} valid, ${outcomes.policy} policy violations); slowest ${slowest} ms`,
    );
    expect(total).toBe(FUZZ_RUNS);
  });
});
