/**
 * The community-charts MLflow chart: its pin and its mirror specification.
 *
 * @see https://github.com/community-charts/helm-charts/blob/mlflow-1.11.5/charts/mlflow/values.yaml
 */
import { pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { MLFLOW_DEFAULT_IMAGES } from './default-images';

/**
 * The community-charts MLflow chart (`mlflow` 1.11.5): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/community-charts/helm-charts/blob/mlflow-1.11.5/charts/mlflow/values.yaml
 */
export const MLFLOW_CHART: ChartDefinition = {
  ref: {
    chart: 'mlflow',
    repository: 'https://community-charts.github.io/helm-charts',
    version: '1.11.5',
    namespace: 'mlflow',
    source: 'community-charts/helm-charts @ mlflow-1.11.5 (9d23d003453a) : charts/mlflow',
    kubeVersion: '>=1.16.0-0',
  },
  mirror: {
    images: [
      referenceImage('image.repository', 'burakince/mlflow'),
      referenceImage('initImages.dbchecker.repository', 'busybox'),
      referenceImage('initImages.mlflowDbMigration.repository', 'burakince/mlflow'),
      referenceImage('initImages.iniFileInitializer.repository', 'busybox'),
      referenceImage('oauth2Proxy.image.repository', 'quay.io/oauth2-proxy/oauth2-proxy'),
    ],
    pullSecrets: [pullSecretRefs('imagePullSecrets')],
    blockers: [
      {
        path: 'postgresql.enabled',
        reason: 'the Bitnami PostgreSQL sub-chart is not pinned here, so its images are not mirrored',
        fix: 'use an external database (backendStore.postgres)',
      },
      {
        path: 'mysql.enabled',
        reason: 'the Bitnami MySQL sub-chart is not pinned here, so its images are not mirrored',
        fix: 'use an external database (backendStore.postgres)',
      },
      {
        path: 'minio.enabled',
        reason: 'the MinIO sub-chart is not pinned here, so its images are not mirrored',
        fix: 'use an external S3 store (artifactRoot.s3)',
      },
    ],
    notMirrored: {
      'postgresql.image.repository': 'sub-chart disabled and blocked in mirrored installs',
      'mysql.image.repository': 'sub-chart disabled and blocked in mirrored installs',
    },
  },
  defaultImages: MLFLOW_DEFAULT_IMAGES,
};
