/**
 * Helpers for rules that read Helm values and Kubernetes pod specs.
 */
import { parseAllDocuments } from 'yaml';
import type { ResourceView } from './rule';

/** A leaf of a nested value, with its dotted path. */
export interface Leaf {
  readonly path: string;
  readonly key: string;
  readonly value: unknown;
}

/** Every leaf of a nested object or array. */
export function leaves(value: unknown, path = ''): Leaf[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      const p = path ? `${path}.${k}` : k;
      const children = leaves(v, p);
      return children.length > 0 ? children : v !== null && typeof v === 'object' ? [] : [{ path: p, key: k, value: v }];
    });
  }
  return [{ path, key: path.split('.').pop() ?? '', value }];
}

/**
 * What is derived from one resource view, kept for the other rules that check it: each Helm
 * values document is parsed once per policy check, not once per rule. Views are made per
 * check, so a later check of a changed stack derives afresh; callers must not mutate results.
 */
export function perResource<T>(cache: WeakMap<ResourceView, T>, resource: ResourceView, derive: () => T): T {
  const cached = cache.get(resource);
  if (cached !== undefined) return cached;
  const value = derive();
  cache.set(resource, value);
  return value;
}

const HELM_VALUES = new WeakMap<ResourceView, readonly unknown[]>();
const ALL_LEAVES = new WeakMap<ResourceView, readonly Leaf[]>();

/** The Helm values documents of a `helm_release`, parsed (once per resource view). */
export function helmValues(resource: ResourceView): readonly unknown[] {
  if (resource.type !== 'helm_release') return [];
  return perResource(HELM_VALUES, resource, () => {
    const docs = (resource.config.values as string[] | undefined) ?? [];
    return docs.flatMap((text) => resource.documents?.(text) ?? parseAllDocuments(text).map((d) => d.toJS() as unknown));
  });
}

/** Every leaf a resource writes: its configuration and, for Helm releases, its values (once per resource view). */
export function allLeaves(resource: ResourceView): readonly Leaf[] {
  return perResource(ALL_LEAVES, resource, () => {
    const { values: _values, ...rest } = resource.config;
    return [...leaves(rest), ...helmValues(resource).flatMap((doc, i) => leaves(doc, `values[${i}]`))];
  });
}
