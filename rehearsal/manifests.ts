/**
 * The rehearsal's view of one synthesized stack: every Kubernetes object its typed
 * `kubernetes_*` resources and `kubernetes_manifest` resources would create, as the
 * Terraform Kubernetes provider (v2.38.0) would send it, and every Helm release, so that
 * a rehearsal can apply them to a real API server without running Terraform.
 *
 * Pure: it reads the parsed `cdk.tf.json` (or `JSON.parse(Testing.synth(stack))`) and
 * nothing else. Every problem of the stack is collected and thrown once, as a
 * {@link StackConversionError}.
 *
 * @see https://github.com/hashicorp/terraform-provider-kubernetes/tree/v2.38.0/kubernetes
 */
import { referencedFile } from '../constructs/charts/stack-file';
import { KIND_MAPPINGS } from './manifests/kinds';
import { ReferenceResolver } from './manifests/references';
import { convertBlock, isObject, type JsonObject, type Problem, Problems } from './manifests/schema';

export type { Json, JsonObject } from './manifests/schema';

/** The metadata of a {@link KubernetesObject}. */
export type ObjectMeta = {
  readonly name: string;
  /** @default - none: the object is cluster-scoped (or a custom resource that omits it) */
  readonly namespace?: string;
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
};

/**
 * A Kubernetes object, ready for server-side apply: JSON values only.
 * @see https://kubernetes.io/docs/reference/using-api/server-side-apply/
 */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** One Kubernetes object of a stack, with where and after what it is applied. */
export interface StackObject {
  /** The Terraform address it comes from, e.g. `kubernetes_namespace_v1.Tenant-main-acme_Namespace_1A2B3C4D`. */
  readonly address: string;
  /**
   * The cluster it is applied to: the alias of the resource's provider (`kubernetes.main` gives `main`).
   * @default 'default' - for a resource without a `provider`
   */
  readonly cluster: string;
  /** The object, as the provider would send it. */
  readonly manifest: KubernetesObject;
  /** Addresses it depends on: its `depends_on` and the resources its references read, Helm releases included. */
  readonly dependsOn: readonly string[];
}

/** One `helm_release` of a stack, for a caller that renders the charts it has and skips the others. */
export interface HelmReleaseSpec {
  /** The Terraform address, e.g. `helm_release.Kueue-main_Release_1A2B3C4D`. */
  readonly address: string;
  /**
   * The cluster it is installed on: the alias of its `helm` provider.
   * @default 'default'
   */
  readonly cluster: string;
  /** The release name. */
  readonly name: string;
  /**
   * The release namespace, references resolved.
   * @default 'default' - the Helm provider's default
   */
  readonly namespace: string;
  /** The chart name (with `repository`), path or OCI reference. */
  readonly chart: string;
  /**
   * The chart repository URL.
   * @default - none: `chart` is a path or an OCI reference
   */
  readonly repository?: string;
  /**
   * The chart version.
   * @default - the latest version in the repository
   */
  readonly version?: string;
  /** The values files, as YAML documents, in order; references resolved. */
  readonly values: readonly string[];
  /** Whether Helm creates the namespace. @default false */
  readonly createNamespace: boolean;
  /** Addresses it depends on: its `depends_on` and the resources its references read. */
  readonly dependsOn: readonly string[];
}

/** Everything a rehearsal applies from one stack, in an order that respects dependencies. */
export interface StackObjects {
  /** The stack name given to {@link stackObjects}. */
  readonly stack: string;
  /**
   * Kubernetes objects: dependencies first, then Namespaces, CRDs, other cluster objects,
   * namespaced configuration, Services, workloads, and custom resources last.
   */
  readonly manifests: readonly StackObject[];
  /** Helm releases, dependencies first. */
  readonly helmReleases: readonly HelmReleaseSpec[];
  /** Addresses of resources that are neither Kubernetes objects nor Helm releases, which a rehearsal does not apply. */
  readonly ignored: readonly string[];
}

/** Every problem found converting one stack, one per line in the message. */
export class StackConversionError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly string[],
  ) {
    super(`${stackName}: ${problems.length} problem(s) converting the stack for the rehearsal:\n${problems.join('\n')}`);
    this.name = 'StackConversionError';
  }
}

/** Whether a built-in kind is namespaced or cluster-wide. */
export type KindScope = 'Namespaced' | 'Cluster';

/** The API groups that a kube-apiserver serves itself (`''` is the core group). */
const BUILT_IN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

const CLUSTER_KINDS = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'DeviceClass',
  'FlowSchema',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

