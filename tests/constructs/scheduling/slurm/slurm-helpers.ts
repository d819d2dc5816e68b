/**
 * Helpers for the Slurm tests: what a site deploys for Slurm (the slurm.conf Slinky writes from
 * the chart values the stack passes, the chart's config files, the slurmd arguments of each
 * NodeSet) run on the harness's real slurmctld; nodes registered the way Slinky's slurmd pods
 * register; and, worked out from the site file independently of the renderer, what scontrol
 * must then report.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { SlurmValues } from '../../../../constructs/charts/slurm/values';
import { unitsPerGpu } from '../../../../constructs/gpu/gpu-sharing';
import { ACCOUNTS_CONFIG_MAP } from '../../../../constructs/scheduling/slurm/slurm-cluster';
import {
  gresTypeFor,
  SLINKY_TOPOLOGY_ANNOTATION,
  slinkyNodeAnnotations,
  slinkySlurmConf,
  slinkySlurmdConf,
  type SlurmRenderInput,
} from '../../../../constructs/scheduling/slurm/render';
import type { SiteModel } from '../../../../site-model/resolve';
import type { SiteSpec } from '../../../../site-model/schema';
import type { SiteStacks } from '../../../../stacks/site';
import { buildSite } from '../../../helpers';
import {
  checkCallerSlurmConf,
  expandBrackets,
  gresDeviceFiles,
  lookupFailures,
  sandboxArgs,
  slurmVersion,
  type Scontrol,
  type SlurmConfFiles,
} from '../../../slurm-harness/slurmctld';

/**
 * Whether the harness's Slurm places a dynamic node in its switch when it registers with
 * `Topology=` (Slurm 25.05 and newer; the Slinky 1.2.1 chart runs 26.05). Slurm 24.11 knows no
 * node `Topology=`: its dynamic nodes join the switches that name them at the next reconfigure.
 */
export const TOPOLOGY_AT_REGISTRATION = ((v) => v[0] > 25 || (v[0] === 25 && v[1] >= 5))((slurmVersion() ?? '0.0').split('.').map(Number));

/** slurmdbd's database in the test sites: what a site file's `scheduler.slurm.accounting` holds. */
export const TEST_ACCOUNTING = { host: 'slurmdbd-db.example.internal', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } };

/**
 * Patch for the minimal fixture: a Slurm partition over its h100 pool, which Slurm owns, with
 * accounting (the fixture's tenant has a quota on the pool, which only slurmdbd enforces).
 */
export const SLURM_PATCH = {
  gpuPools: { h100: { owner: 'slurm' } },
  scheduler: { slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } }, accounting: TEST_ACCOUNTING } },
};

/** What a site deploys for the Slurm cluster of one Kubernetes cluster, as the Slurm daemons get it. */
export interface DeployedSlurm {
  /** `ClusterName` (the chart's `clusterName`). */
  readonly clusterName: string;
  /** slurm.conf as Slinky 1.2.1 writes it from the `slurm` chart values of the stack. */
  readonly slurmConf: string;
  /** The chart's `configFiles."gres.conf"`. */
  readonly gresConf: string;
  /** The chart's `configFiles."topology.conf"`. @default - none */
  readonly topologyConf?: string;
  /** Per NodeSet: the `slurmd -Z --conf` argument Slinky gives its pods. */
  readonly slurmdConf: Readonly<Record<string, string>>;
  /** The sacctmgr flat file of the accounts ConfigMap (the chart's `extraObjects`). @default - none: no accounting */
  readonly accountsCfg?: string;
  /** The script of the Job that loads it (`bash -c <script>`). @default - none: no accounting */
  readonly accountsJobScript?: string;
}

// Sites are built once per test file: building the stacks of a site takes about half a second.
const builtSites = new Map<SiteModel, SiteStacks>();

/**
 * What `site` deploys for Slurm on `kubernetesCluster`: the stacks are built, and the values
 * the `slurm` chart release receives are turned into slurm.conf and slurmd arguments the way
 * Slinky does ({@link slinkySlurmConf}, {@link slinkySlurmdConf}).
 */
