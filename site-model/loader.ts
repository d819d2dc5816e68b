/**
 * Loads site files: YAML with line numbers, schema validation, then cross-field rules.
 * Every problem of every file is collected before anything is thrown, so one run shows
 * the operator the whole list.
 *
 * Reading is bounded ({@link SITE_FILE_LIMITS}): a file too large, nested too deep, with too
 * many aliases or values too long is a problem at its line, never a crash, and a file the
 * checker itself fails on becomes an internal-error problem of that file, so every other file
 * of the run is still reported.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Composer, CST, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { SiteSchema, type SiteSpec } from './schema';
import { bounded, closest, formatProblem, renderPath, renderValue, shorten, SiteValidationError, type SiteProblem } from './problems';
import { resolveSiteChecked, type SiteModel } from './resolve';
import { siteRules } from './rules';
import { Described, SiteSource, type PathKey } from './source';
import { shapeAt } from './field-reference';

/**
 * What the loader reads of one site file at most. Each limit is far above what a real site
 * needs and far below what exhausts the parser, the stack or the memory; crossing one is a
 * problem at the line where it is crossed.
 */
export const SITE_FILE_LIMITS = {
  /**
   * Bytes of a file: 1 MiB. The largest catalogue site is under 10 KB; a megabyte holds
   * thousands of pools and tenants and still parses in well under a second.
   */
  maxBytes: 1024 * 1024,
  /**
   * Nesting of maps and lists: 32 levels. The deepest field of the schema is 5 levels down
   * (`clusters.<c>.apiServer.addresses.<i>`); the YAML composer recurses once per level and
   * overflows the stack at a few thousand.
   */
  maxDepth: 32,
  /** Aliases (`*name`) in a file: 100, YAML's own default guard (`maxAliasCount`). The catalogue uses none. */
  maxAliases: 100,
  /**
   * Values reached through aliases, counted as if written out: 10,000, about twenty times the
   * whole largest catalogue site. A "billion laughs" file of nine aliases per level reaches
   * 10^9 in nine lines.
   */
  maxAliasedValues: 10_000,
  /**
   * Characters of one value or key: 4,096, twice the longest URL that browsers and servers
   * reliably accept and more than ten times the longest value in the catalogue.
   */
  maxValueLength: 4096,
} as const;

/** Result of checking one site file. */
export interface SiteCheck {
  readonly file: string;
  /** The validated site file, when it has no problems. */
  readonly spec?: SiteSpec;
  /** The resolved site model, when the file has no problems. */
  readonly site?: SiteModel;
  readonly problems: readonly SiteProblem[];
  /** What validates but will not work as the file reads (printed, never fatal). @default - none */
  readonly warnings?: readonly SiteProblem[];
  /**
   * The model resolved from the file's valid parts although the file has problems, so the
   * checks that need built stacks (policy suppressions) still run in the same pass. Never
   * deployed. @default - none: the valid parts do not resolve
   */
  readonly partial?: SiteModel;
  /** Where the file's values sit, when it could be read. @default - none */
  readonly source?: SiteSource;
  /** The file's data as read, before the schema, when it could be read. @default - none */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** A site file read as YAML data, before the schema. */
export interface SiteText {
  readonly source: SiteSource;
  /** Whether the data could be read; when not, `problems` says why and `data` is undefined. */
  readonly readable: boolean;
  readonly data?: unknown;
  /** Problems of the text itself: size, nesting, syntax, duplicate keys, aliases, long values. */
  readonly problems: readonly SiteProblem[];
}

/**
 * Reads a site file's text as YAML data within {@link SITE_FILE_LIMITS}. Never throws for any
 * text: what cannot be read safely is a problem with its line.
 */
export function readSiteText(text: string, file: string): SiteText {
  const limits = SITE_FILE_LIMITS;
  const at = (line: number, fieldPath: readonly PathKey[], problem: string, got: string, fix: string): SiteProblem =>
    bounded({ file, line, path: renderPath(fieldPath), problem, got, fix });

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    const line = lineCount(Buffer.from(text, 'utf8').subarray(0, limits.maxBytes).toString('utf8'));
    return { source: SiteSource.inMemory(file), readable: false, problems: [tooLarge(file, line, bytes)] };
  }

  // Flow collections ([ and {) nest without indentation, so a short line can nest thousands
  // deep: the lexer counts them and stops at the limit, before any parser recursion.
  const lexed = lexWithinFlowDepth(text, limits.maxDepth);
  if (!Array.isArray(lexed)) {
    return {
      source: SiteSource.inMemory(file),
      readable: false,
      problems: [at(lexed.line, [], `nests lists and maps more than ${limits.maxDepth} levels deep`, `more than ${limits.maxDepth} levels`, NEST_FIX)],
    };
  }

