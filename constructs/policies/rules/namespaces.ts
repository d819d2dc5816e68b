import { DATA_LAB_LABEL, TENANT_LABEL } from '../../core/labels';
import type { ResourceView } from '../rule';

interface Metadata {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
}

/** metadata of a Kubernetes resource's configuration. */
export function metadataOf(resource: ResourceView): Metadata {
  return resource.config.metadata ?? {};
}

/** Whether a namespace resource belongs to a tenant or a data lab. */
export function isTenantNamespace(resource: ResourceView): boolean {
  if (resource.type !== 'kubernetes_namespace_v1') return false;
  const labels = metadataOf(resource).labels ?? {};
  return TENANT_LABEL in labels || DATA_LAB_LABEL in labels;
}

/** Resources of `type` in namespace `name`. */
export function inNamespace(resources: readonly ResourceView[], type: string, name: string): ResourceView[] {
  return resources.filter((r) => r.type === type && metadataOf(r).namespace === name);
}
