/**
 * Typed values of the MinIO Operator chart (chart name `operator`, 7.1.1).
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/operator/values.yaml
 */
import type { EnvVar, NodeSelector, RepositoryImage, Resources, SecretRef, Toleration } from '../common-values';

/**
 * Values of the MinIO `operator` chart that the project sets.
 *
 * @see https://min.io/docs/minio/kubernetes/upstream/operations/install-deploy-manage/deploy-operator-helm.html
 */
export interface MinioOperatorValues {
  /** @default - the chart's default */
  readonly operator?: {
    /** @default - the chart's default */
    readonly image?: RepositoryImage;
    /** Sidecar image injected into tenant pods; without it the operator uses its built-in quay.io default. @default - quay.io/minio/operator-sidecar:v7.0.1 */
    readonly sidecarImage?: RepositoryImage;
    /** Only one element is supported. @default - none */
    readonly imagePullSecrets?: readonly SecretRef[];
    /** @default 2 */
    readonly replicaCount?: number;
    /** @default - the chart's default */
    readonly env?: readonly EnvVar[];
    /** @default - the chart's default */
    readonly resources?: Resources;
    /** @default - the chart's default */
    readonly nodeSelector?: NodeSelector;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
  };
}
