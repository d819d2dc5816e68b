import { STORAGE_ROLE_LABEL } from '../../core/labels';
import { metadataOf } from './namespaces';
import { NOT_APPLICABLE, nonCompliant, type PolicyRule } from '../rule';

/** Storage roles whose data outlives the volumes that hold it. */
export const RETAINED_ROLES: readonly string[] = ['project', 'home'];

/** AIF-STO-1: project and home storage is never deleted when a claim is released. */
export const RetainedStorage: PolicyRule = {
  id: 'AIF-STO-1',
  level: 'error',
  info: 'A project or home StorageClass deletes volumes when their claim is released.',
  explanation:
    'Project and home tiers hold datasets, checkpoints and code that took GPU-months to produce. With reclaim policy Delete, removing a namespace or a claim, or a mistaken apply, destroys them for good.',
  check: (resource) => {
    if (resource.type !== 'kubernetes_storage_class_v1') return NOT_APPLICABLE;
    const role = metadataOf(resource).labels?.[STORAGE_ROLE_LABEL];
    if (role === undefined || !RETAINED_ROLES.includes(role)) return NOT_APPLICABLE;
    const policy = resource.config.reclaim_policy ?? 'Delete';
    return nonCompliant(
      policy === 'Retain'
        ? []
        : [`storage class ${metadataOf(resource).name} (role ${role}) has reclaim policy ${typeof policy === 'string' ? policy : JSON.stringify(policy)}`],
    );
  },
};
