/**
 * The resolved site model: the one place where facts derived from a site file are computed.
 *
 * After loading, {@link resolveSite} turns a validated site file into a {@link SiteModel}:
 * every pool's cluster, units and capacity, every tier's and lab's clusters, each cluster's
 * Slurm input and rendering, and the names that reach Kubernetes. Stacks, storage wiring,
 * `render` and reports read the model; nothing downstream derives these facts again.
 *
 * The fact functions below are exported for the rules, which run before a model can exist
 * (on the parts of a file that are valid on their own) and must agree with it.
 */
import { ACCELERATORS, type AcceleratorModel } from '../constructs/gpu/accelerators';
import type { NodeOwner, NodeOwnership } from '../constructs/gpu/gpu-node-pool';
import { unitsPerGpu } from '../constructs/gpu/gpu-sharing';
import type { RegistryMirror } from '../constructs/charts/pinned-chart';
import { runsInCluster, tierStorageClassName } from '../constructs/storage/storage-tier';
import { BYTES_PER_GIB, bytesQuantity, storageBytes } from '../constructs/core/quantities';
import { renderSlurm, SlurmInputError } from '../constructs/scheduling/slurm/render';
import type { SlurmRendering } from '../constructs/scheduling/slurm/render';
import type { SlurmInputProblem, SlurmRenderInput } from '../constructs/scheduling/slurm/input';
import { fabricBlockNodes, placeInCells, splitAmounts, type CellPlacement, type CellPoolPart } from './cells';
import { SiteValidationError, type SiteProblem } from './problems';
import type { CellSpec, DataLabSpec, GpuPoolSpec, SiteSpec, StorageTierSpec, TenantSpec } from './schema';
import { slurmInputs } from './slurm-input';
import { SiteSource, type PathKey } from './source';

// ---------------------------------------------------------------------------------------
// Facts, one function each

/** Cluster of a pool: the one it names, else the site's only cluster; undefined when neither. */
export function poolCluster(pool: Pick<GpuPoolSpec, 'cluster'>, clusters: readonly string[]): string | undefined {
  if (pool.cluster !== undefined) return pool.cluster;
  return clusters.length === 1 ? clusters[0] : undefined;
}

/**
 * Units (GPUs, MIG instances or time-sliced replicas) one accelerator of the pool offers, or
 * the reason the pool's sharing does not fit its accelerator.
 */
export function poolUnitsPerAccelerator(pool: Pick<GpuPoolSpec, 'accelerator' | 'sharing'>): number | string {
  try {
    return unitsPerGpu(pool.accelerator, pool.sharing);
  } catch (e) {
    return (e as Error).message;
  }
}

/** Units a pool offers in total, or the reason its sharing does not fit its accelerator. */
export function poolUnits(pool: Pick<GpuPoolSpec, 'accelerator' | 'sharing' | 'nodes' | 'acceleratorsPerNode'>): number | string {
  const per = poolUnitsPerAccelerator(pool);
  return typeof per === 'string' ? per : pool.nodes * pool.acceleratorsPerNode * per;
}

/** What wants a pool's nodes, for {@link poolOwnership}. */
export interface PoolUses {
  /** Slurm partitions over the pool. */
  readonly partitions: readonly string[];
  /** What of Kubernetes would use it: `Kueue`, `data lab <name>`. */
  readonly kubernetes: readonly string[];
}

/**
 * Nodes of a pool by owner (issue 11: one scheduler owns each node), or why the file must
 * say: its `owner`, else Slurm when only partitions use the pool, else Kubernetes when no
 * partition does. A pool that both would use has no default, since either guess books its
 * GPUs twice or leaves one scheduler without nodes.
 */
