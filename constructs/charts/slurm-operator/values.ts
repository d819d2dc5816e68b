/**
 * Typed values of the Slinky `slurm-operator` chart (1.2.1). It needs cert-manager unless
 * `certManager.enabled` is false.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm-operator/values.yaml
 */
import type { ImageRef, KubernetesObject, NodeSelector, Resources, SecretRef, Toleration } from '../common-values';

/**
 * The operator or webhook Deployment.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm-operator/values.yaml
 */
export interface SlurmOperatorComponent {
  /** @default true */
  readonly enabled?: boolean;
  /** @default 1 */
  readonly replicas?: number;
  /** @default - the chart's default */
  readonly image?: ImageRef;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** @default - the chart's default */
  readonly resources?: Resources;
  /** @default - the chart's default */
  readonly affinity?: KubernetesObject;
  /** @default - the chart's default */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
}

/**
 * Values of the `slurm-operator` chart that the project sets.
 *
 * @see https://slinky.schedmd.com/projects/slurm-operator/en/release-1.2/
 */
export interface SlurmOperatorValues {
  /** Install the CRDs from the bundled sub-chart. @default false (install slurm-operator-crds first) */
  readonly crds?: { readonly enabled?: boolean };
  /** @default - none */
  readonly imagePullSecrets?: readonly SecretRef[];
  /** @default - the chart's default */
  readonly operator?: SlurmOperatorComponent & {
    /** Comma-separated namespaces the operator watches. @default '' (all) */
    readonly namespaces?: string;
  };
  /** @default - the chart's default */
  readonly webhook?: SlurmOperatorComponent & {
    /** Comma-separated namespaces the webhook watches. @default '' (all) */
    readonly namespaces?: string;
  };
  /** Node conditions propagated to Slurm nodes. @default - none */
  readonly propagatedNodeConditions?: readonly string[];
  /** Webhook certificates from cert-manager. @default - enabled */
  readonly certManager?: { readonly enabled?: boolean };
}
