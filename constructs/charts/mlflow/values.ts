/**
 * Typed values of the community-charts MLflow chart (1.11.5, MLflow 3.15). The chart's schema
 * rejects unknown top-level keys.
 *
 * @see https://github.com/community-charts/helm-charts/blob/mlflow-1.11.5/charts/mlflow/values.yaml
 */
import type { NodeSelector, RepositoryImage, Resources, SecretRef, Toleration } from '../common-values';

/**
 * An init container image.
 *
 * @see https://github.com/community-charts/helm-charts/blob/mlflow-1.11.5/charts/mlflow/values.yaml
 */
export interface MlflowInitImage {
  /** @default - the chart's default */
  readonly repository?: string;
  /** @default - the chart's default */
  readonly tag?: string;
  /** @default - the chart's default */
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/**
 * Values of the `mlflow` chart that the project sets.
 *
 * @see https://community-charts.github.io/docs/charts/mlflow/usage
 */
export interface MlflowValues {
  /** @default - the chart's default */
  readonly image?: RepositoryImage;
  /** @default - the chart's default */
  readonly initImages?: { readonly dbchecker?: MlflowInitImage; readonly mlflowDbMigration?: MlflowInitImage; readonly iniFileInitializer?: MlflowInitImage };
  /** @default - none */
  readonly imagePullSecrets?: readonly SecretRef[];
  /** Tracking database. @default - in-memory SQLite */
  readonly backendStore?: {
    /** @default - the chart's default */
    readonly databaseMigration?: boolean;
    /** @default - the chart's default */
    readonly databaseConnectionCheck?: boolean;
    /** @default - the chart's default */
    readonly postgres?: {
      readonly enabled?: boolean;
      readonly host?: string;
      readonly port?: number;
      readonly database?: string;
      readonly user?: string;
      readonly password?: string;
    };
    /** Secret holding the database user and password. @default - none */
    readonly existingDatabaseSecret?: { readonly name?: string; readonly usernameKey?: string; readonly passwordKey?: string };
  };
  /** Artifact store. @default - local `./mlartifacts` */
  readonly artifactRoot?: {
    /** @default - the chart's default */
    readonly proxiedArtifactStorage?: boolean;
    /** @default - the chart's default */
    readonly s3?: {
      /** @default - the chart's default */
      readonly enabled?: boolean;
      /** @default - the chart's default */
      readonly bucket?: string;
      /** @default - the chart's default */
      readonly path?: string;
      /** @default - the chart's default */
      readonly awsAccessKeyId?: string;
      /** @default - the chart's default */
      readonly awsSecretAccessKey?: string;
      /** @default - the chart's default */
      readonly existingSecret?: { readonly name?: string; readonly keyOfAccessKeyId?: string; readonly keyOfSecretAccessKey?: string };
    };
  };
  /** Extra environment variables by name, e.g. `MLFLOW_S3_ENDPOINT_URL`. @default - none */
  readonly extraEnvVars?: Readonly<Record<string, string>>;
  /** @default - disabled */
  readonly serviceMonitor?: { readonly enabled?: boolean; readonly interval?: string };
  /** @default - disabled */
  readonly ingress?: { readonly enabled?: boolean; readonly className?: string };
  /** OAuth2 proxy in front of MLflow. @default - disabled */
  readonly oauth2Proxy?: { readonly enabled?: boolean; readonly image?: RepositoryImage };
  /** Bundled Bitnami PostgreSQL sub-chart. @default - disabled */
  readonly postgresql?: { readonly enabled?: boolean };
  /** Bundled Bitnami MySQL sub-chart. @default - disabled */
  readonly mysql?: { readonly enabled?: boolean };
  /** Bundled MinIO sub-chart. @default - disabled */
  readonly minio?: { readonly enabled?: boolean };
  /** @default - the chart's default */
  readonly resources?: Resources;
  /** @default - the chart's default */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
}