export function poolOwnership(pool: Pick<GpuPoolSpec, 'nodes' | 'owner'>, uses: PoolUses): NodeOwnership | string {
  const owner = pool.owner;
  if (owner === 'slurm') return { slurm: pool.nodes, kubernetes: 0 };
  if (owner === 'kubernetes') return { slurm: 0, kubernetes: pool.nodes };
  if (owner !== undefined) {
    if (owner.slurm + owner.kubernetes !== pool.nodes) {
      return `its owners' nodes add up to ${owner.slurm + owner.kubernetes}, but the pool has ${pool.nodes}`;
    }
    return { slurm: owner.slurm, kubernetes: owner.kubernetes };
  }
  if (uses.partitions.length === 0) return { slurm: 0, kubernetes: pool.nodes };
  if (uses.kubernetes.length === 0) return { slurm: pool.nodes, kubernetes: 0 };
  return `both Slurm (partition ${uses.partitions.join(', ')}) and Kubernetes (${uses.kubernetes.join(', ')}) would use its nodes`;
}

/** What wants each pool of a (possibly partial) site file. */
export function poolUses(spec: Partial<Pick<SiteSpec, 'scheduler' | 'dataLabs'>>, pool: string): PoolUses {
  return {
    partitions: Object.entries(spec.scheduler?.slurm?.partitions ?? {})
      .filter(([, p]) => p.pools.includes(pool))
      .map(([n]) => n),
    kubernetes: [
      ...(spec.scheduler?.kueue ? ['Kueue'] : []),
      ...Object.entries(spec.dataLabs ?? {})
        .filter(([, l]) => l.pools.includes(pool))
        .map(([n]) => `data lab ${n}`),
    ],
  };
}

/** A guarantee and a maximum, in units of a pool. */
export interface QuotaAmounts {
  readonly guaranteed: number;
  readonly max: number;
}

/**
 * A tenant's quota on a pool, split between its owners in proportion to their nodes, so that
 * the two parts add up to the quota: Kubernetes' guarantee is rounded down (the tenants'
 * guarantees then never add up to more than Kubernetes' nodes) and its maximum to the
 * nearest unit; Slurm gets the rest of each. A pool one scheduler owns whole gives it all.
 */
export function splitQuota(quota: QuotaAmounts, ownership: NodeOwnership): Record<NodeOwner, QuotaAmounts> {
  const share = ownership.kubernetes / (ownership.slurm + ownership.kubernetes);
  const guaranteed = Math.floor(quota.guaranteed * share);
  const max = Math.max(guaranteed, Math.round(quota.max * share));
  return {
    kubernetes: { guaranteed, max },
    slurm: { guaranteed: quota.guaranteed - guaranteed, max: quota.max - max },
  };
}

/**
 * Clusters that get a tier: the one it names; else every cluster for external backends
 * (csi, nfs), and the only cluster for in-cluster backends (none when the site has several
 * and the tier names none, which the rules report).
 */
export function tierClusters(tier: Pick<StorageTierSpec, 'backend' | 'cluster'>, clusters: readonly string[]): string[] {
  if (tier.cluster !== undefined) return clusters.includes(tier.cluster) ? [tier.cluster] : [];
  if (!runsInCluster(tier.backend) || clusters.length === 1) return [...clusters];
  return [];
}

/** Roles of the tiers mounted into Slurm's pods by default, each at `/<role>`. */
export const SLURM_DEFAULT_MOUNT_ROLES = ['home', 'project', 'scratch'] as const;

/** Whether pods on many nodes can mount the tier at once (ReadWriteMany): a file system. */
export function tierIsSharedFileSystem(tier: Pick<StorageTierSpec, 'backend'>): boolean {
  const b = tier.backend;
  return b.type === 'nfs' || b.type === 'csi' || (b.type === 'rook-ceph' && b.service === 'filesystem');
}

/**
 * Tiers mounted into the slurmd and login pods of the Slurm cluster on `kubernetesCluster`,
 * with their paths: `scheduler.slurm.mounts` when the file states it, else each home, project
 * and scratch file-system tier of the cluster at `/<role>`. Problems (a tier not in the
 * cluster, two tiers at one path) are the rules' to report.
 */
