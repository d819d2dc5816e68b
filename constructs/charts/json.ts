/**
 * Plain-data helpers for Helm values: a JSON value type, a deep merge with Helm's semantics
 * (maps merge, lists and scalars replace) and dotted-path access.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */

/**
 * A JSON scalar.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export type JsonScalar = string | number | boolean | null;
/**
 * A JSON value.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export type JsonValue = JsonScalar | readonly JsonValue[] | JsonObject;
/**
 * A JSON object.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export interface JsonObject {
  readonly [key: string]: JsonValue | undefined;
}

/**
 * Whether `v` is a plain object (not a list, not null).
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether `v` is a list.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function isJsonArray(v: JsonValue | undefined): v is readonly JsonValue[] {
  return Array.isArray(v);
}

/**
 * Deep-merges `over` into `base` the way Helm merges values files: maps merge key by key,
 * lists and scalars in `over` replace those in `base`, `undefined` keeps the base value.
 * Neither input is modified.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: Record<string, JsonValue | undefined> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isJsonObject(current) && isJsonObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/**
 * The value at a dotted path (`a.b.c`), or `undefined`.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function getPath(obj: JsonValue | undefined, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const key of path.split('.')) {
    if (!isJsonObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/**
 * A copy of `obj` with `value` set at a dotted path, creating maps on the way.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function setPath(obj: JsonObject, path: string, value: JsonValue): JsonObject {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = obj[head];
  return { ...obj, [head]: setPath(isJsonObject(child) ? child : {}, rest.join('.'), value) };
}

/**
 * Converts plain data (typed values interfaces, parsed YAML) to a {@link JsonValue},
 * dropping `undefined` fields. Throws on anything JSON can't hold (functions, non-finite
 * numbers, class instances), naming the path, so values can't carry a construct by mistake.
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function toJsonValue(v: unknown, path = ''): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${path || '<root>'}: ${v} is not a finite number; Helm values must be JSON`);
    return v;
  }
  if (Array.isArray(v)) return v.map((item: unknown, i) => toJsonValue(item, `${path}[${i}]`));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(v)) {
      if (value === undefined) continue;
      out[key] = toJsonValue(value, path ? `${path}.${key}` : key);
    }
    return out;
  }
  throw new Error(`${path || '<root>'}: a ${typeof v} is not plain data; Helm values must be JSON`);
}

/**
 * {@link toJsonValue} for an object.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function toJsonObject(v: object): JsonObject {
  const json = toJsonValue(v);
  if (!isJsonObject(json)) throw new Error('Helm values must be a map at the top level');
  return json;
}

/**
 * What `JSON.parse(JSON.stringify(v))` gives, without writing and reading the text: a copy of
 * plain data with `undefined`, functions and symbols left out of maps and written `null` in
 * lists, numbers that are not finite as `null` and `-0` as `0`. Anything else (a class
 * instance, a `toJSON` method, a `__proto__` key, a bigint, data nested deeper than 1000 levels
 * or holding itself) takes the JSON round trip, with its result or its error.
 *
 * @see https://tc39.es/ecma262/#sec-json.stringify
 */
export function jsonCopy(v: unknown): unknown {
  try {
    return copyPlain(v, 0);
  } catch (e) {
    if (!(e instanceof NotPlainData)) throw e;
    return JSON.parse(JSON.stringify(v)) as unknown;
  }
}

/** Thrown inside {@link jsonCopy} for what only the JSON round trip handles. */
class NotPlainData extends Error {}

/** Levels {@link jsonCopy} copies before it leaves the value to the JSON round trip. */
const MAX_COPY_DEPTH = 1000;

/** Whether JSON leaves a value out of a map (and writes `null` for it in a list). */
const omittedByJson = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

function copyPlain(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return !Number.isFinite(v) ? null : v === 0 ? 0 : v;
    case 'object': {
      if (v === null) return null;
      if (depth >= MAX_COPY_DEPTH) throw new NotPlainData();
      if (Array.isArray(v)) {
        const out: unknown[] = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) out[i] = omittedByJson(v[i]) ? null : copyPlain(v[i], depth + 1);
        return out;
      }
      const prototype = Object.getPrototypeOf(v) as unknown;
      if ((prototype !== Object.prototype && prototype !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') throw new NotPlainData();
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        const value = (v as Record<string, unknown>)[key];
        if (omittedByJson(value)) continue;
        if (key === '__proto__') throw new NotPlainData();
        out[key] = copyPlain(value, depth + 1);
      }
      return out;
    }
    default:
      throw new NotPlainData();
  }
}
