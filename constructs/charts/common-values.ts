/**
 * Shapes shared by the typed chart values: Kubernetes objects that charts pass through
 * verbatim, and the usual image key forms.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
import type { JsonObject, JsonValue } from './json';

/**
 * `{ name }` reference to an image pull Secret (`LocalObjectReference`).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
export interface SecretRef {
  readonly name: string;
}

/** A pod toleration. @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/ */
export interface Toleration {
  /** Taint key; empty with operator Exists matches every taint. @default - every key */
  readonly key?: string;
  /** `Equal` or `Exists`. @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** Taint value for `Equal`. @default - empty */
  readonly value?: string;
  /** Taint effect to match. @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** How long a NoExecute taint is tolerated. @default - forever */
  readonly tolerationSeconds?: number;
}

/** Node selector labels. @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/ */
export type NodeSelector = Readonly<Record<string, string>>;

/** Container resources; extended resources such as `nvidia.com/gpu` are allowed. @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ */
export interface Resources {
  /** Upper bounds. @default - none */
  readonly limits?: Readonly<Record<string, string | number>>;
  /** Guaranteed amounts. @default - none */
  readonly requests?: Readonly<Record<string, string | number>>;
}

/** A container environment variable. @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/ */
export interface EnvVar {
  readonly name: string;
  /** Literal value. @default - none */
  readonly value?: string;
  /** Value from a Secret, ConfigMap or field. @default - none */
  readonly valueFrom?: JsonObject;
}

/**
 * Any Kubernetes object passed through verbatim (affinity, securityContext, probes …).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
export type KubernetesObject = JsonObject;

/**
 * Free-form value passed through verbatim.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
export type Passthrough = JsonValue;

/**
 * Image as one `repository` (with registry host) plus `tag` or `digest`.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
export interface ImageRef {
  /** Image reference without tag, e.g. `ghcr.io/org/name`. @default - the chart's */
  readonly repository?: string;
  /** Tag. @default - the chart's (often its appVersion) */
  readonly tag?: string | null;
  /** Digest; wins over the tag where the chart supports it. @default - none */
  readonly digest?: string | null;
}

/**
 * Image as one `repository` (with registry host), `tag` and `pullPolicy`.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/
 */
export interface RepositoryImage {
  /** Image reference without tag, e.g. `ghcr.io/org/name`. @default - the chart's */
  readonly repository?: string;
  /** Tag. @default - the chart's (often its appVersion) */
  readonly tag?: string | null;
  /** Pull policy. @default - the chart's */
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/**
 * Image as separate `registry` and `repository` (kube-prometheus-stack, grafana, argo).
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/
 */
export interface RegistryImage {
  /** Registry host (and path prefix). @default - the chart's */
  readonly registry?: string;
  /** Repository inside the registry. @default - the chart's */
  readonly repository?: string;
  /** Tag. @default - the chart's */
  readonly tag?: string;
}

/**
 * Image as `name` (with registry host) plus `tag` (JupyterHub).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
export interface NamedImage {
  /** Image reference without tag. @default - the chart's */
  readonly name?: string;
  /** Tag. @default - the chart's */
  readonly tag?: string;
  /** Pull policy. @default - the chart's */
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never' | null;
  /** Extra pull Secret names for this image. @default - none */
  readonly pullSecrets?: readonly (string | SecretRef)[];
}
