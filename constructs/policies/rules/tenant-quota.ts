import { inNamespace, isTenantNamespace, metadataOf } from './namespaces';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from '../rule';

/** AIF-TEN-2: every tenant and data-lab namespace has a ResourceQuota. */
export const TenantQuota: PolicyRule = {
  id: 'AIF-TEN-2',
  level: 'error',
  info: 'The tenant namespace has no ResourceQuota.',
  explanation:
    'GPUs are the scarcest resource of an AI factory. A namespace without a quota can claim every GPU, CPU and volume of the cluster and starve the other tenants, whatever their guarantees.',
  check: (resource, context) => {
    if (!isTenantNamespace(resource)) return NOT_APPLICABLE;
    const name = metadataOf(resource).name ?? '';
    const quotas = inNamespace(context.resources, 'kubernetes_resource_quota_v1', name);
    return quotas.length > 0 ? COMPLIANT : nonCompliant([`namespace ${name} has no ResourceQuota`]);
  },
};
