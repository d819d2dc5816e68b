import { isTenantNamespace, metadataOf } from './namespaces';
import { NOT_APPLICABLE, nonCompliant, type PolicyRule } from '../rule';

const REQUIRED = ['enforce', 'audit', 'warn'] as const;

/** AIF-TEN-3: every tenant and data-lab namespace enforces Pod Security `restricted`. */
export const TenantPodSecurity: PolicyRule = {
  id: 'AIF-TEN-3',
  level: 'error',
  info: 'The tenant namespace does not enforce, audit and warn at Pod Security level restricted.',
  explanation:
    "Tenant code is untrusted. Privileged pods, host paths or host networking let a tenant escape to the node, read other tenants' data on it and reach the fabric. The restricted level blocks all of these.",
  check: (resource) => {
    if (!isTenantNamespace(resource)) return NOT_APPLICABLE;
    const labels = metadataOf(resource).labels ?? {};
    return nonCompliant(
      REQUIRED.filter((mode) => labels[`pod-security.kubernetes.io/${mode}`] !== 'restricted').map(
        (mode) => `label pod-security.kubernetes.io/${mode} is ${JSON.stringify(labels[`pod-security.kubernetes.io/${mode}`] ?? null)}, not "restricted"`,
      ),
    );
  },
};
