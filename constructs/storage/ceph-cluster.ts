import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { toJsonObject, type JsonObject } from '../charts/json';
import type { KubernetesObject } from '../charts/common-values';
import type { ClusterTarget } from '../core/cluster-target';
import { DNS_LABEL_PATTERN, dnsLabel } from '../core/names';
import { renderValuesLazily } from '../charts/lazy-chart-values';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import { defaultMetadataServers } from './ceph-hardware';
import { cephCsiDriverName, ROOK_NAMESPACE } from './storage-operators';

/**
 * Where a StorageClass for a Ceph pool, filesystem or object store points.
 * @see https://rook.io/docs/rook/v1.20/Storage-Configuration/Block-Storage-RBD/block-storage/
 */
export interface CephStorageClassSource {
  /** CSI driver or bucket provisioner. */
  readonly provisioner: string;
  /** StorageClass parameters. */
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * An object store: its bucket provisioner and where clients reach it.
 * @see https://rook.io/docs/rook/v1.20/Storage-Configuration/Object-Storage-RGW/object-storage/
 */
export interface CephObjectStoreEndpoint extends CephStorageClassSource {
  /** S3 endpoint inside the cluster, e.g. `http://rook-ceph-rgw-aif-object.rook-ceph.svc:80`. */
  readonly url: string;
  /** Namespace of the gateway pods. */
  readonly namespace: string;
  /** Port the gateway pods listen on (what NetworkPolicies match). */
  readonly podPort: number;
}

/**
 * Props of {@link CephCluster}.
 *
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/ceph-cluster-chart/
 */
export interface CephClusterProps {
  /** Cluster to run Ceph in. */
  readonly target: ClusterTarget;
  /** Namespace of the Rook operator; the Ceph cluster runs there too. @default 'rook-ceph' */
  readonly operatorNamespace?: string;
  /** Registry mirror for the chart and the Ceph image. @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /**
   * CephCluster spec fields, merged over the chart's (`storage.nodes`, `mon.count` …).
   * @default - the chart's: three mons, every node and every empty device for OSDs
   */
  readonly clusterSpec?: KubernetesObject;
  /** Replicas of every replicated pool; erasure-coded object data uses 2+1. @default 3 */
  readonly replicas?: number;
  /** What replicas and erasure-coded chunks are spread over. @default 'host' */
  readonly failureDomain?: 'host' | 'rack' | 'zone';
  /**
   * Active metadata servers of each filesystem (each with a standby).
   * @default - one per 2,000 TiB of the filesystem ({@link defaultMetadataServers})
   */
  readonly metadataServers?: number;
  /** ServiceMonitors and Prometheus rules for Ceph (needs the Prometheus Operator CRDs). @default true */
  readonly monitoring?: boolean;
  /** What the release waits for. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

interface PoolEntry {
  readonly name: string;
  readonly spec: JsonObject;
  readonly storageClass: JsonObject;
  readonly ingress?: JsonObject;
  readonly route?: JsonObject;
}

/**
 * One Ceph cluster run by Rook (the `rook-ceph-cluster` chart, a custom-resource chart for
 * the workloads layer). Tiers add a block pool, a filesystem or an object store each with
 * {@link addBlockPool}, {@link addFilesystem} and {@link addObjectStore}; the lists are
 * rendered at synth time, so tiers added after construction count.
 *
 * The chart's `cephBlockPools`, `cephFileSystems` and `cephObjectStores` are lists, and a
 * list in the values replaces the chart's default list entirely: every entry is written in
 * full, and an empty list is written when no tier uses a service, so the chart's default
 * pools and its default StorageClass `ceph-block` never appear. The chart creates no
 * StorageClass; each tier creates its own, labelled with its role, so the policy pack sees it.
 *
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/ceph-cluster-chart/
 */
export class CephCluster extends Construct {
  /** The `rook-ceph-cluster` release. Its `values` omit the pool lists, which are rendered at synth. */
  readonly chart: PinnedChart<'rook-ceph-cluster'>;
  /** Namespace of the Ceph cluster (and the Rook operator). */
  readonly namespace: string;
  /** Cluster Ceph runs in. */
  readonly target: ClusterTarget;
  private readonly replicas: number;
  private readonly failureDomain: 'host' | 'rack' | 'zone';
  private readonly metadataServers?: number;
  private readonly blockPools: PoolEntry[] = [];
  private readonly filesystems: PoolEntry[] = [];
  private readonly objectStores: PoolEntry[] = [];

