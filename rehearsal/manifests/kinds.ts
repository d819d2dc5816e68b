/**
 * One mapping per typed resource of the Terraform Kubernetes provider (v2.38.0) that the
 * project synthesizes: the Kubernetes apiVersion and kind it creates, and its attributes.
 * Add a mapping here, with a test in tests/rehearsal/manifests.test.ts, before a construct
 * uses a new `kubernetes_*` type: an unmapped type fails the conversion.
 *
 * @see https://registry.terraform.io/providers/hashicorp/kubernetes/2.38.0/docs
 */
import { metadataFields, labelSelectorFields, persistentVolumeClaimFields, podTemplateFields } from './pod';
import { block, blocks, bool, type Fields, ignored, int, intOrString, intString, map, str, strings, type JsonObject, type Problems } from './schema';

/** How one typed Terraform resource becomes one Kubernetes object. */
export interface KindMapping {
  readonly apiVersion: string;
  readonly kind: string;
  /** Whether the object lives in a namespace. */
  readonly namespaced: boolean;
  /** The resource's attributes; `metadata` is among them. */
  readonly fields: Fields;
  /**
   * Rules of the provider's expander that a field list cannot say: what it drops, what it
   * refuses. Receives the converted object without its metadata, and may change it.
   * @default - none
   */
  readonly finish?: (object: JsonObject, problems: Problems) => void;
}

const timeouts = ignored('Terraform operation timeouts');

/** `kubernetes_namespace_v1`. */
const namespace: KindMapping = {
  apiVersion: 'v1',
  kind: 'Namespace',
  namespaced: false,
  fields: {
    metadata: block(metadataFields('Cluster')),
    wait_for_default_service_account: ignored('the provider waits for the service account after creating the namespace'),
    timeouts,
  },
};

/** `kubernetes_config_map_v1`. */
const configMap: KindMapping = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespaced: true,
  fields: { metadata: block(metadataFields('Namespaced')), data: map(), binary_data: map(), immutable: bool() },
};

/** `kubernetes_limit_range_v1`: `spec.limit` blocks become `spec.limits`. */
const limitRange: KindMapping = {
  apiVersion: 'v1',
  kind: 'LimitRange',
  namespaced: true,
  fields: {
    metadata: block(metadataFields('Namespaced')),
    spec: block({
      limit: blocks({ type: str(), default: map(), default_request: map(), max: map(), min: map(), max_limit_request_ratio: map() }, { to: 'limits' }),
    }),
  },
  finish: (object, problems) => {
    // expandLimitRangeSpec refuses a default request on a Pod limit at creation.
    const limits = ((object.spec as JsonObject | undefined)?.limits ?? []) as JsonObject[];
    limits.forEach((limit, i) => {
      if (limit.type === 'Pod' && limit.defaultRequest !== undefined) {
        problems.add(
          `spec.limit[${i}].default_request`,
          'cannot be set for a Pod limit (the provider refuses it)',
          limit.defaultRequest,
          'remove it, or use type Container',
        );
      }
    });
  },
};

/** `kubernetes_resource_quota_v1`: `scope_selector.match_expression` becomes `scopeSelector.matchExpressions`. */
const resourceQuota: KindMapping = {
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  namespaced: true,
  fields: {
    metadata: block(metadataFields('Namespaced')),
    spec: block({
      hard: map(),
      scopes: strings(),
      scope_selector: block({ match_expression: blocks({ scope_name: str(), operator: str(), values: strings() }, { to: 'matchExpressions' }) }),
    }),
    timeouts,
  },
};

const networkPolicyPeerFields: Fields = {
  ip_block: block({ cidr: str(), except: strings() }),
  namespace_selector: block(labelSelectorFields),
  pod_selector: block(labelSelectorFields),
};

const networkPolicyPortFields: Fields = { port: intOrString(), end_port: int(), protocol: str() };

/** `kubernetes_network_policy_v1`: a port is an int-or-string, sent as a number when it is one. */
const networkPolicy: KindMapping = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  namespaced: true,
  fields: {
    metadata: block(metadataFields('Namespaced')),
    spec: block({
      pod_selector: block(labelSelectorFields),
      ingress: blocks({ from: blocks(networkPolicyPeerFields), ports: blocks(networkPolicyPortFields) }),
      egress: blocks({ to: blocks(networkPolicyPeerFields), ports: blocks(networkPolicyPortFields) }),
      policy_types: strings(),
    }),
  },
};

/** `kubernetes_role_binding_v1`: `subject` blocks become `subjects`. */
const roleBinding: KindMapping = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  namespaced: true,
  fields: {
    metadata: block(metadataFields('Namespaced')),
    role_ref: block({ api_group: str(), kind: str(), name: str() }),
    // rbacSubjectSchema gives `namespace` a default of "default", sent for every subject,
    // groups and users included; the API server accepts it.
    subject: blocks({ api_group: str(), kind: str(), name: str(), namespace: str({ absent: 'default' }) }, { to: 'subjects' }),
  },
};

