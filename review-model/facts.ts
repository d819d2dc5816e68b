/**
 * The facts of a synthesized site that its review reports and its comparison with another git
 * ref diffs: each pool's capacity and owners, each tenant's quotas, each Slurm cluster's
 * topology, the charts. They are read from a {@link SiteSnapshot}, whose model is plain JSON
 * that code of another version may have written, so every field is read defensively: a field
 * that code did not have is left out, never guessed.
 */
import { ACCELERATORS } from '../constructs/gpu/accelerators';
import { poolCapacity, type PoolCapacity } from './figures';
import { releasesOf, type ReleaseEntry, type SiteSnapshot } from './snapshot';

type Obj = Readonly<Record<string, unknown>>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const nullableNum = (v: unknown, fallback: number | null): number | null => (v === null ? null : (num(v) ?? fallback));
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/** Thrown when a snapshot's model lacks what the review needs. */
export class ModelReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelReadError';
  }
}

/** An accelerator as a pool uses it. */
export interface AcceleratorFacts {
  readonly id: string;
  readonly name: string;
  /** Memory per accelerator, GB; null when unpublished. */
  readonly memoryGB: number | null;
  /** Dense BF16 peak per accelerator, TFLOP/s; null when unpublished. */
  readonly bf16DenseTflops: number | null;
  /** Maximum power per accelerator, W; null when unpublished. */
  readonly maxPowerW: number | null;
  /** What the power figure covers (`gpu_board`, `superchip_module`, ...). */
  readonly powerScope?: string;
}

/** Nodes of a pool by owner. */
export interface Ownership {
  readonly slurm: number;
  readonly kubernetes: number;
}

/** A GPU pool. */
export interface PoolFacts {
  readonly name: string;
  readonly cluster: string;
  readonly accelerator: AcceleratorFacts;
  readonly nodes: number;
  readonly acceleratorsPerNode: number;
  readonly unitsPerAccelerator: number;
  /** `exclusive`, `MIG <profile>` or `time-slicing x<replicas>`. */
  readonly sharing: string;
  readonly capacity: PoolCapacity;
  /** Nodes by owner; undefined when the model states none (code before node ownership). */
  readonly ownership?: Ownership;
  /** Slurm partitions over the pool. */
  readonly partitions: readonly string[];
}

/** A guarantee and a maximum, in units of a pool. */
export interface Amounts {
  readonly guaranteed: number;
  readonly max: number;
}

/** A tenant's quota on a pool, with the parts each owner holds when the model states them. */
export interface QuotaFacts extends Amounts {
  readonly slurm?: Amounts;
  readonly kubernetes?: Amounts;
}

/** A tenant. */
export interface TenantFacts {
  readonly name: string;
  readonly kind: string;
  /** GPU quota per pool. */
  readonly gpu: Readonly<Record<string, QuotaFacts>>;
  /** Storage quota per tier, TiB. */
  readonly storageTiB: Readonly<Record<string, number>>;
}

/** The Slurm cluster on one Kubernetes cluster, as far as topology goes. */
export interface SlurmFacts {
  /** Kubernetes cluster that runs it (a cell's name for a cell's Slurm cluster). */
  readonly kubernetesCluster: string;
  /** Slurm's ClusterName. */
  readonly clusterName: string;
  /** The rendered topology.conf; undefined when no pool describes a fabric. */
  readonly topologyConf?: string;
}

/** A Helm release: which chart, at which version, from where. */
export interface ChartFacts {
  readonly stack: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly release: string;
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
}

/** The facts of a site. */
export interface SiteFacts {
  readonly site: string;
  readonly name: string;
  readonly kind: string;
  readonly country: string;
  readonly pools: Readonly<Record<string, PoolFacts>>;
  readonly tenants: Readonly<Record<string, TenantFacts>>;
  readonly slurm: readonly SlurmFacts[];
  readonly charts: readonly ChartFacts[];
  /** The site file's `assumptions:` (field path to why it is a reference design). */
  readonly assumptions: Readonly<Record<string, string>>;
}

