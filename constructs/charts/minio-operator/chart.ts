/**
 * The MinIO Operator chart: its pin and its mirror specification.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/operator/values.yaml
 */
import { pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { MINIO_OPERATOR_DEFAULT_IMAGES } from './default-images';

/**
 * The MinIO Operator chart (`operator` 7.1.1): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/operator/values.yaml
 */
export const MINIO_OPERATOR_CHART: ChartDefinition = {
  ref: {
    chart: 'operator',
    repository: 'https://operator.min.io',
    version: '7.1.1',
    namespace: 'minio-operator',
    source: 'minio/operator @ v7.1.1 (6eee6a7caa70) : helm/operator',
    kubeVersion: null,
  },
  mirror: {
    images: [
      referenceImage('operator.image.repository', 'quay.io/minio/operator'),
      // Without operator.sidecarImage the operator injects its built-in quay.io sidecar into
      // tenant pods (pkg/resources/statefulsets/minio-sidecar.go at v7.1.1).
      {
        kind: 'reference',
        path: 'operator.sidecarImage.repository',
        upstream: 'quay.io/minio/operator-sidecar',
        defaults: { 'operator.sidecarImage.tag': 'v7.0.1' },
      },
    ],
    pullSecrets: [pullSecretRefs('operator.imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: MINIO_OPERATOR_DEFAULT_IMAGES,
};
