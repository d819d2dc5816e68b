/**
 * Storage tiers and data labs of a site, for the two stacks: {@link addStoragePlatform} adds
 * the operators and CRDs to the platform stack, {@link addStorageWorkloads} the Ceph
 * clusters, tiers (StorageClasses, MinIO tenants, buckets) and data labs to the workloads
 * stack. Spec fields are mapped to construct props here, explicitly.
 */
import type { SiteStack } from './site-stack';
import { ArgoWorkflowsCrds } from '../constructs/labs/argo-workflows-crds';
import { CephCluster } from '../constructs/storage/ceph-cluster';
import { cephClusterSpec } from '../constructs/storage/ceph-hardware';
import { DataLab } from '../constructs/labs/data-lab';
import type { ApiServerEndpoints } from '../constructs/labs/lab-access';
import type { GpuNodePool } from '../constructs/gpu/gpu-node-pool';
import { MONITORING_NAMESPACE, type Observability } from '../constructs/observability/observability';
import { StorageOperators } from '../constructs/storage/storage-operators';
import { StorageTier, type ObjectBucket, type StorageTierBackend } from '../constructs/storage/storage-tier';
import type { Tenant, TenantGroups } from '../constructs/tenancy/tenant';
import type { SiteModel } from '../site-model/resolve';
import type { ApiServerSpec, StorageTierSpec } from '../site-model/schema';

/**
 * What the platform stack installed for storage and labs in one cluster.
 * @see ../constructs/storage-operators.ts
 */
export interface StoragePlatformCluster {
  /** csi-driver-nfs, the Rook operator with the ceph-csi drivers, and the MinIO operator, when a tier of the cluster needs them. */
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
 * The platform stack as the storage wiring reads it: its clusters and ids, and the GPU pools it
 * has made by name, whose taints the storage node agents (the ceph-csi node plugins) tolerate.
 * @see addStoragePlatform
 */
export type StoragePlatformScope = SiteStack & { readonly pools: Readonly<Record<string, GpuNodePool>> };

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
  /** Tenants' buckets per cluster name, then tenant name, then object tier name. */
  readonly tenantBuckets: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, ObjectBucket>>>>>>;
}

/**
 * Adds the storage operators (csi-driver-nfs, Rook with the ceph-csi drivers, MinIO) each
 * cluster's tiers need, and the Argo Workflows CRDs where data labs run, to the platform stack.
 *
 * @param scope the platform stack, with its GPU pools already made
 * @param site the resolved site
 * @param observability monitoring per cluster: the operators' ServiceMonitors need its CRDs
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/operator-chart/
 */
export function addStoragePlatform(scope: StoragePlatformScope, site: SiteModel, observability: Readonly<Record<string, Observability>> = {}): StoragePlatform {
  const { spec, mirror } = site;
  const result: Record<string, StoragePlatformCluster> = {};
  for (const cluster of site.clusters) {
    const target = scope.target(cluster.name);
    const pools = cluster.pools.map((name) => {
      const pool = scope.pools[name] as GpuNodePool | undefined;
      // The platform stack makes its pools first; a missing one is a wiring mistake, not a site's.
      if (!pool) throw new Error(`addStoragePlatform: pool ${name} of cluster ${cluster.name} is not made yet; make the GPU pools before the storage platform`);
      return pool;
    });
    const backends = new Set(cluster.tiers.map((tier) => site.tiers[tier].spec.backend.type));
    const monitoring = observability[target.name]?.chart.release;
    const after = monitoring ? [monitoring] : [];
    const operators =
      backends.has('nfs') || backends.has('rook-ceph') || backends.has('minio')
        ? new StorageOperators(scope, scope.clusterScopedId('StorageOperators', cluster.name), {
            target,
            siteId: spec.id,
            nfs: backends.has('nfs'),
            rookCeph: backends.has('rook-ceph'),
            // The ceph-csi node plugins must reach every pool node, where pods mount Ceph volumes.
            pools,
            minio: backends.has('minio'),
            mirror,
            serviceMonitors: monitoring !== undefined,
            dependsOn: after,
          })
        : undefined;
    const argoCrds =
      cluster.labs.length > 0
        ? new ArgoWorkflowsCrds(scope, scope.clusterScopedId('ArgoWorkflowsCrds', cluster.name), { target, siteId: spec.id, mirror })
        : undefined;
    result[target.name] = { operators, argoCrds };
  }
  return result;
}

