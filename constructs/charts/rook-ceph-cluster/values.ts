/**
 * Typed values of the `rook-ceph-cluster` chart (v1.20.6). `cephClusterSpec` is passed
 * verbatim to the CephCluster CR; the pool, filesystem and object store lists replace the
 * chart's defaults entirely when set.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph-cluster/values.yaml
 */
import type { KubernetesObject } from '../common-values';

/**
 * StorageClass created for a pool, filesystem or object store.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph-cluster/values.yaml
 */
export interface RookStorageClass {
  /** @default - the chart's default */
  readonly enabled?: boolean;
  /** @default - the chart's default */
  readonly name?: string;
  /** @default - the chart's default */
  readonly isDefault?: boolean;
  /** @default - the chart's default */
  readonly reclaimPolicy?: 'Delete' | 'Retain';
  /** @default - the chart's default */
  readonly allowVolumeExpansion?: boolean;
  /** @default - the chart's default */
  readonly volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  /** @default - the chart's default */
  readonly parameters?: Readonly<Record<string, string>>;
  /** @default - the chart's default */
  readonly mountOptions?: readonly string[];
}

/**
 * An entry of `cephBlockPools`, `cephFileSystems` or `cephObjectStores`.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph-cluster/values.yaml
 */
export interface RookPool<S = RookStorageClass> {
  readonly name: string;
  /** The CR spec, passed verbatim. */
  readonly spec: KubernetesObject;
  /** @default - the chart's */
  readonly storageClass?: S;
}

/**
 * Values of the `rook-ceph-cluster` chart that the project sets.
 *
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/ceph-cluster-chart/
 */
export interface RookCephClusterValues {
  /** Namespace of the Rook operator. @default 'rook-ceph' */
  readonly operatorNamespace?: string;
  /** Ceph daemon image. @default - quay.io/ceph/ceph (v20.2.4) */
  readonly cephImage?: { readonly repository?: string; readonly tag?: string; readonly allowUnsupported?: boolean; readonly imagePullPolicy?: string };
  /** Toolbox Deployment; its image defaults to `cephImage`. @default - disabled */
  readonly toolbox?: { readonly enabled?: boolean; readonly image?: string | null; readonly repository?: string | null; readonly tag?: string | null };
  /** ServiceMonitors and PrometheusRules. @default - disabled */
  readonly monitoring?: { readonly enabled?: boolean; readonly createPrometheusRules?: boolean };
  /** CephCluster spec (storage.useAllNodes / useAllDevices / nodes, mon.count …), passed verbatim. @default - the chart's */
  readonly cephClusterSpec?: KubernetesObject;
  /** @default - one replicated pool `ceph-blockpool` with default StorageClass `ceph-block` */
  readonly cephBlockPools?: readonly RookPool[];
  /** @default - one filesystem `ceph-filesystem` */
  readonly cephFileSystems?: readonly RookPool[];
  /** @default - one object store `ceph-objectstore` */
  readonly cephObjectStores?: readonly RookPool<Omit<RookStorageClass, 'isDefault' | 'allowVolumeExpansion' | 'mountOptions'>>[];
}
