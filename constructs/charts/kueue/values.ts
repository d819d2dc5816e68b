/**
 * Typed values of the Kueue chart (0.19.2). The whole Kueue Configuration is one YAML string
 * in `managerConfig.controllerManagerConfigYaml`.
 *
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/values.yaml
 */
import type { KubernetesObject, NodeSelector, RepositoryImage, Resources, SecretRef, Toleration } from '../common-values';

/**
 * A Kueue feature gate.
 *
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/values.yaml
 */
export interface KueueFeatureGate {
  readonly name: string;
  readonly enabled: boolean;
}

/**
 * A KueueViz Deployment.
 *
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/values.yaml
 */
export interface KueueVizComponent {
  /** @default - the chart's default */
  readonly image?: RepositoryImage;
  /** @default - the chart's default */
  readonly imagePullSecrets?: readonly SecretRef[];
  /** @default - the chart's default */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
}

/**
 * Values of the `kueue` chart that the project sets.
 *
 * @see https://kueue.sigs.k8s.io/docs/installation/#install-a-released-version
 */
export interface KueueValues {
  /** @default false */
  readonly enablePrometheus?: boolean;
  /** Webhook certificates from cert-manager instead of the internal rotator. @default false */
  readonly enableCertManager?: boolean;
  /** Deploy the KueueViz dashboard. @default false */
  readonly enableKueueViz?: boolean;
  /** @default - the chart's */
  readonly controllerManager?: {
    /** @default - none */
    readonly featureGates?: readonly KueueFeatureGate[];
    /** @default 1 */
    readonly replicas?: number;
    /** @default - the chart's default */
    readonly imagePullSecrets?: readonly SecretRef[];
    /** @default - the chart's default */
    readonly manager?: { readonly image?: RepositoryImage; readonly resources?: Resources; readonly priorityClassName?: string | null };
    /** @default - the chart's default */
    readonly nodeSelector?: NodeSelector;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
    /** @default - the chart's default */
    readonly podDisruptionBudget?: { readonly enabled?: boolean; readonly minAvailable?: number };
  };
  /** @default - the chart's Configuration */
  readonly managerConfig?: {
    /** The whole `config.kueue.x-k8s.io` Configuration, serialized as YAML. @default - the chart's */
    readonly controllerManagerConfigYaml?: string;
  };
  /**
   * ServiceMonitor settings; the ServiceMonitor itself is switched on by `enablePrometheus`.
   * @default - namespace `monitoring`, TLS verification skipped
   */
  readonly metrics?: { readonly prometheusNamespace?: string; readonly serviceMonitor?: { readonly tlsConfig?: KubernetesObject } };
  /** @default - the chart's */
  readonly kueueViz?: { readonly backend?: KueueVizComponent; readonly frontend?: KueueVizComponent };
}