  const lines = new LineCounter();
  const tokens = parseLexemes(lexed, lines);
  const deep = depthOverflow(tokens, limits.maxDepth);
  if (deep !== undefined) {
    return {
      source: SiteSource.inMemory(file),
      readable: false,
      problems: [
        at(
          lines.linePos(deep.offset).line,
          deep.path,
          `nests lists and maps more than ${limits.maxDepth} levels deep`,
          `more than ${limits.maxDepth} levels`,
          NEST_FIX,
        ),
      ],
    };
  }

  const docs = [...new Composer({ prettyErrors: false, uniqueKeys: false }).compose(tokens, true, text.length)];
  const doc = docs[0];
  const source = new SiteSource(file, doc, lines);
  const problems: SiteProblem[] = [];
  if (docs.length > 1) {
    const second = docs[1].range?.[0] ?? 0;
    problems.push(
      at(
        lines.linePos(second).line,
        [],
        `holds ${docs.length} YAML documents, but a site file is one`,
        `${docs.length} documents`,
        'keep one site per file and remove the --- separator',
      ),
    );
  }
  for (const error of doc.errors) {
    const line = lines.linePos(error.pos[0]).line;
    problems.push(
      at(
        line,
        pathAtOffset(doc, error.pos[0]),
        `the file is not valid YAML (${error.code})`,
        renderValue(error.message.split('\n')[0]),
        'fix the YAML syntax at that line',
      ),
    );
  }
  const inspected = inspectDocument(doc, source, limits);
  if (problems.length > 0 || inspected.fatal.length > 0) {
    return { source, readable: false, problems: [...problems, ...inspected.fatal, ...inspected.later] };
  }
  try {
    // Aliases are bounded above, and each alias's value is shared rather than copied.
    return { source, readable: true, data: doc.toJS({ maxAliasCount: -1 }), problems: inspected.later };
  } catch (e) {
    return {
      source,
      readable: false,
      problems: [at(1, [], 'the file cannot be read as data', renderValue((e as Error).message), 'compare it with the examples in sites/')],
    };
  }
}

/** Checks one site file's text. `file` is only used in messages. */
export function checkSiteText(text: string, file: string): SiteCheck {
  const read = readSiteText(text, file);
  const { source } = read;
  if (!read.readable) return { file, problems: sortByLine(read.problems), source };
  const problems: SiteProblem[] = [...read.problems];

  const raw = read.data;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { file, problems: [...problems, source.problem([], 'a site file must be a YAML map', raw, 'start from a file in sites/')], source };
  }
  const map = raw as Record<string, unknown>;

  const parsed = SiteSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...issueProblems(issue, raw, source));
  }
  const rules = siteRules(parsed.success ? parsed.data : partialSite(map), map, source);
  problems.push(...rules.problems);

  const expectedName = path.basename(file).replace(/\.ya?ml$/, '');
  const id = map.id;
  if (typeof id === 'string' && expectedName !== id && /\.ya?ml$/.test(file)) {
    problems.push(source.problem(['id'], 'the site id must match the file name', id, `rename the file to ${shorten(id, 40)}.yaml or set id: ${expectedName}`));
  }

  // The stages after the rules (the Slurm configuration, and in synth the policy
  // suppressions) need a resolved model. They run despite problems elsewhere in the file (its
  // name, identity, state, assumptions), so those and theirs show in one run; not when a
  // section the model is built from has a problem, which they would only repeat in other words.
  const blocked = problems.some((p) => STRUCTURE.some((section) => p.path === section || p.path.startsWith(`${section}.`)));
  const spec = blocked ? undefined : parsed.success ? parsed.data : repairedSpec(map, file);
  let model: SiteModel | undefined;
  if (spec) {
    const clean = problems.length === 0 && parsed.success;
    try {
      const resolved = resolveSiteChecked(spec, source);
      const seen = new Set(problems.map(formatProblem));
      problems.push(...resolved.problems.filter((p) => !seen.has(formatProblem(p))));
      model = resolved.site;
      if (!model && spec.scheduler.slurm) model = withoutSlurm(spec, source);
    } catch (e) {
      // A file without other problems must resolve: anything else is a bug, reported as such.
      // With problems, resolution fails on what they already say (a pool without an owner).
      if (clean) throw e;
    }
  }

  const sorted = sortByLine(problems);
  const warnings = [...rules.warnings];
  if (parsed.success && model && sorted.length === 0) return { file, spec: parsed.data, site: model, problems: sorted, warnings, source, raw: map };
  return { file, problems: sorted, warnings, source, raw: map, ...(model ? { partial: model } : {}) };
}

/** Checks one site file on disk. Never throws: a failure of the checker is an internal-error problem of the file. */
export function checkSiteFile(file: string): SiteCheck {
  const read = readSiteFile(file);
  if (typeof read !== 'string') return { file, problems: [read] };
  try {
    return checkSiteText(read, file);
  } catch (e) {
    return { file, problems: [internalProblem(file, e)] };
  }
}

/**
 * The problem that stands for the checker's own failure on a file: it names the file, says
 * it is a bug, and asks for a report. The stack trace is printed only with AIF_DEBUG=1.
 */
