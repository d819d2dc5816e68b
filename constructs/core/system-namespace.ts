import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { Construct } from 'constructs';
import type { ClusterTarget } from './cluster-target';
import type { PodSecurityLevel } from '../tenancy/isolated-namespace';
import { siteLabels } from './labels';
import { dnsLabel } from './names';

/**
 * A namespace for a platform component, with an explicit Pod Security level. Operators that
 * load kernel modules or read devices (GPU and network operators, node exporters) need
 * `privileged`; saying so here keeps that visible in review instead of relying on the
 * cluster default.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export function systemNamespace(scope: Construct, id: string, target: ClusterTarget, siteId: string, name: string, level: PodSecurityLevel): NamespaceV1 {
  return new NamespaceV1(scope, id, {
    provider: target.kubernetes,
    metadata: {
      name: dnsLabel(name),
      labels: siteLabels(siteId, {
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
      }),
    },
  });
}
