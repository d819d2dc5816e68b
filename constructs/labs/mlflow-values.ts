/**
 * Helm values of a data lab's MLflow tracking server: runs in the lab database, artifacts
 * proxied to the lab's artifacts bucket.
 *
 * @see https://mlflow.org/docs/latest/self-hosting/
 */
import type { KubernetesObject } from '../charts/common-values';
import type { MlflowValues } from '../charts/values';
import type { ObjectBucket } from '../storage/storage-tier';
import type { LabDatabase } from './lab-database';
import { RESTRICTED_POD } from './pod-security';

/**
 * The mlflow chart keys a lab sets: the shared values type plus keys only the lab uses (real
 * keys of the pinned chart, checked by the chart-key tests).
 *
 * @see https://github.com/community-charts/helm-charts/blob/mlflow-1.11.5/charts/mlflow/values.yaml
 */
export type MlflowLabValues = MlflowValues & { readonly podSecurityContext?: KubernetesObject };

/**
 * What a lab's MLflow values are built from.
 *
 * @see https://mlflow.org/docs/latest/self-hosting/
 */
export interface MlflowLabValuesProps {
  /** PostgreSQL of the lab, which holds the `mlflow` database; its Secret has the credentials. */
  readonly database: LabDatabase;
  /** Bucket for run artifacts, under the `mlflow` prefix. */
  readonly artifacts: ObjectBucket;
}

/**
 * The lab's MLflow values: the backend store in the `mlflow` database of the lab database,
 * artifacts in the artifacts bucket behind the tracking server (clients never hold bucket
 * credentials), and a Pod Security `restricted` pod.
 *
 * @see https://mlflow.org/docs/latest/self-hosting/architecture/artifact-store/#proxied-artifact-storage
 */
export function labMlflowValues(props: MlflowLabValuesProps): MlflowLabValues {
  const { database, artifacts } = props;
  return {
    backendStore: {
      // MLflow creates its schema on first start. The migration init container stays off: its
      // security context is not set for Pod Security restricted; after an MLflow upgrade run
      // `mlflow db upgrade` once.
      databaseMigration: false,
      postgres: { enabled: true, host: database.host, port: database.port, database: 'mlflow' },
      existingDatabaseSecret: { name: database.credentialsSecret },
    },
    artifactRoot: {
      // Clients log artifacts through the tracking server and never hold bucket credentials.
      proxiedArtifactStorage: true,
      // The Secret of the artifacts bucket has the chart's default key names.
      s3: { enabled: true, bucket: artifacts.bucketName, path: 'mlflow', existingSecret: { name: artifacts.credentialsSecret } },
    },
    extraEnvVars: { MLFLOW_S3_ENDPOINT_URL: artifacts.endpoint.url },
    podSecurityContext: RESTRICTED_POD,
  };
}
