/**
 * Typed values of the Rook operator chart (`rook-ceph` v1.20.6). The CSI drivers are run by
 * the ceph-csi-operator sub-chart (1.0.4); `csi.*` sets the images it deploys.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph/values.yaml
 */
import type { NodeSelector, RepositoryImage, Resources, SecretRef, Toleration } from '../common-values';

/**
 * A CSI image.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph/values.yaml
 */
export interface RookCsiImage {
  /** @default - the chart's default */
  readonly repository?: string;
  /** @default - the chart's default */
  readonly tag?: string;
}

/**
 * Values of the `rook-ceph` chart that the project sets.
 *
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/operator-chart/
 */
export interface RookCephValues {
  /** @default - the chart's default */
  readonly image?: RepositoryImage;
  /** Install and upgrade the CRDs. Never disable after the first install. @default - enabled */
  readonly crds?: { readonly enabled?: boolean };
  /** @default - the chart's default */
  readonly resources?: Resources;
  /** @default - the chart's default */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
  /** Passed to every Rook service account. @default - none */
  readonly imagePullSecrets?: readonly SecretRef[] | null;
  /** @default - the chart's images, ceph-csi-operator installed */
  readonly csi?: {
    /** @default - the chart's default */
    readonly installCsiOperator?: boolean;
    /** @default - the chart's default */
    readonly cephcsi?: RookCsiImage;
    /** @default - the chart's default */
    readonly registrar?: RookCsiImage;
    /** @default - the chart's default */
    readonly provisioner?: RookCsiImage;
    /** @default - the chart's default */
    readonly snapshotter?: RookCsiImage;
    /** @default - the chart's default */
    readonly attacher?: RookCsiImage;
    /** @default - the chart's default */
    readonly resizer?: RookCsiImage;
    /** @default - the chart's default */
    readonly csiAddons?: RookCsiImage;
    /** @default - the chart's default */
    readonly serviceMonitor?: { readonly enabled?: boolean };
  };
  /** ceph-csi-operator sub-chart. @default - the chart's */
  readonly 'ceph-csi-operator'?: {
    /** @default - the chart's default */
    readonly imagePullSecrets?: readonly SecretRef[];
    /** @default - the chart's default */
    readonly controllerManager?: { readonly manager?: { readonly image?: RookCsiImage } };
  };
  /** @default false */
  readonly enableDiscoveryDaemon?: boolean;
  /** ServiceMonitors and RBAC for them. @default - disabled */
  readonly monitoring?: { readonly enabled?: boolean };
}
