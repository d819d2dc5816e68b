/**
 * Loads site files: YAML with line numbers, schema validation, then cross-field rules.
 * Every problem of every file is collected before anything is thrown, so one run shows
 * the operator the whole list.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { SiteSchema, type SiteSpec } from './schema';
import { closest, renderValue, SiteValidationError, type SiteProblem } from './problems';
import { resolveSiteChecked, type SiteModel } from './resolve';
import { siteRules } from './rules';
import { SiteSource, type PathKey } from './source';

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
}

/** Checks one site file's text. `file` is only used in messages. */
export function checkSiteText(text: string, file: string): SiteCheck {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source = new SiteSource(file, doc, lines);
  const problems: SiteProblem[] = [];

  for (const error of [...doc.errors]) {
    const line = lines.linePos(error.pos[0]).line;
    const duplicate = error.code === 'DUPLICATE_KEY';
    problems.push({
      file,
      line,
      path: '',
      problem: duplicate ? 'a key appears twice in the same map' : `the file is not valid YAML (${error.code})`,
      got: JSON.stringify(error.message.split('\n')[0]),
      fix: duplicate ? 'keep one entry per name: map keys must be unique' : 'fix the YAML syntax at that line',
    });
  }
  if (problems.length > 0) return { file, problems };

  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { file, problems: [source.problem([], 'a site file must be a YAML map', raw, 'start from a file in sites/')] };
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
    problems.push(source.problem(['id'], 'the site id must match the file name', id, `rename the file to ${id}.yaml or set id: ${expectedName}`));
  }

  // The Slurm configuration is rendered only from a file without other problems: the
  // renderer needs every pool, partition and tenant it names.
  let site: SiteModel | undefined;
  if (parsed.success && problems.length === 0) {
    const resolved = resolveSiteChecked(parsed.data, source);
    problems.push(...resolved.problems);
    site = resolved.site;
  }

  problems.sort((a, b) => a.line - b.line);
  const warnings = rules.warnings;
  return parsed.success && site && problems.length === 0 ? { file, spec: parsed.data, site, problems, warnings } : { file, problems, warnings };
}

/** Checks one site file on disk. */
export function checkSiteFile(file: string): SiteCheck {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return {
      file,
      problems: [{ file, line: 1, path: '', problem: 'the file cannot be read', got: renderValue((e as Error).message), fix: 'check the path' }],
    };
  }
  return checkSiteText(text, file);
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
 * Checks every site file of a catalogue folder (or only `only`, a site id). Throws a
 * SiteValidationError only when `only` names no file.
 */
export function checkCatalogue(dir: string, only?: string): SiteCheck[] {
  let files = catalogueFiles(dir);
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
          fix: hint ? `did you mean ${hint}?` : `use one of: ${ids.join(', ')}`,
        },
      ]);
    }
    files = match;
  }
  return files.map(checkSiteFile);
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
      return [at(`must be ${article(issue.expected)}`, `write ${article(issue.expected)} here`)];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(fieldPath, raw);
        const hint = closest(key, known);
        const fix = hint ? `did you mean ${hint}?` : `remove it; the fields here are ${known.join(', ')}`;
        return source.problem([...fieldPath, key], 'is not a field of this section', key, fix, true);
      });
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
    default:
      return [at(issue.message, 'see sites/site.schema.json for the allowed values')];
  }
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