export function internalProblem(file: string, error: unknown): SiteProblem {
  const message = error instanceof Error ? error.message : String(error);
  if (process.env.AIF_DEBUG) process.stderr.write(`${error instanceof Error ? (error.stack ?? message) : message}\n`);
  return {
    file,
    line: 1,
    path: '',
    problem: 'internal error: the checker failed on this file, which is a bug in ai-factory-cdk, not a mistake in the file',
    got: renderValue(message.split('\n')[0]),
    fix: 'please report it with the file attached (AIF_DEBUG=1 prints the stack trace)',
    internal: true,
  };
}

/** The text of a site file, or the problem that stops it being read (missing, a folder, too large). */
function readSiteFile(file: string): string | SiteProblem {
  const unreadable = (e: unknown): SiteProblem => ({
    file,
    line: 1,
    path: '',
    problem: 'the file cannot be read',
    got: renderValue((e as Error).message),
    fix: 'check the path',
  });
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (size > SITE_FILE_LIMITS.maxBytes) {
      // Read only as far as the limit, to name the line where the file crosses it.
      const head = Buffer.alloc(SITE_FILE_LIMITS.maxBytes);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      return tooLarge(file, lineCount(head.subarray(0, n).toString('utf8')), size);
    }
    return fs.readFileSync(fd, 'utf8');
  } catch (e) {
    return unreadable(e);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Loads and resolves one site file, or throws a SiteValidationError listing every problem. */
export function loadSiteFile(file: string): SiteModel {
  const check = checkSiteFile(file);
  if (!check.site) throw new SiteValidationError(check.problems);
  return check.site;
}

/** Site files in a catalogue folder, sorted by name. */
export function catalogueFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Checks every site file of a catalogue folder (or only `only`, a site id), and the files
 * against each other: two sites may not share an id or a cluster (same kubeconfig and
 * context). Throws a SiteValidationError only when `only` names no file.
 */
export function checkCatalogue(dir: string, only?: string): SiteCheck[] {
  const all = catalogueFiles(dir);
  let files = all;
  if (only !== undefined) {
    const match = files.filter((f) => path.basename(f).replace(/\.ya?ml$/, '') === only);
    if (match.length === 0) {
      const ids = files.map((f) => path.basename(f).replace(/\.ya?ml$/, ''));
      const hint = closest(only, ids);
      throw new SiteValidationError([
        {
          file: path.join(dir, `${only}.yaml`),
          line: 1,
          path: 'SITE',
          problem: 'no such site in the catalogue',
          got: renderValue(only),
          fix: hint ? `did you mean ${hint}?` : `use one of: ${shorten(ids.join(', '), 400)}`,
        },
      ]);
    }
    files = match;
  }
  const checks = files.map(checkSiteFile);
  // With one site, the others are still read (not checked) for what it may not share; only
  // those that can share it are parsed (see {@link mayShare}).
  const needles = only === undefined ? undefined : shared(checks);
  const declarations: Declared[] = all.map((f) => {
    const c = checks.find((x) => x.file === f);
    return c ? { file: f, source: c.source, raw: c.raw } : declaredIn(f, needles);
  });
  const across = crossSiteProblems(declarations);
  return checks.map((c) => {
    const extra = across.get(c.file);
    if (!extra || extra.length === 0) return c;
    const { site, spec, ...rest } = c;
    return { ...rest, problems: sortByLine([...c.problems, ...extra]), ...((site ?? c.partial) ? { partial: site ?? c.partial } : {}) };
  });
}

/**
 * Loads every site of a catalogue folder (or only `only`, a site id), checking them all
 * before throwing one SiteValidationError with every problem of every file.
 */
export function loadCatalogue(dir: string, only?: string): SiteModel[] {
  const checks = checkCatalogue(dir, only);
  const problems = checks.flatMap((c) => c.problems);
  if (problems.length > 0) throw new SiteValidationError(problems);
  return checks.map((c) => c.site!);
}

// ---------------------------------------------------------------------------------------
// zod issues to problems

function valueAt(raw: unknown, fieldPath: readonly PathKey[]): unknown {
  let current: unknown = raw;
  for (const key of fieldPath) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathKey, unknown>)[key];
  }
  return current;
}

