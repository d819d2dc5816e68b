/**
 * A small description language for the Terraform Kubernetes provider's resource schemas,
 * and the one converter that turns a resource's configuration into the Kubernetes object
 * the provider's expand functions would send. Every attribute is listed with its Terraform
 * type, because the provider converts some of them on the way (a `replicas` string becomes
 * an integer, a `port` string an int-or-string), and with its Kubernetes field name when
 * that is not the plain camelCase of the Terraform name (`container` becomes `containers`).
 *
 * An attribute that the description does not list is a problem, not silently dropped: a
 * rehearsal that leaves out what Terraform would send proves nothing.
 *
 * @see https://github.com/hashicorp/terraform-provider-kubernetes/tree/v2.38.0/kubernetes
 */

/** A JSON value, as found in synthesized Terraform JSON and sent to the API server. */
export type Json = string | number | boolean | null | Json[] | JsonObject;

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/**
 * How the provider reads a scalar attribute and what it sends:
 * - `string`, `int`, `bool`: the Terraform type, sent as it is;
 * - `intString`: a Terraform string holding an integer, sent as a number (`replicas`, `run_as_user`);
 * - `intOrString`: a Terraform string parsed like Go's `intstr.Parse`: a number when it is
 *   an integer (`"443"` becomes `443`), else the string (`"postgres"`, a named port);
 * - `octalString`: a Terraform string holding an octal file mode (`"0644"` becomes `420`).
 */
export type ScalarType = 'string' | 'int' | 'bool' | 'intString' | 'intOrString' | 'octalString';

/** Options common to every attribute. */
export interface AttrOptions {
  /**
   * The Kubernetes field name.
   * @default - the camelCase of the Terraform name (`ip_block` becomes `ipBlock`)
   */
  readonly to?: string;
}

/** Options of a scalar attribute. */
export interface ScalarOptions extends AttrOptions {
  /**
   * What the provider sends when its block is present but the attribute is not set: a
   * schema `Default`, or the Go zero value the SDK fills in and the expander sends anyway.
   * Only listed where it differs from what Kubernetes assumes for an absent field.
   * @default - nothing is sent
   */
  readonly absent?: string | number | boolean;
}

/** A scalar attribute. */
export interface ScalarAttr extends ScalarOptions {
  readonly type: 'scalar';
  readonly scalar: ScalarType;
}

/** A map attribute: its keys are kept verbatim (label keys, quota resource names), values are strings. */
export interface MapAttr extends AttrOptions {
  readonly type: 'map';
}

/** A list or set of scalars. */
export interface ListAttr extends AttrOptions {
  readonly type: 'list';
  readonly scalar: 'string' | 'int';
}

/** A nested block with at most one element (`MaxItems: 1`), sent as an object. */
export interface BlockAttr extends AttrOptions {
  readonly type: 'block';
  readonly fields: Fields;
  /**
   * Whether Kubernetes wants a list holding the one object (storage class `allowed_topologies`).
   * @default false
   */
  readonly asList?: boolean;
}

/** A repeated nested block, sent as a list of objects. */
export interface BlocksAttr extends AttrOptions {
  readonly type: 'blocks';
  readonly fields: Fields;
}

/** A Terraform-only attribute (timeouts, waits): never sent to Kubernetes. */
export interface IgnoredAttr {
  readonly type: 'ignored';
  /** Why it has no Kubernetes counterpart. */
  readonly why: string;
}

/** One attribute of a block. */
export type Attr = ScalarAttr | MapAttr | ListAttr | BlockAttr | BlocksAttr | IgnoredAttr;

/** The attributes of a block, keyed by Terraform name. */
export type Fields = Readonly<Record<string, Attr>>;