export function deployedSlurm(site: SiteModel, kubernetesCluster: string): DeployedSlurm {
  let stacks = builtSites.get(site);
  if (!stacks) {
    stacks = buildSite(site).stacks;
    builtSites.set(site, stacks);
  }
  const cluster = stacks.workloads.slurm[kubernetesCluster];
  if (!cluster) throw new Error(`${site.spec.id} runs no Slurm on Kubernetes cluster ${kubernetesCluster}`);
  const { chart } = cluster;
  const values = chart.values as SlurmValues;
  const files = values.configFiles ?? {};
  const gresConf = files['gres.conf'];
  if (gresConf === undefined) throw new Error(`${site.spec.id}: the slurm chart values have no configFiles."gres.conf"`);
  // The accounts ConfigMap among the chart's extraObjects (free-form JSON objects).
  const objects = (values.extraObjects ?? []) as readonly {
    kind?: string;
    metadata?: { name?: string };
    data?: Record<string, string>;
    spec?: { template?: { spec?: { containers?: { command?: string[] }[] } } };
  }[];
  const named = (kind: string) => objects.find((o) => o.kind === kind && o.metadata?.name === ACCOUNTS_CONFIG_MAP);
  const accountsCfg = named('ConfigMap')?.data?.['accounts.cfg'];
  // The Job's name carries the hash of what it loads.
  const accountsJobScript = objects.find((o) => o.kind === 'Job' && o.metadata?.name?.startsWith(`${ACCOUNTS_CONFIG_MAP}-`))?.spec?.template?.spec
    ?.containers?.[0]?.command?.[2];
  return {
    clusterName: values.clusterName ?? '',
    slurmConf: slinkySlurmConf({ releaseName: chart.releaseName, namespace: chart.namespace }, values),
    gresConf,
    ...(files['topology.conf'] !== undefined ? { topologyConf: files['topology.conf'] } : {}),
    slurmdConf: Object.fromEntries(Object.keys(values.nodesets ?? {}).map((name) => [name, slinkySlurmdConf(values, name)])),
    ...(accountsCfg !== undefined ? { accountsCfg } : {}),
    ...(accountsJobScript !== undefined ? { accountsJobScript } : {}),
  };
}

/**
 * Deployed slurm.conf keys that the harness sets itself, and why: they name the Kubernetes
 * environment (hosts, ports, paths, the users and auth of the Slinky images), or need what the
 * harness does not run. Every other deployed line reaches slurmctld as it is.
 */
export const HARNESS_REPLACES: Readonly<Record<string, string>> = {
  ClusterName: 'passed as the harness clusterName option, same value',
  SlurmUser: 'daemons run as root in the chroot',
  SlurmdUser: 'daemons run as root in the chroot',
  SlurmctldHost: 'loopback instead of the controller Service',
  SlurmctldPort: 'free loopback port',
  SlurmdPort: 'free loopback port',
  StateSaveLocation: 'temp dir',
  SlurmdSpoolDir: 'temp dir',
  SlurmctldLogFile: 'temp dir',
  SlurmSchedLogFile: 'temp dir',
  SlurmdLogFile: 'temp dir',
  AuthType: "munge with the harness's own socket, instead of auth/slurm with the chart's key",
  CredType: "munge with the harness's own socket, instead of cred/slurm with the chart's key",
  AuthInfo: "munge with the harness's own socket, instead of auth/slurm with the chart's key",
  AuthAltTypes: 'auth/jwt is not built into Debian 24.11 (only rest_auth_jwt); it authenticates REST clients, not nodes',
  AuthAltParameters: 'the JWT key of auth/jwt',
  MetricsType: 'metrics/openmetrics came with Slurm 25.11; 24.11 refuses the key',
  AccountingStorageType: "the harness's slurmdbd when it runs one (withSlurmdbd), else accounting_storage/none, as Slinky writes without accounting",
  AccountingStorageHost: "loopback, where the harness's slurmdbd listens, instead of the accounting Service",
  AccountingStoragePort: "the harness's slurmdbd port",
  AccountingStorageTRES: "kept with the harness's slurmdbd (harnessFiles with accounting); without it, fatal",
  AccountingStorageEnforce: "kept with the harness's slurmdbd; without it, nothing to enforce",
  PriorityWeightFairshare: 'kept with the harness\'s slurmdbd; without it, "error: PriorityWeightFairshare can only be used with SlurmDBD"',
};