export function slurmMountPlan(
  spec: Partial<Pick<SiteSpec, 'scheduler' | 'storageTiers'>>,
  clusters: readonly string[],
  kubernetesCluster: string,
): { tier: string; path: string }[] {
  const stated = spec.scheduler?.slurm?.mounts;
  if (stated) return Object.entries(stated).map(([tier, path]) => ({ tier, path }));
  return Object.entries(spec.storageTiers ?? {})
    .filter(([, t]) => (SLURM_DEFAULT_MOUNT_ROLES as readonly string[]).includes(t.role) && tierIsSharedFileSystem(t))
    .filter(([, t]) => tierClusters(t, clusters).includes(kubernetesCluster))
    .map(([tier, t]) => ({ tier, path: `/${t.role}` }));
}

/** The tier a lab keeps its volumes on: its volumeTier, else the site's first home tier. */
export function labVolumeTier(lab: Pick<DataLabSpec, 'volumeTier'>, tiers: Readonly<Record<string, Pick<StorageTierSpec, 'role'>>>): string | undefined {
  return lab.volumeTier ?? Object.entries(tiers).find(([, t]) => t.role === 'home')?.[0];
}

/** The cluster a lab runs in: that of its first pool that resolves. */
export function labCluster(
  lab: Pick<DataLabSpec, 'pools'>,
  pools: Readonly<Record<string, Pick<GpuPoolSpec, 'cluster'>>>,
  clusters: readonly string[],
): string | undefined {
  const first = lab.pools.find((p) => pools[p] !== undefined);
  return first === undefined ? undefined : poolCluster(pools[first], clusters);
}

// ---------------------------------------------------------------------------------------
// The model

/** A GPU pool with its derived facts. */
export interface PoolModel {
  readonly name: string;
  readonly spec: GpuPoolSpec;
  /** Cluster the pool's nodes belong to. */
  readonly cluster: string;
  readonly accelerator: AcceleratorModel;
  /** Units one accelerator offers: devices, MIG instances or time-sliced replicas. */
  readonly unitsPerAccelerator: number;
  /** Units the pool offers in total; tenants' quotas count these. */
  readonly units: number;
  /** Whether a Slurm partition runs on the pool. */
  readonly slurm: boolean;
  /** Nodes by owner. */
  readonly ownership: NodeOwnership;
  /** Units by owner. */
  readonly unitsOwned: Readonly<Record<NodeOwner, number>>;
  /**
   * The pool's part in each cell of its cluster, when the cluster has cells: its nodes are
   * there, not in the cluster (the manager). @default - no cells
   */
  readonly cells?: readonly CellPoolPart[];
}

/** A storage tier with the clusters that serve it. */
export interface TierModel {
  readonly name: string;
  readonly spec: StorageTierSpec;
  /** Clusters that get the tier, in site-file order. */
  readonly clusters: readonly string[];
  /** StorageClass (or bucket class) name of the tier in every cluster. */
  readonly storageClassName: string;
}

/** A data lab with the cluster and tiers it uses. */
export interface LabModel {
  readonly name: string;
  readonly spec: DataLabSpec;
  /** Cluster the lab runs in: where its pools are. */
  readonly cluster: string;
  /** Tier of its volumes: its volumeTier, else the site's first home tier. */
  readonly volumeTier?: string;
}

/** A tenant's quota in one pool, with the pool's cluster and each owner's part ({@link splitQuota}). */
export interface TenantPoolQuota extends QuotaAmounts {
  readonly pool: string;
  readonly cluster: string;
  /** The part Kueue and the tenant's namespace hold: on the Kubernetes-owned nodes. */
  readonly kubernetes: QuotaAmounts;
  /** The part Slurm's account limits hold: on the Slurm-owned nodes. */
  readonly slurm: QuotaAmounts;
  /**
   * Each owner's part split over the cells of the pool's cluster in proportion to the cell's
   * nodes of that owner; the cells' parts add up exactly to {@link kubernetes} and {@link slurm}.
   * @default - the pool's cluster has no cells
   */
  readonly cells?: readonly { readonly cell: string; readonly kubernetes: QuotaAmounts; readonly slurm: QuotaAmounts }[];
}