/** A Terraform string. */
export const str = (options: ScalarOptions = {}): ScalarAttr => ({ type: 'scalar', scalar: 'string', ...options });
/** A Terraform number. */
export const int = (options: ScalarOptions = {}): ScalarAttr => ({ type: 'scalar', scalar: 'int', ...options });
/** A Terraform bool. */
export const bool = (options: ScalarOptions = {}): ScalarAttr => ({ type: 'scalar', scalar: 'bool', ...options });
/** A Terraform string the provider parses as an integer. */
export const intString = (options: ScalarOptions = {}): ScalarAttr => ({ type: 'scalar', scalar: 'intString', ...options });
/** A Terraform string the provider parses as an int-or-string. */
export const intOrString = (options: ScalarOptions = {}): ScalarAttr => ({ type: 'scalar', scalar: 'intOrString', ...options });
/** A Terraform string the provider parses as an octal file mode. */
export const octalString = (options: ScalarOptions = {}): ScalarAttr => ({ type: 'scalar', scalar: 'octalString', ...options });
/** A Terraform map of strings. */
export const map = (options: AttrOptions = {}): MapAttr => ({ type: 'map', ...options });
/** A Terraform list or set of strings. */
export const strings = (options: AttrOptions = {}): ListAttr => ({ type: 'list', scalar: 'string', ...options });
/** A Terraform list or set of numbers. */
export const ints = (options: AttrOptions = {}): ListAttr => ({ type: 'list', scalar: 'int', ...options });
/** A nested block with at most one element. */
export const block = (fields: Fields, options: AttrOptions & { readonly asList?: boolean } = {}): BlockAttr => ({ type: 'block', fields, ...options });
/** A repeated nested block. */
export const blocks = (fields: Fields, options: AttrOptions = {}): BlocksAttr => ({ type: 'blocks', fields, ...options });
/** A Terraform-only attribute. */
export const ignored = (why: string): IgnoredAttr => ({ type: 'ignored', why });

/** `ip_block` → `ipBlock`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Where a problem was found: the resource address and the attribute path inside it. */
export interface Problem {
  /** The attribute path, Terraform names (`spec.port[0].target_port`); empty for the resource itself. */
  readonly path: string;
  /** What is wrong, e.g. `is not an attribute the rehearsal maps here`. */
  readonly problem: string;
  /** The value found. */
  readonly got: unknown;
  /** What to do about it. */
  readonly fix: string;
}

/** Collects the problems of one resource. */
export class Problems {
  /** The problems found so far, in order. */
  readonly list: Problem[] = [];

  /** Records one problem at `path`. */
  add(path: string, problem: string, got: unknown, fix: string): void {
    this.list.push({ path, problem, got, fix });
  }
}

/** Whether `value` is a JSON object (not a list, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * The elements of a nested block: cdktf writes a block as an object or as a list of
 * objects, Terraform reads both; `null` and an empty list mean the block is absent.
 */
function blockElements(value: Json, path: string, problems: Problems): { element: JsonObject; path: string }[] {
  if (value === null) return [];
  if (isObject(value)) return [{ element: value, path }];
  if (!Array.isArray(value)) {
    problems.add(path, 'is a nested block and must be an object or a list of objects', value, 'write the block as an object');
    return [];
  }
  const out: { element: JsonObject; path: string }[] = [];
  value.forEach((element, i) => {
    if (element === null) return;
    if (isObject(element)) out.push({ element, path: `${path}[${i}]` });
    else problems.add(`${path}[${i}]`, 'is an element of a nested block and must be an object', element, 'write the block as an object');
  });
  return out;
}

/** Terraform's conversion of a primitive to string (numbers and bools become strings). */
function toTerraformString(value: Json, path: string, problems: Problems): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  problems.add(path, 'must be a string', value, 'write a string');
  return undefined;
}

function toInteger(value: Json, path: string, problems: Problems, what: string): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text !== undefined && /^[+-]?\d+$/.test(text)) return Number(text);
  problems.add(path, `must be ${what}`, value, 'write a whole number');
  return undefined;
}

