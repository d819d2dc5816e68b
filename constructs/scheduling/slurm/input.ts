/**
 * What the Slurm renderer needs to know about one Slurm cluster, and the checks on it.
 *
 * The input is deliberately not the site spec: `stacks/` maps a site file onto it field by
 * field, so this folder never depends on the site file format (see STYLE.md, Layout).
 */
import { isSiteName } from '../../core/names';
import type { PoolFabric } from '../../gpu/gpu-node-pool';

/** GPU vendors, which decide the device files in gres.conf. */
export type GpuVendor = 'nvidia' | 'amd' | 'intel';

/**
 * How a pool's GPUs appear to Slurm.
 *
 * - `exclusive`: whole GPUs, `gpu:<type>:<gpusPerNode>`.
 * - `mig`: NVIDIA MIG instances of one profile, `gpu:<profile>:<gpusPerNode x instancesPerGpu>`,
 *   found by slurmd through NVML (`AutoDetect=nvml`): MIG device files are not known in advance.
 * - `shard`: Slurm GPU sharding, the counterpart of Kubernetes time-slicing:
 *   `gpu:<type>:<gpusPerNode>,shard:<gpusPerNode x sharesPerGpu>`.
 *
 * @see https://slurm.schedmd.com/gres.html#MIG_Management
 * @see https://slurm.schedmd.com/gres.html#Sharding
 */
export type SlurmGpuSharing =
  | { readonly mode: 'exclusive' }
  | { readonly mode: 'mig'; readonly profile: string; readonly instancesPerGpu: number }
  | { readonly mode: 'shard'; readonly sharesPerGpu: number };

/** A pool of identical GPU nodes: one Slinky NodeSet, whose Slurm nodes are `<name>-<i>`. */
export interface SlurmPoolInput {
  /** Pool name; also the NodeSet name, the node feature and the node name prefix. */
  readonly name: string;
  /** Nodes in the pool; their Slurm names are `<name>-0` to `<name>-<nodes - 1>`. */
  readonly nodes: number;
  /** Physical GPUs per node. */
  readonly gpusPerNode: number;
  /** GPU vendor. */
  readonly vendor: GpuVendor;
  /**
   * GRES type of a whole GPU, e.g. `h100` (see {@link gresTypeFor}). With autodetection it
   * must be a substring of the name the vendor library reports, e.g. `nvidia_h100_80gb_hbm3`.
   */
  readonly gresType: string;
  /** How the GPUs are shared. @default - exclusive: whole GPUs */
  readonly sharing?: SlurmGpuSharing;
  /** CPUs per node (NodeName `CPUs=`). */
  readonly cpusPerNode: number;
  /** Host memory per node, MiB (NodeName `RealMemory=`). */
  readonly memoryMiBPerNode: number;
  /** Switch and NVLink structure. @default - none: the pool takes no part in topology-aware scheduling */
  readonly fabric?: PoolFabric;
}

/** A Slurm partition over whole pools. */
export interface SlurmPartitionInput {
  readonly name: string;
  /** Pools (NodeSets) whose nodes form the partition. */
  readonly pools: readonly string[];
  /** Whether jobs that name no partition land here. At most one partition can be the default. */
  readonly default: boolean;
  /** Longest wall time a job may ask for, hours (rounded to whole minutes). */
  readonly maxTimeHours: number;
  /** Partition QOS: one of the input's `qos`, or {@link SLURM_DEFAULT_QOS}. @default - none */
  readonly qos?: string;
}

/**
 * A Slurm QOS, created in slurmdbd with its limits (see {@link qosCommands}). A limit left out
 * is cleared, so the QOS holds exactly the limits given.
 *
 * @see https://slurm.schedmd.com/qos.html
 * @see https://slurm.schedmd.com/sacctmgr.html#SECTION_SPECIFICATIONS-FOR-QOS
 */