/** A tenant with its quotas resolved to clusters. */
export interface TenantModel {
  readonly name: string;
  readonly spec: TenantSpec;
  readonly gpuQuotas: readonly TenantPoolQuota[];
}

/** The Slurm cluster that runs on one Kubernetes cluster. */
export interface SlurmClusterModel {
  /** Kubernetes cluster (key of `clusters:`) that runs it. */
  readonly kubernetesCluster: string;
  /**
   * Tiers mounted into its slurmd and login pods ({@link slurmMountPlan}), each claim sized at
   * the sum of the tenants' quotas on the tier, in the bytes of their ResourceQuotas (at least 1 GiB).
   */
  readonly mounts: readonly { readonly tier: string; readonly path: string; readonly storageClassName: string; readonly size: string }[];
  readonly input: SlurmRenderInput;
  /** The files, rendered once. */
  readonly rendering: SlurmRendering;
}

/** One Kubernetes cluster of a site and what runs on it. */
export interface ClusterModel {
  readonly name: string;
  readonly kubeconfigPath: string;
  readonly context: string;
  /** Pools whose nodes are in the cluster. */
  readonly pools: readonly string[];
  /** Tiers the cluster serves. */
  readonly tiers: readonly string[];
  /** Labs that run in the cluster. */
  readonly labs: readonly string[];
  /** The Slurm cluster it runs, if any. */
  readonly slurm?: SlurmClusterModel;
  /** Its cells, when it is split into cells: it is then their MultiKueue manager. */
  readonly cells: readonly string[];
}

/**
 * A cell: a cluster of its own that holds whole blocks of its parent cluster's pools, deployed
 * by its own stacks. Its {@link site} is the site as the cell sees it: one cluster (the cell),
 * its parts of the pools, the tenants' parts of their quotas, its own Slurm cluster, and the
 * external storage tiers of its parent.
 */
export interface CellModel {
  /** Cell name, unique in the site; also the name of its one cluster in {@link site}. */
  readonly name: string;
  /** The cluster (key of `clusters:`) it is a cell of: its MultiKueue manager. */
  readonly cluster: string;
  readonly kubeconfigPath: string;
  readonly context: string;
  /** Secret in the manager's Kueue namespace with the cell's kubeconfig (key `kubeconfig`). */
  readonly kubeconfigSecret: string;
  /** GPU nodes of the cell. */
  readonly nodes: number;
  readonly site: SiteModel;
}

/** A validated site file with every derived fact computed once. */
export interface SiteModel {
  /** The validated site file, for fields that need no derivation. */
  readonly spec: SiteSpec;
  /** Where the site came from, so later problems name its file and lines. */
  readonly source: SiteSource;
  /** Clusters in site-file order. */
  readonly clusters: readonly ClusterModel[];
  readonly pools: Readonly<Record<string, PoolModel>>;
  readonly tiers: Readonly<Record<string, TierModel>>;
  readonly labs: Readonly<Record<string, LabModel>>;
  readonly tenants: Readonly<Record<string, TenantModel>>;
  /** Slurm clusters in site-file order of their Kubernetes clusters; empty without Slurm. Cells' Slurm clusters are in their cell's model. */
  readonly slurm: readonly SlurmClusterModel[];
  /** Cells of the site's clusters, in site-file order; empty when no cluster has cells. */
  readonly cells: readonly CellModel[];
  /** The site's registry mirror in the form charts take. @default - upstream registries */
  readonly mirror?: RegistryMirror;
}