  constructor(scope: Construct, id: string, props: CephClusterProps) {
    super(scope, id);
    this.namespace = dnsLabel(props.operatorNamespace ?? ROOK_NAMESPACE);
    this.replicas = props.replicas ?? 3;
    if (!Number.isInteger(this.replicas) || this.replicas < 1 || this.replicas > 7) {
      throw new Error(`CephCluster ${this.node.path}: replicas must be a whole number from 1 to 7, got ${this.replicas}; use 3 for production`);
    }
    this.failureDomain = props.failureDomain ?? 'host';
    this.metadataServers = props.metadataServers;
    this.target = props.target;
    const monitoring = props.monitoring ?? true;
    this.chart = new PinnedChart(this, 'Chart', {
      target: props.target,
      chart: 'rook-ceph-cluster',
      namespace: this.namespace,
      createNamespace: false,
      mirror: props.mirror,
      dependsOn: props.dependsOn,
      // OSDs on fresh devices can take long to prepare on large nodes.
      timeoutSeconds: 1800,
      values: {
        operatorNamespace: this.namespace,
        monitoring: { enabled: monitoring, createPrometheusRules: monitoring },
        cephClusterSpec: props.clusterSpec,
        // Rendered at synth time from the tiers; see renderValuesLazily below.
        cephBlockPools: [],
        cephFileSystems: [],
        cephObjectStores: [],
      },
    });
    renderValuesLazily(this.chart, () =>
      toJsonObject({ cephBlockPools: this.blockPools, cephFileSystems: this.filesystems, cephObjectStores: this.objectStores }),
    );
  }

  /** Names of the block pools, filesystems and object stores added so far. */
  get services(): { readonly blockPools: string[]; readonly filesystems: string[]; readonly objectStores: string[] } {
    return {
      blockPools: this.blockPools.map((p) => p.name),
      filesystems: this.filesystems.map((p) => p.name),
      objectStores: this.objectStores.map((p) => p.name),
    };
  }

  /**
   * Adds a replicated RBD pool with a quota of `capacityTiB`.
   * @see https://rook.io/docs/rook/v1.20/CRDs/Block-Storage/ceph-block-pool-crd/
   */
  addBlockPool(name: string, capacityTiB: number): CephStorageClassSource {
    this.checkNew(name, capacityTiB);
    this.blockPools.push({
      name,
      spec: { failureDomain: this.failureDomain, replicated: { size: this.replicas }, quotas: { maxSize: quota(capacityTiB) } },
      storageClass: { ...disabledStorageClass(name), allowVolumeExpansion: true, mountOptions: [], parameters: {} },
    });
    return {
      // The RBD driver of the ceph-csi-drivers chart (StorageOperators).
      provisioner: cephCsiDriverName(this.namespace, 'rbd'),
      parameters: {
        clusterID: this.namespace,
        pool: name,
        imageFormat: '2',
        imageFeatures: 'layering',
        ...this.csiSecrets('rook-csi-rbd-provisioner', 'rook-csi-rbd-node'),
        'csi.storage.k8s.io/fstype': 'ext4',
      },
    };
  }

