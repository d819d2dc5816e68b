/**
 * The field reference of the site file, `docs/site-file.md`, generated from the same zod
 * schema the loader validates with (through its JSON Schema, {@link siteJsonSchema}): every
 * field with its path, type, whether it is required, its default, its description and an
 * example, taken from the schema's `examples` or from a catalogue site that sets it.
 *
 * `npm run schema` writes it beside `sites/site.schema.json`; a test fails while it is stale.
 * Generation fails when a field has no description or no example, so the reference is never
 * partial. The loader reads the same walk ({@link shapeAt}) to name the expected shape of a
 * value in a problem, with a link to the field's section.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { NAME_HINT, NAME_PATTERN } from '../constructs/core/names';
import { siteJsonSchema } from './schema';
import { PACKAGE_ROOT } from './package-root';

/** A node of the site file's JSON Schema, as zod writes it. */
interface JsonNode {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonNode | boolean;
  readonly propertyNames?: JsonNode;
  readonly items?: JsonNode;
  readonly anyOf?: readonly JsonNode[];
  readonly oneOf?: readonly JsonNode[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly format?: string;
}

/** Where the reference is written, relative to the project root. */
export const FIELD_REFERENCE_PATH = 'docs/site-file.md';

/**
 * Catalogue sites examples are taken from, in this order: a real AI factory first, then the
 * reference gigafactory, which sets the most fields. A fixed list, so a site an operator adds to `sites/` never
 * changes the reference.
 */
export const EXAMPLE_SITES = ['de-jaif', 'eu-ref-gigafactory', 'fi-lumi-ai-factory', 'es-1healthai', 'it-it4lia', 'se-mimer'] as const;

/** The word that stands for a key of each keyed map, by the map's field name: `gpuPools.<pool>`. */
const KEY_NAMES: Readonly<Record<string, string>> = {
  clusters: 'cluster',
  gpuPools: 'pool',
  partitions: 'partition',
  mounts: 'tier',
  qos: 'qos',
  parameters: 'parameter',
  storageTiers: 'tier',
  dataLabs: 'lab',
  tenants: 'tenant',
  gpuQuota: 'pool',
  storageQuotaTiB: 'tier',
  policySuppressions: 'rule',
  assumptions: 'field path',
};

/** Key words of nested maps whose key is not a name: `policySuppressions.<rule>.<construct path>`. */
const INNER_KEY_NAMES: Readonly<Record<string, string>> = { policySuppressions: 'construct path' };

/** Thrown when the schema cannot be documented: a field without a description or an example. */
export class FieldReferenceError extends Error {
  constructor(public readonly missing: readonly string[]) {
    super(
      `the site file schema cannot be documented:\n${missing.map((m) => `  ${m}`).join('\n')}\n` +
        'add .describe(...) (and, for a field no catalogue site sets, .meta({ examples: [...] })) in site-model/schema.ts',
    );
    this.name = 'FieldReferenceError';
  }
}

/** One row of a section: a field. */
export interface FieldDoc {
  /** Dotted path with map keys as `<word>`, e.g. `gpuPools.<pool>.owner`. */
  readonly path: string;
  /** The type in words: `integer ≥ 1`, `"slurm" | "kubernetes"`, `map of <pool> → object`. */
  readonly type: string;
  readonly required: boolean;
  /** The default in words, or `-` for a required field. */
  readonly default: string;
  readonly description: string;
  /** A value as YAML, and where it comes from. */
  readonly example: { readonly yaml: string; readonly from: string };
  /** Anchor of the section that documents the field's own fields. @default - a leaf */
  readonly anchor?: string;
}

/** One section: an object of the site file and its fields. */
export interface SectionDoc {
  readonly path: string;
  /** `type: csi` for one form of a union. @default - the only form */
  readonly form?: string;
  readonly anchor: string;
  readonly level: number;
  readonly description: string;
  readonly fields: readonly FieldDoc[];
  /** A whole object from a catalogue site. @default - none sets it */
  readonly example?: { readonly yaml: string; readonly from: string };
}

/** A path step: a field name, a map key (`*`) or a list item (`[]`). */
type Step = string;

/** Anchor of the section of `docPath` (`storageTiers.<tier>.backend` → `storagetiers-tier-backend`), with `form` appended. */
export function anchorOf(docPath: string, form?: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return form ? `${slug(docPath)}--${slug(form)}` : slug(docPath) || 'site';
}

const isObject = (n: JsonNode) => n.type === 'object' && n.properties !== undefined;
const isMap = (n: JsonNode) => n.type === 'object' && n.properties === undefined && typeof n.additionalProperties === 'object';
const optionsOf = (n: JsonNode): readonly JsonNode[] => n.oneOf ?? n.anyOf ?? [];

/** The discriminator of a union of objects: the field every option fixes to a constant. */
function discriminatorOf(options: readonly JsonNode[]): string | undefined {
  const first = options[0]?.properties;
  if (!first) return undefined;
  return Object.keys(first).find((k) => options.every((o) => o.properties?.[k]?.const !== undefined));
}

/** A form of a union in words: `type: csi`, or the keys it requires. */
function formOf(option: JsonNode, disc: string | undefined): string {
  if (disc !== undefined) return `${disc}: ${flow(option.properties?.[disc]?.const)}`;
  return Object.keys(option.properties ?? {}).join(', ');
}

function bounds(n: JsonNode): string {
  // zod bounds every integer by the safe range; only the bounds a field sets are worth saying.
  const set = (v: number | undefined) => (v === undefined || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v);
  n = { ...n, minimum: set(n.minimum), maximum: set(n.maximum), exclusiveMinimum: set(n.exclusiveMinimum), exclusiveMaximum: set(n.exclusiveMaximum) };
  const lo = n.exclusiveMinimum !== undefined ? `> ${n.exclusiveMinimum}` : n.minimum !== undefined ? `≥ ${n.minimum}` : '';
  const hi = n.exclusiveMaximum !== undefined ? `< ${n.exclusiveMaximum}` : n.maximum !== undefined ? `≤ ${n.maximum}` : '';
  if (n.minimum !== undefined && n.maximum !== undefined) return ` ${n.minimum} to ${n.maximum}`;
  return [lo, hi]
    .filter(Boolean)
    .map((b) => ` ${b}`)
    .join(',');
}

/** The type of a node in words. `keyWord` names the keys when it is a map. */
export function typeOf(n: JsonNode, keyWord = 'name', innerKeyWord = 'name'): string {
  if (n.const !== undefined) return JSON.stringify(n.const);
  if (n.enum) return n.enum.map((v) => JSON.stringify(v)).join(' | ');
  const options = optionsOf(n);
  if (options.length > 0) {
    const disc = discriminatorOf(options);
    return options.map((o) => (isObject(o) ? `object (${formOf(o, disc)})` : typeOf(o))).join(' | ');
  }
  switch (n.type) {
    case 'string':
      if (n.format === 'uri') return 'URL';
      if (n.pattern === NAME_PATTERN.source) return 'name';
      return n.minLength ? 'string, not empty' : 'string';
    case 'integer':
    case 'number':
      return `${n.type}${bounds(n)}`;
    case 'boolean':
      return 'boolean';
    case 'array':
      return `list of ${n.items ? typeOf(n.items) : 'values'}${n.minItems ? `, at least ${n.minItems}` : ''}`;
    case 'object': {
      if (isMap(n)) {
        const keys = n.propertyNames?.enum ? `${keyWord} (${n.propertyNames.enum.join(', ')})` : `<${keyWord}>`;
        return `map of ${keys} → ${typeOf(n.additionalProperties as JsonNode, innerKeyWord)}`;
      }
      return 'object';
    }
    default:
      return 'any value';
  }
}

/** `value` as one line of YAML: `{ type: nfs, server: nfs.example.eu }`. */
function flow(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

/** Longest example in a table cell, in characters; longer values are shortened by {@link brief}. */
const EXAMPLE_WIDTH = 100;

/** Longest whole-object example under a section, in lines; a longer one is left out. */
const EXAMPLE_LINES = 30;

/**
 * `value` as one line of YAML of at most {@link EXAMPLE_WIDTH} characters where it can be:
 * a map shows its first entry, a list its first two items, and what nests deeper than fits
 * becomes `{ ... }`.
 */
export function brief(value: unknown): string {
  const render = (v: unknown, depth: number): string => {
    if (Array.isArray(v)) {
      if (depth <= 0) return '[ ... ]';
      const items = v.slice(0, 2).map((x) => render(x, depth - 1));
      return `[ ${[...items, ...(v.length > 2 ? ['...'] : [])].join(', ')} ]`;
    }
    if (v !== null && typeof v === 'object') {
      if (depth <= 0) return '{ ... }';
      const entries = Object.entries(v);
      const parts = entries.map(([k, x]) => `${flow(k)}: ${render(x, depth - 1)}`);
      return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
    }
    return flow(v);
  };
  let text = flow(value);
  for (let depth = 4; text.length > EXAMPLE_WIDTH && depth >= 1; depth--) text = render(value, depth);
  return text;
}

/** The first `Default: …` sentence of a description, and the description without it. */
function splitDefault(description: string): { text: string; default?: string } {
  const m = /(?:^|\s)Default: (.+?)\.(?=\s+[A-Z]|$)/.exec(description);
  if (!m) return { text: description };
  return { text: (description.slice(0, m.index) + description.slice(m.index + m[0].length)).trim(), default: m[1] };
}

/** A catalogue site's data by id, read once per generation. */
type Sites = readonly { readonly id: string; readonly data: unknown }[];

function readExampleSites(sitesDir: string): Sites {
  return EXAMPLE_SITES.map((id) => ({ id, data: parse(fs.readFileSync(path.join(sitesDir, `${id}.yaml`), 'utf8')) as unknown }));
}

/** The first value at `steps` in `data` (`*` any map key), with the concrete keys of the way there. */
function find(data: unknown, steps: readonly Step[]): { value: unknown; keys: string[] } | undefined {
  if (steps.length === 0) return data === undefined ? undefined : { value: data, keys: [] };
  if (data === null || typeof data !== 'object') return undefined;
  const [step, ...rest] = steps;
  if (step === '[]') {
    if (!Array.isArray(data)) return undefined;
    for (const item of data) {
      const hit = find(item, rest);
      if (hit) return { value: hit.value, keys: [...hit.keys] };
    }
    return undefined;
  }
  if (Array.isArray(data)) return undefined;
  const record = data as Record<string, unknown>;
  const keys = step === '*' ? Object.keys(record) : [step];
  for (const key of keys) {
    const hit = find(record[key], rest);
    if (hit) return { value: hit.value, keys: [key, ...hit.keys] };
  }
  return undefined;
}

/** An example value and where it comes from. */
interface Sample {
  readonly value: unknown;
  readonly from: string;
}

/** Builds the reference from the schema and the example sites; throws {@link FieldReferenceError} on a gap. */
export function fieldSections(schema: JsonNode = siteJsonSchema(), sitesDir = path.join(PACKAGE_ROOT, 'sites')): SectionDoc[] {
  const sites = readExampleSites(sitesDir);
  const missing: string[] = [];
  const sections: SectionDoc[] = [];

  /**
   * An example of `n`: from the first example site that sets it, else the schema's example,
   * else what its parent's example holds, else one put together from its fields' examples,
   * else its default.
   */
  const sample = (n: JsonNode, steps: readonly Step[], inherited?: unknown): Sample | undefined => {
    if (n.const !== undefined) return { value: n.const, from: 'the only value' };
    for (const site of sites) {
      const hit = find(site.data, steps);
      if (hit) return { value: hit.value, from: `sites/${site.id}.yaml` };
    }
    if (n.examples && n.examples.length > 0) return { value: n.examples[0], from: 'schema example' };
    if (inherited !== undefined) return { value: inherited, from: 'schema example' };
    if (isObject(n)) {
      const parts = Object.entries(n.properties ?? {}).flatMap(([key, child]) => {
        const s = sample(child, [...steps, key]);
        return s ? [[key, s.value] as const] : [];
      });
      if (parts.length > 0) return { value: Object.fromEntries(parts), from: 'schema example' };
    }
    if (n.default !== undefined) return { value: n.default, from: 'the default' };
    return undefined;
  };

  /** The whole object at `steps` from the first site that has it, nested under its path. */
  const wholeExample = (steps: readonly Step[], keep?: (value: unknown) => boolean): { yaml: string; from: string } | undefined => {
    for (const site of sites) {
      const hit = findWhere(site.data, steps, keep ?? (() => true));
      if (!hit) continue;
      const names = steps.map((s) => (s === '*' ? hit.keys.shift()! : s));
      let nested: unknown = hit.value;
      for (const name of [...names].reverse()) nested = { [name]: nested };
      return { yaml: stringify(nested, { lineWidth: 0 }).trimEnd(), from: `sites/${site.id}.yaml` };
    }
    return undefined;
  };

  const child = (value: unknown, key: string): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;

  const describeObject = (
    n: JsonNode,
    docPath: string,
    steps: readonly Step[],
    level: number,
    inherited: unknown,
    form?: { name: string; option: JsonNode; disc?: string },
    intro?: string,
  ): void => {
    const fields: FieldDoc[] = [];
    const later: (() => void)[] = [];
    for (const [key, node] of Object.entries(n.properties ?? {})) {
      const childPath = docPath ? `${docPath}.${key}` : key;
      const childSteps = [...steps, key];
      const required = (n.required ?? []).includes(key);
      if (!node.description) missing.push(`${childPath}: no description`);
      const described = splitDefault(node.description ?? '');
      if (node.description && !described.text) missing.push(`${childPath}: the description says only the default`);
      const schemaDefault = node.default !== undefined ? flow(node.default) : undefined;
      const keyWord = KEY_NAMES[key] ?? 'name';
      const anchor = nestedAnchor(node, childPath, keyWord);
      const example = sample(node, childSteps, child(inherited, key));
      if (!example) missing.push(`${childPath}: no example (no site of ${EXAMPLE_SITES.join(', ')} sets it, and the schema gives none)`);
      fields.push({
        path: childPath,
        type: typeOf(node, keyWord, INNER_KEY_NAMES[key]),
        required,
        default: described.default ?? schemaDefault ?? (required ? '-' : 'not set'),
        description: described.text,
        example: example ? { yaml: brief(isMap(node) ? firstEntry(example.value) : example.value), from: example.from } : { yaml: '', from: '' },
        ...(anchor ? { anchor } : {}),
      });
      later.push(() => describeNested(node, childPath, childSteps, level + 1, key, false, example?.value, described.text));
    }
    const disc = form?.disc;
    const keep = disc ? (v: unknown) => child(v, disc) === form?.option.properties?.[disc]?.const : undefined;
    const whole = docPath === '' || (form && !disc) ? undefined : wholeExample(steps, keep);
    const example = whole && whole.yaml.split('\n').length <= EXAMPLE_LINES ? whole : undefined;
    sections.push({
      path: docPath,
      ...(form ? { form: form.name } : {}),
      anchor: anchorOf(docPath, form?.name),
      level,
      description: n.description ? splitDefault(n.description).text : (intro ?? ''),
      fields,
      ...(example ? { example } : {}),
    });
    for (const f of later) f();
  };

  const describeNested = (
    n: JsonNode,
    docPath: string,
    steps: readonly Step[],
    level: number,
    key: string,
    inner: boolean,
    inherited: unknown,
    intro: string,
  ): void => {
    if (isObject(n)) return describeObject(n, docPath, steps, level, inherited, undefined, intro);
    if (isMap(n)) {
      const word = inner ? (INNER_KEY_NAMES[key] ?? 'name') : (KEY_NAMES[key] ?? 'name');
      const first = inherited !== null && typeof inherited === 'object' ? Object.values(inherited as Record<string, unknown>)[0] : undefined;
      return describeNested(n.additionalProperties as JsonNode, `${docPath}.<${word}>`, [...steps, '*'], level, key, true, first, intro);
    }
    if (n.type === 'array' && n.items) return describeNested(n.items, `${docPath}[]`, [...steps, '[]'], level, key, inner, undefined, intro);
    const objects = optionsOf(n).filter(isObject);
    if (objects.length === 0) return;
    const disc = discriminatorOf(objects);
    for (const option of objects) {
      if (!option.description) missing.push(`${docPath} (${formOf(option, disc)}): no description of this form`);
      // The parent's example holds for the form it is written in only.
      const fits = disc
        ? child(inherited, disc) === option.properties?.[disc]?.const
        : Object.keys(option.properties ?? {}).some((k) => child(inherited, k) !== undefined);
      describeObject(option, docPath, steps, level, fits ? inherited : undefined, { name: formOf(option, disc), option, ...(disc ? { disc } : {}) });
    }
  };

  describeObject({ ...schema, description: 'The fields at the top level of a site file.' }, '', [], 1, undefined);
  if (missing.length > 0) throw new FieldReferenceError(missing);
  return sections;
}

/** A map with its first entry only, as an example of a keyed map. */
function firstEntry(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const [first] = Object.entries(value as Record<string, unknown>);
  return first ? { [first[0]]: first[1] } : value;
}

/** The first value at `steps` that `keep` accepts. */
function findWhere(data: unknown, steps: readonly Step[], keep: (value: unknown) => boolean): { value: unknown; keys: string[] } | undefined {
  if (steps.length === 0) return data !== undefined && keep(data) ? { value: data, keys: [] } : undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const [step, ...rest] = steps;
  const record = data as Record<string, unknown>;
  for (const key of step === '*' ? Object.keys(record) : [step]) {
    const hit = findWhere(record[key], rest, keep);
    if (hit) return { value: hit.value, keys: step === '*' ? [key, ...hit.keys] : hit.keys };
  }
  return undefined;
}

/** Anchor of the section documenting the fields inside `n`, when it has any. */
function nestedAnchor(n: JsonNode, docPath: string, keyWord: string): string | undefined {
  if (isObject(n)) return anchorOf(docPath);
  if (isMap(n)) return nestedAnchor(n.additionalProperties as JsonNode, `${docPath}.<${keyWord}>`, 'name');
  const objects = optionsOf(n).filter(isObject);
  if (objects.length > 0) return anchorOf(docPath, formOf(objects[0], discriminatorOf(objects)));
  return undefined;
}

/** Text for a markdown table cell: pipes escaped, never a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  const pad = ticks.length > 1 ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** The top-level area a section belongs to, for the `##` headings. */
function areaOf(docPath: string): string {
  return docPath.split('.')[0];
}

/** The whole reference as markdown. */
export function renderFieldReference(sections: readonly SectionDoc[] = fieldSections()): string {
  const out: string[] = [
    '<!-- Generated from site-model/schema.ts by `npm run schema`; do not edit. A test fails while it is stale. -->',
    '',
    '# Site file reference',
    '',
    'Every field of a site file (`sites/<site-id>.yaml`), generated from the zod schema the loader validates with,',
    'the same one `sites/site.schema.json` is generated from. Paths are dotted; `<pool>`, `<tier>` and the like stand',
    'for the key of an entry in a keyed map. Types in words: a **name** is',
    `${NAME_HINT} (\`${NAME_PATTERN.source}\`).`,
    '"Default" is what the loader uses when the field is left out; "not set" means nothing is',
    'configured. Each example is the value a catalogue site sets (the file is named) or, for a field no',
    "catalogue site sets, the schema's own example. Checks beyond the types (references between",
    'sections, capacity, addresses) are described in the README under "Validation".',
    '',
    '## Contents',
    '',
  ];
  const areas: string[] = [];
  for (const s of sections) {
    const area = s.path === '' ? '' : areaOf(s.path);
    if (!areas.includes(area)) areas.push(area);
  }
  for (const area of areas) out.push(`- [${area === '' ? 'Top level' : code(area)}](#${anchorOf(area)})`);
  out.push('');

  const emitted = new Set<string>();
  for (const s of sections) {
    const area = s.path === '' ? '' : areaOf(s.path);
    const sameAsArea = s.path === area && !s.form;
    if (!emitted.has(area)) {
      emitted.add(area);
      out.push(`<a id="${anchorOf(area)}"></a>`, '', `## ${area === '' ? 'Top level' : code(area)}`, '');
    }
    if (!sameAsArea) {
      out.push(`<a id="${s.anchor}"></a>`, '', `### ${code(s.path)}${s.form ? ` with ${code(s.form)}` : ''}`, '');
    }
    if (s.description) out.push(s.description, '');
    out.push('| field | type | required | default | description | example |', '|---|---|---|---|---|---|');
    for (const f of s.fields) {
      const name = f.anchor ? `[${code(f.path)}](#${f.anchor})` : code(f.path);
      const example = `${code(f.example.yaml)} (${f.example.from})`;
      out.push(`| ${cell(name)} | ${cell(f.type)} | ${f.required ? 'yes' : 'no'} | ${cell(f.default)} | ${cell(f.description)} | ${cell(example)} |`);
    }
    out.push('');
    if (s.example) out.push(`Example, from ${s.example.from}:`, '', '```yaml', s.example.yaml, '```', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------
// the expected shape at a path, for the loader's problems

/** What a value at a path should look like, and where the reference documents it. */
export interface ExpectedShape {
  /** The shape in words: `{ type: nfs, server, share }`, or several joined by ` or `. */
  readonly shape: string;
  /** One form as YAML to write, with the required keys: `{ type: csi, provisioner: <string> }`. */
  readonly write: string;
  /** `docs/site-file.md#<anchor>`. */
  readonly link: string;
}

let cachedSchema: JsonNode | undefined;

/**
 * The keys of an object in words: its required keys, then `...` for its optional ones, or
 * those by name with `?` when it has no required key (`{ admins?, members?, viewers? }`).
 * `withTypes` adds a placeholder of each value (`provisioner: <string, not empty>`).
 */
function objectShape(n: JsonNode, disc: string | undefined, withTypes: boolean): string {
  const required = n.required ?? [];
  const keys = Object.keys(n.properties ?? {});
  const parts = required.map((k) => {
    const p = n.properties![k];
    if (k === disc || p.const !== undefined) return `${k}: ${flow(p.const)}`;
    return withTypes ? `${k}: ${placeholder(p, KEY_NAMES[k] ?? 'name')}` : k;
  });
  if (required.length === 0) parts.push(...keys.map((k) => `${k}?`));
  else if (keys.length > required.length) parts.push('...');
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}

/** A value to write in place of `n`, in words: `<integer ≥ 1>`, `block | filesystem | object`, `{ uri, searchBase }`. */
function placeholder(n: JsonNode, keyWord: string): string {
  if (n.const !== undefined) return flow(n.const);
  if (n.enum) return n.enum.length <= 4 ? n.enum.map(String).join(' | ') : `<one of ${n.enum.length} values>`;
  if (isObject(n)) return objectShape(n, undefined, false);
  if (isMap(n)) return `{ <${keyWord}>: ${placeholder(n.additionalProperties as JsonNode, 'name')} }`;
  if (optionsOf(n).length > 0) return `<${typeOf(n)}>`;
  if (n.type === 'array' && n.items) return `[${placeholder(n.items, 'name')}, ...]`;
  return `<${typeOf(n, keyWord)}>`;
}

/**
 * The expected shape of the value at `fieldPath` (concrete keys, as in a zod issue), when it
 * is an object, a keyed map, a list or a union: undefined for a plain value, or a path the
 * schema does not have. `got` picks the form to suggest (`csi` suggests `{ type: csi, … }`).
 */
export function shapeAt(fieldPath: readonly (string | number)[], got?: unknown): ExpectedShape | undefined {
  cachedSchema ??= siteJsonSchema() as JsonNode;
  let n: JsonNode = cachedSchema;
  let docPath = '';
  let keyWord = 'name';
  // The section that documents the field: its own, or for a list its parent object's.
  let section = anchorOf('');
  const options: JsonNode[] = [];
  for (const step of fieldPath) {
    if (isObject(n)) {
      section = anchorOf(docPath);
      const key = String(step);
      const next = n.properties?.[key];
      if (!next) return undefined;
      docPath = docPath ? `${docPath}.${key}` : key;
      keyWord = KEY_NAMES[key] ?? 'name';
      n = next;
    } else if (isMap(n)) {
      docPath = `${docPath}.<${keyWord}>`;
      keyWord = 'name';
      n = n.additionalProperties as JsonNode;
    } else if (n.type === 'array' && n.items) {
      docPath = `${docPath}[]`;
      n = n.items;
    } else {
      // Inside one form of a union: the loader names the deeper field itself.
      return undefined;
    }
  }
  options.push(...optionsOf(n));
  const link = (anchor: string) => `${FIELD_REFERENCE_PATH}#${anchor}`;
  if (isObject(n)) {
    return { shape: `an object ${objectShape(n, undefined, false)}`, write: objectShape(n, undefined, true), link: link(anchorOf(docPath)) };
  }
  if (isMap(n)) {
    const value = n.additionalProperties as JsonNode;
    const inner = isObject(value) ? objectShape(value, undefined, false) : placeholder(value, 'name');
    const anchor = nestedAnchor(n, docPath, keyWord) ?? section;
    return {
      shape: `a map of <${keyWord}> to ${inner}`,
      write: `{ <${keyWord}>: ${isObject(value) ? objectShape(value, undefined, true) : placeholder(value, 'name')} }`,
      link: link(anchor),
    };
  }
  if (n.type === 'array' && n.items) {
    const item = placeholder(n.items, 'name');
    return { shape: `a list such as [${item}, ...]`, write: `[${item}, ...]`, link: link(section) };
  }
  if (options.length === 0 || !options.some(isObject)) return undefined;
  const objects = options.filter(isObject);
  const disc = discriminatorOf(objects);
  const picked = (typeof got === 'string' && disc ? objects.find((o) => o.properties?.[disc]?.const === got) : undefined) ?? objects[0];
  const words = (o: JsonNode) => (o.enum ? `one of ${o.enum.map(String).join(', ')}` : placeholder(o, 'name'));
  const shape =
    objects.length === options.length
      ? `an object, one of ${objects.map((o) => objectShape(o, disc, false)).join(' or ')}`
      : options.map((o) => (isObject(o) ? `an object ${objectShape(o, disc, false)}` : words(o))).join(' or ');
  return { shape, write: objectShape(picked, disc, true), link: link(anchorOf(docPath, formOf(picked, disc))) };
}
