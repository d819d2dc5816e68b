/**
 * The review of one site before it is deployed: capacity, scheduling, storage, software,
 * what the site must provide, deployment, energy and EU AI Act compute, with an appendix of
 * every input, formula and assumption. {@link reviewSite} builds it as plain data from the
 * resolved site model and its stacks synthesized in memory; `markdown.ts` prints it.
 *
 * Facts come from the model and from the synthesized Terraform JSON (what will be deployed),
 * figures from `figures.ts` with the accelerator data of `constructs/gpu/accelerators.ts`, the
 * EU rules of `eu-rules.ts` and the defaults of `assumptions.ts`.
 */
import { parseImage } from '../constructs/charts/mirror';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { deployedImages } from '../constructs/charts/deployed-images';
import { isJsonArray, isJsonObject, type JsonObject, type JsonValue } from '../constructs/charts/json';
import { chartIdOf, CHARTS, KUBERNETES_REQUIREMENT, type ChartId } from '../constructs/charts/registry';
import { ACCELERATORS, type AcceleratorModel } from '../constructs/gpu/accelerators';
import { FABRIC_LABELS, OWNER_LABEL } from '../constructs/gpu/gpu-node-pool';
import { blockingFindings } from '../constructs/policies/pack';
import { imageRefs } from '../constructs/policies/images';
import { CPU_NODE_LABELS } from '../constructs/scheduling/kueue/kueue-queues';
import { KUBECONFIG_SECRET_KEY, KUEUE_NAMESPACE } from '../constructs/scheduling/kueue/multikueue';
import { slinkyNodeAnnotations, slurmNodeName } from '../constructs/scheduling/slurm/render';
import type { ClusterModel, PoolModel, SiteModel, SlurmClusterModel } from '../site-model/resolve';
import { assumptionsUsed, TRAINING_WINDOWS_DAYS, type PueSource, type ReviewAssumptions } from './assumptions';
import {
  COMPUTE_THRESHOLDS,
  EED_CODE_OF_CONDUCT,
  EED_REPORTED_INFORMATION,
  EED_REPORTING_DEADLINES,
  EED_REPORTING_THRESHOLD,
  EED_WASTE_HEAT,
  RULE_FACTS,
  SYSTEMIC_RISK_NOTIFICATION,
  type ComputeThreshold,
  type RuleFact,
} from './eu-rules';
import { chartFactsOf, siteFacts, topologySwitches, type Amounts, type ChartFacts, type Ownership, type PoolFacts, type SiteFacts } from './facts';
import {
  crosses,
  energyFigures,
  FORMULAS,
  quotaPeakFlops,
  sumKnown,
  windowCompute,
  type EnergyFigures,
  type PartialSum,
  type QuotaShape,
  type WindowCompute,
} from './figures';
import { manifestsOf, releasesOf, resourcesOf, type ReleaseEntry, type SiteSnapshot } from './snapshot';
import type { BuiltSite } from './synth';

// ---------------------------------------------------------------------------------------
// The review, as data

/** One pool's capacity. */
export interface PoolCapacityRow {
  readonly pool: string;
  readonly cluster: string;
  readonly acceleratorId: string;
  readonly acceleratorName: string;
  readonly nodes: number;
  readonly acceleratorsPerNode: number;
  readonly accelerators: number;
  readonly sharing: string;
  readonly units: number;
  /** null when the accelerator's memory is not published. */
  readonly memoryGB: number | null;
  /** null when the accelerator's dense BF16 peak is not published. */
  readonly bf16PeakPflops: number | null;
  /** Site-file fields of the pool that are a reference design (under `assumptions:`), not published facts. */
  readonly assumed: readonly string[];
}

/** Capacity per pool and in total. */
export interface CapacitySection {
  readonly pools: readonly PoolCapacityRow[];
  readonly total: {
    readonly nodes: number;
    readonly accelerators: number;
    readonly units: number;
    readonly memoryGB: PartialSum;
    readonly bf16PeakPflops: PartialSum;
  };
  /** Accelerators per model, in pool order. */
  readonly byModel: readonly { readonly id: string; readonly name: string; readonly accelerators: number }[];
}

/** Who owns a pool's nodes. */
export interface OwnershipRow {
  readonly pool: string;
  readonly cluster: string;
  readonly nodes: number;
  readonly ownership: Ownership;
  readonly unitsOwned: Ownership;
  readonly partitions: readonly string[];
}

/** A Slurm cluster as scheduling sees it. */
export interface SlurmSchedulingRow {
  readonly kubernetesCluster: string;
  readonly clusterName: string;
  readonly partitions: readonly {
    readonly name: string;
    readonly pools: readonly string[];
    readonly default: boolean;
    readonly maxTimeHours: number;
    readonly qos?: string;
  }[];
  readonly topologyPlugin?: string;
  /** Switches of topology.conf. */
  readonly switches: number;
  readonly accounting: boolean;
}

/** Kueue's objects in one cluster, from the synthesized stacks. */
export interface KueueRow {
  readonly cluster: string;
  readonly cohorts: readonly string[];
  readonly flavors: readonly string[];
  readonly clusterQueues: readonly { readonly name: string; readonly cohort?: string; readonly flavors: readonly string[] }[];
  readonly localQueues: readonly { readonly namespace: string; readonly name: string; readonly clusterQueue: string }[];
}

/** A tenant's quota on one pool, with its Slurm and Kubernetes parts. */
export interface TenantQuotaRow extends Amounts {
  readonly pool: string;
  readonly slurm: Amounts;
  readonly kubernetes: Amounts;
}