/** `kubernetes_role_v1`: `rule` blocks become `rules`. */
const role: KindMapping = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  namespaced: true,
  fields: {
    metadata: block(metadataFields('Namespaced')),
    rule: blocks({ api_groups: strings(), resources: strings(), resource_names: strings(), verbs: strings() }, { to: 'rules' }),
  },
};

/** `kubernetes_service_v1`: `spec.port` blocks become `spec.ports`, `target_port` is an int-or-string. */
const service: KindMapping = {
  apiVersion: 'v1',
  kind: 'Service',
  namespaced: true,
  fields: {
    metadata: block(metadataFields('Namespaced')),
    spec: block({
      allocate_load_balancer_node_ports: bool(),
      cluster_ip: str({ to: 'clusterIP' }),
      cluster_ips: strings({ to: 'clusterIPs' }),
      external_ips: strings({ to: 'externalIPs' }),
      external_name: str(),
      external_traffic_policy: str(),
      health_check_node_port: int(),
      internal_traffic_policy: str(),
      ip_families: strings(),
      ip_family_policy: str(),
      load_balancer_class: str(),
      load_balancer_ip: str({ to: 'loadBalancerIP' }),
      load_balancer_source_ranges: strings(),
      port: blocks({ name: str(), port: int(), target_port: intOrString(), protocol: str(), node_port: int(), app_protocol: str() }, { to: 'ports' }),
      publish_not_ready_addresses: bool(),
      selector: map(),
      session_affinity: str(),
      session_affinity_config: block({ client_ip: block({ timeout_seconds: int() }, { to: 'clientIP' }) }),
      type: str(),
    }),
    wait_for_load_balancer: ignored('the provider waits for a load balancer address after creating the service'),
    timeouts,
  },
  finish: (object) => {
    // expandServiceSpec sends these two only for a LoadBalancer service.
    const spec = object.spec as JsonObject | undefined;
    if (spec && spec.type !== 'LoadBalancer') {
      delete spec.allocateLoadBalancerNodePorts;
      delete spec.loadBalancerClass;
    }
  },
};

/** `kubernetes_stateful_set_v1`: a pod template, and `volume_claim_template` blocks become `volumeClaimTemplates`. */
const statefulSet: KindMapping = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  namespaced: true,
  fields: {
    metadata: block(metadataFields('Namespaced')),
    spec: block({
      // A Terraform string, sent as an integer.
      replicas: intString(),
      pod_management_policy: str(),
      revision_history_limit: int(),
      min_ready_seconds: int(),
      selector: block(labelSelectorFields),
      service_name: str(),
      template: block(podTemplateFields),
      update_strategy: block({ type: str(), rolling_update: block({ partition: int() }) }),
      persistent_volume_claim_retention_policy: block({ when_deleted: str(), when_scaled: str() }),
      volume_claim_template: blocks(persistentVolumeClaimFields, { to: 'volumeClaimTemplates' }),
    }),
    wait_for_rollout: ignored('the provider waits for the rollout after applying the stateful set'),
    timeouts,
  },
};

/**
 * `kubernetes_storage_class_v1`: `storage_provisioner` becomes `provisioner`, and the
 * provider always sends its defaults for the reclaim policy, binding mode and volume
 * expansion (which it allows by default, unlike Kubernetes).
 */
const storageClass: KindMapping = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  namespaced: false,
  fields: {
    metadata: block(metadataFields('Cluster')),
    storage_provisioner: str({ to: 'provisioner' }),
    parameters: map(),
    reclaim_policy: str({ absent: 'Delete' }),
    volume_binding_mode: str({ absent: 'Immediate' }),
    allow_volume_expansion: bool({ absent: true }),
    mount_options: strings(),
    allowed_topologies: block({ match_label_expressions: blocks({ key: str(), values: strings() }) }, { asList: true }),
  },
};

/** Every typed resource the rehearsal converts, keyed by Terraform resource type. */
export const KIND_MAPPINGS: Readonly<Record<string, KindMapping>> = {
  kubernetes_namespace_v1: namespace,
  kubernetes_config_map_v1: configMap,
  kubernetes_limit_range_v1: limitRange,
  kubernetes_resource_quota_v1: resourceQuota,
  kubernetes_network_policy_v1: networkPolicy,
  kubernetes_role_binding_v1: roleBinding,
  kubernetes_role_v1: role,
  kubernetes_service_v1: service,
  kubernetes_stateful_set_v1: statefulSet,
  kubernetes_storage_class_v1: storageClass,
};
