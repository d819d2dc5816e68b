/**
 * Storage tiers and data labs of a site, for the two stacks: {@link addStoragePlatform} adds
 * the operators and CRDs to the platform stack, {@link addStorageWorkloads} the Ceph
 * clusters, tiers (StorageClasses, MinIO tenants, buckets) and data labs to the workloads
 * stack. Spec fields are mapped to construct props here, explicitly.
 */
import type { Construct } from 'constructs';
import { ArgoWorkflowsCrds } from '../constructs/labs/argo-workflows-crds';
import { CephCluster } from '../constructs/storage/ceph-cluster';
import type { ClusterTarget } from '../constructs/core/cluster-target';
import { DataLab } from '../constructs/labs/data-lab';
import type { GpuNodePool } from '../constructs/gpu/gpu-node-pool';
import { MONITORING_NAMESPACE, type Observability } from '../constructs/observability/observability';
import type { RegistryMirror } from '../constructs/charts/pinned-chart';
import { StorageOperators } from '../constructs/storage/storage-operators';
import { StorageTier, type StorageTierBackend } from '../constructs/storage/storage-tier';
import type { Tenant, TenantGroups } from '../constructs/tenancy/tenant';
import { clusterSuffix } from './site-stack';
import { labVolumeTier, tierClusters } from '../site-model/rules';
import type { DataLabSpec, SiteSpec, StorageTierSpec } from '../site-model/schema';

/**
 * What the platform stack installed for storage and labs in one cluster.
 * @see ../constructs/storage-operators.ts
 */
export interface StoragePlatformCluster {
  /** csi-driver-nfs, Rook and MinIO operators, when a tier of the cluster needs them. */
  readonly operators?: StorageOperators;
  /** The Argo Workflows CRDs, when the cluster hosts data labs. */
  readonly argoCrds?: ArgoWorkflowsCrds;
}

/**
 * Storage platform per cluster name.
 * @see addStoragePlatform
 */
export type StoragePlatform = Readonly<Record<string, StoragePlatformCluster>>;

/**
 * What the workloads stack holds for storage and labs.
 * @see addStorageWorkloads
 */
export interface StorageWorkloads {
  /** Tiers per cluster name, then tier name. */
  readonly tiers: Readonly<Record<string, Readonly<Record<string, StorageTier>>>>;
  /** Ceph clusters per cluster name, where a tier uses rook-ceph. */
  readonly ceph: Readonly<Record<string, CephCluster>>;
  /** Data labs by name. */
  readonly labs: Readonly<Record<string, DataLab>>;
}

const clusterNames = (spec: SiteSpec) => Object.keys(spec.clusters);
const suffixOf = (targets: readonly ClusterTarget[], target: ClusterTarget) => clusterSuffix(targets.length, target.name);

/** Tiers served in cluster `cluster`. */
function tiersIn(spec: SiteSpec, cluster: string): [string, StorageTierSpec][] {
  return Object.entries(spec.storageTiers).filter(([, tier]) => tierClusters(tier, clusterNames(spec)).includes(cluster));
}

/** Cluster of a lab: the cluster of its pools. */
function labCluster(spec: SiteSpec, lab: DataLabSpec): string {
  return spec.gpuPools[lab.pools[0]].cluster ?? clusterNames(spec)[0];
}

/**
 * Adds the storage operators (csi-driver-nfs, Rook, MinIO) each cluster's tiers need, and the
 * Argo Workflows CRDs where data labs run, to the platform stack.
 *
 * @param scope the platform stack
 * @param targets the stack's providers per cluster
 * @param mirror the site's registry mirror
 * @param observability monitoring per cluster: the operators' ServiceMonitors need its CRDs
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/operator-chart/
 */
export function addStoragePlatform(
  scope: Construct,
  spec: SiteSpec,
  targets: readonly ClusterTarget[],
  mirror?: RegistryMirror,
  observability: Readonly<Record<string, Observability>> = {},
): StoragePlatform {
  const result: Record<string, StoragePlatformCluster> = {};
  for (const target of targets) {
    const suffix = suffixOf(targets, target);
    const backends = new Set(tiersIn(spec, target.name).map(([, tier]) => tier.backend.type));
    const monitoring = observability[target.name]?.chart.release;
    const after = monitoring ? [monitoring] : [];
    const operators =
      backends.has('nfs') || backends.has('rook-ceph') || backends.has('minio')
        ? new StorageOperators(scope, `StorageOperators${suffix}`, {
            target,
            siteId: spec.id,
            nfs: backends.has('nfs'),
            rookCeph: backends.has('rook-ceph'),
            minio: backends.has('minio'),
            mirror,
            serviceMonitors: monitoring !== undefined,
            dependsOn: after,
          })
        : undefined;
    const hostsLabs = Object.values(spec.dataLabs).some((lab) => labCluster(spec, lab) === target.name);
    const argoCrds = hostsLabs ? new ArgoWorkflowsCrds(scope, `ArgoWorkflowsCrds${suffix}`, { target, siteId: spec.id, mirror }) : undefined;
    result[target.name] = { operators, argoCrds };
  }
  return result;
}