/** A pool's guarantees against its capacity. */
export interface OversubscriptionRow {
  readonly pool: string;
  readonly units: number;
  readonly guaranteed: number;
  readonly max: number;
  /** guaranteed / units. */
  readonly ratio: number;
}

export interface SchedulingSection {
  readonly pools: readonly OwnershipRow[];
  readonly slurm: readonly SlurmSchedulingRow[];
  readonly kueue: readonly KueueRow[];
  readonly tenants: readonly { readonly tenant: string; readonly kind: string; readonly quotas: readonly TenantQuotaRow[] }[];
  readonly oversubscription: { readonly allowed: number; readonly pools: readonly OversubscriptionRow[] };
}

export interface StorageSection {
  readonly tiers: readonly {
    readonly tier: string;
    readonly role: string;
    readonly backend: string;
    readonly capacityTiB: number;
    readonly clusters: readonly string[];
    readonly storageClassName: string;
    /** Tenants' quotas and labs' volume quotas on the tier, TiB. */
    readonly quotasTiB: number;
    /** quotasTiB / capacityTiB. */
    readonly ratio: number;
  }[];
  readonly quotas: readonly { readonly owner: string; readonly kind: 'tenant' | 'data lab'; readonly tier: string; readonly tib: number }[];
  readonly allowed: number;
}

/** A Helm release of the site, with where its pin comes from and what it deploys. */
export interface ReleaseRow extends ChartFacts {
  /** Where the pin was read, for pinned charts. */
  readonly pinnedFrom?: string;
  /** Images the release deploys, chart defaults included (`repository[:tag]`). */
  readonly images: readonly string[];
}

export interface SoftwareSection {
  readonly releases: readonly ReleaseRow[];
  /** Images of Kubernetes resources the stacks write directly (not through a chart). */
  readonly otherImages: readonly string[];
  /** Image registries, with how many images come from each. */
  readonly registries: readonly { readonly registry: string; readonly images: number }[];
  readonly mirror: {
    readonly configured: boolean;
    readonly imageRegistry?: string;
    readonly chartRepository?: string;
    /** Whether every chart and image comes from the mirror; false without one. */
    readonly everythingFromMirror: boolean;
    /** Charts and images that do not come from it. */
    readonly outside: readonly string[];
  };
  readonly kubernetes: {
    readonly minimum: string;
    /** Charts whose kubeVersion asks for exactly the minimum. */
    readonly charts: readonly string[];
    /** APIs the stacks write (not through a chart) that need exactly the minimum. */
    readonly apis: readonly string[];
    /** Each cluster (cells included) with the version the site file states, and the field that states it. */
    readonly clusters: readonly { readonly cluster: string; readonly stated: string; readonly field: string }[];
  };
}

export interface NodeRequirement {
  readonly cluster: string;
  readonly pool: string;
  readonly nodes: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taint: string;
  /** The owner label's values, with how many nodes and which carry each. */
  readonly owners: readonly { readonly label: string; readonly value: 'slurm' | 'kubernetes'; readonly nodes: number; readonly which: string }[];
  /** Optional fabric labels the pool's topology levels read. */
  readonly fabricLabels: readonly string[];
  /** On Slurm-owned nodes: the annotations of the first and last, whose pattern the others follow. */
  readonly slinky?: { readonly nodes: number; readonly first: Readonly<Record<string, string>>; readonly last: Readonly<Record<string, string>> };
}

export interface SecretRequirement {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  /** Keys the deployed configuration reads; empty when it names none. */
  readonly keys: readonly string[];
  readonly why: string;
  readonly check: string;
}

export interface BeforeDeploySection {
  readonly preflight: string;
  readonly pools: readonly NodeRequirement[];
  /** Labels CPU-only nodes need (Kueue's CPU flavor); undefined without Kueue. */
  readonly cpuNodeLabels?: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretRequirement[];
}

export interface DeploymentSection {
  readonly stacks: readonly {
    readonly name: string;
    readonly dependsOn: readonly string[];
    readonly resources: number;
    readonly byType: Readonly<Record<string, number>>;
    readonly moved: number;
    readonly backend: { readonly type: string; readonly where: string };
  }[];
  readonly command: string;
  readonly findings: { readonly blocking: readonly string[]; readonly warnings: number; readonly suppressed: number };
}

export interface EnergySection {
  readonly figures: EnergyFigures;
  readonly pools: readonly {
    readonly pool: string;
    readonly accelerators: number;
    readonly maxPowerW: number | null;
    readonly powerScope?: string;
    readonly acceleratorPowerKw: number | null;
  }[];
  readonly eed: {
    readonly thresholdKw: number;
    /** Whether the IT power estimate is at least the threshold. */
    readonly reports: boolean | 'unknown';
    readonly items: readonly { readonly item: string; readonly estimate?: string }[];
    readonly codeOfConduct: boolean | 'unknown';
    readonly wasteHeat: boolean | 'unknown';
    readonly deadlines: string;
  };
}

export interface TenantCompute {
  readonly tenant: string;
  readonly guaranteed: { readonly peakFlops: PartialSum; readonly windows: readonly WindowCompute[] };
  readonly max: { readonly peakFlops: PartialSum; readonly windows: readonly WindowCompute[] };
}

export interface AiActSection {
  readonly mfu: number;
  readonly windowsDays: readonly number[];
  readonly thresholds: readonly ComputeThreshold[];
  readonly tenants: readonly TenantCompute[];
  /** One line per crossing of a guaranteed quota (and, marked, of a maximum). */
  readonly flags: readonly string[];
}

