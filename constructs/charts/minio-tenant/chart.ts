/**
 * The MinIO Tenant chart: its pin and its mirror specification.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
import { referenceImage, type ChartDefinition } from '../chart-definition';
import { MINIO_TENANT_DEFAULT_IMAGES } from './default-images';

/**
 * The MinIO Tenant chart (`tenant` 7.1.1): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
export const MINIO_TENANT_CHART: ChartDefinition = {
  ref: {
    chart: 'tenant',
    repository: 'https://operator.min.io',
    version: '7.1.1',
    namespace: 'minio',
    source: 'minio/operator @ v7.1.1 (6eee6a7caa70) : helm/tenant',
    kubeVersion: null,
  },
  mirror: {
    images: [referenceImage('tenant.image.repository', 'quay.io/minio/minio')],
    pullSecrets: [{ path: 'tenant.imagePullSecret', form: 'ref' }],
    blockers: [
      {
        path: 'tenant.kes',
        reason: "KES defaults to the operator's built-in Docker Hub image (minio/kes)",
        fix: 'set tenant.kes.image.repository to a mirrored image, or run without KES',
      },
    ],
    notMirrored: {},
  },
  defaultImages: MINIO_TENANT_DEFAULT_IMAGES,
};
