/**
 * Typed values of the MinIO Tenant chart (chart name `tenant`, 7.1.1).
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
import type { KubernetesObject, NodeSelector, RepositoryImage, Resources, SecretRef, Toleration } from '../common-values';

/**
 * A server pool.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
export interface MinioPool {
  readonly name: string;
  readonly servers: number;
  readonly volumesPerServer: number;
  /** Size of each volume, e.g. `10Ti`. */
  readonly size: string;
  /** Only documented in comments. @default - the cluster default StorageClass */
  readonly storageClassName?: string;
  /** @default - the chart's default */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
  /** @default - the chart's default */
  readonly affinity?: KubernetesObject;
  /** @default - the chart's default */
  readonly resources?: Resources;
}

/**
 * A bucket created with the tenant.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
export interface MinioBucket {
  readonly name: string;
  /** @default - the chart's default */
  readonly objectLock?: boolean;
  /** @default - the chart's default */
  readonly region?: string;
}

/**
 * Values of the MinIO `tenant` chart that the project sets.
 *
 * @see https://min.io/docs/minio/kubernetes/upstream/operations/install-deploy-manage/deploy-minio-tenant-helm.html
 */
export interface MinioTenantValues {
  /** @default - the chart's default */
  readonly tenant?: {
    /** Tenant name. @default 'myminio' */
    readonly name?: string;
    /** @default - the chart's default */
    readonly image?: RepositoryImage;
    /** @default - none */
    readonly imagePullSecret?: SecretRef;
    /** Root credentials Secret; with `existingSecret` the chart creates none. @default - a demo Secret */
    readonly configSecret?: { readonly name?: string; readonly accessKey?: string; readonly secretKey?: string; readonly existingSecret?: boolean };
    /** @default - the chart's default */
    readonly pools?: readonly MinioPool[];
    /** @default - the chart's default */
    readonly buckets?: readonly MinioBucket[];
    /** @default - self-signed certificate requested */
    readonly certificate?: { readonly requestAutoCert?: boolean; readonly externalCertSecret?: readonly KubernetesObject[] };
    /** Prometheus metrics endpoint. @default - disabled */
    readonly metrics?: { readonly enabled?: boolean; readonly port?: number; readonly protocol?: 'http' | 'https' };
    /** ServiceMonitor-style scraping by the Prometheus Operator. @default false */
    readonly prometheusOperator?: boolean;
  };
}