export interface Appendix {
  readonly inputs: readonly { readonly input: string; readonly where: string }[];
  readonly accelerators: readonly {
    readonly id: string;
    readonly name: string;
    readonly memoryGB: number | null;
    readonly bf16DenseTflops: number | null;
    readonly bf16Basis: string;
    readonly maxPowerW: number | null;
    readonly powerScope: string | null;
    readonly sources: AcceleratorModel['sources'];
  }[];
  readonly rules: readonly RuleFact[];
  readonly assumptions: ReturnType<typeof assumptionsUsed>;
  readonly formulas: typeof FORMULAS;
  /** The site file's own `assumptions:`. */
  readonly siteAssumptions: Readonly<Record<string, string>>;
}

/** The review of one site. */
export interface SiteReview {
  readonly site: {
    readonly id: string;
    readonly name: string;
    readonly kind: string;
    readonly country: string;
    readonly city: string;
    readonly hostInstitution: string;
  };
  /** The site file and the SHA-256 of its text. */
  readonly siteFile: { readonly path: string; readonly sha256?: string };
  readonly assumptions: ReviewAssumptions;
  readonly capacity: CapacitySection;
  readonly scheduling: SchedulingSection;
  readonly storage: StorageSection;
  readonly software: SoftwareSection;
  readonly beforeDeploy: BeforeDeploySection;
  readonly deployment: DeploymentSection;
  readonly energy: EnergySection;
  readonly aiAct: AiActSection;
  readonly appendix: Appendix;
}

// ---------------------------------------------------------------------------------------
// Sections

/** Site-file fields of a pool under `assumptions:` (the pool itself, or one of its fields). */
function assumedFields(facts: SiteFacts, pool: string): string[] {
  const prefix = `gpuPools.${pool}`;
  return Object.keys(facts.assumptions)
    .filter((k) => k === prefix || k.startsWith(`${prefix}.`))
    .map((k) => (k === prefix ? '(whole pool)' : k.slice(prefix.length + 1)));
}

/** Capacity per pool and in total, from the facts. */
export function capacitySection(facts: SiteFacts): CapacitySection {
  const pools = Object.values(facts.pools).map((p): PoolCapacityRow => ({
    pool: p.name,
    cluster: p.cluster,
    acceleratorId: p.accelerator.id,
    acceleratorName: p.accelerator.name,
    nodes: p.nodes,
    acceleratorsPerNode: p.acceleratorsPerNode,
    accelerators: p.capacity.accelerators,
    sharing: p.sharing,
    units: p.capacity.units,
    memoryGB: p.capacity.memoryGB,
    bf16PeakPflops: p.capacity.bf16PeakPflops,
    assumed: assumedFields(facts, p.name),
  }));
  const byModel = new Map<string, { id: string; name: string; accelerators: number }>();
  for (const p of pools) {
    const m = byModel.get(p.acceleratorId) ?? { id: p.acceleratorId, name: p.acceleratorName, accelerators: 0 };
    m.accelerators += p.accelerators;
    byModel.set(p.acceleratorId, m);
  }
  return {
    pools,
    total: {
      nodes: pools.reduce((n, p) => n + p.nodes, 0),
      accelerators: pools.reduce((n, p) => n + p.accelerators, 0),
      units: pools.reduce((n, p) => n + p.units, 0),
      memoryGB: sumKnown(pools.map((p) => ({ name: p.pool, value: p.memoryGB }))),
      bf16PeakPflops: sumKnown(pools.map((p) => ({ name: p.pool, value: p.bf16PeakPflops }))),
    },
    byModel: [...byModel.values()],
  };
}

const ZERO: Amounts = { guaranteed: 0, max: 0 };

/**
 * Every Kubernetes cluster the stacks deploy to: the site's clusters (a cluster with cells is
 * their MultiKueue manager), then each cell's one cluster, with the model it belongs to (a
 * cell's own model, whose pools are its parts of the site's pools).
 */
function clustersOf(site: SiteModel): { readonly cluster: ClusterModel; readonly site: SiteModel; readonly cellOf?: string }[] {
  return [
    ...site.clusters.map((cluster) => ({ cluster, site })),
    ...site.cells.flatMap((cell) => cell.site.clusters.map((cluster) => ({ cluster, site: cell.site, cellOf: cell.cluster }))),
  ];
}

/** Every Slurm cluster: the site's, then each cell's (in the cell's model), with the model it belongs to. */
function slurmClustersOf(site: SiteModel): { readonly slurm: SlurmClusterModel; readonly site: SiteModel }[] {
  return [...site.slurm.map((slurm) => ({ slurm, site })), ...site.cells.flatMap((cell) => cell.site.slurm.map((slurm) => ({ slurm, site: cell.site })))];
}

/**
 * Each pool where its nodes are: the site's pool, or, for a pool of a cluster with cells, its
 * part in each cell (the cell's model of it), in pool order.
 */
function poolPartsOf(site: SiteModel): { readonly pool: PoolModel; readonly site: SiteModel }[] {
  return Object.values(site.pools).flatMap((p) =>
    p.cells
      ? site.cells.flatMap((cell) => {
          const part = cell.cluster === p.cluster ? cell.site.pools[p.name] : undefined;
          return part ? [{ pool: part, site: cell.site }] : [];
        })
      : [{ pool: p, site }],
  );
}

