import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Lazy, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CephCluster, CephStorageClassSource } from './ceph-cluster';
import { toJsonObject } from '../charts/json';
import type { ClusterTarget } from '../core/cluster-target';
import type { IsolatedNamespace } from '../tenancy/isolated-namespace';
import { LABEL_PREFIX, siteLabels, STORAGE_ROLE_LABEL } from '../core/labels';
import { DNS_LABEL_PATTERN, dnsLabel, isSiteName } from '../core/names';
import { storageQuantity } from '../core/quantities';
import { renderValuesLazily } from '../charts/lazy-chart-values';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import { NFS_CSI_DRIVER } from './storage-operators';
import { systemNamespace } from '../core/system-namespace';
import { deployedImages } from '../charts/deployed-images';
import { minioQuotaJob, type MinioBucketQuota } from './minio-quotas';

/**
 * What a tier is for; the role sets the reclaim policy and whether volumes or buckets are served.
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming
 */
export type StorageRole = 'scratch' | 'project' | 'home' | 'object' | 'archive';

/**
 * Label carrying the tier name on a tier's StorageClass and bucket claims.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
 */
export const STORAGE_TIER_LABEL = `${LABEL_PREFIX}/storage-tier`;

/**
 * Reclaim policy of a role: scratch volumes go with their claims; project, home and archive
 * data, and object buckets, outlive them (AIF-STO-1 checks project and home).
 *
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming
 */
export function reclaimPolicyFor(role: StorageRole): 'Delete' | 'Retain' {
  return role === 'scratch' ? 'Delete' : 'Retain';
}

/**
 * Where a tier's storage comes from.
 * - `csi`: a CSI driver the site already runs (Lustre, GPFS, WEKA, VAST …).
 * - `nfs`: an NFS export, through csi-driver-nfs ({@link StorageOperators} `nfs`).
 * - `rook-ceph`: a block pool, filesystem or object store of a {@link CephCluster}.
 * - `minio`: a MinIO tenant of its own, run by the MinIO operator ({@link StorageOperators} `minio`).
 *
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
 */
export type StorageTierBackend =
  | {
      readonly type: 'csi';
      /** CSI driver name, e.g. `spectrumscale.csi.ibm.com`. */
      readonly provisioner: string;
      /** StorageClass parameters of that driver. @default - none */
      readonly parameters?: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'nfs';
      /** NFS server host name or address. */
      readonly server: string;
      /** Exported path; every volume is a sub-directory of it. */
      readonly share: string;
    }
  | {
      readonly type: 'rook-ceph';
      /** The Ceph cluster of this tier's cluster. */
      readonly cluster: CephCluster;
      /** RBD, CephFS or RGW. */
      readonly service: 'block' | 'filesystem' | 'object';
    }
  | {
      readonly type: 'minio';
      /** MinIO server pods. */
      readonly servers: number;
      /** Volumes per server pod. */
      readonly volumesPerServer: number;
      /** StorageClass of the server volumes. @default - the cluster's default StorageClass */
      readonly volumeStorageClass?: string;
      /**
       * Existing Secret in the tier's namespace with the root credentials (key `config.env`:
       * `export MINIO_ROOT_USER=…` and `export MINIO_ROOT_PASSWORD=…`). The chart's demo
       * credentials are never used.
       * @default 'minio-root'
       */
      readonly rootCredentialsSecret?: string;
      /**
       * Existing Secret, in every namespace granted a bucket, with keys `AWS_ACCESS_KEY_ID` and
       * `AWS_SECRET_ACCESS_KEY` of a MinIO user allowed on that namespace's buckets.
       * @default 'object-credentials'
       */
      readonly bucketCredentialsSecret?: string;
    };

/**
 * Where an object store is reached from pods, for NetworkPolicies and clients.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export interface ObjectEndpoint {
  /** S3 endpoint URL inside the cluster. */
  readonly url: string;
  /** Namespace of the service's pods. */
  readonly namespace: string;
  /** Port the service's pods listen on (what NetworkPolicies match). */
  readonly podPort: number;
}

