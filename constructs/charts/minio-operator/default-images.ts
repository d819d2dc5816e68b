/**
 * The images the MinIO operator chart (`operator` 7.1.1) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/operator/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the MinIO operator chart 7.1.1, as data.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/operator/values.yaml
 */
export const MINIO_OPERATOR_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['minio/operator @ v7.1.1 (6eee6a7caa70) : helm/operator/values.yaml'],
  values: {
    operator: {
      image: {
        repository: 'quay.io/minio/operator',
        tag: 'v7.1.1',
      },
    },
  },
  switches: [],
};