function issueProblems(issue: z.core.$ZodIssue, raw: unknown, source: SiteSource): SiteProblem[] {
  const fieldPath = issue.path as PathKey[];
  const got = valueAt(raw, fieldPath);
  const at = (problem: string, fix: string, p: readonly PathKey[] = fieldPath, value: unknown = got): SiteProblem => source.problem(p, problem, value, fix);

  switch (issue.code) {
    case 'invalid_type': {
      const field = fieldPath[fieldPath.length - 1];
      if (got === undefined) {
        return [at(`is required (${issue.expected})`, `add ${String(field)}: to ${fieldPath.slice(0, -1).join('.') || 'the top level'}`)];
      }
      const shaped = shapeProblem(fieldPath, got);
      if (shaped) return [at(shaped.problem, shaped.fix)];
      return [at(`must be ${article(issue.expected)}`, `write ${article(issue.expected)} here`)];
    }
    case 'unrecognized_keys': {
      const known = knownKeys(fieldPath, raw);
      return issue.keys.map((key) => {
        const hint = closest(key, known);
        const fix = hint ? `did you mean ${hint}?` : `remove it; the fields here are ${known.join(', ')}`;
        return source.problem([...fieldPath, key], 'is not a field of this section', key, fix, true);
      });
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      const hint = typeof got === 'string' ? closest(got, options) : undefined;
      const list = options.length > 8 ? `${options.slice(0, 8).join(', ')}, ...` : options.join(', ');
      if (got === undefined) return [at(`is required (one of ${list})`, `add ${String(fieldPath[fieldPath.length - 1])}: with one of ${options.join(', ')}`)];
      return [at(`must be one of ${list}`, hint ? `did you mean ${hint}?` : `use one of ${options.join(', ')}`)];
    }
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      if (disc !== undefined) {
        const p = fieldPath[fieldPath.length - 1] === disc ? fieldPath : [...fieldPath, disc];
        const value = valueAt(raw, p);
        const hint = typeof value === 'string' ? closest(value, options) : undefined;
        return [at(`must be one of ${options.join(', ')}`, hint ? `did you mean ${hint}?` : `set ${disc}: to one of them`, p, value)];
      }
      const shaped = shapeProblem(fieldPath, got);
      if (shaped) return [at(shaped.problem, shaped.fix)];
      return [at('does not match any allowed form', 'compare it with the examples in sites/')];
    }
    case 'invalid_key': {
      const inner = issue.issues[0];
      return [source.problem(fieldPath, `the name ${inner?.message ?? 'is not allowed'}`, fieldPath[fieldPath.length - 1], 'rename the key', true)];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const strict = !issue.inclusive;
      const limit = strict ? `${issue.code === 'too_small' ? 'more' : 'less'} than ${String(bound)}` : `${word} ${String(bound)}`;
      const what = issue.origin === 'array' ? 'entries' : issue.origin === 'string' ? 'characters' : '';
      return [at(`must be ${limit}${what ? ` ${what}` : ''}`, `change it to ${limit}${what ? ` ${what}` : ''}`)];
    }
    case 'invalid_format':
      return [at(issue.message, 'change the value to that form')];
    case 'custom': {
      // Domain checks of the schema (addresses, host names, URLs) carry their own fix.
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      return [at(issue.message, typeof fix === 'string' ? fix : 'see sites/site.schema.json for the allowed values')];
    }
    default:
      return [at(issue.message, 'see sites/site.schema.json for the allowed values')];
  }
}

/**
 * A problem of a value that has the wrong shape (a word where an object belongs, an object
 * that fits none of a union's forms): it names the shape expected, how to write it, and the
 * section of the field reference that documents it. Undefined where the schema expects a
 * plain value, which the caller describes.
 */
function shapeProblem(fieldPath: readonly PathKey[], got: unknown): { problem: string; fix: string } | undefined {
  const shape = shapeAt(fieldPath, got);
  if (!shape) return undefined;
  const field = fieldPath[fieldPath.length - 1];
  const write = typeof field === 'string' ? `${field}: ${shape.write}` : shape.write;
  return { problem: `must be ${shape.shape}`, fix: `write it as ${write} (see ${shape.link})` };
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  valueType?: { _zod: { def: SchemaDef } };
  keyType?: { _zod: { def: SchemaDef } };
  entries?: Record<string, unknown>;
  element?: { _zod: { def: SchemaDef } };
  options?: { _zod: { def: SchemaDef } }[];
  discriminator?: string;
  values?: unknown[];
  value?: unknown;
}

/** Field names allowed at `fieldPath`, read from the schema, for "did you mean" hints. */
function knownKeys(fieldPath: readonly PathKey[], raw: unknown): string[] {
  let def = (SiteSchema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  const unwrap = (d: SchemaDef, at: readonly PathKey[]): SchemaDef => {
    let current = d;
    for (;;) {
      if ((current.type === 'optional' || current.type === 'default') && current.innerType) current = current.innerType._zod.def;
      else if (current.type === 'union' && current.options) {
        const value = valueAt(raw, at) as Record<string, unknown> | undefined;
        const disc = current.discriminator;
        const match = current.options.find((o) => {
          const field = disc ? o._zod.def.shape?.[disc]?._zod.def : undefined;
          return field && value && (field.values ?? [field.value]).includes(value[disc!]);
        });
        current = (match ?? current.options[0])._zod.def;
      } else return current;
    }
  };
  def = unwrap(def, []);
  for (let i = 0; i < fieldPath.length; i++) {
    const key = fieldPath[i];
    const next = def.type === 'object' ? def.shape?.[String(key)]?._zod.def : def.type === 'record' ? def.valueType?._zod.def : def.element?._zod.def;
    if (!next) return [];
    def = unwrap(next, fieldPath.slice(0, i + 1));
  }
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  // A record keyed by an enum (policySuppressions by rule id) allows exactly those keys.
  return Object.keys(def.keyType?._zod.def.entries ?? {});
}

// ---------------------------------------------------------------------------------------
// cross-field rules on partly valid files

/**
 * The parts of an invalid file that are valid on their own, so cross-field rules can still
 * run and the operator sees every problem in one pass. Invalid map entries are dropped.
 */
function partialSite(raw: Record<string, unknown>): Partial<SiteSpec> {
  const shape = SiteSchema.shape;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const field = shape[key] as unknown as z.ZodType;
    const whole = field.safeParse(raw[key]);
    if (whole.success) {
      out[key] = whole.data;
      continue;
    }
    const value = raw[key];
    const entry = entrySchema(field);
    if (entry && value && typeof value === 'object' && !Array.isArray(value)) {
      const kept: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) {
        const r = entry.safeParse(item);
        if (r.success) kept[name] = r.data;
      }
      out[key] = kept;
    }
  }
  return out;
}

