/**
 * A synthesized site as the review reads it: the resolved site model as plain JSON and the
 * Terraform JSON of each stack. Both the current tree (synthesized in memory, `synth.ts`) and
 * a tree at another git ref (synthesized by its own code, `tree.ts`) produce one, so the
 * report and the comparison read the same shape, whatever code made it.
 *
 * The readers here only look at Terraform JSON: resources by address, Helm releases with their
 * values merged as Helm merges them, Kubernetes objects of `kubernetes_manifest`.
 *
 * @see https://developer.hashicorp.com/terraform/language/syntax/json
 */
import { parse } from 'yaml';
import { deepMerge, isJsonObject, toJsonValue, type JsonObject } from '../constructs/charts/json';

/** One stack's Terraform JSON (`cdk.tf.json`), the parts the review reads. */
export interface TerraformJson {
  readonly terraform?: { readonly backend?: Readonly<Record<string, Readonly<Record<string, unknown>>>> };
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly moved?: readonly unknown[];
}

/** One synthesized stack. */
export interface StackSnapshot {
  /** Stack name, e.g. `de-jaif-platform`. */
  readonly name: string;
  /** Stacks it depends on, which deploy before it. */
  readonly dependencies: readonly string[];
  readonly json: TerraformJson;
}

/** A synthesized site. */
export interface SiteSnapshot {
  /** Site id. */
  readonly site: string;
  /**
   * The resolved site model (`SiteModel` without its source) as plain JSON, as the code that
   * synthesized it resolved it; read defensively, since older code had other fields.
   */
  readonly model: unknown;
  /**
   * Why the model could not be read, when that tree's code has no loader this review knows;
   * its stacks are still compared. @default - the model was read
   */
  readonly modelError?: string;
  /** Stacks in deploy order. */
  readonly stacks: readonly StackSnapshot[];
}

/** One resource of a stack. */
export interface ResourceEntry {
  readonly stack: string;
  readonly type: string;
  /** Terraform address, `<type>.<name>`. */
  readonly address: string;
  /** The cluster whose provider it uses (the provider alias); undefined for resources without one. */
  readonly cluster?: string;
  /** Its configuration, without cdktf's `//` metadata. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Removes cdktf's `//` metadata keys (construct paths), which are not configuration. */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k !== '//')
      .map(([k, v]) => [k, withoutMetadata(v)]),
  );
}

/** Every resource of a snapshot, stack by stack. */
export function resourcesOf(snapshot: SiteSnapshot): ResourceEntry[] {
  return snapshot.stacks.flatMap((stack) =>
    Object.entries(stack.json.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, config]): ResourceEntry => {
        const provider = typeof config.provider === 'string' ? /^[\w-]+\.([\w-]+)$/.exec(config.provider)?.[1] : undefined;
        return {
          stack: stack.name,
          type,
          address: `${type}.${name}`,
          ...(provider !== undefined ? { cluster: provider } : {}),
          config: withoutMetadata(config) as Record<string, unknown>,
        };
      }),
    ),
  );
}

/**
 * A value with its references to other resources' `metadata.name` resolved (how the stacks
 * name namespaces they create): `${kubernetes_namespace_v1.X.metadata[0].name}`. A reference
 * is looked up in the stack that makes it first (cells' stacks have the same addresses), then
 * in the others.
 */
export function resolveName(value: unknown, snapshot: SiteSnapshot, stack?: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ref = /^\$\{([\w-]+)\.([\w-]+)\.metadata(?:\[0\])?\.name\}$/.exec(value);
  if (!ref) return value;
  const own = snapshot.stacks.filter((s) => s.name === stack);
  for (const candidate of [...own, ...snapshot.stacks]) {
    const config = candidate.json.resource?.[ref[1]]?.[ref[2]];
    const meta = Array.isArray(config?.metadata) ? (config.metadata as unknown[])[0] : config?.metadata;
    const name = isJsonObject(meta) ? meta.name : undefined;
    if (typeof name === 'string') return name;
  }
  return value;
}

/** A Helm release of a snapshot. */
export interface ReleaseEntry {
  readonly stack: string;
  readonly address: string;
  readonly cluster: string;
  /** Release name. */
  readonly name: string;
  /** Release namespace, references resolved. */
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
  /** Its values documents merged in order, as Helm merges `-f` files. */
  readonly values: JsonObject;
}

/** Every Helm release of a snapshot. */
export function releasesOf(snapshot: SiteSnapshot): ReleaseEntry[] {
  return resourcesOf(snapshot)
    .filter((r) => r.type === 'helm_release')
    .map((r) => {
      const docs = Array.isArray(r.config.values) ? (r.config.values as unknown[]) : [];
      const values = docs.reduce<JsonObject>((acc, doc) => {
        const parsed: unknown = typeof doc === 'string' ? parse(doc) : doc;
        return isJsonObject(parsed) ? deepMerge(acc, toJsonValue(parsed) as JsonObject) : acc;
      }, {});
      return {
        stack: r.stack,
        address: r.address,
        cluster: r.cluster ?? 'default',
        name: String(r.config.name),
        namespace: resolveName(r.config.namespace, snapshot, r.stack) ?? 'default',
        chart: String(r.config.chart),
        version: typeof r.config.version === 'string' ? r.config.version : '',
        repository: typeof r.config.repository === 'string' ? r.config.repository : '',
        values,
      };
    });
}

/** A Kubernetes object written as a `kubernetes_manifest`. */
export interface ManifestEntry {
  readonly stack: string;
  readonly address: string;
  readonly cluster: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly manifest: JsonObject;
}

/** The `kubernetes_manifest` objects of a snapshot, of one kind or all. */
export function manifestsOf(snapshot: SiteSnapshot, kind?: string): ManifestEntry[] {
  return resourcesOf(snapshot).flatMap((r) => {
    const m = r.config.manifest;
    if (r.type !== 'kubernetes_manifest' || !isJsonObject(m) || (kind !== undefined && m.kind !== kind)) return [];
    const meta = isJsonObject(m.metadata) ? m.metadata : {};
    const namespace = resolveName(meta.namespace, snapshot, r.stack);
    return [
      {
        stack: r.stack,
        address: r.address,
        cluster: r.cluster ?? 'default',
        kind: typeof m.kind === 'string' ? m.kind : '',
        name: typeof meta.name === 'string' ? meta.name : '',
        ...(namespace !== undefined ? { namespace } : {}),
        manifest: m,
      },
    ];
  });
}

/**
 * Stacks in the order they deploy: each after the stacks it depends on, otherwise in the order
 * given. Throws on a cycle, which cdktf itself refuses.
 */
export function deployOrder<S extends { readonly name: string; readonly dependencies: readonly string[] }>(stacks: readonly S[]): S[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: S[] = [];
  const visit = (s: S) => {
    if (done.has(s.name)) return;
    if (visiting.has(s.name)) throw new Error(`stacks depend on each other in a cycle through ${s.name}`);
    visiting.add(s.name);
    for (const d of s.dependencies) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    visiting.delete(s.name);
    done.add(s.name);
    out.push(s);
  };
  stacks.forEach(visit);
  return out;
}