/**
 * Adds the Ceph clusters, the storage tiers and the data labs to the workloads stack.
 *
 * @param scope the workloads stack
 * @param targets the stack's providers per cluster
 * @param pools the platform stack's GPU pools by name
 * @param tenants the workloads stack's tenants per cluster name, then tenant name
 * @param platform what {@link addStoragePlatform} returned
 * @param mirror the site's registry mirror
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/ceph-cluster-chart/
 */
export function addStorageWorkloads(
  scope: Construct,
  spec: SiteSpec,
  targets: readonly ClusterTarget[],
  pools: Readonly<Record<string, GpuNodePool>>,
  tenants: Readonly<Record<string, Readonly<Record<string, Tenant>>>>,
  platform: StoragePlatform,
  mirror?: RegistryMirror,
): StorageWorkloads {
  const ceph: Record<string, CephCluster> = {};
  const tiers: Record<string, Record<string, StorageTier>> = {};
  for (const target of targets) {
    const suffix = suffixOf(targets, target);
    const here = tiersIn(spec, target.name);
    if (here.some(([, tier]) => tier.backend.type === 'rook-ceph')) {
      ceph[target.name] = new CephCluster(scope, `CephCluster${suffix}`, {
        target,
        operatorNamespace: platform[target.name]?.operators?.rookNamespace,
        mirror,
      });
    }
    tiers[target.name] = Object.fromEntries(
      here.map(([name, tier]) => {
        const construct = new StorageTier(scope, targets.length > 1 ? `StorageTier-${target.name}-${name}` : `StorageTier-${name}`, {
          target,
          siteId: spec.id,
          tierName: name,
          role: tier.role,
          capacityTiB: tier.capacityTiB,
          backend: tierBackend(tier, ceph[target.name]),
          mirror,
        });
        return [name, construct];
      }),
    );
  }

  const identity = spec.identity;
  const labs = Object.fromEntries(
    Object.entries(spec.dataLabs).map(([name, lab]) => {
      const cluster = labCluster(spec, lab);
      const target = targets.find((t) => t.name === cluster);
      if (!target || identity.oidcIssuerUrl === undefined) {
        // The loader's rules reject both before any stack is built.
        throw new Error(`dataLabs.${name}: ${target ? 'identity.oidcIssuerUrl is not set' : `cluster ${cluster} has no providers`}; run the site through the loader first`);
      }
      const volumeTier = labVolumeTier(lab, spec.storageTiers);
      const construct = new DataLab(scope, `DataLab-${name}`, {
        target,
        siteId: spec.id,
        labName: name,
        tenants: lab.tenants.map((t) => tenants[cluster][t]),
        groups: mergeGroups(lab.tenants.map((t) => spec.tenants[t].oidcGroups)),
        groupPrefix: identity.oidcGroupPrefix,
        sector: lab.sector,
        sensitive: lab.sensitive,
        pools: lab.pools.map((p) => pools[p]),
        gpusPerNotebook: lab.gpusPerNotebook,
        gpusPerPool: lab.gpusPerPool,
        objectTier: tiers[cluster][lab.objectTier],
        volumeTier: volumeTier === undefined ? undefined : tiers[cluster][volumeTier],
        volumeQuotaTiB: lab.volumeQuotaTiB,
        oidc: {
          issuerUrl: identity.oidcIssuerUrl,
          authorizeUrl: identity.oidcEndpoints?.authorizeUrl,
          tokenUrl: identity.oidcEndpoints?.tokenUrl,
          userinfoUrl: identity.oidcEndpoints?.userinfoUrl,
          clientId: identity.notebookClient.clientId,
          clientSecret: { name: identity.notebookClient.secret.name, key: identity.notebookClient.secret.key },
          usernameClaim: identity.oidcUsernameClaim,
          groupsClaim: identity.oidcGroupsClaim,
          issuerCidrs: identity.oidcIssuerCidrs,
        },
        // Prometheus scrapes the lab's services.
        trustedSources: [MONITORING_NAMESPACE],
        mirror,
      });
      return [name, construct];
    }),
  );
  return { tiers, ceph, labs };
}

/** The construct backend of a tier's spec. */
function tierBackend(tier: StorageTierSpec, ceph: CephCluster | undefined): StorageTierBackend {
  const b = tier.backend;
  switch (b.type) {
    case 'csi':
      return { type: 'csi', provisioner: b.provisioner, parameters: b.parameters };
    case 'nfs':
      return { type: 'nfs', server: b.server, share: b.share };
    case 'minio':
      return { type: 'minio', servers: b.servers, volumesPerServer: b.volumesPerServer, volumeStorageClass: b.volumeStorageClass };
    case 'rook-ceph':
      if (!ceph) throw new Error('a rook-ceph tier needs the Ceph cluster of its cluster');
      return { type: 'rook-ceph', cluster: ceph, service: b.service };
  }
}

/** The union of several tenants' OIDC groups. */
function mergeGroups(groups: readonly TenantGroups[]): TenantGroups {
  const union = (pick: (g: TenantGroups) => readonly string[]) => [...new Set(groups.flatMap(pick))];
  return { admins: union((g) => g.admins), members: union((g) => g.members), viewers: union((g) => g.viewers) };
}
