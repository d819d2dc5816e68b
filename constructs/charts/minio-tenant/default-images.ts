/**
 * The images the MinIO tenant chart (`tenant` 7.1.1) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the MinIO tenant chart 7.1.1, as data.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
export const MINIO_TENANT_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['minio/operator @ v7.1.1 (6eee6a7caa70) : helm/tenant/values.yaml'],
  values: {
    tenant: {
      image: {
        repository: 'quay.io/minio/minio',
        tag: 'RELEASE.2025-04-08T15-41-24Z',
      },
    },
  },
  switches: [],
};
