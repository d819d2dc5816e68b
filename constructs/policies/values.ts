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

/** The Helm values documents of a `helm_release`, parsed. */
export function helmValues(resource: ResourceView): unknown[] {
  if (resource.type !== 'helm_release') return [];
  const docs = (resource.config.values as string[] | undefined) ?? [];
  return docs.flatMap((text) => parseAllDocuments(text).map((d) => d.toJS() as unknown));
}

/** Every leaf a resource writes: its configuration and, for Helm releases, its values. */
export function allLeaves(resource: ResourceView): Leaf[] {
  const { values: _values, ...rest } = resource.config;
  return [...leaves(rest), ...helmValues(resource).flatMap((doc, i) => leaves(doc, `values[${i}]`))];
}