/** The size of a Slurm mount's claim for `quotaBytes`, the tenants' quotas on its tier: at least 1 GiB, since a claim must ask for some. */
function slurmMountSize(quotaBytes: bigint): string {
  return bytesQuantity(quotaBytes > BYTES_PER_GIB ? quotaBytes : BYTES_PER_GIB);
}

/** Thrown by {@link resolveSite} for a spec the loader would have rejected. */
function unresolved(what: string): never {
  throw new Error(`${what}; load site files through the loader, which reports this with file and line`);
}

/** How a cell's model is resolved from its derived site file ({@link cellSiteSpec}). */
interface ResolveOptions {
  /** Each tenant's owner parts of its quota on a pool, instead of {@link splitQuota}. */
  readonly ownerQuotas?: (tenant: string, pool: string) => Record<NodeOwner, QuotaAmounts> | undefined;
  /** Slurm ClusterName of the site's one Slurm cluster. */
  readonly slurmClusterName?: string;
}

/** Name of the Secret with a cell's kubeconfig when the site file names none. */
export function defaultKubeconfigSecret(cell: string): string {
  return `multikueue-${cell}`;
}

/**
 * Where the pools of a cluster with cells go ({@link placeInCells}), or the fewest cells that
 * would hold them; undefined for a cluster without cells.
 */
export function clusterCellPlacement(
  spec: Pick<SiteSpec, 'clusters' | 'gpuPools' | 'cells'> & Partial<Pick<SiteSpec, 'scheduler' | 'dataLabs'>>,
  cluster: string,
): { placement: CellPlacement } | { needed: number } | undefined {
  const cells = spec.clusters[cluster]?.cells;
  if (!cells) return undefined;
  const clusterNames = Object.keys(spec.clusters);
  const pools = Object.entries(spec.gpuPools)
    .filter(([, p]) => poolCluster(p, clusterNames) === cluster)
    .map(([name, p]) => {
      const ownership = poolOwnership(p, poolUses(spec, name));
      return {
        name,
        nodes: p.nodes,
        blockNodes: fabricBlockNodes(p.fabric),
        ownership: typeof ownership === 'string' ? { slurm: 0, kubernetes: p.nodes } : ownership,
      };
    });
  return placeInCells(pools, Object.keys(cells), spec.cells.maxNodes);
}

/**
 * Resolves a validated site file. Returns the model and the problems only the resolution can
 * find (Slurm configurations that do not render); the model is undefined when there are any.
 */
export function resolveSiteChecked(spec: SiteSpec, source: SiteSource = SiteSource.inMemory(`${spec.id}.yaml`)): { site?: SiteModel; problems: SiteProblem[] } {
  return resolveWith(spec, source, {});
}

