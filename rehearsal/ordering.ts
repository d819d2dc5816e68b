/**
 * Ordering gaps in a synthesized stack: namespaced objects that Terraform may create before
 * their namespace.
 *
 * Terraform creates resources in parallel unless one refers to another or names it in
 * `depends_on`. An object whose `metadata.namespace` is a literal name, in a stack that also
 * creates that namespace, races it: on an empty cluster the API server answers
 * `namespaces "<name>" not found` for some applies and not others. The rehearsal applies
 * objects in a fixed order, so it would never see the race; this check finds it in the
 * Terraform JSON itself, deterministically.
 */

type Json = Record<string, unknown>;

/** One object that may be created before its namespace. */
export interface OrderingGap {
  /** Terraform address of the object, `type.name`. */
  readonly address: string;
  /** The namespace it names. */
  readonly namespace: string;
  /** Address of the namespace resource it neither refers to nor depends on. */
  readonly namespaceAddress: string;
}

const asObject = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
/** A block as cdktf writes it: an object, or a list of one object. */
const block = (v: unknown): Json | undefined => asObject(Array.isArray(v) ? (v[0] as unknown) : v);

/** The literal namespace an object names, if any: `metadata.namespace` of typed resources, `namespace` of Helm releases, `manifest.metadata.namespace` of manifests. */
function namespaceOf(type: string, body: Json): unknown {
  if (type === 'helm_release') return body.namespace;
  if (type === 'kubernetes_manifest') return block(asObject(body.manifest)?.metadata)?.namespace;
  return block(body.metadata)?.namespace;
}

/** Every ordering gap of a stack's Terraform JSON. */
export function namespaceOrderingGaps(stackJson: unknown): OrderingGap[] {
  const resources = asObject(asObject(stackJson)?.resource) ?? {};
  // Namespaces the stack creates, by name and provider (a site with several clusters has one per cluster).
  const namespaces = new Map<string, string>();
  for (const [name, body] of Object.entries(asObject(resources.kubernetes_namespace_v1) ?? {})) {
    const nsName = block(asObject(body)?.metadata)?.name;
    if (typeof nsName === 'string') namespaces.set(`${String(asObject(body)?.provider)}/${nsName}`, `kubernetes_namespace_v1.${name}`);
  }
  const gaps: OrderingGap[] = [];
  for (const [type, byName] of Object.entries(resources)) {
    if (type === 'kubernetes_namespace_v1') continue;
    for (const [name, raw] of Object.entries(asObject(byName) ?? {})) {
      const body = asObject(raw) ?? {};
      const namespace = namespaceOf(type, body);
      if (typeof namespace !== 'string' || namespace.includes('${')) continue;
      // Helm releases use the helm provider; the namespace is created by the kubernetes provider of the same cluster.
      const provider = String(body.provider).replace(/^helm\./, 'kubernetes.');
      const namespaceAddress = namespaces.get(`${provider}/${namespace}`);
      if (namespaceAddress === undefined) continue;
      const dependsOn = Array.isArray(body.depends_on) ? (body.depends_on as unknown[]).map(String) : [];
      if (dependsOn.includes(namespaceAddress) || JSON.stringify(body).includes(`\${${namespaceAddress}.`)) continue;
      gaps.push({ address: `${type}.${name}`, namespace, namespaceAddress });
    }
  }
  return gaps;
}
