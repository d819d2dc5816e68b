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