function schedulingSection(site: SiteModel, facts: SiteFacts, snapshot: SiteSnapshot): SchedulingSection {
  const pools = Object.values(site.pools).map((p): OwnershipRow => ({
    pool: p.name,
    cluster: p.cluster,
    nodes: p.spec.nodes,
    ownership: p.ownership,
    unitsOwned: p.unitsOwned,
    partitions: facts.pools[p.name]?.partitions ?? [],
  }));
  const slurm = slurmClustersOf(site).map(({ slurm: s, site: owner }): SlurmSchedulingRow => ({
    kubernetesCluster: s.kubernetesCluster,
    clusterName: s.rendering.clusterName,
    partitions: s.input.partitions.map((p) => ({
      name: p.name,
      pools: p.pools,
      default: p.default,
      maxTimeHours: p.maxTimeHours,
      ...(p.qos !== undefined ? { qos: p.qos } : {}),
    })),
    ...(s.rendering.topologyPlugin ? { topologyPlugin: s.rendering.topologyPlugin } : {}),
    switches: topologySwitches(s.rendering.topologyConf).size,
    accounting: owner.spec.scheduler.slurm?.accounting !== undefined,
  }));
  const kueue = clustersOf(site)
    .map(({ cluster: c }): KueueRow => {
      const of = (kind: string) => manifestsOf(snapshot, kind).filter((m) => m.cluster === c.name);
      return {
        cluster: c.name,
        cohorts: of('Cohort').map((m) => m.name),
        flavors: of('ResourceFlavor').map((m) => m.name),
        clusterQueues: of('ClusterQueue').map((m) => {
          const spec = isJsonObject(m.manifest.spec) ? m.manifest.spec : {};
          const groups: readonly JsonValue[] = isJsonArray(spec.resourceGroups) ? spec.resourceGroups : [];
          const flavors = groups
            .flatMap((g): readonly JsonValue[] => (isJsonObject(g) && isJsonArray(g.flavors) ? g.flavors : []))
            .flatMap((f) => (isJsonObject(f) && typeof f.name === 'string' ? [f.name] : []));
          return { name: m.name, ...(typeof spec.cohortName === 'string' ? { cohort: spec.cohortName } : {}), flavors };
        }),
        localQueues: of('LocalQueue').map((m) => {
          const spec = isJsonObject(m.manifest.spec) ? m.manifest.spec : {};
          return { namespace: m.namespace ?? '', name: m.name, clusterQueue: typeof spec.clusterQueue === 'string' ? spec.clusterQueue : '' };
        }),
      };
    })
    .filter((k) => k.cohorts.length + k.flavors.length + k.clusterQueues.length + k.localQueues.length > 0);
  const tenants = Object.values(site.tenants).map((t) => ({
    tenant: t.name,
    kind: t.spec.kind,
    quotas: t.gpuQuotas.map((q): TenantQuotaRow => ({
      pool: q.pool,
      guaranteed: q.guaranteed,
      max: q.max,
      slurm: q.slurm ?? ZERO,
      kubernetes: q.kubernetes ?? ZERO,
    })),
  }));
  const oversubscription = Object.values(site.pools).map((p): OversubscriptionRow => {
    const quotas = Object.values(site.tenants).flatMap((t) => t.gpuQuotas.filter((q) => q.pool === p.name));
    const guaranteed = quotas.reduce((n, q) => n + q.guaranteed, 0);
    return { pool: p.name, units: p.units, guaranteed, max: quotas.reduce((n, q) => n + q.max, 0), ratio: p.units === 0 ? 0 : guaranteed / p.units };
  });
  return { pools, slurm, kueue, tenants, oversubscription: { allowed: site.spec.oversubscription.gpu, pools: oversubscription } };
}

function backendText(type: string, b: Readonly<Record<string, unknown>>): string {
  const s = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  switch (type) {
    case 's3': {
      const endpoints = b.endpoints as { s3?: unknown } | undefined;
      return `s3://${s(b.bucket)}/${s(b.key)} at ${s(endpoints?.s3 ?? b.endpoint ?? 'the default endpoint')}, locked by an S3 lock file`;
    }
    case 'kubernetes':
      return `Secret tfstate-default-${s(b.secret_suffix)} in namespace ${s(b.namespace)} (context ${s(b.config_context)} of ${s(b.config_path)}), locked by a Lease`;
    case 'pg':
      return `schema ${s(b.schema_name)} of the PostgreSQL database in PG_CONN_STR, locked by advisory locks`;
    case 'local':
      return `file ${s(b.path)} (development only)`;
    default:
      return `${type} backend`;
  }
}

function storageSection(site: SiteModel): StorageSection {
  const quotas = [
    ...Object.values(site.tenants).flatMap((t) =>
      Object.entries(t.spec.storageQuotaTiB).map(([tier, tib]) => ({ owner: t.name, kind: 'tenant' as const, tier, tib })),
    ),
    ...Object.values(site.labs).flatMap((l) =>
      l.volumeTier ? [{ owner: l.name, kind: 'data lab' as const, tier: l.volumeTier, tib: l.spec.volumeQuotaTiB }] : [],
    ),
  ];
  const tiers = Object.values(site.tiers).map((t) => {
    const b = t.spec.backend;
    const backend =
      b.type === 'csi'
        ? `csi (${b.provisioner})`
        : b.type === 'nfs'
          ? `nfs (${b.server}:${b.share})`
          : b.type === 'rook-ceph'
            ? `rook-ceph (${b.service})`
            : `minio (${b.servers} servers)`;
    const quotasTiB = quotas.filter((q) => q.tier === t.name).reduce((n, q) => n + q.tib, 0);
    return {
      tier: t.name,
      role: t.spec.role,
      backend,
      capacityTiB: t.spec.capacityTiB,
      clusters: t.clusters,
      storageClassName: t.storageClassName,
      quotasTiB,
      ratio: quotasTiB / t.spec.capacityTiB,
    };
  });
  return { tiers, quotas, allowed: site.spec.oversubscription.storage };
}