const NAMESPACED_KINDS = new Set([
  'ConfigMap',
  'ControllerRevision',
  'CronJob',
  'CSIStorageCapacity',
  'DaemonSet',
  'Deployment',
  'Endpoints',
  'EndpointSlice',
  'Event',
  'HorizontalPodAutoscaler',
  'Ingress',
  'Job',
  'Lease',
  'LimitRange',
  'NetworkPolicy',
  'PersistentVolumeClaim',
  'Pod',
  'PodDisruptionBudget',
  'PodTemplate',
  'ReplicaSet',
  'ReplicationController',
  'ResourceClaim',
  'ResourceClaimTemplate',
  'ResourceQuota',
  'Role',
  'RoleBinding',
  'Secret',
  'Service',
  'ServiceAccount',
  'StatefulSet',
]);

const WORKLOAD_KINDS = new Set(['CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);

/** The API group of an apiVersion (`apps/v1` gives `apps`, `v1` gives the core group `''`). */
function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/**
 * The scope of a kind that every kube-apiserver serves, or `undefined` for a custom
 * resource (its CRD says) or a kind this table does not know.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris
 */
export function builtInKindScope(apiVersion: string, kind: string): KindScope | undefined {
  if (!BUILT_IN_GROUPS.has(groupOf(apiVersion))) return undefined;
  if (CLUSTER_KINDS.has(kind)) return 'Cluster';
  if (NAMESPACED_KINDS.has(kind)) return 'Namespaced';
  return undefined;
}

/** Apply order of a kind; ties keep the stack's order. */
function applyRank(manifest: KubernetesObject): number {
  const builtIn = BUILT_IN_GROUPS.has(groupOf(manifest.apiVersion));
  if (!builtIn) return 6;
  if (manifest.kind === 'Namespace') return 0;
  if (manifest.kind === 'CustomResourceDefinition') return 1;
  if (CLUSTER_KINDS.has(manifest.kind)) return 2;
  if (WORKLOAD_KINDS.has(manifest.kind)) return 5;
  if (manifest.kind === 'Service') return 4;
  return 3;
}

/** Terraform meta-arguments: not attributes of the resource. */
const META_ARGUMENTS = new Set(['//', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);

/** Helm release attributes that change how Terraform waits or upgrades, not what is rendered. */
const HELM_IGNORED = new Set([
  'atomic',
  'cleanup_on_fail',
  'description',
  'disable_crd_hooks',
  'disable_openapi_validation',
  'disable_webhooks',
  'force_update',
  'lint',
  'max_history',
  'recreate_pods',
  'render_subchart_notes',
  'replace',
  'reset_values',
  'reuse_values',
  'take_ownership',
  'timeout',
  'upgrade_install',
  'wait',
  'wait_for_jobs',
]);

const HELM_MAPPED = new Set(['name', 'namespace', 'chart', 'repository', 'version', 'values', 'create_namespace']);

/** Attributes of `kubernetes_manifest` that steer Terraform, not the object. */
const MANIFEST_IGNORED = new Set(['computed_fields', 'field_manager', 'wait', 'wait_for', 'timeouts']);

function render(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The provider alias a resource uses, checked against the provider its type belongs to. */
function clusterOf(config: JsonObject, providerName: string, problems: Problems): string {
  const provider = config.provider;
  if (provider === undefined || provider === null) return 'default';
  if (typeof provider === 'string') {
    const [name, alias] = provider.split('.');
    if (name === providerName) return alias ?? 'default';
  }
  problems.add('provider', `must be a ${providerName} provider`, provider, `use the ${providerName} provider of the cluster`);
  return 'default';
}

/** `depends_on` entries, as `type.name` addresses. */
function explicitDependencies(config: JsonObject, problems: Problems): string[] {
  const dependsOn = config.depends_on;
  if (dependsOn === undefined || dependsOn === null) return [];
  if (!Array.isArray(dependsOn)) {
    problems.add('depends_on', 'must be a list of addresses', dependsOn, 'write a list');
    return [];
  }
  return dependsOn.filter((d): d is string => typeof d === 'string').map((d) => d.split('.').slice(0, 2).join('.'));
}

/** Kahn's algorithm; among the ready items, the lowest rank, then the earliest, goes first. */
function dependencyOrder<T>(
  items: readonly T[],
  address: (t: T) => string,
  deps: (t: T) => readonly string[],
  rank: (t: T) => number,
): { ordered: T[]; cycle: string[] } {
  const byAddress = new Map(items.map((t) => [address(t), t]));
  const pending = new Map(items.map((t) => [address(t), new Set(deps(t).filter((d) => byAddress.has(d) && d !== address(t)))]));
  const ordered: T[] = [];
  const left = [...items];
  while (left.length > 0) {
    let best = -1;
    for (let i = 0; i < left.length; i++) {
      if (pending.get(address(left[i]))!.size > 0) continue;
      if (best < 0 || rank(left[i]) < rank(left[best])) best = i;
    }
    if (best < 0) return { ordered, cycle: left.map(address) };
    const [next] = left.splice(best, 1);
    ordered.push(next);
    for (const waiting of pending.values()) waiting.delete(address(next));
  }
  return { ordered, cycle: [] };
}

/**
 * Converts one synthesized stack for the rehearsal: one Kubernetes object per `kubernetes_*`
 * resource and per `kubernetes_manifest`, and one {@link HelmReleaseSpec} per `helm_release`,
 * with references resolved against the stack's own configuration.
 *
 * Throws a {@link StackConversionError} listing every problem: a `kubernetes_*` type without
 * a mapping, an attribute the mapping does not know, a reference it cannot resolve.
 *
 * @param stackJson the parsed Terraform JSON of the stack
 * @param stackName the stack's name, for messages
 */
export function stackObjects(stackJson: unknown, stackName: string): StackObjects {
  const lines: string[] = [];
  const report = (address: string, problems: readonly Problem[]) => {
    for (const p of problems) lines.push(`${stackName} ${address}${p.path ? ` ${p.path}` : ''}: ${p.problem}, got ${render(p.got)}; ${p.fix}`);
  };

  const resourceBlock = isObject(stackJson) ? stackJson.resource : undefined;
  if (!isObject(stackJson) || (resourceBlock !== undefined && !isObject(resourceBlock))) {
    throw new StackConversionError(stackName, [`${stackName}: is not synthesized Terraform JSON, got ${render(stackJson)}; pass JSON.parse of cdk.tf.json`]);
  }

  const configs = new Map<string, JsonObject>();
  for (const [type, byName] of Object.entries(resourceBlock ?? {})) {
    if (!isObject(byName)) continue;
    for (const [name, config] of Object.entries(byName)) if (isObject(config)) configs.set(`${type}.${name}`, config);
  }
  const resolver = new ReferenceResolver(configs);

  const manifests: StackObject[] = [];
  const helmReleases: HelmReleaseSpec[] = [];
  const ignored: string[] = [];

  for (const [address, config] of configs) {
    const type = address.slice(0, address.indexOf('.'));
    const problems = new Problems();
    const referenced = new Set<string>();
    for (const meta of ['count', 'for_each']) {
      if (config[meta] !== undefined)
        problems.add(meta, `is not supported by the rehearsal, which converts one object per resource`, config[meta], 'create one construct per object');
    }
    // Everything but the meta-arguments, with references resolved.
    const written = Object.fromEntries(Object.entries(config).filter(([k]) => !META_ARGUMENTS.has(k) && k !== 'count' && k !== 'for_each'));
    // Helm values and pool descriptors are files beside cdk.tf.json: the JSON must come with them inlined.
    const reads = fileReads(written);
    if (reads.length > 0) {
      for (const [at, file] of reads) {
        problems.add(
          at,
          `reads ${file} beside the stack, which this JSON does not hold`,
          `\${file("\${path.module}/${file}")}`,
          'pass synthesizedStack(stack) or readSynthesizedStack(file) from constructs/charts/stack-file.ts, which inline the files',
        );
      }
      report(address, problems.list);
      continue;
    }
    const attributes = resolver.resolveResource(address, written, problems, referenced);
    const explicit = explicitDependencies(config, problems);
    explicit.forEach((d, i) => {
      if (!configs.has(d) && !/^(data|module)\./.test(d))
        problems.add(`depends_on[${i}]`, 'names no resource of this stack (Terraform refuses it)', d, 'depend on a resource of the same stack');
    });
    const dependsOn = [...new Set([...explicit, ...referenced])];

    if (type === 'helm_release') {
      const release = helmRelease(address, attributes, clusterOf(config, 'helm', problems), dependsOn, problems);
      if (release) helmReleases.push(release);
    } else if (type === 'kubernetes_manifest') {
      const cluster = clusterOf(config, 'kubernetes', problems);
      const manifest = rawManifest(attributes, problems);
      if (manifest) manifests.push({ address, cluster, manifest, dependsOn });
    } else if (type.startsWith('kubernetes_')) {
      const mapping = KIND_MAPPINGS[type];
      if (!mapping) {
        problems.add(
          '',
          `resource type ${type} has no rehearsal mapping`,
          type,
          `add one in rehearsal/manifests/kinds.ts (mapped: ${Object.keys(KIND_MAPPINGS).sort().join(', ')}, kubernetes_manifest)`,
        );
      } else {
        const cluster = clusterOf(config, 'kubernetes', problems);
        const { metadata, ...rest } = convertBlock(mapping.fields, attributes, '', problems);
        mapping.finish?.(rest, problems);
        if (isObject(metadata) && typeof metadata.name === 'string') {
          const manifest: KubernetesObject = { apiVersion: mapping.apiVersion, kind: mapping.kind, metadata: { ...metadata, name: metadata.name }, ...rest };
          manifests.push({ address, cluster, manifest, dependsOn });
        } else {
          problems.add('metadata.name', 'is required by the rehearsal', isObject(metadata) ? metadata.name : undefined, 'set metadata.name');
        }
      }
    } else {
      ignored.push(address);
    }
    report(address, problems.list);
  }

  const objects = dependencyOrder(
    manifests,
    (m) => m.address,
    (m) => m.dependsOn,
    (m) => applyRank(m.manifest),
  );
  const releases = dependencyOrder(
    helmReleases,
    (r) => r.address,
    (r) => r.dependsOn,
    () => 0,
  );
  for (const cycle of [objects.cycle, releases.cycle]) {
    if (cycle.length > 0) lines.push(`${stackName}: the dependencies form a cycle, got ${cycle.join(', ')}; remove a depends_on between them`);
  }
  if (lines.length > 0) throw new StackConversionError(stackName, lines);
  return { stack: stackName, manifests: objects.ordered, helmReleases: releases.ordered, ignored };
}

/** Where a configuration reads a file of its stack folder (`file()`), as [attribute path, file]. */
function fileReads(value: unknown, at = ''): [string, string][] {
  const file = referencedFile(value);
  if (file !== undefined) return [[at, file]];
  if (Array.isArray(value)) return value.flatMap((v, i) => fileReads(v, `${at}[${i}]`));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => fileReads(v, at ? `${at}.${k}` : k));
  return [];
}

/** A `kubernetes_manifest`'s object, applied as it is written. */
function rawManifest(attributes: JsonObject, problems: Problems): KubernetesObject | undefined {
  for (const key of Object.keys(attributes)) {
    if (key !== 'manifest' && !MANIFEST_IGNORED.has(key)) {
      problems.add(
        key,
        'is not an attribute of kubernetes_manifest the rehearsal knows',
        attributes[key],
        `use manifest, or one of ${[...MANIFEST_IGNORED].join(', ')}`,
      );
    }
  }
  const manifest = attributes.manifest;
  if (!isObject(manifest)) {
    problems.add('manifest', 'must be an object', manifest, 'write the Kubernetes object');
    return undefined;
  }
  const { apiVersion, kind, metadata } = manifest;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !isObject(metadata) || typeof metadata.name !== 'string') {
    problems.add('manifest', 'must have apiVersion, kind and metadata.name', { apiVersion, kind, metadata }, 'set them');
    return undefined;
  }
  return { ...manifest, apiVersion, kind, metadata: { ...metadata, name: metadata.name } };
}

/** A `helm_release`'s chart, values and namespace. */
function helmRelease(address: string, attributes: JsonObject, cluster: string, dependsOn: string[], problems: Problems): HelmReleaseSpec | undefined {
  for (const [key, value] of Object.entries(attributes)) {
    if (HELM_MAPPED.has(key) || HELM_IGNORED.has(key)) continue;
    const unset = value === null || value === false || (Array.isArray(value) && value.length === 0);
    if (!unset) {
      problems.add(key, 'is a helm_release attribute the rehearsal does not render', value, 'put the setting in values, or map it in rehearsal/manifests.ts');
    }
  }
  const text = (key: string, required: boolean): string | undefined => {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') return value;
    if (value !== undefined && value !== null) problems.add(key, 'must be a string', value, 'write a string');
    else if (required) problems.add(key, 'is required', value, `set ${key}`);
    return undefined;
  };
  const name = text('name', true);
  const chart = text('chart', true);
  const values: string[] = [];
  const rawValues = attributes.values ?? [];
  if (Array.isArray(rawValues)) {
    rawValues.forEach((v, i) => {
      if (typeof v === 'string') values.push(v);
      else problems.add(`values[${i}]`, 'must be a YAML document', v, 'write a string');
    });
  } else problems.add('values', 'must be a list of YAML documents', rawValues, 'write a list of strings');
  const createNamespace = attributes.create_namespace;
  if (createNamespace !== undefined && createNamespace !== null && typeof createNamespace !== 'boolean') {
    problems.add('create_namespace', 'must be a bool', createNamespace, 'write true or false');
  }
  if (name === undefined || chart === undefined) return undefined;
  const repository = text('repository', false);
  const version = text('version', false);
  return {
    address,
    cluster,
    name,
    namespace: text('namespace', false) ?? 'default',
    chart,
    ...(repository !== undefined ? { repository } : {}),
    ...(version !== undefined ? { version } : {}),
    values,
    createNamespace: createNamespace === true,
    dependsOn,
  };
}
