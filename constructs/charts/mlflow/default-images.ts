/**
 * The images the MLflow chart (`mlflow` 1.11.5) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * The postgresql, mysql and minio sub-charts are disabled and blocked in mirrored installs;
 * their values are not pinned here.
 *
 * @see https://github.com/community-charts/helm-charts/blob/mlflow-1.11.5/charts/mlflow/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the MLflow chart 1.11.5, as data.
 *
 * @see https://github.com/community-charts/helm-charts/blob/mlflow-1.11.5/charts/mlflow/values.yaml
 */
export const MLFLOW_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['community-charts/helm-charts @ mlflow-1.11.5 (9d23d003453a) : charts/mlflow/values.yaml'],
  values: {
    image: {
      repository: 'burakince/mlflow',
      tag: '',
      digest: '',
    },
    initImages: {
      dbchecker: {
        repository: 'busybox',
        tag: '1.38.0',
      },
      mlflowDbMigration: {
        repository: 'burakince/mlflow',
        tag: '',
      },
      iniFileInitializer: {
        repository: 'busybox',
        tag: '1.38.0',
      },
    },
    oauth2Proxy: {
      image: {
        repository: 'quay.io/oauth2-proxy/oauth2-proxy',
        tag: 'v7.15.4',
      },
    },
  },
  switches: [],
};