function imageText(ref: { repository: string; tag?: string; digest?: string }): string {
  return `${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

function softwareSection(site: SiteModel, built: BuiltSite, releases: readonly ReleaseEntry[]): SoftwareSection {
  const viewOf = (stack: string, address: string) => built.resources.get(stack)?.get(address);
  const rows = releases.map((r): ReleaseRow => {
    const id = chartIdOf(r.chart, r.version);
    const view = viewOf(r.stack, r.address);
    const images = view ? imageRefs(view) : id ? deployedImages(id, r.values).images : [];
    return {
      ...chartFactsOf(r),
      ...(id ? { pinnedFrom: CHARTS[id].source } : {}),
      images: [...new Set(images.map(imageText))],
    };
  });
  const otherImages = [
    ...new Set(
      resourcesOf(built.snapshot)
        .filter((r) => r.type !== 'helm_release')
        .flatMap((r) => {
          const view = viewOf(r.stack, r.address);
          return view ? imageRefs(view).map(imageText) : [];
        }),
    ),
  ];
  const allImages = [...new Set([...rows.flatMap((r) => r.images), ...otherImages])];
  const counts = new Map<string, number>();
  for (const image of allImages) {
    const host = parseImage(image).host;
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  const mirror = site.mirror;
  const outside = mirror
    ? [
        ...rows.filter((r) => r.repository !== mirror.chartRepository).map((r) => `chart ${r.chart} from ${r.repository || '(no repository)'}`),
        ...allImages.filter((i) => !i.startsWith(`${mirror.imageRegistry}/`)).map((i) => `image ${i}`),
      ]
    : [];
  return {
    releases: rows,
    otherImages,
    registries: [...counts.entries()]
      .map(([registry, images]) => ({ registry, images }))
      .sort((a, b) => b.images - a.images || a.registry.localeCompare(b.registry)),
    mirror: {
      configured: mirror !== undefined,
      ...(mirror ? { imageRegistry: mirror.imageRegistry, chartRepository: mirror.chartRepository } : {}),
      everythingFromMirror: mirror !== undefined && outside.length === 0,
      outside,
    },
    kubernetes: {
      minimum: KUBERNETES_REQUIREMENT.version,
      charts: KUBERNETES_REQUIREMENT.charts.map((id: ChartId) => `${id} ${CHARTS[id].version} (kubeVersion ${CHARTS[id].kubeVersion ?? 'none'})`),
      apis: KUBERNETES_REQUIREMENT.apis,
      clusters: clustersOf(site).map(({ cluster: c, site: owner, cellOf }) => ({
        cluster: c.name,
        stated: owner.spec.clusters[c.name]?.kubernetesVersion ?? KUBERNETES_REQUIREMENT.version,
        // A cell runs the version of the cluster it is a cell of.
        field: `clusters.${cellOf ?? c.name}.kubernetesVersion`,
      })),
    },
  };
}

/**
 * The descriptors the platform stacks deploy (`aif-system/pool-<name>`), by cluster and pool
 * (`<cluster>/<pool>`): a pool in cells has one in each cell.
 */
function descriptorsOf(
  snapshot: SiteSnapshot,
): Map<string, { nodeLabels: Record<string, string>; taint: { key: string; value?: string; effect: string }; topologyLevels: string[] }> {
  const out = new Map<string, { nodeLabels: Record<string, string>; taint: { key: string; value?: string; effect: string }; topologyLevels: string[] }>();
  for (const r of resourcesOf(snapshot)) {
    if (r.type !== 'kubernetes_config_map_v1') continue;
    const meta = r.config.metadata as { name?: unknown } | undefined;
    const data = r.config.data as Record<string, unknown> | undefined;
    const name = typeof meta?.name === 'string' ? meta.name : '';
    if (!name.startsWith('pool-') || typeof data?.['pool.json'] !== 'string') continue;
    const d = JSON.parse(data['pool.json']) as {
      nodeLabels?: Record<string, string>;
      taint?: { key: string; value?: string; effect: string };
      topologyLevels?: string[];
    };
    if (d.nodeLabels && d.taint)
      out.set(`${r.cluster ?? ''}/${name.slice('pool-'.length)}`, { nodeLabels: d.nodeLabels, taint: d.taint, topologyLevels: d.topologyLevels ?? [] });
  }
  return out;
}

/** Keys of Secret `name` that configuration reads: `{ name, key }` references and `existingSecret`-style siblings ending in `Key`. */
function secretKeys(values: readonly unknown[], name: string): string[] {
  const keys = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.name === name && typeof o.key === 'string') keys.add(o.key);
    if (Object.entries(o).some(([k, x]) => x === name && k !== 'name')) {
      for (const [k, x] of Object.entries(o)) if (k.endsWith('Key') && typeof x === 'string') keys.add(x);
    }
    Object.values(o).forEach(walk);
  };
  values.forEach(walk);
  return [...keys].sort();
}

function beforeDeploySection(site: SiteModel, built: BuiltSite, releases: readonly ReleaseEntry[]): BeforeDeploySection {
  const descriptors = descriptorsOf(built.snapshot);
  const pools = poolPartsOf(site).map(({ pool: p, site: owner }): NodeRequirement => {
    const d = descriptors.get(`${p.cluster}/${p.name}`);
    const taint = d ? `${d.taint.key}${d.taint.value ? `=${d.taint.value}` : ''}:${d.taint.effect}` : '(no descriptor)';
    const { slurm, kubernetes } = p.ownership;
    const range = (from: number, count: number) => (count === 1 ? `node ${from}` : `nodes ${from} to ${from + count - 1}`);
    const owners = [
      ...(slurm > 0
        ? [
            {
              label: OWNER_LABEL,
              value: 'slurm' as const,
              nodes: slurm,
              which: `${range(0, slurm)} (Slurm names ${slurmNodeName(p.name, 0)}${slurm > 1 ? ` to ${slurmNodeName(p.name, slurm - 1)}` : ''})`,
            },
          ]
        : []),
      ...(kubernetes > 0
        ? [{ label: OWNER_LABEL, value: 'kubernetes' as const, nodes: kubernetes, which: slurm > 0 ? range(slurm, kubernetes) : 'every node' }]
        : []),
    ];
    const input = owner.clusters.find((c) => c.name === p.cluster)?.slurm?.input;
    const slinky =
      p.slurm && input && slurm > 0
        ? { nodes: slurm, first: slinkyNodeAnnotations(input, p.name, 0), last: slinkyNodeAnnotations(input, p.name, slurm - 1) }
        : undefined;
    const levels = new Set(d?.topologyLevels ?? []);
    return {
      cluster: p.cluster,
      pool: p.name,
      nodes: p.spec.nodes,
      labels: d?.nodeLabels ?? {},
      taint,
      owners,
      fabricLabels: [FABRIC_LABELS.spine, FABRIC_LABELS.leaf, FABRIC_LABELS.nvlinkDomain].filter((l) => levels.has(l)),
      ...(slinky ? { slinky } : {}),
    };
  });

  const clusters = clustersOf(site);
  const context = (cluster: string) => clusters.find((c) => c.cluster.name === cluster)?.cluster.context ?? cluster;
  const secrets: SecretRequirement[] = [];
  const valuesIn = (cluster: string, namespace: string): unknown[] => [
    ...releases.filter((r) => r.cluster === cluster && r.namespace === namespace).map((r) => r.values),
    ...resourcesOf(built.snapshot)
      .filter((r) => r.type !== 'helm_release' && (r.cluster ?? '') === cluster)
      .filter((r) => {
        const meta = r.config.metadata as { namespace?: unknown } | undefined;
        return meta?.namespace === namespace;
      })
      .map((r) => r.config),
  ];
  const add = (cluster: string, namespace: string, name: string, why: string, keys?: readonly string[]) => {
    if (secrets.some((s) => s.cluster === cluster && s.namespace === namespace && s.name === name)) return;
    secrets.push({
      cluster,
      namespace,
      name,
      keys: keys ?? secretKeys(valuesIn(cluster, namespace), name),
      why,
      check: `kubectl --context ${context(cluster)} get secret -n ${namespace} ${name}`,
    });
  };
  const idOf = (r: ReleaseEntry) => chartIdOf(r.chart, r.version);
  for (const r of releases.filter((x) => idOf(x) === 'kube-prometheus-stack')) {
    const admin = (r.values.grafana as JsonObject | undefined)?.admin as JsonObject | undefined;
    if (typeof admin?.existingSecret === 'string')
      add(r.cluster, r.namespace, admin.existingSecret, "Grafana's admin user and password (kube-prometheus-stack grafana.admin.existingSecret)");
  }
  for (const { slurm: s, site: owner } of slurmClustersOf(site)) {
    const namespace = releases.find((r) => r.cluster === s.kubernetesCluster && idOf(r) === 'slurm')?.namespace ?? CHARTS.slurm.namespace;
    const accounting = owner.spec.scheduler.slurm?.accounting;
    if (accounting) {
      add(s.kubernetesCluster, namespace, accounting.passwordSecret.name, "slurmdbd's database password (scheduler.slurm.accounting.passwordSecret)", [
        accounting.passwordSecret.key,
      ]);
    }
    const directory = owner.spec.identity.directory;
    if (directory && 'sssdConfSecret' in directory) {
      add(s.kubernetesCluster, namespace, directory.sssdConfSecret.name, "the login pods' sssd.conf (identity.directory.sssdConfSecret)", [
        directory.sssdConfSecret.key,
      ]);
    }
  }
  for (const r of releases.filter((x) => idOf(x) === 'minio-tenant')) {
    const config = (r.values.tenant as JsonObject | undefined)?.configSecret as JsonObject | undefined;
    if (typeof config?.name === 'string' && config.existingSecret === true)
      add(r.cluster, r.namespace, config.name, "the MinIO tenant's root credentials (tenant.configSecret)");
  }
  // The manager's Kueue reaches each cell through the kubeconfig in the Secret its
  // MultiKueueCluster names, in the namespace Kueue runs in on the manager.
  for (const m of manifestsOf(built.snapshot, 'MultiKueueCluster')) {
    const spec = isJsonObject(m.manifest.spec) ? m.manifest.spec : {};
    const source = isJsonObject(spec.clusterSource) ? spec.clusterSource : {};
    const kubeConfig = isJsonObject(source.kubeConfig) ? source.kubeConfig : {};
    if (kubeConfig.locationType !== 'Secret' || typeof kubeConfig.location !== 'string') continue;
    const namespace = releases.find((r) => r.cluster === m.cluster && idOf(r) === 'kueue')?.namespace ?? KUEUE_NAMESPACE;
    const cell = site.cells.find((c) => c.name === m.name);
    const field = cell ? `clusters.${cell.cluster}.cells.${cell.name}.kubeconfigSecret` : 'kubeconfigSecret';
    add(m.cluster, namespace, kubeConfig.location, `kubeconfig of cell ${m.name}, with which MultiKueue on this manager runs jobs there (${field})`, [
      KUBECONFIG_SECRET_KEY,
    ]);
  }
  // Data labs run in the site's workloads stack, and in a cell's when the cell has any.
  const labStacks = [
    { stack: built.stacks.workloads, owner: site },
    ...site.cells.map((c) => ({ stack: built.stacks.cells[c.name].workloads, owner: c.site })),
  ];
  for (const { stack, owner } of labStacks) {
    const oidc = owner.spec.identity.notebookClient.secret;
    for (const lab of Object.values(stack.storage.labs)) {
      const cluster = owner.labs[lab.labName]?.cluster ?? owner.clusters[0].name;
      for (const name of lab.requiredSecrets) {
        const why =
          name === oidc.name
            ? `the OIDC client secret of data lab ${lab.labName}'s JupyterHub (identity.notebookClient.secret)`
            : `data lab ${lab.labName} (a credential its charts read from an existing Secret)`;
        add(cluster, lab.namespace.name, name, why, name === oidc.name ? [oidc.key] : undefined);
      }
    }
  }
  const pullSecret = site.mirror?.pullSecretName;
  if (pullSecret) {
    const namespaces = new Set<string>();
    for (const r of releases) namespaces.add(`${r.cluster}\u0000${r.namespace}`);
    for (const r of resourcesOf(built.snapshot)) {
      const meta = r.config.metadata as { name?: unknown; namespace?: unknown } | undefined;
      if (r.type === 'kubernetes_namespace_v1' && typeof meta?.name === 'string') namespaces.add(`${r.cluster ?? ''}\u0000${meta.name}`);
    }
    for (const key of [...namespaces].sort()) {
      const [cluster, namespace] = key.split('\u0000');
      add(cluster, namespace, pullSecret, 'image pull Secret of the registry mirror (registryMirror.pullSecretName), in every namespace', [
        '.dockerconfigjson',
      ]);
    }
  }
  return {
    preflight: `npm run preflight -- ${site.spec.id}`,
    pools,
    ...(site.spec.scheduler.kueue ? { cpuNodeLabels: CPU_NODE_LABELS } : {}),
    secrets,
  };
}