/** The value schema of a keyed map (through default/optional wrappers), if `field` is one. */
function entrySchema(field: z.ZodType): z.ZodType | undefined {
  let def = (field as unknown as { _zod: { def: SchemaDef } })._zod.def;
  while ((def.type === 'default' || def.type === 'optional') && def.innerType) def = def.innerType._zod.def;
  return def.type === 'record' ? (def.valueType as unknown as z.ZodType) : undefined;
}

// ---------------------------------------------------------------------------------------
// reading within limits

const NEST_FIX = 'a site file needs a few levels only (see sites/ for the shape); remove the extra brackets or indentation';

function tooLarge(file: string, line: number, bytes: number): SiteProblem {
  const mib = SITE_FILE_LIMITS.maxBytes / 1024 / 1024;
  return {
    file,
    line,
    path: '',
    problem: `the file is larger than ${mib} MiB, the most a site file may hold (it crosses the limit at this line)`,
    got: `${bytes.toLocaleString('en')} bytes`,
    fix: 'check that this is a site file: the largest catalogue site is under 10 KB',
  };
}

/** 1-based number of the last line of `text`. */
function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Markers the lexer emits that are not characters of the file. */
const ZERO_WIDTH = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/**
 * The lexemes of `text` (what the parser reads), or the line where flow collections first nest
 * deeper than `max`: the lexing stops there.
 */
function lexWithinFlowDepth(text: string, max: number): string[] | { readonly line: number } {
  const lexemes: string[] = [];
  let depth = 0;
  let line = 1;
  for (const lexeme of new Lexer().lex(text)) {
    lexemes.push(lexeme);
    if (ZERO_WIDTH.has(lexeme)) continue;
    const type = CST.tokenType(lexeme);
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      if (++depth > max) return { line };
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') {
      depth = Math.max(0, depth - 1);
    } else if (lexeme.includes('\n')) {
      line += lineCount(lexeme) - 1;
    }
  }
  return lexemes;
}

/**
 * The syntax tree of a text's lexemes: what `new Parser(lines.addNewLine).parse(text)` gives,
 * from the lexemes already read (see {@link lexWithinFlowDepth}) instead of lexing the text a
 * second time. Like `parse`, it first marks the start of the first line.
 *
 * @see https://eemeli.org/yaml/#parser
 */
function parseLexemes(lexemes: readonly string[], lines: LineCounter): CST.Token[] {
  lines.addNewLine(0);
  const parser = new Parser(lines.addNewLine);
  const tokens: CST.Token[] = [];
  for (const lexeme of lexemes) for (const token of parser.next(lexeme)) tokens.push(token);
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/**
 * Where the syntax tree first nests deeper than `max` (offset and the path of keys down to
 * it), or undefined. Walks with its own stack: the tree may be deeper than the call stack.
 */
function depthOverflow(tokens: readonly CST.Token[], max: number): { offset: number; path: PathKey[] } | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number; path: PathKey[] }[] = tokens.map((token) => ({ token, depth: 0, path: [] }));
  while (stack.length > 0) {
    const { token, depth, path: at } = stack.pop()!;
    if (!token) continue;
    switch (token.type) {
      case 'document':
        stack.push({ token: token.value, depth, path: at });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > max) return { offset: token.offset, path: at };
        token.items.forEach((item, i) => {
          const isSequence = token.type === 'block-seq' || (token.type === 'flow-collection' && token.start.source === '[');
          const key = 'key' in item ? item.key : undefined;
          const step: PathKey = isSequence ? i : keyText(key);
          if (key) stack.push({ token: key, depth: depth + 1, path: [...at, step] });
          if (item.value) stack.push({ token: item.value, depth: depth + 1, path: [...at, step] });
        });
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

/** A map key of the syntax tree as text, for paths in messages. */
function keyText(key: CST.Token | null | undefined): string {
  if (!key) return '?';
  if (key.type === 'scalar' || key.type === 'single-quoted-scalar' || key.type === 'double-quoted-scalar') {
    return CST.resolveAsScalar(key)?.value ?? key.source;
  }
  return '?';
}

/** Field path of the innermost node whose range holds `offset`, for syntax errors. */
function pathAtOffset(doc: Document, offset: number): PathKey[] {
  const found: PathKey[] = [];
  let node: unknown = doc.contents;
  // Depth is bounded by SITE_FILE_LIMITS.maxDepth before a document is composed.
  for (let depth = 0; depth <= SITE_FILE_LIMITS.maxDepth; depth++) {
    let next: { node: unknown; step: PathKey } | undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        const value = pair.value as Node | null;
        const keyRange = (pair.key as Node | null)?.range;
        const start = keyRange?.[0] ?? value?.range?.[0];
        const end = value?.range?.[2] ?? keyRange?.[2];
        if (start !== undefined && end !== undefined && offset >= start && offset <= end) {
          next = { node: value, step: isScalar(pair.key) ? String(pair.key.value) : '?' };
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const range = (item as Node | null)?.range;
        if (!next && range && offset >= range[0] && offset <= range[2]) next = { node: item, step: i };
      });
    }
    if (!next) break;
    found.push(next.step);
    node = next.node;
  }
  return found;
}