function resolveWith(spec: SiteSpec, source: SiteSource, options: ResolveOptions): { site?: SiteModel; problems: SiteProblem[] } {
  const clusterNames = Object.keys(spec.clusters);
  const placements: Record<string, CellPlacement> = {};
  for (const name of clusterNames) {
    const placed = clusterCellPlacement(spec, name);
    if (placed && 'needed' in placed) unresolved(`clusters.${name}.cells: the pools need ${placed.needed} cells`);
    if (placed) placements[name] = placed.placement;
  }
  const slurmPools = new Set(Object.values(spec.scheduler.slurm?.partitions ?? {}).flatMap((p) => p.pools));

  const pools: Record<string, PoolModel> = {};
  for (const [name, pool] of Object.entries(spec.gpuPools)) {
    const cluster = poolCluster(pool, clusterNames) ?? unresolved(`gpuPools.${name} names no cluster`);
    const per = poolUnitsPerAccelerator(pool);
    if (typeof per === 'string') unresolved(`gpuPools.${name}: ${per}`);
    const ownership = poolOwnership(pool, poolUses(spec, name));
    if (typeof ownership === 'string') unresolved(`gpuPools.${name}: ${ownership}`);
    const unitsPerNode = pool.acceleratorsPerNode * per;
    pools[name] = {
      name,
      spec: pool,
      cluster,
      accelerator: ACCELERATORS[pool.accelerator],
      unitsPerAccelerator: per,
      units: pool.nodes * pool.acceleratorsPerNode * per,
      slurm: slurmPools.has(name),
      ownership,
      unitsOwned: { slurm: ownership.slurm * unitsPerNode, kubernetes: ownership.kubernetes * unitsPerNode },
      ...(placements[cluster] ? { cells: Object.values(placements[cluster]).flatMap((parts) => parts.filter((x) => x.pool === name)) } : {}),
    };
  }
  const cellOf = (pool: PoolModel, part: CellPoolPart): string =>
    Object.entries(placements[pool.cluster]).find(([, parts]) => parts.includes(part))?.[0] ?? unresolved(`no cell holds a part of ${pool.name}`);

  const tiers: Record<string, TierModel> = {};
  for (const [name, tier] of Object.entries(spec.storageTiers)) {
    tiers[name] = {
      name,
      spec: tier,
      clusters: tierClusters(tier, clusterNames),
      storageClassName: tierStorageClassName(name),
    };
  }

  const labs: Record<string, LabModel> = {};
  for (const [name, lab] of Object.entries(spec.dataLabs)) {
    const cluster = labCluster(lab, spec.gpuPools, clusterNames) ?? unresolved(`dataLabs.${name} names no pool of the site`);
    const volumeTier = labVolumeTier(lab, spec.storageTiers);
    labs[name] = { name, spec: lab, cluster, ...(volumeTier !== undefined ? { volumeTier } : {}) };
  }

  const tenants: Record<string, TenantModel> = {};
  for (const [name, tenant] of Object.entries(spec.tenants)) {
    const gpuQuotas = Object.entries(tenant.gpuQuota).map(([pool, q]): TenantPoolQuota => {
      const model = pools[pool] ?? unresolved(`tenants.${name}.gpuQuota names pool ${pool}, which does not exist`);
      const owners = options.ownerQuotas?.(name, pool) ?? splitQuota(q, model.ownership);
      const parts = model.cells;
      if (!parts) return { pool, cluster: model.cluster, guaranteed: q.guaranteed, max: q.max, ...owners };
      const kubernetes = splitAmounts(
        owners.kubernetes,
        parts.map((x) => x.ownership.kubernetes),
      );
      const slurmParts = splitAmounts(
        owners.slurm,
        parts.map((x) => x.ownership.slurm),
      );
      const cells = parts.map((x, i) => ({ cell: cellOf(model, x), kubernetes: kubernetes[i], slurm: slurmParts[i] }));
      return { pool, cluster: model.cluster, guaranteed: q.guaranteed, max: q.max, ...owners, cells };
    });
    tenants[name] = { name, spec: tenant, gpuQuotas };
  }

  const problems: SiteProblem[] = [];
  const slurm: SlurmClusterModel[] = [];
  const quotas = Object.fromEntries(Object.values(tenants).map((t) => [t.name, t.gpuQuotas]));
  // A pool in cells runs in its cells' Slurm clusters, not in its cluster's (the manager's).
  const uncelled = Object.fromEntries(Object.entries(pools).filter(([, p]) => !p.cells));
  for (const { kubernetesCluster, input } of slurmInputs(spec, uncelled, quotas, options.slurmClusterName)) {
    try {
      const mounts = slurmMountPlan(spec, clusterNames, kubernetesCluster).map(({ tier, path }) => ({
        tier,
        path,
        storageClassName: (tiers[tier] ?? unresolved(`scheduler.slurm.mounts names tier ${tier}, which does not exist`)).storageClassName,
        size: slurmMountSize(Object.values(spec.tenants).reduce((sum, t) => sum + storageBytes(t.storageQuotaTiB[tier] ?? 0), 0n)),
      }));
      slurm.push({ kubernetesCluster, input, rendering: renderSlurm(input), mounts });
    } catch (e) {
      if (!(e instanceof SlurmInputError)) throw e;
      problems.push(...e.problems.map((p) => slurmProblem(p, source)));
    }
  }
  if (problems.length > 0) return { problems };

  const clusters = Object.entries(spec.clusters).map(([name, c]): ClusterModel => {
    const s = slurm.find((x) => x.kubernetesCluster === name);
    return {
      name,
      kubeconfigPath: c.kubeconfigPath,
      context: c.context,
      pools: Object.values(pools)
        .filter((p) => p.cluster === name && !p.cells)
        .map((p) => p.name),
      tiers: Object.values(tiers)
        .filter((t) => t.clusters.includes(name))
        .map((t) => t.name),
      labs: Object.values(labs)
        .filter((l) => l.cluster === name)
        .map((l) => l.name),
      ...(s ? { slurm: s } : {}),
      cells: Object.keys(c.cells ?? {}),
    };
  });

  const cells: CellModel[] = [];
  for (const [clusterName, placement] of Object.entries(placements)) {
    for (const [cellName, parts] of Object.entries(placement)) {
      const cell = spec.clusters[clusterName].cells![cellName];
      const derived = cellSiteSpec(spec, clusterName, cellName, cell, parts, tenants, tiers);
      const ownerQuotas = (tenant: string, pool: string) => {
        const part = tenants[tenant]?.gpuQuotas.find((q) => q.pool === pool)?.cells?.find((x) => x.cell === cellName);
        return part ? { kubernetes: part.kubernetes, slurm: part.slurm } : undefined;
      };
      const resolved = resolveWith(derived, source, { ownerQuotas, slurmClusterName: `${spec.id}-${cellName}` });
      problems.push(...resolved.problems);
      if (resolved.site) {
        cells.push({
          name: cellName,
          cluster: clusterName,
          kubeconfigPath: cell.kubeconfigPath,
          context: cell.context,
          kubeconfigSecret: cell.kubeconfigSecret ?? defaultKubeconfigSecret(cellName),
          nodes: parts.reduce((sum, x) => sum + x.nodes, 0),
          site: resolved.site,
        });
      }
    }
  }
  if (problems.length > 0) return { problems };

  const m = spec.registryMirror;
  const mirror: RegistryMirror | undefined = m
    ? { imageRegistry: m.imageRegistry, chartRepository: m.chartRepository, pullSecretName: m.pullSecretName }
    : undefined;
  return { site: { spec, source, clusters, pools, tiers, labs, tenants, slurm, cells, ...(mirror ? { mirror } : {}) }, problems: [] };
}

