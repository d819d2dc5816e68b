/**
 * Typed values of the Ceph CSI drivers chart (`ceph-csi-drivers` 1.0.4): the ceph-csi
 * operator's defaults for every driver (`operatorConfig.driverSpecDefaults`, rendered into its
 * `OperatorConfig`) and each driver (`drivers.<driver>`, rendered into a `Driver`).
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/values.yaml
 */
import type { SecretRef, Toleration } from '../common-values';

/**
 * A driver's node plugin: the DaemonSet that mounts its volumes on every node.
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/templates/driver.yaml
 */
export interface CephCsiNodePlugin {
  /** @default - none */
  readonly priorityClassName?: string;
  /**
   * Tolerations of the node plugin pods. The chart writes each driver's list into its `Driver`,
   * the chart's empty default included, and the operator takes the defaults' list only for a
   * driver whose list is unset: a driver's own list is what its pods get.
   * @default []
   */
  readonly tolerations?: readonly Toleration[];
}

/**
 * A driver's controller plugin: the Deployment that provisions, attaches, resizes and
 * snapshots its volumes.
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/templates/driver.yaml
 */
export interface CephCsiControllerPlugin {
  /** Read from the templates only. @default - none */
  readonly priorityClassName?: string;
  /** @default 1 */
  readonly replicas?: number;
}

/**
 * Settings of the operator's defaults and of each driver alike.
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/values.yaml
 */
export interface CephCsiDriverSettings {
  /** ConfigMap of the drivers' images (keys `plugin`, `registrar`, `provisioner` …). @default - the operator's built-in images */
  readonly imageSet?: { readonly name?: string };
  /** @default - the chart's default */
  readonly nodePlugin?: CephCsiNodePlugin;
  /** @default - the chart's default */
  readonly controllerPlugin?: CephCsiControllerPlugin;
}

/**
 * One ceph-csi driver.
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/values.yaml
 */
export interface CephCsiDriver extends CephCsiDriverSettings {
  /** CSI driver name, the provisioner of StorageClasses; `<prefix>.<driver>.csi.ceph.com`. @default '<driver>.csi.ceph.com' */
  readonly name?: string;
  /** @default true */
  readonly enabled?: boolean;
}

/**
 * Values of the `ceph-csi-drivers` chart that the project sets.
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/docs/helm-charts/drivers-chart.md
 */
export interface CephCsiDriversValues {
  /** The operator's `OperatorConfig`. @default - created in the release namespace, named `ceph-csi-operator-config` */
  readonly operatorConfig?: {
    /** @default - the release namespace */
    readonly namespace?: string;
    /** Defaults for every driver. @default - the chart's default */
    readonly driverSpecDefaults?: CephCsiDriverSettings;
  };
  /** @default - all four drivers enabled, with the chart's names */
  readonly drivers?: {
    /** RADOS block devices. @default - enabled */
    readonly rbd?: CephCsiDriver;
    /** CephFS. @default - enabled */
    readonly cephfs?: CephCsiDriver;
    /** NFS exports of CephFS. @default - enabled */
    readonly nfs?: CephCsiDriver;
    /** NVMe-oF over RBD. @default - enabled */
    readonly nvmeof?: CephCsiDriver;
  };
  /** Added to the service account of every driver's controller and node plugin. @default - none */
  readonly imagePullSecrets?: readonly SecretRef[];
}
