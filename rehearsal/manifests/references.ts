/**
 * Terraform references in synthesized configuration (`${kubernetes_namespace_v1.X.metadata[0].name}`),
 * resolved against the configuration of the other resources of the same stack. There is no
 * Terraform run, so only what is written in the configuration can be read: a reference to a
 * computed attribute (`.id`, `metadata[0].uid`), a variable or a data source is a problem.
 *
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#interpolation
 */
import { isObject, type Json, type JsonObject, Problems } from './schema';

/** One step of a reference's path: an attribute name or a list index. */
type Step = string | number;

/** A parsed `${type.name.path}` reference. */
interface Reference {
  readonly expression: string;
  /** `type.name` of the referenced resource. */
  readonly address: string;
  readonly steps: readonly Step[];
}

/** A piece of a Terraform template string: literal text or an interpolation's expression. */
type Piece = { readonly text: string } | { readonly expression: string };

const IDENT = '[A-Za-z_][A-Za-z0-9_-]*';
const REFERENCE = new RegExp(`^(${IDENT})\\.(${IDENT})((?:\\.${IDENT}|\\[\\d+\\]|\\["[^"]*"\\])*)$`);
const STEP = new RegExp(`\\.(${IDENT})|\\[(\\d+)\\]|\\["([^"]*)"\\]`, 'g');

/** Names that start a Terraform expression but are not resource types. */
const NOT_RESOURCES: Readonly<Record<string, string>> = {
  var: 'an input variable',
  local: 'a local value',
  data: 'a data source',
  module: 'a module output',
  each: 'a for_each value',
  count: 'a count index',
  self: 'a provisioner self reference',
  path: 'a filesystem path',
  terraform: 'Terraform metadata',
};

/**
 * Splits a template string into literal text and interpolations; `$${` and `%%{` are the
 * escapes for a literal `${` and `%{`. Returns a string when the template is a `%{` directive,
 * which the rehearsal does not evaluate.
 */
function pieces(template: string): Piece[] | string {
  const out: Piece[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('$${', i) || template.startsWith('%%{', i)) {
      text += `${template[i]}{`;
      i += 3;
    } else if (template.startsWith('%{', i)) {
      return template.slice(i);
    } else if (template.startsWith('${', i)) {
      const end = template.indexOf('}', i + 2);
      if (end < 0) return template.slice(i);
      if (text) out.push({ text });
      text = '';
      out.push({ expression: template.slice(i + 2, end).trim() });
      i = end + 1;
    } else {
      text += template[i];
      i += 1;
    }
  }
  if (text || out.length === 0) out.push({ text });
  return out;
}

/** Whether a string is a template with something to evaluate. */
function isTemplate(value: string): boolean {
  return value.includes('${') || value.includes('%{');
}

function parseReference(expression: string): Reference | undefined {
  const match = REFERENCE.exec(expression);
  if (!match) return undefined;
  const steps: Step[] = [];
  for (const m of match[3].matchAll(STEP)) steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]));
  return { expression, address: `${match[1]}.${match[2]}`, steps };
}

/**
 * Resolves the references of one stack's resources against their configuration. Every
 * resource address a resolved reference names is recorded, as an implicit dependency.
 */
export class ReferenceResolver {
  /** Addresses being resolved, to find cycles (`a` refers to `b`, which refers to `a`). */
  private readonly inProgress: string[] = [];

  constructor(private readonly resources: ReadonlyMap<string, JsonObject>) {}