/** Deployed keys that reach slurmctld as they are when it accounts to the harness's slurmdbd. */
const KEPT_WITH_ACCOUNTING = new Set(['accountingstoragetres', 'accountingstorageenforce', 'priorityweightfairshare']);

const REPLACED = new Map(Object.keys(HARNESS_REPLACES).map((k) => [k.toLowerCase(), k]));

/**
 * The deployed files for `withSlurmctld`: slurm.conf without the lines whose keys the harness
 * sets ({@link HARNESS_REPLACES}), gres.conf and topology.conf as deployed. With `accounting`
 * (a slurmctld that accounts to the harness's slurmdbd), the accounting lines the project
 * renders (`AccountingStorageTRES`, `AccountingStorageEnforce`) stay. Throws when a deployed
 * line sets another key that the harness owns, so nothing is dropped unseen.
 */
export function harnessFiles(
  d: DeployedSlurm,
  options: { accounting?: boolean } = {},
): { readonly files: SlurmConfFiles; readonly replaced: readonly string[] } {
  const kept: string[] = [];
  const replaced: string[] = [];
  for (const line of d.slurmConf.split('\n')) {
    const name = /^\s*([A-Za-z]+)=/.exec(line)?.[1]?.toLowerCase() ?? '';
    const key = options.accounting && KEPT_WITH_ACCOUNTING.has(name) ? undefined : REPLACED.get(name);
    if (key !== undefined) replaced.push(line);
    else kept.push(line);
  }
  const slurmConf = kept.join('\n');
  checkCallerSlurmConf(slurmConf, options);
  return {
    files: { slurmConf, gresConf: d.gresConf, ...(d.topologyConf !== undefined ? { topologyConf: d.topologyConf } : {}) },
    replaced,
  };
}

/** Log lines the deployed files cause in every start, and why they are expected. */
export const DEPLOYED_LOG_ALLOWANCES: readonly RegExp[] = [
  // Slinky writes MaxNodeCount=1024 before controller.extraConf; a larger cluster sets it again
  // there, and the later value wins.
  /MaxNodeCount 1 specified more than once, latest value used/,
  // topology.conf names every node of the pools; until a node registers it is not a node yet.
  // The tests compare the failed lookups with the nodes that have not registered.
  /lookup failure for node "/,
  /Invalid hostnames in switch configuration/,
];

/** Which nodes of each pool register in a test, by index. */
export type RegistrationPlan = Readonly<Record<string, readonly number[]>>;

/** Pools up to this many nodes register every node in the catalogue tests. */
export const FULL_REGISTRATION_LIMIT = 1024;

/**
 * The nodes that register: every node of a pool of up to {@link FULL_REGISTRATION_LIMIT}
 * nodes (or of every pool with `all`); of a larger pool, the nodes under its first two
 * lowest-level switches (its first 64 nodes without a fabric) and under its last one, where
 * hostlist ranges begin and end and the last switch may be partial. Every node of a pool gets
 * the same NodeSet, GRES and gres.conf line, so the rest differ only by name and place. A MIG
 * pool registers node 0 only (see {@link registerNodes}).
 */
