import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CephCsiDriversValues } from '../charts/ceph-csi-drivers/values';
import type { Toleration } from '../charts/common-values';
import type { ClusterTarget } from '../core/cluster-target';
import { GpuNodePool } from '../gpu/gpu-node-pool';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import { systemNamespace } from '../core/system-namespace';

/**
 * CSI driver name of csi-driver-nfs: the provisioner of NFS StorageClasses.
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/docs/driver-parameters.md
 */
export const NFS_CSI_DRIVER = 'nfs.csi.k8s.io';
/**
 * Tolerations of the NFS node plugin: every taint, the chart's own default, written out so
 * that it is visible and tested. A pod on any node, pool nodes included, may mount an NFS
 * volume, so the plugin must run on every node whatever its taints.
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.13.4/csi-driver-nfs/values.yaml (`node.tolerations`)
 */
export const NFS_NODE_TOLERATIONS: readonly Toleration[] = [{ operator: 'Exists' }];
/**
 * Namespace of the Rook operator and of the Ceph cluster it runs.
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/operator-chart/
 */
export const ROOK_NAMESPACE = 'rook-ceph';
/**
 * The ceph-csi drivers, by their key in the ceph-csi-drivers chart.
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/values.yaml (`drivers`)
 */
export type CephCsiDriverKind = 'rbd' | 'cephfs' | 'nfs' | 'nvmeof';
/**
 * The ceph-csi drivers run for Rook, as Rook's recommended values have them: RBD (block tiers)
 * and CephFS (filesystem tiers) on, NFS and NVMe-oF off.
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/ceph-csi-drivers/values.yaml (`drivers.*.enabled`)
 */
export const ROOK_CEPH_CSI_DRIVERS: Readonly<Record<CephCsiDriverKind, boolean>> = { rbd: true, cephfs: true, nfs: false, nvmeof: false };
/**
 * The image-set ConfigMap the `rook-ceph` chart writes from its `csi.*` image values, in the
 * operator namespace; the ceph-csi operator takes the drivers' images from it.
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph/templates/configmap.yaml
 */
export const ROOK_CSI_IMAGE_SET = 'rook-csi-operator-image-set-configmap';

/**
 * The CSI driver name of a ceph-csi driver run for the Rook operator in `operatorNamespace`,
 * `<operatorNamespace>.<driver>.csi.ceph.com`: the provisioner of Rook's StorageClasses.
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/ceph-csi-drivers/values.yaml (`drivers.*.name`)
 */
export function cephCsiDriverName(operatorNamespace: string, driver: CephCsiDriverKind): string {
  return `${operatorNamespace}.${driver}.csi.ceph.com`;
}

/**
 * Values of the ceph-csi-drivers chart for the Rook operator in `operatorNamespace`: Rook's
 * recommended values (driver names prefixed with the operator namespace, Rook's image set,
 * critical priority classes), with every enabled driver's node plugin tolerating
 * `nodePluginTolerations` and two controller replicas.
 *
 * The chart writes each driver's node plugin tolerations and controller replicas into its
 * `Driver` even when left at the chart's defaults (`[]` and 1), and the operator falls back to
 * the `OperatorConfig` defaults only for unset fields, so both are set per driver. The
 * tolerations are also the defaults, for a `Driver` made outside the chart.
 *
 * @param operatorNamespace namespace of the Rook operator, where the chart is installed
 * @param nodePluginTolerations the cluster's node agent tolerations ({@link GpuNodePool.nodeAgentTolerations})
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/ceph-csi-drivers/values.yaml
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/internal/controller/driver_controller.go (`mergeDriverSpecs`)
 */
