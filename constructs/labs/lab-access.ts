/**
 * Who and what a data lab lets in and out beyond its namespace's defaults: namespaced Roles
 * and RoleBindings for the owning tenants' OIDC groups, and egress to the Kubernetes API server and the OIDC
 * issuer for the pods that need them.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { NetworkPolicyV1, type NetworkPolicyV1SpecPodSelector } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import type { Construct } from 'constructs';
import type { ClusterTarget } from '../core/cluster-target';
import type { IsolatedNamespace } from '../tenancy/isolated-namespace';
import { grantNamespaceAccess } from '../tenancy/namespace-roles';
import type { TenantGroups } from '../tenancy/tenant';

/**
 * What a lab's Roles and RoleBindings are made from.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
 */
export interface LabGroupBindingsProps {
  /** Cluster of the lab. */
  readonly target: ClusterTarget;
  /** The lab's namespace. */
  readonly namespace: IsolatedNamespace;
  /** Labels of the Roles and RoleBindings. */
  readonly labels: Readonly<Record<string, string>>;
  /** OIDC groups of the owning tenants. */
  readonly groups: TenantGroups;
  /** Prefix the API server adds to OIDC group claims. */
  readonly groupPrefix: string;
}

/**
 * Gives the owning tenants' admin, member and viewer groups the lab's namespaced Roles
 * `lab-admin`, `lab-edit` and `lab-view` ({@link accessRules} with Argo Workflows objects;
 * `AdminRole`, `MemberRole`, `ViewerRole` and the bindings `Admins`, `Members`, `Viewers` in
 * `scope`, the lab); a level with no group gets no binding. No level may write the lab's
 * NetworkPolicies, quota, LimitRange, Roles or RoleBindings.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
 */
export function bindLabGroups(scope: Construct, props: LabGroupBindingsProps): void {
  grantNamespaceAccess(scope, {
    target: props.target,
    namespace: props.namespace.name,
    dependsOn: [props.namespace.namespace],
    labels: props.labels,
    groups: props.groups,
    groupPrefix: props.groupPrefix,
    namePrefix: 'lab',
    argo: true,
  });
}

/**
 * The Kubernetes API server's endpoints as pods reach them: the addresses and ports behind
 * the `kubernetes` Service, which NetworkPolicies see after the Service is resolved.
 */
export interface ApiServerEndpoints {
  /** Address ranges (a /32 per API server). */
  readonly cidrs: readonly string[];
  /** TCP ports, e.g. 6443. */
  readonly ports: readonly number[];
}

/**
 * Where a lab's control-plane egress goes.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export interface LabControlPlaneEgressProps {
  /** Cluster of the lab. */
  readonly target: ClusterTarget;
  /** The lab's namespace. */
  readonly namespace: IsolatedNamespace;
  /** The API server's endpoints. */
  readonly apiServer: ApiServerEndpoints;
  /** Public address ranges of the OIDC issuer, which the hub reaches on TCP 443. */
  readonly issuerCidrs: readonly string[];
  /** Whether workflow pods (user code beside Argo's executor) may reach the API server. */
  readonly workflowApiAccess: boolean;
}

/**
 * Opens egress to the API server for the pods that need it, and nothing wider: the JupyterHub
 * hub (which also reaches the issuer) to start notebooks, the Argo Workflows controller and
 * server, and, when the lab allows it, workflow pods (`HubToControlPlane`, `ArgoToApiServer`,
 * `WorkflowsToApiServer` in `scope`, the lab). Notebooks never reach it.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export function allowControlPlaneEgress(scope: Construct, props: LabControlPlaneEgressProps): void {
  const api = props.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  const apiPorts = props.apiServer.ports.map((port) => ({ port: String(port), protocol: 'TCP' }));
  const issuer = props.issuerCidrs.map((cidr) => ({ ipBlock: { cidr } }));
  const policy = (id: string, name: string, podSelector: NetworkPolicyV1SpecPodSelector, extra: boolean) =>
    new NetworkPolicyV1(scope, id, {
      provider: props.target.kubernetes,
      metadata: { name, namespace: props.namespace.name },
      dependsOn: [props.namespace.namespace],
      spec: {
        podSelector,
        policyTypes: ['Egress'],
        egress: [{ to: api, ports: apiPorts }, ...(extra && issuer.length > 0 ? [{ to: issuer, ports: [{ port: '443', protocol: 'TCP' }] }] : [])],
      },
    });
  policy('HubToControlPlane', 'allow-hub-control-plane', { matchLabels: { component: 'hub' } }, true);
  policy('ArgoToApiServer', 'allow-argo-api-server', { matchLabels: { 'app.kubernetes.io/part-of': 'argo-workflows' } }, false);
  if (props.workflowApiAccess) {
    policy('WorkflowsToApiServer', 'allow-workflows-api-server', { matchExpressions: [{ key: 'workflows.argoproj.io/workflow', operator: 'Exists' }] }, false);
  }
}
