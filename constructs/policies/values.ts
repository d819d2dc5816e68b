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

/**
 * Every leaf of a nested object or array: a value that is neither (an empty object or array
 * has none). A leaf's key is the last dotted segment of its path. Collected into one list as
 * the walk goes: the policy pack walks every value of every resource, Helm values included.
 */
export function leaves(value: unknown, path = ''): Leaf[] {
  const found: Leaf[] = [];
  collectLeaves(value, path, found);
  return found;
}

function collectLeaves(value: unknown, path: string, into: Leaf[]): void {
  if (value !== null && typeof value === 'object') {
    const entries = value as Record<string, unknown>;
    for (const key of Object.keys(entries)) collectLeaves(entries[key], path ? `${path}.${key}` : key, into);
    return;
  }
  into.push({ path, key: path.slice(path.lastIndexOf('.') + 1), value });
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