export interface SlurmQosInput {
  /** QOS name. */
  readonly name: string;
  /** Priority of the QOS's jobs (sacctmgr `Priority=`), a whole number >= 0; `PriorityWeightQOS` weighs it. @default 0 */
  readonly priority?: number;
  /** Longest wall time a job of the QOS may ask for, hours (`MaxWall=`, rounded to whole minutes). @default - no limit */
  readonly maxWallHours?: number;
  /** GPU units one user may hold at once (`MaxTRESPerUser=gres/gpu=N`). @default - no limit */
  readonly maxGpusPerUser?: number;
  /** Jobs one user may run at once (`MaxJobsPerUser=`). @default - no limit */
  readonly maxJobsPerUser?: number;
}

/**
 * The QOS that every slurmdbd has from its first start: a partition may name it without
 * defining it.
 * @see https://slurm.schedmd.com/qos.html
 */
export const SLURM_DEFAULT_QOS = 'normal';

/** A tenant: one Slurm account directly under root. */
export interface SlurmTenantInput {
  /** Account name. */
  readonly name: string;
  /** Fairshare shares of the account (sacctmgr `Fairshare=`), a positive whole number. */
  readonly fairshare: number;
  /** Most units (GPUs, MIG instances or shards) the account may hold at once, per pool name. */
  readonly maxUnitsByPool: Readonly<Record<string, number>>;
  /** Account description. @default - the account name */
  readonly description?: string;
  /** Account organization. @default - the account name */
  readonly organization?: string;
}

/** One Slurm cluster: what one Slinky `slurm` chart release runs. */
export interface SlurmRenderInput {
  /** Slurm ClusterName, as in the accounting database. */
  readonly clusterName: string;
  readonly pools: readonly SlurmPoolInput[];
  readonly partitions: readonly SlurmPartitionInput[];
  /** @default - no accounts */
  readonly tenants?: readonly SlurmTenantInput[];
  /**
   * QOS to create in slurmdbd with their limits; a partition's `qos` names one of them (or
   * {@link SLURM_DEFAULT_QOS}). They need accounting.
   * @default - none
   */
  readonly qos?: readonly SlurmQosInput[];
  /**
   * Whether slurmdbd accounting runs, which adds the limit-enforcement lines to slurm.conf.
   * @default false
   */
  readonly accounting?: boolean;
}

/**
 * One thing wrong with a {@link SlurmRenderInput}, located by its path in the input, e.g.
 * `['pools', 'h100', 'fabric', 'nodesPerNvlinkDomain']`. Callers that built the input from
 * something else (a site file) map the path back to their own fields.
 */
export interface SlurmInputProblem {
  /** Path of the offending field in the input: a section, an entry name, then fields. */
  readonly path: readonly (string | number)[];
  /** What is wrong. */
  readonly problem: string;
  /** The value found. */
  readonly got: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/** Renders a problem as `<path>: <problem>, got <value>; <fix>`. */
export function formatSlurmInputProblem(p: SlurmInputProblem): string {
  return `${p.path.join('.')}: ${p.problem}, got ${JSON.stringify(p.got)}; ${p.fix}`;
}

/** Thrown when a {@link SlurmRenderInput} cannot be rendered; lists every problem found. */
export class SlurmInputError extends Error {
  constructor(
    readonly clusterName: string,
    readonly problems: readonly SlurmInputProblem[],
  ) {
    super(
      `Slurm cluster ${clusterName}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${formatSlurmInputProblem(p)}`).join('\n'),
    );
    this.name = 'SlurmInputError';
  }
}

/** Slurm's hard limit on nodes in one cluster (MAX_SLURM_NODES). */
export const MAX_SLURM_NODES = 65536;

/** Slurm ClusterName: lower case, as slurmdbd stores it. */
const CLUSTER_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
/** GRES type: a model (`h100`) or a MIG profile (`1g.10gb`); `:` and `,` would break Gres= strings. */
const GRES_TYPE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

const isCount = (n: number, min = 1) => Number.isInteger(n) && n >= min;

/**
 * Slurm time of `hours`, rounded to whole minutes: `[days-]hours:minutes:seconds`.
 * @see https://slurm.schedmd.com/slurm.conf.html#OPT_MaxTime
 */