  /**
   * Adds a CephFS filesystem with one replicated data pool (`<name>-data0`) and a quota of
   * `capacityTiB` on it.
   * @see https://rook.io/docs/rook/v1.20/CRDs/Shared-Filesystem/ceph-filesystem-crd/
   */
  addFilesystem(name: string, capacityTiB: number): CephStorageClassSource {
    this.checkNew(name, capacityTiB);
    this.filesystems.push({
      name,
      spec: {
        metadataPool: { replicated: { size: this.replicas } },
        dataPools: [{ name: 'data0', failureDomain: this.failureDomain, replicated: { size: this.replicas }, quotas: { maxSize: quota(capacityTiB) } }],
        metadataServer: {
          activeCount: this.metadataServers ?? defaultMetadataServers(capacityTiB),
          activeStandby: true,
          resources: { limits: { memory: '4Gi' }, requests: { cpu: '1000m', memory: '4Gi' } },
          priorityClassName: 'system-cluster-critical',
        },
      },
      storageClass: { ...disabledStorageClass(name), pool: 'data0', allowVolumeExpansion: true, mountOptions: [], parameters: {} },
    });
    return {
      // The CephFS driver of the ceph-csi-drivers chart (StorageOperators).
      provisioner: cephCsiDriverName(this.namespace, 'cephfs'),
      parameters: {
        clusterID: this.namespace,
        fsName: name,
        pool: `${name}-data0`,
        ...this.csiSecrets('rook-csi-cephfs-provisioner', 'rook-csi-cephfs-node'),
      },
    };
  }

  /**
   * Adds an object store (RGW) with an erasure-coded 2+1 data pool holding `capacityTiB`.
   * Buckets are claimed with ObjectBucketClaims against a StorageClass using the returned
   * provisioner and parameters.
   * @see https://rook.io/docs/rook/v1.20/CRDs/Object-Storage/ceph-object-store-crd/
   */
  addObjectStore(name: string, capacityTiB: number): CephObjectStoreEndpoint {
    this.checkNew(name, capacityTiB);
    this.objectStores.push({
      name,
      spec: {
        metadataPool: { failureDomain: this.failureDomain, replicated: { size: this.replicas } },
        dataPool: {
          failureDomain: this.failureDomain,
          erasureCoded: { dataChunks: 2, codingChunks: 1 },
          parameters: { bulk: 'true' },
          quotas: { maxSize: quota(capacityTiB) },
        },
        preservePoolsOnDelete: true,
        gateway: {
          port: 80,
          resources: { limits: { memory: '2Gi' }, requests: { cpu: '1000m', memory: '1Gi' } },
          instances: 2,
          priorityClassName: 'system-cluster-critical',
        },
      },
      storageClass: { enabled: false, name, reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate', annotations: {}, labels: {}, parameters: {} },
      ingress: { enabled: false },
      route: { enabled: false },
    });
    return {
      provisioner: `${this.namespace}.ceph.rook.io/bucket`,
      parameters: { objectStoreName: name, objectStoreNamespace: this.namespace },
      url: `http://rook-ceph-rgw-${name}.${this.namespace}.svc:80`,
      namespace: this.namespace,
      // Rook runs the gateway unprivileged on 8080 behind service port 80.
      podPort: 8080,
    };
  }

  private checkNew(name: string, capacityTiB: number): void {
    const problems: string[] = [];
    if (!DNS_LABEL_PATTERN.test(name)) problems.push(`name must be a DNS-1123 label, got "${name}"`);
    const all = [...this.blockPools, ...this.filesystems, ...this.objectStores].map((p) => p.name);
    if (all.includes(name)) problems.push(`a pool, filesystem or object store named "${name}" already exists; give every tier its own name`);
    if (!(capacityTiB > 0)) problems.push(`capacityTiB must be positive, got ${capacityTiB}`);
    if (problems.length > 0) throw new Error(`CephCluster ${this.node.path}: ${problems.join('; ')}`);
  }

  private csiSecrets(provisioner: string, node: string): Record<string, string> {
    const ns = this.namespace;
    return {
      'csi.storage.k8s.io/provisioner-secret-name': provisioner,
      'csi.storage.k8s.io/provisioner-secret-namespace': ns,
      'csi.storage.k8s.io/controller-expand-secret-name': provisioner,
      'csi.storage.k8s.io/controller-expand-secret-namespace': ns,
      'csi.storage.k8s.io/node-stage-secret-name': node,
      'csi.storage.k8s.io/node-stage-secret-namespace': ns,
    };
  }
}

/** Pool quota in Ceph's size syntax, whole GiB. */
function quota(capacityTiB: number): string {
  return `${Math.ceil(capacityTiB * 1024)}Gi`;
}

/** A full storageClass entry, disabled: the tier creates the StorageClass itself. */
function disabledStorageClass(name: string): JsonObject {
  return { enabled: false, name, isDefault: false, reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate', annotations: {}, labels: {} };
}
