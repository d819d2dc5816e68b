/**
 * Typed values of the Node Feature Discovery chart (0.19.0), also used for the NFD sub-charts
 * of the GPU, network and AMD GPU operators.
 *
 * @see https://kubernetes-sigs.github.io/node-feature-discovery/v0.19/deployment/helm.html
 */
import type { EnvVar, KubernetesObject, NodeSelector, Passthrough, RepositoryImage, Resources, SecretRef, Toleration } from '../common-values';

/**
 * Scheduling and runtime settings shared by the NFD components.
 *
 * @see https://kubernetes-sigs.github.io/node-feature-discovery/v0.19/deployment/helm.html
 */
export interface NfdComponent {
  /** Run the component. @default true (topologyUpdater: false) */
  readonly enable?: boolean;
  /** @default - none */
  readonly extraArgs?: readonly string[];
  /** @default - none */
  readonly extraEnvs?: readonly EnvVar[];
  /** @default - the chart's */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's */
  readonly tolerations?: readonly Toleration[];
  /** @default - the chart's */
  readonly affinity?: KubernetesObject;
  /** @default - the chart's */
  readonly resources?: Resources;
  /** @default - the chart's */
  readonly annotations?: Readonly<Record<string, string>>;
  /** @default - the chart's */
  readonly serviceAccount?: { readonly create?: boolean; readonly name?: string; readonly annotations?: Readonly<Record<string, string>> };
}

/**
 * Values of the `node-feature-discovery` chart that the project sets.
 *
 * @see https://github.com/kubernetes-sigs/node-feature-discovery/blob/v0.19.0/deployment/helm/node-feature-discovery/values.yaml
 */
export interface NfdValues {
  /** One image for every NFD component. @default - registry.k8s.io/nfd/node-feature-discovery */
  readonly image?: RepositoryImage;
  /** Pull Secrets for every component. @default - none */
  readonly imagePullSecrets?: readonly SecretRef[];
  /** Feature gates by name. @default - none */
  readonly featureGates?: Readonly<Record<string, boolean>>;
  /** @default '' */
  readonly priorityClassName?: string;
  /** nfd-master. @default - one replica */
  readonly master?: NfdComponent & {
    /** @default - the chart's default */
    readonly replicaCount?: number;
    /** Extra label namespaces nfd-master may publish. @default - none */
    readonly extraLabelNs?: readonly string[];
    /** nfd-master.conf, free-form. @default - none */
    readonly config?: Passthrough;
  };
  /** nfd-worker DaemonSet. @default - on every node */
  readonly worker?: NfdComponent & {
    /** nfd-worker.conf, free-form (e.g. `sources.pci.deviceClassWhitelist`). @default - none */
    readonly config?: Passthrough;
    /** @default - the chart's default */
    readonly priorityClassName?: string;
  };
  /** Garbage collector. @default - enabled */
  readonly gc?: NfdComponent & { readonly replicaCount?: number; readonly interval?: string };
  /** nfd-topology-updater. @default - disabled */
  readonly topologyUpdater?: NfdComponent;
  /** PodMonitor for Prometheus Operator. @default - disabled */
  readonly prometheus?: { readonly enable?: boolean; readonly scrapeInterval?: string; readonly labels?: Readonly<Record<string, string>> };
}