/**
 * Checks a composed document before it becomes data: duplicate keys (with their path),
 * keys that are lists or maps, aliases (how many, whether they resolve, whether they contain
 * themselves, how many values they reach) and values too long. `fatal` problems stop the
 * file before it becomes data; `later` are problems too, but the file is still checked past
 * them (a value too long is reported, and so is what the schema finds elsewhere).
 */
function inspectDocument(doc: Document, source: SiteSource, limits: typeof SITE_FILE_LIMITS): { fatal: SiteProblem[]; later: SiteProblem[] } {
  const fatal: SiteProblem[] = [];
  const later: SiteProblem[] = [];
  const line = (node: unknown): number => source.lineAtOffset((node as Node | null)?.range?.[0] ?? 0);
  /** A problem at `node`; `got` is text already rendered, or a value to render. */
  const at = (node: unknown, fieldPath: readonly PathKey[], problem: string, got: string | Described, fix: string): SiteProblem =>
    bounded({ file: source.file, line: line(node), path: renderPath(fieldPath), problem, got: got instanceof Described ? got.text : got, fix });
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const ancestors: Node[] = [];
  let aliases = 0;
  let aliased = 0;
  let aliasBudgetReported = false;

  const longText = (node: unknown, value: unknown, fieldPath: readonly PathKey[], what: string): void => {
    if (typeof value === 'string' && value.length > limits.maxValueLength) {
      later.push(
        at(
          node,
          fieldPath,
          `the ${what} is longer than ${limits.maxValueLength.toLocaleString('en')} characters, the most a site file value may hold`,
          renderValue(value),
          'shorten it: no field of a site file needs more',
        ),
      );
    }
  };

  // Recursion is safe: depth is at most SITE_FILE_LIMITS.maxDepth here.
  const walk = (node: unknown, fieldPath: PathKey[]): number => {
    if (isAlias(node)) {
      aliases++;
      if (aliases === limits.maxAliases + 1) {
        fatal.push(
          at(
            node,
            fieldPath,
            `the file uses more than ${limits.maxAliases} aliases (*name)`,
            `${limits.maxAliases + 1} aliases`,
            'write the values out, or reuse fewer anchors',
          ),
        );
      }
      const target = anchors.get(node.source);
      if (!target) {
        fatal.push(
          at(
            node,
            fieldPath,
            `the alias refers to no anchor &${shorten(node.source, 40)} above it`,
            `*${shorten(node.source, 40)}`,
            'define the anchor (&name) before the alias, or write the value out',
          ),
        );
        return 1;
      }
      if (ancestors.includes(target)) {
        fatal.push(
          at(
            node,
            fieldPath,
            'the alias refers to a value that contains it, which never ends',
            `*${shorten(node.source, 40)}`,
            'write the value out instead of the alias',
          ),
        );
        return 1;
      }
      const size = sizes.get(target) ?? 1;
      aliased += size;
      if (aliased > limits.maxAliasedValues && !aliasBudgetReported) {
        aliasBudgetReported = true;
        fatal.push(
          at(
            node,
            fieldPath,
            `the aliases expand to more than ${limits.maxAliasedValues.toLocaleString('en')} values, an alias bomb rather than a site`,
            `${aliased.toLocaleString('en')} values by this alias`,
            'write the values out, or reuse fewer anchors',
          ),
        );
      }
      return size;
    }
    const n = node as Node | null;
    if (n && 'anchor' in n && typeof n.anchor === 'string') anchors.set(n.anchor, n);
    let size = 1;
    if (isScalar(node)) {
      longText(node, node.value, fieldPath, 'value');
    } else if (isMap(node)) {
      ancestors.push(node);
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key)) {
          fatal.push(
            at(
              key,
              fieldPath,
              'a map key must be a name, not a list, map or alias',
              isAlias(key) ? `*${shorten(key.source, 40)}` : new Described('a list or map'),
              'write the key as a plain name',
            ),
          );
          continue;
        }
        if (key && 'anchor' in key && typeof key.anchor === 'string') {
          anchors.set(key.anchor, key);
          sizes.set(key, 1);
        }
        const name = key === null ? '' : String(key.value);
        longText(key, key?.value, [...fieldPath, name], 'key');
        const first = seen.get(name);
        if (first) {
          fatal.push(
            at(
              key,
              [...fieldPath, name],
              `the key ${shorten(name, 40)} appears twice in the same map (first at line ${line(first)}), and YAML keeps only one`,
              renderValue(name),
              `keep one ${shorten(name, 40)}: entry, merging what the two hold`,
            ),
          );
        } else {
          seen.set(name, key ?? (pair.value as Node));
        }
        size += 1 + walk(pair.value, [...fieldPath, name]);
      }
      ancestors.pop();
    } else if (isSeq(node)) {
      ancestors.push(node);
      node.items.forEach((item, i) => (size += walk(item, [...fieldPath, i])));
      ancestors.pop();
    }
    if (n) sizes.set(n, size);
    return size;
  };
  walk(doc.contents, []);
  return { fatal, later };
}