function deploymentSection(site: SiteModel, built: BuiltSite): DeploymentSection {
  const stacks = built.snapshot.stacks.map((s) => {
    const byType = Object.fromEntries(Object.entries(s.json.resource ?? {}).map(([type, byName]) => [type, Object.keys(byName).length]));
    const [type, attributes] = Object.entries(s.json.terraform?.backend ?? {})[0] ?? ['local', {}];
    return {
      name: s.name,
      dependsOn: s.dependencies,
      resources: Object.values(byType).reduce((n, c) => n + c, 0),
      byType,
      moved: s.json.moved?.length ?? 0,
      backend: { type, where: backendText(type, attributes) },
    };
  });
  return {
    stacks,
    command: `SITE=${site.spec.id} npx cdktf deploy ${stacks.map((s) => s.name).join(' ')}`,
    findings: {
      blocking: blockingFindings(built.findings).map((f) => `${f.ruleId} ${f.path}: ${f.details.join('; ')}`),
      warnings: built.findings.filter((f) => f.level === 'warning' && f.suppressedBecause === undefined).length,
      suppressed: built.findings.filter((f) => f.suppressedBecause !== undefined).length,
    },
  };
}

/** Energy figures and the Energy Efficiency Directive, from the facts. */
export function energySection(facts: SiteFacts, assumptions: ReviewAssumptions): EnergySection {
  const pools = Object.values(facts.pools).map((p) => ({
    pool: p.name,
    accelerators: p.capacity.accelerators,
    maxPowerW: p.accelerator.maxPowerW,
    ...(p.accelerator.powerScope ? { powerScope: p.accelerator.powerScope } : {}),
    acceleratorPowerKw: p.capacity.acceleratorPowerKw,
  }));
  const figures = energyFigures(
    pools.map((p) => ({ name: p.pool, acceleratorPowerKw: p.acceleratorPowerKw })),
    assumptions,
  );
  return {
    figures,
    pools,
    eed: {
      thresholdKw: EED_REPORTING_THRESHOLD.kw,
      reports: crosses(figures.itKw, EED_REPORTING_THRESHOLD.kw, EED_REPORTING_THRESHOLD.comparison),
      items: EED_REPORTED_INFORMATION.items,
      codeOfConduct: crosses(figures.itKw, EED_CODE_OF_CONDUCT.kw, 'at least'),
      wasteHeat: crosses(figures.facilityKw, EED_WASTE_HEAT.kw, 'greater than'),
      deadlines: EED_REPORTING_DEADLINES.fact,
    },
  };
}