/**
 * The site file as one cell sees it: the cell as its only cluster; its parts of the pools,
 * with their owners stated; the partitions, tenants' quotas and storage quotas on those; the
 * external (csi, nfs) tiers of its parent, which every cluster mounts. In-cluster tiers and data
 * labs stay with the parent (the rules keep labs out of cells).
 */
function cellSiteSpec(
  spec: SiteSpec,
  clusterName: string,
  cellName: string,
  cell: CellSpec,
  parts: readonly CellPoolPart[],
  tenants: Readonly<Record<string, TenantModel>>,
  tiers: Readonly<Record<string, TierModel>>,
): SiteSpec {
  const parent = spec.clusters[clusterName];
  const poolNames = new Set(parts.map((x) => x.pool));
  const gpuPools = Object.fromEntries(
    parts.map((x) => [
      x.pool,
      { ...spec.gpuPools[x.pool], cluster: cellName, nodes: x.nodes, owner: { slurm: x.ownership.slurm, kubernetes: x.ownership.kubernetes } },
    ]),
  );
  const storageTiers = Object.fromEntries(
    Object.entries(spec.storageTiers)
      .filter(([name, t]) => !runsInCluster(t.backend) && tiers[name].clusters.includes(clusterName))
      .map(([name, t]) => [name, { ...t, cluster: undefined }]),
  );
  const slurm = spec.scheduler.slurm;
  const partitions = Object.fromEntries(
    Object.entries(slurm?.partitions ?? {})
      .map(([name, p]) => [name, { ...p, pools: p.pools.filter((x) => poolNames.has(x)) }] as const)
      .filter(([, p]) => p.pools.length > 0),
  );
  const mounts = slurm?.mounts ? Object.fromEntries(Object.entries(slurm.mounts).filter(([tier]) => tier in storageTiers)) : undefined;
  const cellTenants = Object.fromEntries(
    Object.entries(spec.tenants).map(([name, t]) => {
      const gpuQuota = Object.fromEntries(
        tenants[name].gpuQuotas.flatMap((q) => {
          const part = q.cells?.find((x) => x.cell === cellName);
          if (!part) return [];
          return [[q.pool, { guaranteed: part.kubernetes.guaranteed + part.slurm.guaranteed, max: part.kubernetes.max + part.slurm.max }]];
        }),
      );
      const storageQuotaTiB = Object.fromEntries(Object.entries(t.storageQuotaTiB).filter(([tier]) => tier in storageTiers));
      return [name, { ...t, gpuQuota, storageQuotaTiB }];
    }),
  );
  return {
    ...spec,
    clusters: { [cellName]: { kubeconfigPath: cell.kubeconfigPath, context: cell.context, kubernetesVersion: parent.kubernetesVersion } },
    gpuPools,
    scheduler: {
      ...spec.scheduler,
      slurm: slurm && Object.keys(partitions).length > 0 ? { ...slurm, partitions, ...(mounts ? { mounts } : {}) } : undefined,
    },
    storageTiers,
    dataLabs: {},
    tenants: cellTenants,
    policySuppressions: {},
  };
}

