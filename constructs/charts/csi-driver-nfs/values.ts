/**
 * Typed values of the NFS CSI driver chart (4.13.4). Sidecar image repositories are relative
 * to `image.baseRepo`; `image.nfs.repository` is absolute unless it starts with `/`.
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.13.4/csi-driver-nfs/values.yaml
 */
import type { RepositoryImage, SecretRef, Toleration } from '../common-values';

/**
 * A StorageClass the chart creates (`storageClass` and `storageClasses[]`, documented in comments).
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.13.4/csi-driver-nfs/values.yaml
 */
export interface NfsStorageClass {
  /** @default - the chart's default */
  readonly name?: string;
  /** @default - the chart's default */
  readonly annotations?: Readonly<Record<string, string>>;
  /** `server`, `share`, `subDir`, `mountPermissions` … @default - none */
  readonly parameters?: Readonly<Record<string, string>>;
  /** @default - the chart's default */
  readonly reclaimPolicy?: 'Delete' | 'Retain';
  /** @default - the chart's default */
  readonly volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  /** @default - the chart's default */
  readonly mountOptions?: readonly string[];
}

/**
 * Values of the `csi-driver-nfs` chart that the project sets.
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/tree/master/charts
 */
export interface CsiDriverNfsValues {
  /** @default - the chart's default */
  readonly image?: {
    /** Registry prefixed to the sidecar repositories. @default 'registry.k8s.io' */
    readonly baseRepo?: string;
    /** @default - the chart's default */
    readonly nfs?: RepositoryImage;
    /** @default - the chart's default */
    readonly csiProvisioner?: RepositoryImage;
    /** @default - the chart's default */
    readonly csiResizer?: RepositoryImage;
    /** @default - the chart's default */
    readonly csiSnapshotter?: RepositoryImage;
    /** @default - the chart's default */
    readonly livenessProbe?: RepositoryImage;
    /** @default - the chart's default */
    readonly nodeDriverRegistrar?: RepositoryImage;
    /** @default - the chart's default */
    readonly externalSnapshotter?: RepositoryImage;
  };
  /** @default - none */
  readonly imagePullSecrets?: readonly SecretRef[];
  /** One StorageClass. @default - not created */
  readonly storageClass?: NfsStorageClass & { readonly create?: boolean };
  /** Several StorageClasses. @default - none */
  readonly storageClasses?: readonly NfsStorageClass[];
  /** @default 1 */
  readonly controller?: { readonly replicas?: number; readonly runOnControlPlane?: boolean };
  /** The node plugin DaemonSet (`csi-nfs-node`), which mounts volumes on every node. @default - tolerates every taint */
  readonly node?: { readonly tolerations?: readonly Toleration[] };
  /** @default 'nfs.csi.k8s.io' */
  readonly driver?: { readonly name?: string; readonly mountPermissions?: number };
  /** @default '/var/lib/kubelet' */
  readonly kubeletDir?: string;
  /** Snapshot controller. @default - disabled */
  readonly externalSnapshotter?: { readonly enabled?: boolean };
}