/** A tenant's quotas as the compute figures take them: guaranteed or maximum units per pool. */
export function quotaShapes(facts: SiteFacts, tenant: string, which: 'guaranteed' | 'max'): QuotaShape[] {
  return Object.entries(facts.tenants[tenant]?.gpu ?? {}).flatMap(([pool, q]) => {
    const p: PoolFacts | undefined = facts.pools[pool];
    return p ? [{ pool, units: q[which], unitsPerAccelerator: p.unitsPerAccelerator, bf16DenseTflops: p.accelerator.bf16DenseTflops }] : [];
  });
}

/** EU AI Act training compute per tenant, from the facts. */
export function aiActSection(facts: SiteFacts, assumptions: ReviewAssumptions): AiActSection {
  const windows = TRAINING_WINDOWS_DAYS;
  const tenants = Object.keys(facts.tenants).map((tenant): TenantCompute => {
    const of = (which: 'guaranteed' | 'max') => {
      const peakFlops = quotaPeakFlops(quotaShapes(facts, tenant, which));
      return { peakFlops, windows: windowCompute(peakFlops, assumptions.mfu, windows, COMPUTE_THRESHOLDS) };
    };
    return { tenant, guaranteed: of('guaranteed'), max: of('max') };
  });
  const flags: string[] = [];
  for (const t of tenants) {
    for (const [which, label] of [
      ['guaranteed', 'guaranteed quota'],
      ['max', 'maximum quota (when it borrows idle GPUs)'],
    ] as const) {
      for (const threshold of COMPUTE_THRESHOLDS) {
        const first = t[which].windows.find((w) => w.crossings[threshold.id] === true);
        if (first) {
          const notify =
            threshold.id === 'gpai-systemic-risk-compute-presumption'
              ? `; a provider training such a model notifies the Commission within ${SYSTEMIC_RISK_NOTIFICATION.days} days (Art. 52(1))`
              : '';
          flags.push(`${t.tenant}: its ${label} can train a model past the ${threshold.label} within ${first.days} days${notify}`);
        } else if (t[which].windows.some((w) => w.crossings[threshold.id] === 'unknown')) {
          flags.push(`${t.tenant}: its ${label} may pass the ${threshold.label}; part of its pools' compute is not published`);
        }
      }
    }
  }
  return { mfu: assumptions.mfu, windowsDays: windows, thresholds: COMPUTE_THRESHOLDS, tenants, flags };
}