/**
 * A bucket granted to a namespace, with everything a client there needs.
 * @see https://github.com/kube-object-storage/lib-bucket-provisioner/blob/master/doc/design/object-bucket-lib.md
 */
export interface ObjectBucket {
  /** Bucket name in the object store. */
  readonly bucketName: string;
  /** Namespace the bucket was granted to. */
  readonly namespace: string;
  /** Secret in that namespace with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. */
  readonly credentialsSecret: string;
  /** S3 endpoint. */
  readonly endpoint: ObjectEndpoint;
  /** The ObjectBucketClaim, for Ceph tiers; MinIO buckets are made by the tenant chart. */
  readonly claim?: Manifest;
  /** The Job that sets the quotas of the tier's buckets, for a MinIO bucket with a quota: one per tier, for all its buckets' quotas ({@link minioQuotaJob}). */
  readonly quotaJob?: Manifest;
}

/**
 * Props of {@link StorageTier}.
 *
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
 */
export interface StorageTierProps {
  /** Cluster that gets the tier. */
  readonly target: ClusterTarget;
  /** Site id, for labels. */
  readonly siteId: string;
  /** Tier name; part of Kubernetes names. */
  readonly tierName: string;
  /** What the tier is for. */
  readonly role: StorageRole;
  /** Usable capacity, TiB (pool quotas for Ceph, volume sizes for MinIO). */
  readonly capacityTiB: number;
  /** Where the storage comes from. */
  readonly backend: StorageTierBackend;
  /**
   * StorageClass name, which tenant quotas name too.
   * @default `aif-<tierName>`
   */
  readonly storageClassName?: string;
  /**
   * Reclaim policy of released volumes (and of buckets).
   * @default - by role: Delete for scratch, Retain for everything else ({@link reclaimPolicyFor})
   */
  readonly reclaimPolicy?: 'Delete' | 'Retain';
  /** Mount options of the StorageClass. @default - `nfsvers=4.1` for NFS, none otherwise */
  readonly mountOptions?: readonly string[];
  /** Registry mirror for the MinIO tenant chart. @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /** What the tier's resources wait for. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/** StorageClass name of a tier: `aif-<tier>`; tenant quotas name the same class. */
export function tierStorageClassName(tierName: string): string {
  return `aif-${tierName}`;
}

/**
 * A storage tier of a site in one cluster. File and block tiers get a StorageClass named
 * `aif-<tier>` (the name tenant quotas use), labelled with its role so the policy pack
 * checks it, reclaiming by role and allowing volume expansion. Object tiers serve buckets:
 * a Ceph object store with a bucket StorageClass (reclaim Retain) for ObjectBucketClaims, or
 * a MinIO tenant of its own; {@link grantBucket} gives a namespace a bucket and opens the
 * network path to it.
 *
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
 * @see https://rook.io/docs/rook/v1.20/Storage-Configuration/Object-Storage-RGW/ceph-object-bucket-claim/
 */
export class StorageTier extends Construct {
  /** Tier name from the site file. */
  readonly tierName: string;
  /** What the tier is for. */
  readonly role: StorageRole;
  /** Usable capacity, TiB. */
  readonly capacityTiB: number;
  /** What the tier serves. */
  readonly kind: 'file' | 'block' | 'object';
  /** The StorageClass name (file, block and Ceph bucket tiers). */
  readonly storageClassName: string;
  /** The StorageClass, absent for MinIO tiers (which serve buckets through the tenant chart). */
  readonly storageClass?: StorageClassV1;
  /** Reclaim policy of the StorageClass. */
  readonly reclaimPolicy: 'Delete' | 'Retain';
  /** S3 endpoint, for object tiers. */
  readonly endpoint?: ObjectEndpoint;
  /** The MinIO tenant release, for MinIO tiers. Its `values` omit the bucket list, which is rendered at synth. */
  readonly minioTenant?: PinnedChart<'minio-tenant'>;
  /** Cluster of the tier. */
  readonly target: ClusterTarget;
  private readonly props: StorageTierProps;
  private readonly minioBuckets: string[] = [];
  private readonly minioQuotas: MinioBucketQuota[] = [];
  private quotaJob?: Manifest;
  /** The MinIO tenant's namespace, which the quota Job names directly in its dependencies. */
  private minioNamespace?: ITerraformDependable;
  private readonly after: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: StorageTierProps) {
    super(scope, id);
    const problems = validate(props);
    if (problems.length > 0) throw new Error(`StorageTier ${props.tierName} (${this.node.path}):\n  ${problems.join('\n  ')}`);

    this.props = props;
    this.target = props.target;
    this.tierName = props.tierName;
    this.role = props.role;
    this.capacityTiB = props.capacityTiB;
    this.storageClassName = dnsLabel(props.storageClassName ?? tierStorageClassName(props.tierName));
    this.reclaimPolicy = props.reclaimPolicy ?? reclaimPolicyFor(props.role);
    this.after = [...(props.dependsOn ?? [])];
    const backend = props.backend;
    this.kind = props.role === 'object' ? 'object' : backend.type === 'rook-ceph' && backend.service === 'block' ? 'block' : 'file';

    switch (backend.type) {
      case 'csi':
        this.storageClass = this.volumeClass(backend.provisioner, backend.parameters ?? {}, props.mountOptions);
        break;
      case 'nfs':
        this.storageClass = this.volumeClass(NFS_CSI_DRIVER, { server: backend.server, share: backend.share }, props.mountOptions ?? ['nfsvers=4.1']);
        break;
      case 'rook-ceph': {
        const ceph = backend.cluster;
        this.after.push(ceph.chart.release);
        if (backend.service === 'object') {
          const store = ceph.addObjectStore(`aif-${props.tierName}`, props.capacityTiB);
          this.endpoint = { url: store.url, namespace: store.namespace, podPort: store.podPort };
          this.storageClass = this.bucketClass(store);
        } else {
          const source =
            backend.service === 'block'
              ? ceph.addBlockPool(`aif-${props.tierName}`, props.capacityTiB)
              : ceph.addFilesystem(`aif-${props.tierName}`, props.capacityTiB);
          this.storageClass = this.volumeClass(source.provisioner, source.parameters, props.mountOptions);
        }
        break;
      }
      case 'minio': {
        const namespace = `minio-${props.tierName}`;
        // MinIO pods run as non-root with seccomp and no capabilities (the chart's defaults).
        const ns = systemNamespace(this, 'Namespace', props.target, props.siteId, namespace, 'restricted');
        this.minioNamespace = ns;
        this.minioTenant = new PinnedChart(this, 'Tenant', {
          target: props.target,
          chart: 'minio-tenant',
          releaseName: `minio-${props.tierName}`,
          namespace,
          createNamespace: false,
          mirror: props.mirror,
          dependsOn: [ns, ...this.after],
          values: {
            tenant: {
              name: dnsLabel(`aif-${props.tierName}`),
              configSecret: { name: backend.rootCredentialsSecret ?? 'minio-root', existingSecret: true },
              pools: [
                {
                  name: 'pool-0',
                  servers: backend.servers,
                  volumesPerServer: backend.volumesPerServer,
                  size: `${minioVolumeGiB(props.capacityTiB, backend.servers, backend.volumesPerServer)}Gi`,
                  storageClassName: backend.volumeStorageClass,
                },
              ],
              // Plain HTTP inside the cluster: NetworkPolicies limit who reaches the pods, and
              // clients need no private CA.
              certificate: { requestAutoCert: false },
              metrics: { enabled: true },
              buckets: [],
            },
          },
        });
        renderValuesLazily(this.minioTenant, () => toJsonObject({ tenant: { buckets: this.minioBuckets.map((name) => ({ name })) } }));
        // The operator names the S3 service `minio`; the pods listen on 9000.
        this.endpoint = { url: `http://minio.${namespace}.svc:80`, namespace, podPort: 9000 };
        break;
      }
    }
  }

