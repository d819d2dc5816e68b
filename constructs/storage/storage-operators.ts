import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Toleration } from '../charts/common-values';
import type { ClusterTarget } from '../core/cluster-target';
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
  /** Install the Rook operator and its CRDs, for tiers on Ceph. @default false */
  readonly rookCeph?: boolean;
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
 * operator with the Ceph CRDs and the ceph-csi operator, and the MinIO operator with the
 * Tenant CRD. The custom resources they serve (the Ceph cluster, MinIO tenants, bucket
 * claims) belong to the workloads layer, which is applied after the CRDs exist. StorageClasses are made per tier by {@link StorageTier}, never by these charts.
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/operator-chart/
 * @see https://min.io/docs/minio/kubernetes/upstream/operations/install-deploy-manage/deploy-operator-helm.html
 */
export class StorageOperators extends Construct {
  /** csi-driver-nfs, when installed. */
  readonly nfsDriver?: PinnedChart<'csi-driver-nfs'>;
  /** The Rook operator, when installed. */
  readonly rookOperator?: PinnedChart<'rook-ceph'>;
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
    if (!props.nfs && !props.rookCeph && !props.minio) {
      throw new Error(
        `StorageOperators ${this.node.path}: nfs, rookCeph and minio are all false, got no operator to install; set at least one, or leave the construct out`,
      );
    }
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
      // their tolerations) come from the separate ceph-csi-drivers chart.
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