function sharingText(sharing: Obj): string {
  const mode = str(sharing.mode) ?? 'exclusive';
  if (mode === 'mig') return `MIG ${str(sharing.profile) ?? ''}`.trim();
  if (mode === 'time-slicing') return `time-slicing x${num(sharing.replicas) ?? '?'}`;
  return mode;
}

function acceleratorFacts(id: string, stated: Obj): AcceleratorFacts {
  // Prefer the figures the model carried (that version's data); fall back to today's data by id.
  const known = ACCELERATORS[id] as (typeof ACCELERATORS)[string] | undefined;
  const powerScope = str(stated.powerScope) ?? known?.powerScope ?? undefined;
  return {
    id,
    name: str(stated.name) ?? known?.name ?? id,
    memoryGB: nullableNum(stated.memoryGB, known?.memoryGB ?? null),
    bf16DenseTflops: nullableNum(stated.bf16DenseTflops, known?.bf16DenseTflops ?? null),
    maxPowerW: nullableNum(stated.maxPowerW, known?.maxPowerW ?? null),
    ...(powerScope ? { powerScope } : {}),
  };
}

function poolFacts(name: string, raw: Obj, partitions: Obj): PoolFacts {
  const spec = obj(raw.spec);
  const nodes = num(spec.nodes);
  const perNode = num(spec.acceleratorsPerNode);
  const acceleratorId = str(spec.accelerator);
  const cluster = str(raw.cluster);
  if (nodes === undefined || perNode === undefined || acceleratorId === undefined || cluster === undefined) {
    throw new ModelReadError(`pool ${name}: the model has no nodes, acceleratorsPerNode, accelerator or cluster`);
  }
  const units = num(raw.units);
  const unitsPerAccelerator = num(raw.unitsPerAccelerator) ?? (units !== undefined ? units / (nodes * perNode) : 1);
  const accelerator = acceleratorFacts(acceleratorId, obj(raw.accelerator));
  const owned = obj(raw.ownership);
  const slurm = num(owned.slurm);
  const kubernetes = num(owned.kubernetes);
  return {
    name,
    cluster,
    accelerator,
    nodes,
    acceleratorsPerNode: perNode,
    unitsPerAccelerator,
    sharing: sharingText(obj(spec.sharing)),
    capacity: poolCapacity({ nodes, acceleratorsPerNode: perNode, unitsPerAccelerator, accelerator }),
    ...(slurm !== undefined && kubernetes !== undefined ? { ownership: { slurm, kubernetes } } : {}),
    partitions: Object.entries(partitions)
      .filter(([, p]) => list(obj(p).pools).includes(name))
      .map(([n]) => n),
  };
}

function amounts(v: unknown): Amounts | undefined {
  const o = obj(v);
  const guaranteed = num(o.guaranteed);
  const max = num(o.max);
  return guaranteed !== undefined && max !== undefined ? { guaranteed, max } : undefined;
}

function tenantFacts(name: string, raw: Obj, spec: Obj): TenantFacts {
  const gpu: Record<string, QuotaFacts> = {};
  const quotas = list(raw.gpuQuotas);
  if (quotas.length > 0 || Array.isArray(raw.gpuQuotas)) {
    for (const q of quotas.map(obj)) {
      const pool = str(q.pool);
      const total = amounts(q);
      if (pool === undefined || total === undefined) continue;
      const slurm = amounts(q.slurm);
      const kubernetes = amounts(q.kubernetes);
      gpu[pool] = { ...total, ...(slurm ? { slurm } : {}), ...(kubernetes ? { kubernetes } : {}) };
    }
  } else {
    // Models without resolved quotas: the site file's.
    for (const [pool, q] of Object.entries(obj(spec.gpuQuota))) {
      const total = amounts(q);
      if (total) gpu[pool] = total;
    }
  }
  const storageTiB = Object.fromEntries(
    Object.entries(obj(spec.storageQuotaTiB)).flatMap(([tier, tib]) => {
      const n = num(tib);
      return n !== undefined ? [[tier, n]] : [];
    }),
  );
  return { name, kind: str(spec.kind) ?? 'unknown', gpu, storageTiB };
}

