import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import type { ClusterTarget } from '../core/cluster-target';
import { siteLabels } from '../core/labels';
import { OWNER_LABEL, POOL_LABEL } from '../gpu/gpu-node-pool';
import { ISOLATED_NAMESPACES_SELECTOR } from './isolated-namespace';

/** Name of the ValidatingAdmissionPolicy (and its binding) on the pods of tenant and lab namespaces. */
export const TENANT_POD_POLICY = 'aif-tenant-pods';

/** One rule of the policy: a CEL expression over the pod, and the message of a pod that breaks it. */
export interface TenantPodRule {
  readonly expression: string;
  readonly message: string;
}

/**
 * What a pod in a tenant or lab namespace may not ask of the scheduler. Tenants create pods
 * and Jobs themselves (their Roles allow it), so without these a tenant's pod could:
 * - tolerate every taint (a toleration without a key) and land on any node: control-plane,
 *   storage, system and GPU nodes alike;
 * - tolerate a GPU pool's taint without selecting the pool's Kubernetes-owned nodes, and land
 *   on the nodes Slurm owns, in the room slurmd leaves or, once slurmd's pod restarts, with its
 *   GPUs;
 * - take a `system-` priority class and preempt slurmd's pod (and node agents) outright;
 * - name its node (`spec.nodeName`), which skips the scheduler and every taint.
 * Kueue's flavors give a pod the pool's tolerations with the pool's Kubernetes-owned nodes
 * (`nodeSelector` {@link OWNER_LABEL}: `kubernetes`), so what Kueue admits passes. Shown on a
 * real API server and scheduler: tests/constructs/tenancy/tenant-admission.test.ts.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
export const TENANT_POD_RULES: readonly TenantPodRule[] = [
  {
    expression: "!has(object.spec.tolerations) || object.spec.tolerations.all(t, has(t.key) && t.key != '')",
    message: 'a pod in a tenant or lab namespace may not tolerate every taint (a toleration without a key); tolerate the taints of the nodes it needs by key',
  },
  {
    expression:
      `!has(object.spec.tolerations) || !object.spec.tolerations.exists(t, has(t.key) && t.key == '${POOL_LABEL}') || ` +
      `(has(object.spec.nodeSelector) && '${OWNER_LABEL}' in object.spec.nodeSelector && object.spec.nodeSelector['${OWNER_LABEL}'] == 'kubernetes')`,
    message: `a pod in a tenant or lab namespace that tolerates a GPU pool's taint (${POOL_LABEL}) must select the pool's Kubernetes-owned nodes (nodeSelector ${OWNER_LABEL}: kubernetes), as Kueue's flavors do: Slurm owns the others; submit GPU work through the namespace's LocalQueue`,
  },
  {
    expression: "!has(object.spec.priorityClassName) || !object.spec.priorityClassName.startsWith('system-')",
    message:
      'a pod in a tenant or lab namespace may not use a system- priority class, which would preempt node agents and Slurm; use a Kueue WorkloadPriorityClass for the order of jobs',
  },
  {
    expression: "request.operation != 'CREATE' || !has(object.spec.nodeName) || object.spec.nodeName == ''",
    message: 'a pod in a tenant or lab namespace may not name its node (spec.nodeName), which skips the scheduler and every taint; use a nodeSelector',
  },
];

/** Props of {@link TenantPodPolicy}. */
export interface TenantPodPolicyProps {
  /** Cluster the policy is written to. */
  readonly target: ClusterTarget;
  /** Site id, for labels. */
  readonly siteId: string;
}

/**
 * {@link TENANT_POD_RULES} as a ValidatingAdmissionPolicy on pods (create and update) and its
 * binding, which denies, in every namespace with the isolation-group label (tenants and data
 * labs, {@link ISOLATED_NAMESPACES_SELECTOR}); system namespaces, Slurm's and the operators' are not
 * matched. Built into the API server (admissionregistration.k8s.io/v1, Kubernetes 1.30+), so
 * it needs no webhook and works before any chart is installed: it belongs in the platform
 * stack, before the tenants' namespaces exist.
 */
export class TenantPodPolicy extends Construct {
  /** The policy. */
  readonly policy: Manifest;
  /** Its binding. */
  readonly binding: Manifest;

  constructor(scope: Construct, id: string, props: TenantPodPolicyProps) {
    super(scope, id);
    const labels = siteLabels(props.siteId);
    this.policy = new Manifest(this, 'Policy', {
      provider: props.target.kubernetes,
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: TENANT_POD_POLICY, labels },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
          validations: TENANT_POD_RULES.map((r) => ({ expression: r.expression, message: r.message })),
        },
      },
    });
    this.binding = new Manifest(this, 'Binding', {
      provider: props.target.kubernetes,
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: TENANT_POD_POLICY, labels },
        spec: {
          policyName: TENANT_POD_POLICY,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchExpressions: ISOLATED_NAMESPACES_SELECTOR.matchExpressions.map((e) => ({ ...e })) } },
        },
      },
      dependsOn: [this.policy],
    });
  }
}