function sortByLine(problems: readonly SiteProblem[]): SiteProblem[] {
  return [...problems].sort((a, b) => a.line - b.line);
}

// ---------------------------------------------------------------------------------------
// later stages on the valid parts of a file

/** Sections whose names the resolved model is built from: they must be valid whole. */
const STRUCTURE = ['clusters', 'gpuPools', 'scheduler', 'storageTiers', 'dataLabs', 'tenants'] as const;

/**
 * A spec to resolve from a file the schema rejects, so its Slurm configuration and policy
 * suppressions are still checked: the file's valid sections, with neutral stand-ins for
 * required fields that are invalid (its name, country, state backend). Only when the
 * sections the model is built from ({@link STRUCTURE}) are valid whole: resolving around a
 * dropped pool or tenant would report what the file does not say. Never deployed.
 */
function repairedSpec(raw: Record<string, unknown>, file: string): SiteSpec | undefined {
  const shape = SiteSchema.shape;
  const fileId = path.basename(file).replace(/\.ya?ml$/, '');
  const standIns: Record<string, unknown> = {
    schemaVersion: 1,
    id: shape.id.safeParse(fileId).success ? fileId : 'xx-site',
    name: 'stand-in',
    kind: 'factory',
    country: 'XX',
    city: 'stand-in',
    hostInstitution: 'stand-in',
    state: { backend: 'kubernetes' },
  };
  const candidate: Record<string, unknown> = {};
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    // An absent section is valid when the schema has a default for it (dataLabs: {}).
    const valid = (shape[key] as unknown as z.ZodType).safeParse(raw[key]).success;
    if (!valid && (STRUCTURE as readonly string[]).includes(key)) return undefined;
    if (valid) {
      if (key in raw) candidate[key] = raw[key];
    } else if (key in standIns) {
      candidate[key] = standIns[key];
    }
  }
  const parsed = SiteSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The model of a site whose Slurm configuration does not render (its problems are reported),
 * resolved without Slurm so the policy suppressions are still checked in the same run; synth
 * skips those that may name a Slurm construct. Undefined when even that does not resolve.
 */