/**
 * Adds the Ceph clusters, the storage tiers and the data labs to the workloads stack.
 *
 * @param scope the workloads stack
 * @param site the resolved site
 * @param pools the platform stack's GPU pools by name
 * @param tenants the workloads stack's tenants per cluster name, then tenant name
 * @param platform what {@link addStoragePlatform} returned
 * @see https://rook.io/docs/rook/v1.20/Helm-Charts/ceph-cluster-chart/
 */
export function addStorageWorkloads(
  scope: SiteStack,
  site: SiteModel,
  pools: Readonly<Record<string, GpuNodePool>>,
  tenants: Readonly<Record<string, Readonly<Record<string, Tenant>>>>,
  platform: StoragePlatform,
): StorageWorkloads {
  const { spec, mirror } = site;
  const ceph: Record<string, CephCluster> = {};
  const tiers: Record<string, Record<string, StorageTier>> = {};
  for (const cluster of site.clusters) {
    const target = scope.target(cluster.name);
    const here = cluster.tiers.map((name) => site.tiers[name]);
    if (here.some((tier) => tier.spec.backend.type === 'rook-ceph')) {
      // The rules require the cluster's Ceph hardware wherever a rook-ceph tier runs.
      const hw = spec.clusters[cluster.name].ceph;
      ceph[target.name] = new CephCluster(scope, scope.clusterScopedId('CephCluster', cluster.name), {
        target,
        operatorNamespace: platform[target.name]?.operators?.rookNamespace,
        mirror,
        ...(hw
          ? {
              clusterSpec: cephClusterSpec(hw),
              replicas: hw.replicas,
              failureDomain: hw.failureDomain,
              ...(hw.metadataServers !== undefined ? { metadataServers: hw.metadataServers } : {}),
            }
          : {}),
      });
    }
    tiers[target.name] = Object.fromEntries(
      here.map(({ name, spec: tier, storageClassName }) => {
        const construct = new StorageTier(scope, scope.clusterScopedId('StorageTier', cluster.name, name), {
          target,
          siteId: spec.id,
          tierName: name,
          storageClassName,
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
    Object.values(site.labs).map(({ name, spec: lab, cluster, volumeTier }) => {
      const target = scope.target(cluster);
      if (identity.oidcIssuerUrl === undefined) {
        // The loader's rules reject this before any stack is built.
        throw new Error(`dataLabs.${name}: identity.oidcIssuerUrl is not set; run the site through the loader first`);
      }
      const construct = new DataLab(scope, `DataLab-${name}`, {
        target,
        siteId: spec.id,
        labName: name,
        tenants: lab.tenants.map((t) => tenants[cluster][t]),
        groups: mergeGroups(lab.tenants.map((t) => spec.tenants[t].oidcGroups)),
        groupPrefix: identity.oidcGroupPrefix,
        sector: lab.sector,
        sensitive: lab.sensitive,
        workflowApiAccess: lab.workflowApiAccess,
        ...apiServerOf(spec.clusters[cluster].apiServer),
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
  // A tenant's object quota is a bucket on each object tier, of that size, enforced by the
  // object store (a Ceph bucket claim's maxSize), with its credentials in the tenant's namespace.
  const tenantBuckets: Record<string, Record<string, Record<string, ObjectBucket>>> = {};
  for (const cluster of site.clusters) {
    tenantBuckets[cluster.name] = {};
    for (const tenant of Object.values(site.tenants)) {
      const grants = Object.entries(tenant.spec.storageQuotaTiB)
        .filter(([tier, tib]) => tib > 0 && site.tiers[tier]?.spec.role === 'object' && tiers[cluster.name][tier] !== undefined)
        .map(([tier, tib]) => [tier, tiers[cluster.name][tier].grantBucket(tenants[cluster.name][tenant.name].namespace, tier, { quotaTiB: tib })] as const);
      if (grants.length > 0) tenantBuckets[cluster.name][tenant.name] = Object.fromEntries(grants);
    }
  }

  return { tiers, ceph, labs, tenantBuckets };
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

/** A cluster's stated API server endpoints in the form labs take: each address a CIDR (a bare address is a /32). */
function apiServerOf(api: ApiServerSpec | undefined): { apiServer?: ApiServerEndpoints } {
  if (!api) return {};
  return { apiServer: { cidrs: api.addresses.map((a) => (a.includes('/') ? a : `${a}/32`)), ports: [api.port] } };
}