/** Resolves a validated site file; throws a SiteValidationError when its Slurm configuration does not render. */
export function resolveSite(spec: SiteSpec, source?: SiteSource): SiteModel {
  const { site, problems } = resolveSiteChecked(spec, source);
  if (!site) throw new SiteValidationError(problems);
  return site;
}

/**
 * A Slurm renderer problem as a problem of the site file: the input was built from the site
 * field by field, so each input path has one site path (see slurm-input.ts).
 */
function slurmProblem(p: SlurmInputProblem, source: SiteSource): SiteProblem {
  return source.problem(sitePathOfSlurmInput(p.path), p.problem, p.got, p.fix);
}

/** Site-file path of a path in the Slurm renderer's input. */
function sitePathOfSlurmInput(path: readonly PathKey[]): PathKey[] {
  const [section, name, field, ...rest] = path;
  switch (section) {
    case 'clusterName':
      return ['id'];
    case 'pools': {
      if (name === undefined) return ['gpuPools'];
      const pool = ['gpuPools', name];
      switch (field) {
        case undefined:
        case 'name':
          return pool;
        case 'gpusPerNode':
          return [...pool, 'acceleratorsPerNode'];
        case 'memoryMiBPerNode':
          return [...pool, 'memoryGiBPerNode'];
        case 'gresType':
        case 'vendor':
          return [...pool, 'accelerator'];
        default:
          return [...pool, field, ...rest];
      }
    }
    case 'partitions':
      return ['scheduler', 'slurm', 'partitions', ...path.slice(1)];
    case 'tenants': {
      if (name === undefined) return ['tenants'];
      if (field === 'maxUnitsByPool' && rest[0] !== undefined) return ['tenants', name, 'gpuQuota', rest[0], 'max'];
      return ['tenants', name, 'gpuQuota'];
    }
    default:
      return [...path];
  }
}