function appendix(site: SiteModel, facts: SiteFacts, assumptions: ReviewAssumptions, built: BuiltSite): Appendix {
  const ids = [...new Set(Object.values(site.pools).map((p) => p.accelerator.id))];
  return {
    inputs: [
      { input: 'site file', where: displayPath(site.source.file) },
      { input: 'resolved site model', where: 'site-model/resolve.ts (loaded and validated by site-model/loader.ts)' },
      { input: 'synthesized stacks', where: `${built.snapshot.stacks.map((s) => s.name).join(', ')}, synthesized in memory as cdktf synth writes them` },
      { input: 'accelerator figures and their sources', where: `constructs/gpu/accelerators.ts (${ids.join(', ')})` },
      { input: 'pinned charts', where: 'constructs/charts/registry.ts and constructs/charts/<chart>/chart.ts' },
      { input: 'EU rules', where: 'review-model/eu-rules.ts' },
      {
        input: 'defaults the review assumes',
        where:
          "review-model/assumptions.ts, overridable with --pue, --node-overhead, --utilization, --mfu; the site file's energy.pue replaces the default PUE",
      },
    ],
    accelerators: ids.map((id) => {
      const a = ACCELERATORS[id];
      return {
        id,
        name: a.name,
        memoryGB: a.memoryGB,
        bf16DenseTflops: a.bf16DenseTflops,
        bf16Basis: a.bf16Basis,
        maxPowerW: a.maxPowerW,
        powerScope: a.powerScope,
        sources: a.sources,
      };
    }),
    rules: RULE_FACTS,
    assumptions: assumptionsUsed(assumptions),
    formulas: FORMULAS,
    siteAssumptions: facts.assumptions,
  };
}

/** A path relative to the working folder when it is inside it, so reports read the same on every checkout. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** SHA-256 of a file's text, or undefined when it cannot be read (an in-memory site). */
function sha256Of(file: string): string | undefined {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/** The review of a site from its model and its stacks synthesized in memory. */
export function reviewSite(site: SiteModel, built: BuiltSite, assumptions: ReviewAssumptions): SiteReview {
  const facts = siteFacts(built.snapshot);
  const releases = releasesOf(built.snapshot);
  const spec = site.spec;
  const sha256 = sha256Of(site.source.file);
  return {
    site: { id: spec.id, name: spec.name, kind: spec.kind, country: spec.country, city: spec.city, hostInstitution: spec.hostInstitution },
    siteFile: { path: displayPath(site.source.file), ...(sha256 ? { sha256 } : {}) },
    assumptions,
    capacity: capacitySection(facts),
    scheduling: schedulingSection(site, facts, built.snapshot),
    storage: storageSection(site),
    software: softwareSection(site, built, releases),
    beforeDeploy: beforeDeploySection(site, built, releases),
    deployment: deploymentSection(site, built),
    energy: energySection(facts, assumptions),
    aiAct: aiActSection(facts, assumptions),
    appendix: appendix(site, facts, assumptions, built),
  };
}

/** One site's row of the catalogue table. */
export interface CatalogueRow {
  readonly site: string;
  readonly name: string;
  readonly kind: string;
  readonly country: string;
  readonly accelerators: number;
  readonly models: readonly { readonly id: string; readonly name: string; readonly accelerators: number }[];
  readonly bf16PeakPflops: PartialSum;
  readonly itMw: PartialSum;
  readonly facilityMw: PartialSum;
  /** The PUE of the facility figure, and where it comes from. */
  readonly pue: number;
  readonly pueSource: PueSource;
  readonly tenants: number;
}

/** A site's catalogue row from its facts (no stacks needed). */
export function catalogueRow(facts: SiteFacts, assumptions: ReviewAssumptions): CatalogueRow {
  const capacity = capacitySection(facts);
  const energy = energySection(facts, assumptions).figures;
  const mw = (s: PartialSum): PartialSum => ({ value: s.value / 1000, unknown: s.unknown });
  return {
    site: facts.site,
    name: facts.name,
    kind: facts.kind,
    country: facts.country,
    accelerators: capacity.total.accelerators,
    models: capacity.byModel,
    bf16PeakPflops: capacity.total.bf16PeakPflops,
    itMw: mw(energy.itKw),
    facilityMw: mw(energy.facilityKw),
    pue: assumptions.pue,
    pueSource: assumptions.pueSource ?? 'default',
    tenants: Object.keys(facts.tenants).length,
  };
}
