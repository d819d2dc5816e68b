/**
 * The pod template of the Terraform Kubernetes provider (v2.38.0): containers, volumes,
 * security contexts and scheduling, as its expand functions send them. Attributes the
 * project does not use and that need more than a rename (projected and CSI volumes, the
 * cloud volume sources, Windows options) are left out on purpose: a resource that sets one
 * fails the conversion, naming it, rather than being rehearsed without it.
 *
 * @see https://github.com/hashicorp/terraform-provider-kubernetes/blob/v2.38.0/kubernetes/schema_pod_spec.go
 * @see https://github.com/hashicorp/terraform-provider-kubernetes/blob/v2.38.0/kubernetes/schema_container.go
 */
import { block, blocks, bool, type Fields, int, intOrString, intString, map, octalString, str, strings, ints } from './schema';

/** `metadata` of an object: a namespaced object's namespace defaults to `default`, as in the provider. */
export function metadataFields(scope: 'Namespaced' | 'Cluster' | 'Template'): Fields {
  return {
    name: str(),
    generate_name: str(),
    labels: map(),
    annotations: map(),
    // namespacedMetadataSchema has `Default: "default"`; a pod template's metadata has none.
    ...(scope === 'Namespaced' ? { namespace: str({ absent: 'default' }) } : scope === 'Template' ? { namespace: str() } : {}),
  };
}

/** A label selector (`match_labels`, `match_expressions`). */
export const labelSelectorFields: Fields = {
  match_labels: map(),
  match_expressions: blocks({ key: str(), operator: str(), values: strings() }),
};

const nodeSelectorTermFields: Fields = {
  match_expressions: blocks({ key: str(), operator: str(), values: strings() }),
  match_fields: blocks({ key: str(), operator: str(), values: strings() }),
};

const podAffinityTermFields: Fields = {
  label_selector: block(labelSelectorFields),
  namespace_selector: block(labelSelectorFields),
  namespaces: strings(),
  topology_key: str(),
};

const podAffinityFields: Fields = {
  required_during_scheduling_ignored_during_execution: blocks(podAffinityTermFields),
  preferred_during_scheduling_ignored_during_execution: blocks({ weight: int(), pod_affinity_term: block(podAffinityTermFields) }),
};

const affinityFields: Fields = {
  node_affinity: block({
    required_during_scheduling_ignored_during_execution: block({ node_selector_term: blocks(nodeSelectorTermFields, { to: 'nodeSelectorTerms' }) }),
    preferred_during_scheduling_ignored_during_execution: blocks({ weight: int(), preference: block(nodeSelectorTermFields) }),
  }),
  pod_affinity: block(podAffinityFields),
  pod_anti_affinity: block(podAffinityFields),
};

const seccompProfileFields: Fields = {
  // seccompProfileField: `Default: Unconfined`, sent whenever the block is present.
  type: str({ absent: 'Unconfined' }),
  localhost_profile: str(),
};

const seLinuxOptionsFields: Fields = { level: str(), role: str(), type: str(), user: str() };

/**
 * A container's `security_context`. The SDK fills every attribute of a present block, and
 * expandContainerSecurityContext sends the four booleans whether set or not: an unset
 * `allow_privilege_escalation` is sent as `true` (its schema default) and an unset
 * `run_as_non_root` as an explicit `false`, which Pod Security `restricted` rejects.
 */
const containerSecurityContextFields: Fields = {
  allow_privilege_escalation: bool({ absent: true }),
  capabilities: block({ add: strings(), drop: strings() }),
  privileged: bool({ absent: false }),
  read_only_root_filesystem: bool({ absent: false }),
  run_as_group: intString(),
  run_as_non_root: bool({ absent: false }),
  run_as_user: intString(),
  seccomp_profile: block(seccompProfileFields),
  se_linux_options: block(seLinuxOptionsFields, { to: 'seLinuxOptions' }),
};

/** The pod's `security_context`: expandPodSecurityContext sends `run_as_non_root` unset as `false` too. */
const podSecurityContextFields: Fields = {
  fs_group: intString(),
  fs_group_change_policy: str(),
  run_as_group: intString(),
  run_as_non_root: bool({ absent: false }),
  run_as_user: intString(),
  seccomp_profile: block(seccompProfileFields),
  se_linux_options: block(seLinuxOptionsFields, { to: 'seLinuxOptions' }),
  supplemental_groups: ints(),
  sysctl: blocks({ name: str(), value: str() }, { to: 'sysctls' }),
};

const handlerFields: Fields = {
  exec: block({ command: strings() }),
  http_get: block({
    host: str(),
    path: str(),
    scheme: str(),
    port: intOrString(),
    http_header: blocks({ name: str(), value: str() }, { to: 'httpHeaders' }),
  }),
  tcp_socket: block({ port: intOrString() }),
};

const probeFields: Fields = {
  ...handlerFields,
  grpc: block({ port: int(), service: str() }),
  failure_threshold: int(),
  initial_delay_seconds: int(),
  period_seconds: int(),
  success_threshold: int(),
  timeout_seconds: int(),
};

const keyRefFields: Fields = { key: str(), name: str(), optional: bool() };