/** The Helm releases of a snapshot: read from its stacks alone, so they need no model. */
export function chartFacts(snapshot: SiteSnapshot): ChartFacts[] {
  return releasesOf(snapshot).map(chartFactsOf);
}

/** The facts of a snapshot; throws a {@link ModelReadError} when its model lacks the essentials. */
export function siteFacts(snapshot: SiteSnapshot): SiteFacts {
  const model = obj(snapshot.model);
  const spec = obj(model.spec);
  if (snapshot.modelError !== undefined) throw new ModelReadError(snapshot.modelError);
  if (Object.keys(spec).length === 0) throw new ModelReadError(`the model of ${snapshot.site} has no spec`);
  const partitions = obj(obj(obj(spec.scheduler).slurm).partitions);
  const pools = Object.fromEntries(Object.entries(obj(model.pools)).map(([name, p]) => [name, poolFacts(name, obj(p), partitions)]));
  const tenantSpecs = obj(spec.tenants);
  const tenantModels = obj(model.tenants);
  const tenants = Object.fromEntries(Object.keys(tenantSpecs).map((name) => [name, tenantFacts(name, obj(tenantModels[name]), obj(tenantSpecs[name]))]));
  // The site's Slurm clusters, then its cells' (each in its cell's model); code before cells has none.
  const cellSlurm = list(model.cells).flatMap((c) => list(obj(obj(c).site).slurm));
  const slurm = [...list(model.slurm), ...cellSlurm].map(obj).flatMap((s): SlurmFacts[] => {
    const rendering = obj(s.rendering);
    const kubernetesCluster = str(s.kubernetesCluster);
    if (kubernetesCluster === undefined) return [];
    const topologyConf = str(rendering.topologyConf);
    return [{ kubernetesCluster, clusterName: str(rendering.clusterName) ?? kubernetesCluster, ...(topologyConf !== undefined ? { topologyConf } : {}) }];
  });
  const charts = chartFacts(snapshot);
  const assumptions = Object.fromEntries(Object.entries(obj(spec.assumptions)).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
  return {
    site: str(spec.id) ?? snapshot.site,
    name: str(spec.name) ?? snapshot.site,
    kind: str(spec.kind) ?? 'unknown',
    country: str(spec.country) ?? '',
    pools,
    tenants,
    slurm,
    charts,
    assumptions,
  };
}

/**
 * Switches of a topology.conf (topology/tree): name to what it joins, `Nodes=` or `Switches=`
 * as written (hostlist ranges).
 * @see https://slurm.schedmd.com/topology.conf.html
 */
export function topologySwitches(topologyConf: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (topologyConf ?? '').split('\n')) {
    const text = line.replace(/#.*/, '').trim();
    const name = /(?:^|\s)SwitchName=(\S+)/i.exec(text)?.[1];
    if (!name) continue;
    const members = [/(?:^|\s)(Nodes=\S+)/i.exec(text)?.[1], /(?:^|\s)(Switches=\S+)/i.exec(text)?.[1]].filter((x): x is string => x !== undefined);
    out.set(name, members.join(' '));
  }
  return out;
}

/** What a release is: which chart, at which version, from where, in which stack and namespace. */
export function chartFactsOf(r: Pick<ReleaseEntry, 'stack' | 'cluster' | 'namespace' | 'name' | 'chart' | 'version' | 'repository'>): ChartFacts {
  return { stack: r.stack, cluster: r.cluster, namespace: r.namespace, release: r.name, chart: r.chart, version: r.version, repository: r.repository };
}