export function registrationPlan(input: SlurmRenderInput, all = false): RegistrationPlan {
  return Object.fromEntries(
    input.pools.map((pool) => {
      const n = pool.nodes;
      if (pool.sharing?.mode === 'mig') return [pool.name, [0]];
      if (all || n <= FULL_REGISTRATION_LIMIT) return [pool.name, range(0, n)];
      const span = pool.fabric?.nodesPerNvlinkDomain ?? pool.fabric?.nodesPerLeafSwitch ?? 32;
      const lastStart = Math.floor((n - 1) / span) * span;
      return [pool.name, [...new Set([...range(0, Math.min(n, 2 * span)), ...range(lastStart, n)])]];
    }),
  );
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/**
 * Nodes per `scontrol create`: slurmctld creates nodes while the command waits, and one
 * command for 24,000 nodes can outlast scontrol's message timeout on a busy machine.
 */
const CREATE_CHUNK = 2000;

/** Consecutive runs of sorted indexes, as `[first, last]`, at most {@link CREATE_CHUNK} long. */
function runs(indexes: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of [...indexes].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last?.[1] === i - 1 && i - last[0] < CREATE_CHUNK) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/** How each pool's nodes registered. */
export interface Registration {
  /** Nodes that registered through a real `slurmd -Z`, by pool. */
  readonly bySlurmd: Readonly<Record<string, readonly string[]>>;
  /** Per pool, the `scontrol create` commands that registered the others. */
  readonly created: Readonly<Record<string, readonly string[]>>;
}

/**
 * Registers the planned nodes the way Slinky's do. Node 0 of each pool, and every planned node of
 * a MIG pool, runs a real `slurmd -Z --conf '<the NodeSet's conf>'` (with the GPUs of gres.conf
 * as fake devices) until slurmctld has it; from Slurm 25.05 the conf ends with
 * `Topology=<the node's topology annotation>`, as Slinky's slurmd image adds it. The other nodes are created with the same `--conf`
 * items by `scontrol create NodeName=<range> <items> CPUs= RealMemory= State=CLOUD`, CPUs and
 * memory standing for what slurmd detects on the real node: the form Slurm documents for dynamic
 * nodes without a slurmd, which takes milliseconds for thousands of nodes. MIG nodes cannot be
 * created so: for a CLOUD node slurmctld reads gres.conf itself and refuses `AutoDetect=nvml`
 * (`Requested GRES option unsupported by configured SelectType plugin`).
 */
export async function registerNodes(ctl: Scontrol, d: DeployedSlurm, input: SlurmRenderInput, plan: RegistrationPlan): Promise<Registration> {
  const bySlurmd: Record<string, string[]> = {};
  const created: Record<string, string[]> = {};
  // What Slinky's slurmd image appends to --conf from the node's topology annotation (25.05+).
  const topology = (pool: string, i: number): string[] => {
    const spec = TOPOLOGY_AT_REGISTRATION ? slinkyNodeAnnotations(input, pool, i)[SLINKY_TOPOLOGY_ANNOTATION] : undefined;
    return spec === undefined ? [] : [`Topology=${spec}`];
  };
  for (const pool of input.pools) {
    const conf = d.slurmdConf[pool.name];
    if (conf === undefined) throw new Error(`no NodeSet ${pool.name} deployed`);
    const planned = plan[pool.name] ?? [];
    const viaSlurmd = pool.sharing?.mode === 'mig' ? planned : planned.filter((i) => i === 0);
    for (const i of viaSlurmd) {
      await withSlinkySlurmd(ctl, `${pool.name}-${i}`, [conf, ...topology(pool.name, i)].join(' '), d.gresConf, () => undefined);
    }
    bySlurmd[pool.name] = viaSlurmd.map((i) => `${pool.name}-${i}`);
    // One command per run of nodes that share their Topology=.
    const rest = planned.filter((i) => !viaSlurmd.includes(i));
    const byTopology = new Map<string, number[]>();
    for (const i of rest) byTopology.set(topology(pool.name, i).join(), [...(byTopology.get(topology(pool.name, i).join()) ?? []), i]);
    created[pool.name] = [...byTopology.values()].flatMap((indexes) =>
      runs(indexes).map(([a, b]) => {
        const args = [
          'create',
          `NodeName=${a === b ? `${pool.name}-${a}` : `${pool.name}-[${a}-${b}]`}`,
          ...conf.split(' '),
          ...topology(pool.name, a),
          `CPUs=${pool.cpusPerNode}`,
          `RealMemory=${pool.memoryMiBPerNode}`,
          'State=CLOUD',
        ];
        ctl.run(args);
        return `scontrol ${args.join(' ')}`;
      }),
    );
  }
  return { bySlurmd, created };
}

/** The names of the planned nodes, by pool. */
export function plannedNames(plan: RegistrationPlan): Record<string, string[]> {
  return Object.fromEntries(Object.entries(plan).map(([pool, idx]) => [pool, idx.map((i) => `${pool}-${i}`)]));
}

/**
 * Compares the nodes slurmctld failed to look up (from `since`, a log offset) with the nodes it
 * should not know yet: the configured nodes of the pools that have not registered. Returns the
 * names looked up that are not such nodes (a topology that names a node no pool has), and the
 * unregistered nodes that were not looked up (a topology that leaves nodes out).
 */
export function unexpectedLookups(ctl: Scontrol, since: number, expectedMissing: Iterable<string>): { unknown: string[]; notLookedUp: string[] } {
  const failed = new Set(lookupFailures(ctl.log().slice(since)));
  const want = new Set(expectedMissing);
  return { unknown: [...failed].filter((n) => !want.has(n)), notLookedUp: [...want].filter((n) => !failed.has(n)) };
}

/** A switch as scontrol must show it. */
export interface ExpectedSwitch {
  /** Its nodes, sorted. */
  readonly nodes: string[];
  /** Child switches, sorted. @default - none: a leaf */
  readonly switches?: string[];
}

/** What scontrol must report for the Slurm cluster of a Kubernetes cluster of a site. */
export interface ExpectedCluster {
  readonly partitions: Record<string, { TotalNodes: string; Default: string; maxTimeHours: number; QoS: string }>;
  /** Per pool: registered node count and the values every registered node shows. */
  readonly pools: Record<string, { nodes: number; Gres: string; AvailableFeatures: string }>;
  readonly switches?: Record<string, ExpectedSwitch>;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/**
 * Works out, from the site file alone, what the Slurm cluster on `kubernetesCluster` must show
 * once the nodes of `registered` have registered and (Slurm 24.11) slurmctld has been
 * reconfigured. Slurm 24.11 shows a lowest-level switch with its node list as configured, and
 * every switch above with the nodes that exist under it (bitmaps), which is where a registered
 * node shows that it joined its switch; from 25.05 every switch shows the nodes that exist.
 */
export function expectedFromSite(spec: SiteSpec, kubernetesCluster: string, registered: Readonly<Record<string, readonly string[]>>): ExpectedCluster {
  const slurm = spec.scheduler.slurm;
  if (!slurm) throw new Error(`${spec.id} does not run Slurm`);
  const clusterOf = (pool: string) => spec.gpuPools[pool]?.cluster ?? Object.keys(spec.clusters)[0];
  const partitions = Object.entries(slurm.partitions).filter(([, p]) => p.pools.every((pool) => clusterOf(pool) === kubernetesCluster));
  const poolNames = Object.keys(spec.gpuPools).filter((name) => partitions.some(([, p]) => p.pools.includes(name)));
  const count = (pool: string) => registered[pool]?.length ?? 0;

  const pools: ExpectedCluster['pools'] = {};
  for (const name of poolNames) {
    const pool = spec.gpuPools[name];
    // Slurm sees each device: an MI250X carries two GPU dies.
    const n = pool.acceleratorsPerNode * (pool.accelerator === 'amd-mi250x' ? 2 : 1);
    const type = gresTypeFor(pool.accelerator);
    const gres =
      pool.sharing.mode === 'mig'
        ? `gpu:${pool.sharing.profile}:${n * unitsPerGpu(pool.accelerator, pool.sharing)}`
        : pool.sharing.mode === 'time-slicing'
          ? // A dynamic node's shards take the type of the GPUs they share.
            `gpu:${type}:${n},shard:${type}:${n * pool.sharing.replicas}`
          : `gpu:${type}:${n}`;
    if (count(name) > 0) pools[name] = { nodes: count(name), Gres: gres, AvailableFeatures: name };
  }

  const expected: ExpectedCluster = {
    partitions: Object.fromEntries(
      partitions.map(([name, p]) => [
        name,
        {
          TotalNodes: String(p.pools.reduce((sum, pool) => sum + count(pool), 0)),
          Default: p.default ? 'YES' : 'NO',
          maxTimeHours: p.maxTimeHours,
          QoS: p.qos ?? 'N/A',
        },
      ]),
    ),
    pools,
  };
  const switches = expectedSwitches(spec, poolNames, registered);
  return switches ? { ...expected, switches } : expected;
}

/** Switch by switch, from the fabric's definition: NVLink domains, leaves, spines, a switch per pool, a root. */
function expectedSwitches(
  spec: SiteSpec,
  poolNames: readonly string[],
  registered: Readonly<Record<string, readonly string[]>>,
): Record<string, ExpectedSwitch> | undefined {
  const fabricOf = (name: string) => spec.gpuPools[name].fabric;
  if (!poolNames.some((p) => fabricOf(p) !== undefined)) return undefined;
  const switches = new Map<string, { nodes: Set<string>; switches: Set<string>; leaf: boolean }>();
  const sw = (name: string, leaf: boolean) => {
    const s = switches.get(name) ?? { nodes: new Set<string>(), switches: new Set<string>(), leaf };
    switches.set(name, s);
    return s;
  };
  const tops: string[] = [];
  for (const p of poolNames) {
    const f = fabricOf(p);
    const isRegistered = new Set(registered[p] ?? []);
    // Node i's switches from the lowest up, named as the site's fabric places them.
    const chain = (i: number): string[] => {
      const c: string[] = [];
      if (f?.nodesPerNvlinkDomain !== undefined) c.push(`${p}-nvl${Math.floor(i / f.nodesPerNvlinkDomain)}`);
      if (f?.nodesPerLeafSwitch !== undefined) {
        c.push(`${p}-leaf${Math.floor(i / f.nodesPerLeafSwitch)}`);
        if (f.leafSwitchesPerSpine !== undefined) c.push(`${p}-spine${Math.floor(i / (f.nodesPerLeafSwitch * f.leafSwitchesPerSpine))}`);
      }
      return c.length > 0 ? c : [p];
    };
    const poolTops = new Set<string>();
    // Slurm's nodes of the pool: the first, as many as the site file gives it.
    const owner = spec.gpuPools[p].owner;
    const slurmNodes = typeof owner === 'object' ? owner.slurm : spec.gpuPools[p].nodes;
    for (let i = 0; i < slurmNodes; i++) {
      const node = `${p}-${i}`;
      const c = chain(i);
      c.forEach((name, level) => {
        const s = sw(name, level === 0);
        if ((level === 0 && !TOPOLOGY_AT_REGISTRATION) || isRegistered.has(node)) s.nodes.add(node);
        if (level > 0) s.switches.add(c[level - 1]);
      });
      poolTops.add(c[c.length - 1]);
    }
    if (poolTops.size > 1) {
      const s = sw(p, false);
      for (const t of poolTops) s.switches.add(t);
      for (const node of registered[p] ?? []) s.nodes.add(node);
      tops.push(p);
    } else {
      tops.push(...poolTops);
    }
  }
  if (tops.length > 1) {
    const root = sw('root', false);
    for (const t of tops) root.switches.add(t);
    for (const p of poolNames) for (const node of registered[p] ?? []) root.nodes.add(node);
  }
  return Object.fromEntries(
    [...switches].map(([name, s]) => [name, { nodes: sorted(s.nodes), ...(s.switches.size > 0 ? { switches: sorted(s.switches) } : {}) }]),
  );
}

/** Parses Slurm's `[days-]hours:minutes:seconds` into hours. */
export function slurmTimeHours(t: string): number {
  const m = /^(?:(\d+)-)?(\d+):(\d+):(\d+)$/.exec(t);
  if (!m) throw new Error(`not a Slurm time: ${t}`);
  return Number(m[1] ?? 0) * 24 + Number(m[2]) + Number(m[3]) / 60 + Number(m[4]) / 3600;
}

/** What scontrol reports, in the shape of {@link ExpectedCluster}. */
export function observed(ctl: Scontrol, expected: ExpectedCluster): ExpectedCluster {
  const partitions = Object.fromEntries(
    Object.entries(ctl.partitions()).map(([name, p]) => [
      name,
      { TotalNodes: p.TotalNodes ?? '', Default: p.Default ?? '', maxTimeHours: Math.round(slurmTimeHours(p.MaxTime ?? '') * 60) / 60, QoS: p.QoS ?? '' },
    ]),
  );
  // Nodes grouped by pool; a value that differs between nodes of a pool shows as "a | b".
  const byPool = new Map<string, { nodes: number; values: Record<string, Set<string>> }>();
  for (const [name, n] of Object.entries(ctl.nodes())) {
    const pool = /^(.*)-\d+$/.exec(name)?.[1] ?? name;
    const entry = byPool.get(pool) ?? { nodes: 0, values: {} };
    entry.nodes++;
    for (const key of ['Gres', 'AvailableFeatures']) (entry.values[key] ??= new Set()).add(n[key] ?? '');
    byPool.set(pool, entry);
  }
  const pools = Object.fromEntries(
    [...byPool].map(([pool, e]) => [pool, { nodes: e.nodes, ...Object.fromEntries(Object.entries(e.values).map(([k, v]) => [k, sorted(v).join(' | ')])) }]),
  ) as ExpectedCluster['pools'];
  const result: ExpectedCluster = { partitions, pools };
  if (!expected.switches) return result;
  const switches = Object.fromEntries(
    ctl
      .topologyRecords()
      .filter((r) => r.SwitchName !== undefined)
      .map((r) => [r.SwitchName, { nodes: sorted(expandBrackets(r.Nodes ?? '')), ...(r.Switches ? { switches: sorted(expandBrackets(r.Switches)) } : {}) }]),
  );
  return { ...result, switches };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Runs a slurmd the way a Slinky NodeSet pod does (`slurmd -Z --conf '<conf>'`, a dynamic node
 * named `nodeName`) against the harness's slurmctld, with the GPUs of gres.conf as fake devices,
 * until it has registered; then runs `fn` and stops that slurmd. The node stays registered. The
 * pod fetches the files from slurmctld (configless); here slurmd reads the same files from the
 * harness's directory, because the munge socket it needs to ask is only named in them.
 */
export async function withSlinkySlurmd<T>(ctl: Scontrol, nodeName: string, conf: string, gresConf: string, fn: () => Promise<T> | T): Promise<T> {
  const devices = path.join(ctl.hostDir, `devices-${nodeName}.list`);
  fs.writeFileSync(devices, `${gresDeviceFiles(gresConf).join('\n')}\n`);
  const log = path.join(ctl.hostDir, `slurmd-${nodeName}.out`);
  const fd = fs.openSync(log, 'a');
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8', AIF_NSS_LOOPBACK: '1', SLURM_CONF: `${ctl.dir}/slurm.conf` };
  const slurmd = spawn('unshare', sandboxArgs(devices, ['/usr/sbin/slurmd', '-D', '-Z', '-N', nodeName, '--conf', conf, '-f', `${ctl.dir}/slurm.conf`]), {
    env,
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (slurmd.exitCode !== null) throw new Error(`slurmd -Z ${nodeName} exited (${slurmd.exitCode}):\n${fs.readFileSync(log, 'utf8')}`);
      // SlurmdStartTime is set when a slurmd registers; a CLOUD node from slurm.conf is IDLE without one.
      if (/\bSlurmdStartTime=(?!None)/.test(safeShowNode(ctl, nodeName))) break;
      if (Date.now() > deadline) throw new Error(`slurmd -Z ${nodeName} did not register within 30 s:\n${fs.readFileSync(log, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return await fn();
  } finally {
    await stop(slurmd);
  }
}

function safeShowNode(ctl: Scontrol, name: string): string {
  try {
    return ctl.run(['show', 'node', name, '-o']);
  } catch {
    return '';
  }
}