/** A container or init container. */
const containerFields: Fields = {
  name: str(),
  image: str(),
  image_pull_policy: str(),
  command: strings(),
  args: strings(),
  working_dir: str(),
  env: blocks({
    name: str(),
    value: str(),
    value_from: block({
      config_map_key_ref: block(keyRefFields),
      secret_key_ref: block(keyRefFields),
      field_ref: block({ api_version: str(), field_path: str() }),
      resource_field_ref: block({ container_name: str(), resource: str(), divisor: str() }),
    }),
  }),
  env_from: blocks({
    config_map_ref: block({ name: str(), optional: bool() }),
    secret_ref: block({ name: str(), optional: bool() }),
    prefix: str(),
  }),
  port: blocks({ container_port: int(), host_ip: str({ to: 'hostIP' }), host_port: int(), name: str(), protocol: str() }, { to: 'ports' }),
  resources: block({ limits: map(), requests: map() }),
  security_context: block(containerSecurityContextFields),
  liveness_probe: block(probeFields),
  readiness_probe: block(probeFields),
  startup_probe: block(probeFields),
  lifecycle: block({ post_start: block(handlerFields), pre_stop: block(handlerFields) }),
  volume_mount: blocks(
    { mount_path: str(), name: str(), read_only: bool(), sub_path: str(), sub_path_expr: str(), mount_propagation: str() },
    { to: 'volumeMounts' },
  ),
  volume_device: blocks({ device_path: str(), name: str() }, { to: 'volumeDevices' }),
  stdin: bool(),
  stdin_once: bool(),
  tty: bool(),
  termination_message_path: str(),
  termination_message_policy: str(),
};

const keyToPathFields: Fields = { key: str(), path: str(), mode: octalString() };

const volumeFields: Fields = {
  name: str(),
  config_map: block({ name: str(), default_mode: octalString(), optional: bool(), items: blocks(keyToPathFields) }),
  secret: block({ secret_name: str(), default_mode: octalString(), optional: bool(), items: blocks(keyToPathFields) }),
  empty_dir: block({ medium: str(), size_limit: str() }),
  persistent_volume_claim: block({ claim_name: str(), read_only: bool() }),
  host_path: block({ path: str(), type: str() }),
  nfs: block({ server: str(), path: str(), read_only: bool() }),
  downward_api: block(
    {
      default_mode: octalString(),
      items: blocks({
        path: str(),
        mode: octalString(),
        field_ref: block({ api_version: str(), field_path: str() }),
        resource_field_ref: block({ container_name: str(), resource: str(), divisor: str() }),
      }),
    },
    { to: 'downwardAPI' },
  ),
};

/** A pod spec (`spec.template.spec`). */
export const podSpecFields: Fields = {
  active_deadline_seconds: int(),
  affinity: block(affinityFields),
  automount_service_account_token: bool(),
  container: blocks(containerFields, { to: 'containers' }),
  init_container: blocks(containerFields, { to: 'initContainers' }),
  dns_policy: str(),
  dns_config: block({ nameservers: strings(), searches: strings(), option: blocks({ name: str(), value: str() }, { to: 'options' }) }),
  enable_service_links: bool(),
  host_aliases: blocks({ hostnames: strings(), ip: str() }),
  host_ipc: bool({ to: 'hostIPC' }),
  host_network: bool(),
  host_pid: bool({ to: 'hostPID' }),
  hostname: str(),
  image_pull_secrets: blocks({ name: str() }),
  node_name: str(),
  node_selector: map(),
  os: block({ name: str() }),
  priority_class_name: str(),
  readiness_gate: blocks({ condition_type: str() }, { to: 'readinessGates' }),
  restart_policy: str(),
  runtime_class_name: str(),
  scheduler_name: str(),
  security_context: block(podSecurityContextFields),
  service_account_name: str(),
  share_process_namespace: bool(),
  subdomain: str(),
  termination_grace_period_seconds: int(),
  toleration: blocks({ effect: str(), key: str(), operator: str(), toleration_seconds: intString(), value: str() }, { to: 'tolerations' }),
  topology_spread_constraint: blocks(
    {
      // Kubernetes requires both; the provider's schema defaults fill them in.
      max_skew: int({ absent: 1 }),
      when_unsatisfiable: str({ absent: 'DoNotSchedule' }),
      topology_key: str(),
      label_selector: block(labelSelectorFields),
      match_label_keys: strings(),
      min_domains: int(),
      node_affinity_policy: str(),
      node_taints_policy: str(),
    },
    { to: 'topologySpreadConstraints' },
  ),
  volume: blocks(volumeFields, { to: 'volumes' }),
};

/** A persistent volume claim (a stateful set's `volume_claim_template`). */
export const persistentVolumeClaimFields: Fields = {
  // persistentVolumeClaimFields uses namespacedMetadataSchema, so the provider sends
  // `namespace: default` in every claim template; the API server accepts and ignores it.
  metadata: block(metadataFields('Namespaced')),
  spec: block({
    access_modes: strings(),
    resources: block({ limits: map(), requests: map() }),
    selector: block(labelSelectorFields),
    volume_name: str(),
    storage_class_name: str(),
    volume_mode: str(),
  }),
};

/** A pod template (`spec.template`). */
export const podTemplateFields: Fields = {
  metadata: block(metadataFields('Template')),
  spec: block(podSpecFields),
};