/** Converts one scalar attribute; `undefined` means nothing is sent. */
function convertScalar(attr: ScalarAttr, value: Json, path: string, problems: Problems): Json | undefined {
  switch (attr.scalar) {
    case 'string': {
      const s = toTerraformString(value, path, problems);
      // The provider's Go structs carry `omitempty`: an empty string is not sent.
      return s === '' ? undefined : s;
    }
    case 'int':
      return toInteger(value, path, problems, 'a number');
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      problems.add(path, 'must be a bool', value, 'write true or false');
      return undefined;
    case 'intString': {
      const s = toTerraformString(value, path, problems);
      if (s === undefined || s === '') return undefined;
      return toInteger(s, path, problems, 'a string holding a whole number (the provider parses it)');
    }
    case 'intOrString': {
      const s = toTerraformString(value, path, problems);
      if (s === undefined || s === '') return undefined;
      // Go's intstr.Parse: strconv.Atoi first, the string itself when that fails.
      return /^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= 2 ** 31 - 1 ? Number(s) : s;
    }
    case 'octalString': {
      const s = toTerraformString(value, path, problems);
      if (s === undefined || s === '') return undefined;
      if (/^[0-7]+$/.test(s)) return parseInt(s, 8);
      problems.add(path, 'must be an octal file mode', s, 'write it like "0644"');
      return undefined;
    }
  }
}

/** Converts one attribute's value; `undefined` means nothing is sent. */
function convertAttr(attr: Exclude<Attr, IgnoredAttr>, value: Json, path: string, problems: Problems): Json | undefined {
  switch (attr.type) {
    case 'scalar':
      return convertScalar(attr, value, path, problems);
    case 'map': {
      if (!isObject(value)) {
        problems.add(path, 'must be a map', value, 'write an object of strings');
        return undefined;
      }
      const out: JsonObject = {};
      for (const [key, v] of Object.entries(value)) {
        if (v === null) continue;
        const s = toTerraformString(v, `${path}["${key}"]`, problems);
        if (s !== undefined) out[key] = s;
      }
      // The expanders skip an empty map (`len(v) > 0`).
      return Object.keys(out).length > 0 ? out : undefined;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.add(path, 'must be a list', value, 'write a list');
        return undefined;
      }
      const out: Json[] = [];
      value.forEach((v, i) => {
        const converted =
          attr.scalar === 'int' ? toInteger(v, `${path}[${i}]`, problems, 'a number') : v === null ? '' : toTerraformString(v, `${path}[${i}]`, problems);
        if (converted !== undefined) out.push(converted);
      });
      return out.length > 0 ? out : undefined;
    }
    case 'block': {
      const elements = blockElements(value, path, problems);
      if (elements.length > 1) problems.add(path, 'is a block that takes one element', elements.length, 'keep one element');
      if (elements.length === 0) return undefined;
      // An empty block is sent as an empty object: `empty_dir {}` and `pod_selector {}` mean something.
      const converted = convertBlock(attr.fields, elements[0].element, elements[0].path, problems);
      return attr.asList ? [converted] : converted;
    }
    case 'blocks': {
      const elements = blockElements(value, path, problems);
      if (elements.length === 0) return undefined;
      return elements.map((e) => convertBlock(attr.fields, e.element, e.path, problems));
    }
  }
}

/**
 * Converts one block of configuration: every attribute set in `value` must be listed in
 * `fields`; problems are collected in `problems`, never thrown.
 */
export function convertBlock(fields: Fields, value: JsonObject, path: string, problems: Problems): JsonObject {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const attr = fields[key];
    if (attr === undefined) {
      const known = Object.keys(fields).sort().join(', ');
      problems.add(join(path, key), 'is not an attribute the rehearsal maps here', v, `use one of ${known}, or add it to rehearsal/manifests/kinds.ts`);
      continue;
    }
    if (attr.type === 'ignored' || v === null) continue;
    const converted = convertAttr(attr, v, join(path, key), problems);
    if (converted !== undefined) out[attr.to ?? camelCase(key)] = converted;
  }
  for (const [key, attr] of Object.entries(fields)) {
    if (attr.type === 'scalar' && attr.absent !== undefined && (value[key] === undefined || value[key] === null)) {
      out[attr.to ?? camelCase(key)] = attr.absent;
    }
  }
  return out;
}