export function cephCsiDriversValues(operatorNamespace: string, nodePluginTolerations: readonly Toleration[]): CephCsiDriversValues {
  // Rook's recommended values (rook/rook @ v1.20.6 : deploy/charts/ceph-csi-drivers/values.yaml):
  // driver names, enabled drivers, the OperatorConfig's namespace, image set and priority classes.
  const driver = (kind: CephCsiDriverKind) => {
    const name = cephCsiDriverName(operatorNamespace, kind);
    if (!ROOK_CEPH_CSI_DRIVERS[kind]) return { enabled: false, name };
    return {
      enabled: true,
      name,
      // Per driver: the chart writes the driver's own list, `[]` by default, into its Driver
      // (ceph/ceph-csi-operator @ v1.0.4 : deploy/charts/ceph-csi-drivers/templates/driver.yaml),
      // and the operator fills in the defaults only where that list is nil
      // (ceph/ceph-csi-operator @ v1.0.4 : internal/controller/driver_controller.go, mergeDriverSpecs).
      nodePlugin: { tolerations: nodePluginTolerations },
      // Two controllers with leader election, so provisioning survives a node drain: the
      // operator's own default (ceph/ceph-csi-operator @ v1.0.4 : internal/controller/defaults.go,
      // defaultControllerPluginReplicas), where the chart writes 1 into every Driver.
      controllerPlugin: { replicas: 2 },
    };
  };
  return {
    operatorConfig: {
      namespace: operatorNamespace,
      driverSpecDefaults: {
        imageSet: { name: ROOK_CSI_IMAGE_SET },
        nodePlugin: { priorityClassName: 'system-node-critical', tolerations: nodePluginTolerations },
        controllerPlugin: { priorityClassName: 'system-cluster-critical' },
      },
    },
    drivers: { rbd: driver('rbd'), cephfs: driver('cephfs'), nfs: driver('nfs'), nvmeof: driver('nvmeof') },
  };
}

/**
 * Namespace of the MinIO operator.
 * @see https://min.io/docs/minio/kubernetes/upstream/operations/install-deploy-manage/deploy-operator-helm.html
 */
export const MINIO_OPERATOR_NAMESPACE = 'minio-operator';

/**
 * Props of {@link StorageOperators}.
 *
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/operator-chart/
 */
export interface StorageOperatorsProps {
  /** Cluster to install the operators in. */
  readonly target: ClusterTarget;
  /** Site id, for labels. */
  readonly siteId: string;
  /** Install csi-driver-nfs, for tiers on NFS exports. @default false */
  readonly nfs?: boolean;
  /** Install the Rook operator with its CRDs and the ceph-csi drivers, for tiers on Ceph. @default false */
  readonly rookCeph?: boolean;
  /**
   * The GPU pools of the cluster. The ceph-csi node plugins tolerate their taints
   * ({@link GpuNodePool.nodeAgentTolerations}), so that pods on pool nodes can mount Ceph volumes.
   * @default - no pools: the node plugins run on untainted nodes only
   */
  readonly pools?: readonly GpuNodePool[];
  /** Install the MinIO operator and its CRDs, for object tiers on MinIO. @default false */
  readonly minio?: boolean;
  /** Registry mirror for charts and images. @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /**
   * Create ServiceMonitors and Prometheus rules (needs the Prometheus Operator CRDs, so pass
   * the monitoring release in `dependsOn`).
   * @default true
   */
  readonly serviceMonitors?: boolean;
  /** What the operators wait for, e.g. the monitoring release with the ServiceMonitor CRD. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The storage operators of one cluster, for the platform layer: csi-driver-nfs (a CSI
 * driver, no CRDs; its node plugin tolerates every taint, pool taints included), the Rook
 * operator with the Ceph CRDs and the ceph-csi operator, then the ceph-csi drivers (the
 * `ceph-csi-drivers` chart, whose node plugins tolerate the taints of the cluster's `pools`),
 * and the MinIO operator with the Tenant CRD. The custom resources they serve (the Ceph
 * cluster, MinIO tenants, bucket claims) belong to the workloads layer, which is applied after
 * the CRDs exist. StorageClasses are made per tier by {@link StorageTier}, never by these charts.
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/operator-chart/
 * @see https://github.com/rook/rook/blob/v1.20.6/Documentation/Helm-Charts/csi-drivers-chart.md
 * @see https://min.io/docs/minio/kubernetes/upstream/operations/install-deploy-manage/deploy-operator-helm.html
 */
export class StorageOperators extends Construct {
  /** csi-driver-nfs, when installed. */
  readonly nfsDriver?: PinnedChart<'csi-driver-nfs'>;
  /** The Rook operator, when installed. */
  readonly rookOperator?: PinnedChart<'rook-ceph'>;
  /** The ceph-csi drivers (`OperatorConfig` and `Driver`s) for the Rook operator, when installed. */
  readonly cephCsiDrivers?: PinnedChart<'ceph-csi-drivers'>;
  /** The MinIO operator, when installed. */
  readonly minioOperator?: PinnedChart<'minio-operator'>;
  /** Namespace of the Rook operator, where the Ceph cluster must run too. */
  readonly rookNamespace: string = ROOK_NAMESPACE;
  /** Provisioner of NFS StorageClasses. */
  readonly nfsProvisioner: string = NFS_CSI_DRIVER;
  /** Cluster the operators run in. */
  readonly target: ClusterTarget;