  /**
   * Gives `namespace` a bucket named `<namespace>-<name>` and lets the namespace reach the
   * object store. On Ceph an ObjectBucketClaim `name` in the namespace creates the bucket and
   * a Secret `name` with its own credentials; on MinIO the tenant chart creates the bucket and
   * the namespace uses the tier's bucket-credentials Secret. Buckets added after the tier was
   * created still reach the MinIO tenant, which renders its list at synth time.
   *
   * @param namespace the namespace that gets the bucket (e.g. a data lab's), in the tier's cluster
   * @param name bucket name inside the namespace, e.g. `landing`
   * @param options.quotaTiB the most the bucket may hold: on Ceph, the claim's `maxSize`, a
   *   quota RGW enforces on the bucket's user; on MinIO, a hard bucket quota that the tier's
   *   quota Job sets with `mc quota set` ({@link minioQuotaJob}). @default - no quota
   * @see https://rook.io/docs/rook/v1.20/Storage-Configuration/Object-Storage-RGW/ceph-object-bucket-claim/
   * @see https://min.io/docs/minio/linux/reference/minio-mc/mc-quota-set.html
   */
  grantBucket(namespace: IsolatedNamespace, name: string, options: { readonly quotaTiB?: number } = {}): ObjectBucket {
    const problems: string[] = [];
    if (this.kind !== 'object' || !this.endpoint)
      problems.push(`tier ${this.tierName} has role ${this.role} and serves volumes, not buckets; grant buckets on an object tier`);
    if (!DNS_LABEL_PATTERN.test(name)) problems.push(`bucket name must be a DNS-1123 label, got "${name}"`);
    const bucketName = `${namespace.name}-${name}`;
    if (bucketName.length > 63) problems.push(`bucket name ${bucketName} is longer than 63 characters; use a shorter name`);
    const id = `Bucket-${namespace.name}-${name}`;
    if (this.node.tryFindChild(id) || this.minioBuckets.includes(bucketName)) problems.push(`namespace ${namespace.name} already has a bucket named ${name}`);
    const quota = options.quotaTiB;
    if (quota !== undefined && !(quota > 0)) problems.push(`quotaTiB must be more than 0, got ${quota}`);
    if (problems.length > 0 || !this.endpoint)
      throw new Error(`StorageTier ${this.tierName}: grantBucket(${namespace.name}, ${name}):\n  ${problems.join('\n  ')}`);

    const endpoint = this.endpoint;
    // One policy per object-store namespace, whatever the number of buckets or tiers there.
    const egressId = `ToObjectStore-${endpoint.namespace}`;
    if (!namespace.node.tryFindChild(egressId)) namespace.allowEgressTo(egressId, endpoint.namespace, [endpoint.podPort]);

    if (this.props.backend.type === 'minio') {
      this.minioBuckets.push(bucketName);
      const credentialsSecret = this.props.backend.bucketCredentialsSecret ?? 'object-credentials';
      if (quota === undefined) return { bucketName, namespace: namespace.name, credentialsSecret, endpoint };
      this.minioQuotas.push({ bucket: bucketName, quotaTiB: quota });
      return { bucketName, namespace: namespace.name, credentialsSecret, endpoint, quotaJob: this.bucketQuotaJob() };
    }
    const claim = new Manifest(this, id, {
      provider: this.target.kubernetes,
      manifest: {
        apiVersion: 'objectbucket.io/v1alpha1',
        kind: 'ObjectBucketClaim',
        metadata: { name, namespace: namespace.name, labels: siteLabels(this.props.siteId, { [STORAGE_TIER_LABEL]: this.tierName }) },
        spec: {
          bucketName,
          storageClassName: this.storageClassName,
          // Rook parses maxSize as a quantity (plain bytes too) into the quota of the bucket's RGW user.
          ...(quota !== undefined ? { additionalConfig: { maxSize: storageQuantity(quota) } } : {}),
        },
      },
      dependsOn: [namespace.namespace, ...(this.storageClass ? [this.storageClass] : []), ...this.after],
    });
    return { bucketName, namespace: namespace.name, credentialsSecret: name, endpoint, claim };
  }

