import { inNamespace, isTenantNamespace, metadataOf } from './namespaces';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from '../rule';

interface PolicySpec {
  readonly pod_selector?: { match_labels?: Record<string, string>; match_expressions?: unknown[] };
  readonly policy_types?: string[];
  readonly ingress?: unknown[];
  readonly egress?: unknown[];
}

/** A NetworkPolicy that selects every pod and allows nothing in either direction. */
function isDefaultDeny(spec: PolicySpec): boolean {
  const selector = spec.pod_selector ?? {};
  const selectsAll = Object.keys(selector.match_labels ?? {}).length === 0 && (selector.match_expressions ?? []).length === 0;
  const types = spec.policy_types ?? [];
  return selectsAll && types.includes('Ingress') && types.includes('Egress') && (spec.ingress ?? []).length === 0 && (spec.egress ?? []).length === 0;
}

/** AIF-TEN-1: every tenant and data-lab namespace denies all traffic by default. */
export const TenantNetworkIsolation: PolicyRule = {
  id: 'AIF-TEN-1',
  level: 'error',
  info: 'The tenant namespace has no default-deny NetworkPolicy for ingress and egress.',
  explanation:
    'Tenants share the cluster network. Without a policy that denies everything by default, any pod can reach the tenant, and the tenant can reach other tenants, data labs and the internet, which breaks the isolation that hosts of sensitive data rely on.',
  check: (resource, context) => {
    if (!isTenantNamespace(resource)) return NOT_APPLICABLE;
    const name = metadataOf(resource).name ?? '';
    const policies = inNamespace(context.resources, 'kubernetes_network_policy_v1', name);
    if (policies.some((p) => isDefaultDeny(p.config.spec ?? {}))) return COMPLIANT;
    return nonCompliant([`namespace ${name} has ${policies.length} NetworkPolicies and none denies all ingress and egress`]);
  },
};