  constructor(scope: Construct, id: string, props: StorageOperatorsProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!props.nfs && !props.rookCeph && !props.minio) {
      problems.push('nfs, rookCeph and minio are all false, got no operator to install; set at least one, or leave the construct out');
    }
    const elsewhere = (props.pools ?? []).filter((pool) => pool.target.name !== props.target.name);
    if (elsewhere.length > 0) {
      problems.push(
        `pools: must be pools of cluster ${props.target.name}, whose nodes the ceph-csi node plugins run on, got ${elsewhere.map((p) => `${p.poolName} (cluster ${p.target.name})`).join(', ')}; pass only the pools of this cluster`,
      );
    }
    if (problems.length > 0) throw new Error(`StorageOperators ${this.node.path}:\n  ${problems.join('\n  ')}`);
    this.target = props.target;
    const monitors = props.serviceMonitors ?? true;
    const after = props.dependsOn ?? [];

    if (props.nfs) {
      // kube-system exists on every cluster; the node plugin needs host mounts, which the
      // namespace allows without a Pod Security label.
      this.nfsDriver = new PinnedChart(this, 'CsiDriverNfs', {
        target: props.target,
        chart: 'csi-driver-nfs',
        createNamespace: false,
        mirror: props.mirror,
        dependsOn: after,
        values: {
          // Two controllers with leader election, so provisioning survives a node drain.
          controller: { replicas: 2 },
          node: { tolerations: NFS_NODE_TOLERATIONS },
          driver: { name: NFS_CSI_DRIVER },
          storageClass: { create: false },
        },
      });
    }

    if (props.rookCeph) {
      // The ceph-csi node plugins and OSDs mount host devices and paths. Since Rook v1.20 the
      // chart runs only the ceph-csi operator: the drivers and their node plugins (and so
      // their tolerations) come from the separate ceph-csi-drivers chart below.
      // See https://github.com/rook/rook/blob/v1.20.6/Documentation/Upgrade/rook-upgrade.md
      const ns = systemNamespace(this, 'RookNamespace', props.target, props.siteId, ROOK_NAMESPACE, 'privileged');
      this.rookOperator = new PinnedChart(this, 'RookOperator', {
        target: props.target,
        chart: 'rook-ceph',
        namespace: ROOK_NAMESPACE,
        createNamespace: false,
        mirror: props.mirror,
        dependsOn: [ns, ...after],
        values: {
          crds: { enabled: true },
          monitoring: { enabled: monitors },
          csi: { serviceMonitor: { enabled: monitors } },
        },
      });
      // After rook-ceph, in its namespace (Rook's order): rook-ceph brings the ceph-csi
      // operator, the CRDs of the OperatorConfig and Drivers this chart creates, and the image
      // set they name. Helm's wait covers only those custom resources; the operator makes the
      // DaemonSets.
      this.cephCsiDrivers = new PinnedChart(this, 'CephCsiDrivers', {
        target: props.target,
        chart: 'ceph-csi-drivers',
        namespace: ROOK_NAMESPACE,
        createNamespace: false,
        mirror: props.mirror,
        dependsOn: [ns, this.rookOperator.release],
        values: cephCsiDriversValues(ROOK_NAMESPACE, GpuNodePool.nodeAgentTolerations(props.pools ?? [])),
      });
    }

    if (props.minio) {
      // The operator's pods set seccomp, drop every capability and run as non-root.
      const ns = systemNamespace(this, 'MinioNamespace', props.target, props.siteId, MINIO_OPERATOR_NAMESPACE, 'restricted');
      this.minioOperator = new PinnedChart(this, 'MinioOperator', {
        target: props.target,
        chart: 'minio-operator',
        namespace: MINIO_OPERATOR_NAMESPACE,
        createNamespace: false,
        mirror: props.mirror,
        dependsOn: [ns, ...after],
        values: { operator: { replicaCount: 2 } },
      });
    }
  }
}