  /**
   * The Job that sets the hard quotas of the tier's MinIO buckets, made with the first bucket
   * that has a quota. Its manifest is rendered at synth, so quotas granted later reach it too.
   * It runs the tenant's own image (the same reference, mirrored or not, as the tenant chart
   * deploys), which ships `mc`, after the tenant release.
   */
  private bucketQuotaJob(): Manifest {
    const backend = this.props.backend;
    const tenant = this.minioTenant;
    const namespace = this.minioNamespace;
    if (backend.type !== 'minio' || !tenant || !namespace || !this.endpoint) throw new Error(`StorageTier ${this.tierName}: only MinIO tiers have a quota Job`);
    if (this.quotaJob) return this.quotaJob;
    const endpoint = this.endpoint;
    const image = deployedImages('minio-tenant', tenant.values).images.find((i) => i.path === 'tenant.image');
    if (!image?.tag && !image?.digest) throw new Error(`StorageTier ${this.tierName}: the MinIO tenant chart deploys no pinned tenant.image`);
    const reference = `${image.repository}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
    const produce = () =>
      minioQuotaJob({
        labels: this.labels(),
        namespace: endpoint.namespace,
        url: endpoint.url,
        rootCredentialsSecret: backend.rootCredentialsSecret ?? 'minio-root',
        image: reference,
        pullSecretName: this.props.mirror?.pullSecretName,
        quotas: this.minioQuotas,
      });
    this.quotaJob = new Manifest(this, 'BucketQuotas', {
      provider: this.target.kubernetes,
      manifest: Lazy.anyValue({ produce }),
      // The namespace directly too: Terraform orders by direct dependencies, and the rehearsal checks them.
      dependsOn: [namespace, tenant.release],
    });
    return this.quotaJob;
  }

  private labels(): Record<string, string> {
    return siteLabels(this.props.siteId, { [STORAGE_ROLE_LABEL]: this.role, [STORAGE_TIER_LABEL]: this.tierName });
  }

  private volumeClass(provisioner: string, parameters: Readonly<Record<string, string>>, mountOptions?: readonly string[]): StorageClassV1 {
    return new StorageClassV1(this, 'StorageClass', {
      provider: this.target.kubernetes,
      metadata: { name: this.storageClassName, labels: this.labels() },
      storageProvisioner: provisioner,
      parameters: Object.keys(parameters).length > 0 ? { ...parameters } : undefined,
      reclaimPolicy: this.reclaimPolicy,
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
      mountOptions: mountOptions && mountOptions.length > 0 ? [...mountOptions] : undefined,
      dependsOn: this.after.length > 0 ? this.after : undefined,
    });
  }

  private bucketClass(source: CephStorageClassSource): StorageClassV1 {
    return new StorageClassV1(this, 'StorageClass', {
      provider: this.target.kubernetes,
      metadata: { name: this.storageClassName, labels: this.labels() },
      storageProvisioner: source.provisioner,
      parameters: { ...source.parameters },
      // Deleting a claim must never delete the bucket and the data in it.
      reclaimPolicy: this.reclaimPolicy,
      volumeBindingMode: 'Immediate',
      dependsOn: this.after,
    });
  }
}

/**
 * Size of each MinIO volume so that the usable capacity after erasure coding reaches
 * `capacityTiB`. MinIO splits the drives into erasure sets of 2 to 16 drives (the largest
 * divisor of the drive count) and keeps EC:4 parity in sets of 8 or more, EC:3 in 6–7,
 * EC:2 in 4–5 and EC:1 in 2–3.
 *
 * @see https://min.io/docs/minio/linux/operations/concepts/erasure-coding.html
 */
export function minioVolumeGiB(capacityTiB: number, servers: number, volumesPerServer: number): number {
  const drives = servers * volumesPerServer;
  let setSize = 1;
  for (let n = Math.min(16, drives); n >= 2; n--) {
    if (drives % n === 0) {
      setSize = n;
      break;
    }
  }
  const parity = setSize >= 8 ? 4 : setSize >= 6 ? 3 : setSize >= 4 ? 2 : setSize >= 2 ? 1 : 0;
  const usableFraction = (setSize - parity) / setSize;
  return Math.ceil((capacityTiB * 1024) / drives / usableFraction);
}

/** Whether a backend serves buckets (MinIO, Ceph object storage) rather than volumes. */
export function servesBuckets(backend: { readonly type: string; readonly service?: string }): boolean {
  return backend.type === 'minio' || (backend.type === 'rook-ceph' && backend.service === 'object');
}

/** Whether a backend's service runs inside one Kubernetes cluster (Rook-Ceph, MinIO) rather than outside it. */
export function runsInCluster(backend: { readonly type: string }): boolean {
  return backend.type === 'rook-ceph' || backend.type === 'minio';
}

function validate(props: StorageTierProps): string[] {
  const problems: string[] = [];
  const b = props.backend;
  if (!isSiteName(props.tierName)) {
    problems.push(`tierName: must be lower-case letters, digits and "-", starting with a letter, at most 32 characters, got "${props.tierName}"`);
  }
  if (!(props.capacityTiB > 0)) problems.push(`capacityTiB: must be positive, got ${props.capacityTiB}; give the usable capacity in TiB`);
  if (props.role === 'object' && !servesBuckets(b)) {
    problems.push(
      `backend: role object needs a backend that serves buckets, got ${b.type}${b.type === 'rook-ceph' ? ` ${b.service}` : ''}; use rook-ceph with service object, or minio`,
    );
  }
  if (props.role !== 'object' && servesBuckets(b)) {
    problems.push(
      `role: a ${b.type === 'minio' ? 'minio' : 'rook-ceph object'} backend serves buckets only, got role ${props.role}; use role object, or a volume backend`,
    );
  }
  if (props.reclaimPolicy === 'Delete' && props.role !== 'scratch') {
    problems.push(`reclaimPolicy: only scratch may delete volumes with their claims, got Delete for role ${props.role}; leave it unset (Retain)`);
  }
  if (b.type === 'csi' && !/^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$/.test(b.provisioner)) {
    problems.push(`backend.provisioner: is not a CSI driver name, got "${b.provisioner}"; e.g. lustre.csi.hpe.com`);
  }
  if (b.type === 'nfs' && !b.share.startsWith('/')) problems.push(`backend.share: must be an absolute export path, got "${b.share}"; e.g. /export/home`);
  if (b.type === 'nfs' && b.server.trim() === '') problems.push('backend.server: is empty; give the NFS server host name');
  if (b.type === 'minio') {
    if (!Number.isInteger(b.servers) || b.servers < 1) problems.push(`backend.servers: must be a whole number >= 1, got ${b.servers}`);
    if (!Number.isInteger(b.volumesPerServer) || b.volumesPerServer < 1)
      problems.push(`backend.volumesPerServer: must be a whole number >= 1, got ${b.volumesPerServer}`);
    if (b.servers * b.volumesPerServer < 4) {
      problems.push(`backend: MinIO needs at least 4 volumes for erasure coding, got ${b.servers} x ${b.volumesPerServer}; add servers or volumes per server`);
    }
  }
  if (b.type === 'rook-ceph' && b.cluster.target.name !== props.target.name) {
    problems.push(
      `backend.cluster: the Ceph cluster runs in cluster ${b.cluster.target.name}, but the tier is for cluster ${props.target.name}; pass the Ceph cluster of the same cluster`,
    );
  }
  return problems;
}
