/**
 * Namespaced Roles for the people of a tenant or a data lab, built from what they need to run
 * work, in place of the `admin`, `edit` and `view` ClusterRoles: those let members write the
 * namespace's NetworkPolicies (and admins its RoleBindings), so anyone could undo the
 * namespace's isolation. No rule here writes NetworkPolicies, ResourceQuotas, LimitRanges,
 * Roles or RoleBindings, and none uses a wildcard, `escalate`, `bind` or `impersonate`.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/
 */
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterTarget } from '../core/cluster-target';

/** Levels of access in a namespace, from most to least. */
export type AccessLevel = 'admin' | 'member' | 'viewer';

/**
 * One RBAC rule, as the API server reads it.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/role-v1/#Role
 */
export interface RoleRule {
  /** `''` is the core group. */
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Reading. */
export const READ = ['get', 'list', 'watch'] as const;
/** Reading and writing, without `deletecollection`, `escalate`, `bind` or `impersonate`. */
export const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;

/** Workloads and the objects they run with, read by every level. */
const WORKLOAD_RESOURCES: readonly Omit<RoleRule, 'verbs'>[] = [
  { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
];

/** Argo Workflows objects a lab's people use through the namespaced Argo server. */
const ARGO_RESOURCES = ['workflows', 'workflowtemplates', 'cronworkflows'] as const;

/** What every level may read: workloads, their logs and events, quotas, Kueue queues and workloads. */
function viewerRules(argo: boolean): RoleRule[] {
  return [
    ...WORKLOAD_RESOURCES.map((r) => ({ ...r, verbs: [...READ] })),
    { apiGroups: [''], resources: ['pods/log', 'events', 'resourcequotas', 'limitranges'], verbs: [...READ] },
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: [...READ] },
    // Reading the namespace's isolation is harmless and tells users why a connection fails.
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...READ] },
    // Kueue admits jobs from the namespace's LocalQueue; users see where their jobs wait.
    { apiGroups: ['kueue.x-k8s.io'], resources: ['localqueues', 'workloads'], verbs: [...READ] },
    ...(argo ? [{ apiGroups: ['argoproj.io'], resources: [...ARGO_RESOURCES, 'workflowtaskresults'], verbs: [...READ] }] : []),
  ];
}

/** What members may also do: run and change workloads, and hold their own Secrets. */
function memberRules(argo: boolean): RoleRule[] {
  return [
    ...viewerRules(argo),
    { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims', 'secrets'], verbs: [...WRITE] },
    { apiGroups: [''], resources: ['pods/exec', 'pods/portforward', 'pods/attach'], verbs: ['get', 'create'] },
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets', 'deployments/scale', 'statefulsets/scale'], verbs: [...WRITE] },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: [...WRITE] },
    ...(argo ? [{ apiGroups: ['argoproj.io'], resources: [...ARGO_RESOURCES], verbs: [...WRITE] }] : []),
  ];
}

/** What admins may also do: clean up in bulk, manage service accounts, and see who has access. */
function adminRules(argo: boolean): RoleRule[] {
  return [
    ...memberRules(argo),
    { apiGroups: [''], resources: ['pods', 'configmaps', 'persistentvolumeclaims', 'secrets'], verbs: ['deletecollection'] },
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['deletecollection'] },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: [...WRITE] },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: [...READ] },
  ];
}

/**
 * The rules of one level. Admins hold every rule of members, and members every rule of
 * viewers.
 *
 * @param level the level
 * @param options `argo`: add Argo Workflows objects (data labs)
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole
 */
export function accessRules(level: AccessLevel, options: { readonly argo: boolean }): RoleRule[] {
  switch (level) {
    case 'admin':
      return adminRules(options.argo);
    case 'member':
      return memberRules(options.argo);
    case 'viewer':
      return viewerRules(options.argo);
  }
}

/** OIDC groups of each level. */
export interface AccessGroups {
  /** Get the `admin` level. */
  readonly admins: readonly string[];
  /** Get the `member` level. */
  readonly members: readonly string[];
  /** Get the `viewer` level. */
  readonly viewers: readonly string[];
}

/**
 * What {@link grantNamespaceAccess} builds its Roles and RoleBindings from.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
export interface NamespaceAccessProps {
  /** Cluster of the namespace. */
  readonly target: ClusterTarget;
  /** Namespace name. */
  readonly namespace: string;
  /** What the Roles and RoleBindings wait for (the namespace). */
  readonly dependsOn: readonly ITerraformDependable[];
  /** Labels of the Roles and RoleBindings. */
  readonly labels: Readonly<Record<string, string>>;
  /** Groups per level. */
  readonly groups: AccessGroups;
  /** Prefix the API server adds to OIDC group claims (`--oidc-groups-prefix`), e.g. `oidc:`. */
  readonly groupPrefix: string;
  /** Prefix of the Role and RoleBinding names, e.g. `tenant` gives `tenant-admin`. */
  readonly namePrefix: string;
  /** Add Argo Workflows objects to the rules. */
  readonly argo: boolean;
}

/** Each level: construct id of its binding, the Role and RoleBinding name suffix, and its groups. */
const LEVELS: readonly [AccessLevel, string, string, keyof AccessGroups][] = [
  ['admin', 'Admins', 'admin', 'admins'],
  ['member', 'Members', 'edit', 'members'],
  ['viewer', 'Viewers', 'view', 'viewers'],
];

/**
 * One Role per level in a namespace (`<namePrefix>-admin`, `-edit`, `-view`; construct ids
 * `AdminRole`, `MemberRole`, `ViewerRole` in `scope`), and a RoleBinding of each level's OIDC
 * groups to it (`Admins`, `Members`, `Viewers`, named like the Role); a level without groups
 * gets its Role but no binding. The Roles are shared by every group of the level, never one
 * per user.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
 */
export function grantNamespaceAccess(scope: Construct, props: NamespaceAccessProps): void {
  for (const [level, bindingId, suffix, key] of LEVELS) {
    const name = `${props.namePrefix}-${suffix}`;
    new RoleV1(scope, `${bindingId.slice(0, -1)}Role`, {
      provider: props.target.kubernetes,
      metadata: { name, namespace: props.namespace, labels: { ...props.labels } },
      rule: accessRules(level, { argo: props.argo }).map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
      dependsOn: [...props.dependsOn],
    });
    const groups = props.groups[key];
    if (groups.length === 0) continue;
    new RoleBindingV1(scope, bindingId, {
      provider: props.target.kubernetes,
      metadata: { name, namespace: props.namespace, labels: { ...props.labels } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subject: groups.map((g) => ({ kind: 'Group', name: `${props.groupPrefix}${g}`, apiGroup: 'rbac.authorization.k8s.io' })),
      dependsOn: [...props.dependsOn],
    });
  }
}