function withoutSlurm(spec: SiteSpec, source: SiteSource): SiteModel | undefined {
  try {
    return resolveSiteChecked({ ...spec, scheduler: { ...spec.scheduler, slurm: undefined } }, source).site;
  } catch {
    // The Slurm problems are reported; this model was only a way to check more in one run.
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// across the sites of a catalogue

/** What one file declares, for the checks across files. */
interface Declared {
  readonly file: string;
  readonly source?: SiteSource;
  readonly raw?: Readonly<Record<string, unknown>>;
}

/**
 * The strings another file must declare to share something with the checked files: their ids
 * and their clusters' contexts (a cluster is a kubeconfig and a context). The cross-site
 * checks compare only these strings (and the kubeconfig of a matching context).
 */
function shared(checks: readonly SiteCheck[]): string[] {
  const out: string[] = [];
  for (const { raw } of checks) {
    if (!raw) continue;
    if (typeof raw.id === 'string') out.push(raw.id);
    const clusters = raw.clusters;
    if (!clusters || typeof clusters !== 'object' || Array.isArray(clusters)) continue;
    for (const c of Object.values(clusters as Record<string, unknown>)) {
      const context = (c ?? {}) as Record<string, unknown>;
      if (typeof context.context === 'string') out.push(context.context);
    }
  }
  return out;
}

/**
 * Whether a file's text can declare one of `needles` (see {@link shared}) as a string. A YAML
 * string's value differs from the characters of the file only through escapes (a backslash in
 * a double-quoted scalar, `''` in a single-quoted one) and line folding (which makes spaces
 * and line breaks): a needle without blanks, quotes or backslashes that the text does not
 * contain cannot be one of its values (aliases and merge keys repeat text that is in the
 * file). Otherwise, the file may declare it and is parsed.
 *
 * @see https://yaml.org/spec/1.2.2/#73-flow-scalar-styles
 * @see https://yaml.org/spec/1.2.2/#line-folding
 */
function mayShare(text: string, needles: readonly string[]): boolean {
  if (text.includes('\\')) return true;
  return needles.some((n) => n === '' || /[\s'"\\]/.test(n) || /[^\x20-\x7e]/.test(n) || text.includes(n));
}

/**
 * Reads what a file declares, without checking it (for the files a one-site run does not
 * check). With `needles`, a file that cannot declare any of them (see {@link mayShare}) is not
 * parsed: it shares nothing with the files checked.
 */
function declaredIn(file: string, needles?: readonly string[]): Declared {
  const text = readSiteFile(file);
  if (typeof text !== 'string') return { file };
  if (needles !== undefined && !mayShare(text, needles)) return { file };
  try {
    const read = readSiteText(text, file);
    const data = read.data;
    return data && typeof data === 'object' && !Array.isArray(data) ? { file, source: read.source, raw: data as Record<string, unknown> } : { file };
  } catch {
    // Only what it declares is wanted; its own problems are its own run's.
    return { file };
  }
}

/** A kubeconfig path as the provider reads it: `~` and `$HOME` are the home folder. */
function kubeconfigKey(kubeconfigPath: string): string {
  const home = os.homedir();
  const expanded = kubeconfigPath.replace(/^~(?=$|\/)/, home).replace(/^\$\{?HOME\}?(?=$|\/)/, home);
  return path.normalize(expanded);
}

/**
 * Problems between files, keyed by file: two sites that install into the same cluster (same
 * kubeconfig and context) would fight over the same Helm releases and namespaces, and two
 * sites with the same id over the same stack names and state. Each file involved gets a
 * problem naming the other files and lines.
 */
function crossSiteProblems(files: readonly Declared[]): Map<string, SiteProblem[]> {
  const out = new Map<string, SiteProblem[]>();
  const add = (file: string, p: SiteProblem) => out.set(file, [...(out.get(file) ?? []), p]);

  interface Target {
    readonly file: string;
    readonly source: SiteSource;
    readonly cluster: string;
    readonly kubeconfigPath: string;
    readonly context: string;
  }
  const targets = new Map<string, Target[]>();
  const ids = new Map<string, { file: string; source: SiteSource }[]>();
  for (const d of files) {
    if (!d.raw || !d.source) continue;
    const source = d.source;
    if (typeof d.raw.id === 'string') ids.set(d.raw.id, [...(ids.get(d.raw.id) ?? []), { file: d.file, source }]);
    const clusters = d.raw.clusters;
    if (!clusters || typeof clusters !== 'object' || Array.isArray(clusters)) continue;
    for (const [cluster, c] of Object.entries(clusters as Record<string, unknown>)) {
      const { kubeconfigPath, context } = (c ?? {}) as Record<string, unknown>;
      if (typeof kubeconfigPath !== 'string' || typeof context !== 'string') continue;
      const key = `${kubeconfigKey(kubeconfigPath)}\u0000${context}`;
      targets.set(key, [...(targets.get(key) ?? []), { file: d.file, source, cluster, kubeconfigPath, context }]);
    }
  }
  const where = (t: { file: string; source: SiteSource }, fieldPath: PathKey[]) => `${t.file}:${t.source.lineOf(fieldPath)}`;

  for (const group of targets.values()) {
    if (group.length < 2) continue;
    for (const t of group) {
      const others = group.filter((o) => o !== t).map((o) => `clusters.${o.cluster} of ${where(o, ['clusters', o.cluster, 'context'])}`);
      add(
        t.file,
        t.source.problem(
          ['clusters', t.cluster, 'context'],
          `targets the same cluster (kubeconfig ${shorten(t.kubeconfigPath, 60)}, context ${shorten(t.context, 40)}) as ${others.join(' and ')}: both would install the same Helm releases and namespaces there`,
          t.context,
          'give each site its own cluster (kubeconfig and context), or describe both in one site file',
        ),
      );
    }
  }
  for (const [id, group] of ids) {
    if (group.length < 2) continue;
    for (const t of group) {
      const others = group.filter((o) => o !== t).map((o) => where(o, ['id']));
      add(
        t.file,
        t.source.problem(
          ['id'],
          `is also the id of ${others.join(' and ')}: the two would write the same stacks (${shorten(id, 40)}-platform, ${shorten(id, 40)}-workloads) and state`,
          id,
          'give each site its own id and file name',
        ),
      );
    }
  }
  return out;
}