export function slurmDuration(hours: number): string {
  const minutes = Math.max(1, Math.round(hours * 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hms = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/**
 * Every problem of an input. Topology problems that depend on the chosen plugin are added by
 * the topology renderer.
 */
export function inputProblems(input: SlurmRenderInput): SlurmInputProblem[] {
  const problems: SlurmInputProblem[] = [];
  const add = (path: readonly (string | number)[], problem: string, got: unknown, fix: string) => problems.push({ path, problem, got, fix });

  if (!CLUSTER_NAME.test(input.clusterName)) {
    add(
      ['clusterName'],
      'must be lower-case letters, digits, "-" or "_", starting with a letter, at most 63 characters',
      input.clusterName,
      'rename the cluster',
    );
  }
  if (input.pools.length === 0) add(['pools'], 'a Slurm cluster needs at least one pool', [], 'add a partition over a GPU pool');

  const pools = new Map<string, SlurmPoolInput>();
  input.pools.forEach((pool, i) => {
    const at = ['pools', pool.name || i];
    if (!isSiteName(pool.name)) add([...at, 'name'], 'must be a site-file name (lower-case letters, digits and "-")', pool.name, 'rename the pool');
    if (pools.has(pool.name)) add([...at, 'name'], 'appears twice', pool.name, 'give every pool its own name');
    pools.set(pool.name, pool);
    if (!isCount(pool.nodes)) add([...at, 'nodes'], 'must be a whole number >= 1', pool.nodes, 'fix the node count');
    if (!isCount(pool.gpusPerNode)) add([...at, 'gpusPerNode'], 'must be a whole number >= 1', pool.gpusPerNode, 'fix the GPU count');
    if (!isCount(pool.cpusPerNode)) add([...at, 'cpusPerNode'], 'must be a whole number >= 1', pool.cpusPerNode, 'fix the CPU count');
    if (!isCount(pool.memoryMiBPerNode)) add([...at, 'memoryMiBPerNode'], 'must be a whole number >= 1', pool.memoryMiBPerNode, 'fix the memory size');
    if (!GRES_TYPE.test(pool.gresType))
      add([...at, 'gresType'], 'must be lower-case letters, digits, ".", "_" or "-"', pool.gresType, 'use the model, e.g. h100');
    const sharing = pool.sharing ?? { mode: 'exclusive' };
    if (sharing.mode === 'mig') {
      if (pool.vendor !== 'nvidia') add([...at, 'sharing'], 'MIG is an NVIDIA feature', pool.vendor, 'use exclusive or shard');
      if (!GRES_TYPE.test(sharing.profile)) add([...at, 'sharing', 'profile'], 'must be a MIG profile such as 1g.10gb', sharing.profile, 'fix the profile');
      if (!isCount(sharing.instancesPerGpu))
        add([...at, 'sharing', 'instancesPerGpu'], 'must be a whole number >= 1', sharing.instancesPerGpu, 'fix the instance count');
    }
    if (sharing.mode === 'shard' && !isCount(sharing.sharesPerGpu)) {
      add([...at, 'sharing', 'sharesPerGpu'], 'must be a whole number >= 1', sharing.sharesPerGpu, 'fix the share count');
    }
    const f = pool.fabric;
    if (f) {
      for (const key of ['nodesPerLeafSwitch', 'leafSwitchesPerSpine', 'nodesPerNvlinkDomain'] as const) {
        const v = f[key];
        if (v !== undefined && !isCount(v)) add([...at, 'fabric', key], 'must be a whole number >= 1', v, 'fix the fabric');
      }
      if (f.leafSwitchesPerSpine !== undefined && f.nodesPerLeafSwitch === undefined) {
        add(
          [...at, 'fabric', 'leafSwitchesPerSpine'],
          'needs nodesPerLeafSwitch: spines group leaf switches',
          f.leafSwitchesPerSpine,
          'add nodesPerLeafSwitch or remove leafSwitchesPerSpine',
        );
      }
    }
  });
  const totalNodes = input.pools.reduce((sum, p) => sum + (isCount(p.nodes) ? p.nodes : 0), 0);
  if (totalNodes > MAX_SLURM_NODES) {
    add(['pools'], `a Slurm cluster holds at most ${MAX_SLURM_NODES} nodes`, totalNodes, 'split the pools over several clusters');
  }

  const qosNames = new Set<string>();
  (input.qos ?? []).forEach((q, i) => {
    const at = ['qos', q.name || i];
    if (!isSiteName(q.name)) add([...at, 'name'], 'must be a site-file name (lower-case letters, digits and "-")', q.name, 'rename the QOS');
    if (qosNames.has(q.name)) add([...at, 'name'], 'appears twice', q.name, 'give every QOS its own name');
    qosNames.add(q.name);
    if (q.priority !== undefined && !isCount(q.priority, 0)) add([...at, 'priority'], 'must be a whole number >= 0', q.priority, 'fix the priority');
    if (q.maxWallHours !== undefined && !(q.maxWallHours > 0))
      add([...at, 'maxWallHours'], 'must be more than 0', q.maxWallHours, 'set the longest wall time in hours');
    if (q.maxGpusPerUser !== undefined && !isCount(q.maxGpusPerUser))
      add([...at, 'maxGpusPerUser'], 'must be a whole number >= 1', q.maxGpusPerUser, 'fix the limit');
    if (q.maxJobsPerUser !== undefined && !isCount(q.maxJobsPerUser))
      add([...at, 'maxJobsPerUser'], 'must be a whole number >= 1', q.maxJobsPerUser, 'fix the limit');
  });

  const partitionNames = new Set<string>();
  const defaults: string[] = [];
  input.partitions.forEach((part, i) => {
    const at = ['partitions', part.name || i];
    if (!isSiteName(part.name)) add([...at, 'name'], 'must be a site-file name (lower-case letters, digits and "-")', part.name, 'rename the partition');
    if (partitionNames.has(part.name)) add([...at, 'name'], 'appears twice', part.name, 'give every partition its own name');
    partitionNames.add(part.name);
    if (part.pools.length === 0) add([...at, 'pools'], 'needs at least one pool', part.pools, 'name the pools of the partition');
    part.pools.forEach((p) => {
      if (!pools.has(p)) add([...at, 'pools'], 'names a pool that is not in this cluster', p, `use one of ${[...pools.keys()].join(', ') || '(none)'}`);
    });
    if (!(part.maxTimeHours > 0)) add([...at, 'maxTimeHours'], 'must be more than 0', part.maxTimeHours, 'set the longest wall time in hours');
    if (part.qos !== undefined && !isSiteName(part.qos)) add([...at, 'qos'], 'must be a site-file name', part.qos, 'rename the QOS');
    else if (part.qos !== undefined && part.qos !== SLURM_DEFAULT_QOS && !qosNames.has(part.qos)) {
      // slurmctld exits on a partition QOS that slurmdbd does not have (Slurm 24.11 with accounting, 25.05 and newer always).
      add([...at, 'qos'], 'names a QOS that the input does not define', part.qos, `define it in qos, or use ${[...qosNames, SLURM_DEFAULT_QOS].join(', ')}`);
    }
    if (part.default) defaults.push(part.name);
  });
  if (defaults.length > 1) add(['partitions'], 'only one partition can be the default', defaults, 'set default on one partition only');

  const accounts = new Set<string>();
  (input.tenants ?? []).forEach((t, i) => {
    const at = ['tenants', t.name || i];
    if (!isSiteName(t.name)) add([...at, 'name'], 'must be a site-file name (lower-case letters, digits and "-")', t.name, 'rename the tenant');
    if (accounts.has(t.name)) add([...at, 'name'], 'appears twice', t.name, 'give every tenant its own name');
    accounts.add(t.name);
    if (!isCount(t.fairshare)) add([...at, 'fairshare'], 'must be a whole number >= 1', t.fairshare, 'fix the fairshare');
    for (const [pool, max] of Object.entries(t.maxUnitsByPool)) {
      if (!pools.has(pool))
        add([...at, 'maxUnitsByPool', pool], 'names a pool that is not in this cluster', pool, `use one of ${[...pools.keys()].join(', ') || '(none)'}`);
      if (!isCount(max, 0)) add([...at, 'maxUnitsByPool', pool], 'must be a whole number >= 0', max, 'fix the limit');
    }
  });
  return problems;
}