  /**
   * A copy of resource `address`'s configuration `config` with every template string
   * evaluated; a reference back to `address` is a cycle.
   */
  resolveResource(address: string, config: JsonObject, problems: Problems, referenced: Set<string>): JsonObject {
    this.inProgress.push(address);
    try {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(config)) out[k] = this.resolve(v, k, problems, referenced);
      return out;
    } finally {
      this.inProgress.pop();
    }
  }

  /**
   * A copy of `value` with every template string evaluated. Problems are reported at
   * `path`; a value that cannot be resolved is left as written.
   */
  resolve(value: Json, path: string, problems: Problems, referenced: Set<string>): Json {
    if (typeof value === 'string') return isTemplate(value) ? this.template(value, path, problems, referenced) : value;
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${path}[${i}]`, problems, referenced));
    if (isObject(value)) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.resolve(v, path ? `${path}.${k}` : k, problems, referenced);
      return out;
    }
    return value;
  }

  private template(template: string, path: string, problems: Problems, referenced: Set<string>): Json {
    const parts = pieces(template);
    if (typeof parts === 'string') {
      problems.add(
        path,
        'has a Terraform template directive, which the rehearsal does not evaluate',
        parts,
        'compute the value in TypeScript, or escape it as %%{',
      );
      return template;
    }
    const values: Json[] = [];
    for (const piece of parts) {
      if ('text' in piece) {
        values.push(piece.text);
        continue;
      }
      const value = this.reference(piece.expression, path, problems, referenced);
      if (value === undefined) return template;
      values.push(value);
    }
    // A template that is one interpolation and nothing else yields the value itself, of any type.
    if (parts.length === 1 && 'expression' in parts[0]) return values[0];
    let out = '';
    for (const v of values) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out += String(v);
      else {
        problems.add(path, 'interpolates a value that is not a string, number or bool into a string', v, 'reference a string attribute');
        return template;
      }
    }
    return out;
  }

  private reference(expression: string, path: string, problems: Problems, referenced: Set<string>): Json | undefined {
    const fail = (why: string, fix: string): undefined => {
      problems.add(path, `has an unresolvable reference \${${expression}}: ${why}`, `\${${expression}}`, fix);
      return undefined;
    };
    const reference = parseReference(expression);
    if (!reference) return fail('only resource attribute references (type.name.attribute) are resolved', 'compute the value in TypeScript');
    const kind = NOT_RESOURCES[reference.address.split('.')[0]];
    if (kind) return fail(`it names ${kind}, which the rehearsal cannot read`, 'pass the value in the configuration');
    const target = this.resources.get(reference.address);
    if (!target) return fail(`no resource ${reference.address} in this stack`, 'reference a resource of the same stack');
    if (this.inProgress.includes(reference.address)) {
      return fail(`the references form a cycle (${[...this.inProgress, reference.address].join(' -> ')})`, 'break the cycle');
    }
    referenced.add(reference.address);

    let current: Json = target;
    const walked: string[] = [reference.address];
    // What the referenced value itself refers to is resolved in turn; a problem there is
    // reported here, once, as the reason this reference cannot be resolved.
    const nested = new Problems();
    const failedThrough = (): undefined => fail(`through ${reference.address}, ${nested.list[0].problem}`, nested.list[0].fix);
    this.inProgress.push(reference.address);
    try {
      for (const step of reference.steps) {
        // A step can land on a string that is itself a reference; evaluate it before going on.
        if (typeof current === 'string' && isTemplate(current)) current = this.template(current, path, nested, referenced);
        if (nested.list.length > 0) return failedThrough();
        const next = stepInto(current, step);
        walked.push(typeof step === 'number' ? `[${step}]` : `.${step}`);
        if (next === undefined) {
          return fail(`${walked.join('')} is not set in the configuration (a computed attribute?)`, 'reference an attribute the configuration sets');
        }
        current = next;
      }
      const value = this.resolve(current, path, nested, referenced);
      return nested.list.length > 0 ? failedThrough() : value;
    } finally {
      this.inProgress.pop();
    }
  }
}

/**
 * One step into configuration. cdktf writes a nested block either as a list of objects or
 * as a single object, so `[0]` on an object is the object itself.
 */
function stepInto(value: Json, step: Step): Json | undefined {
  if (typeof step === 'number') {
    if (Array.isArray(value)) return value[step] ?? undefined;
    return isObject(value) && step === 0 ? value : undefined;
  }
  if (isObject(value)) return value[step] ?? undefined;
  return undefined;
}
