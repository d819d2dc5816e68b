/**
 * Helpers for the Slurm tests: run rendered files on the harness's real slurmctld, and work
 * out from a site file, independently of the renderer, what scontrol must report.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { unitsPerGpu } from '../../../../constructs/gpu/gpu-sharing';
import { gresTypeFor, type SlinkyNodeSetValues, type SlurmRendering } from '../../../../constructs/scheduling/slurm/render';
import type { SiteSpec } from '../../../../site-model/schema';
import { expandBrackets, gresDeviceFiles, sandboxArgs, type Scontrol, type SlurmConfFiles } from '../../../slurm-harness/slurmctld';

/** Patch for the minimal fixture: a Slurm partition over its h100 pool. */
export const SLURM_PATCH = { scheduler: { slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } } } } };

/**
 * Files for `withSlurmctld`: the lines Slinky's operator and the registered slurmd pods
 * contribute, followed by the deployed slurm.conf lines (without the accounting lines, which
 * need slurmdbd), gres.conf and topology.conf.
 */
export function harnessFiles(r: SlurmRendering): SlurmConfFiles {
  const deployed = r.accountingConf ? r.slurmConf.replace(`${r.accountingConf}\n`, '') : r.slurmConf;
  return {
    slurmConf: `${r.registeredNodesConf}${deployed}`,
    gresConf: r.gresConf,
    ...(r.topologyConf !== undefined ? { topologyConf: r.topologyConf } : {}),
  };
}

/** A switch or block as scontrol must show it. */
export interface ExpectedUnit {
  /** Every node under it, sorted. */
  readonly nodes: string[];
  /** Child switches, sorted (tree only). */
  readonly switches?: string[];
}

/** What scontrol must report for the Slurm cluster of a Kubernetes cluster of a site. */
export interface ExpectedCluster {
  readonly partitions: Record<string, { TotalNodes: string; Default: string; maxTimeHours: number; QoS: string }>;
  /** Per pool: node count and the values every node shows. */
  readonly pools: Record<string, { nodes: number; Gres: string; AvailableFeatures: string; CPUTot: string; RealMemory: string }>;
  readonly topology?: { readonly kind: 'SwitchName' | 'BlockName'; readonly units: Record<string, ExpectedUnit> };
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** Works out, from the site file alone, what the Slurm cluster on `kubernetesCluster` must show. */
export function expectedFromSite(spec: SiteSpec, kubernetesCluster: string): ExpectedCluster {
  const slurm = spec.scheduler.slurm;
  if (!slurm) throw new Error(`${spec.id} does not run Slurm`);
  const clusterOf = (pool: string) => spec.gpuPools[pool]?.cluster ?? Object.keys(spec.clusters)[0];
  const partitions = Object.entries(slurm.partitions).filter(([, p]) => p.pools.every((pool) => clusterOf(pool) === kubernetesCluster));
  const poolNames = Object.keys(spec.gpuPools).filter((name) => partitions.some(([, p]) => p.pools.includes(name)));

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
          ? `gpu:${type}:${n},shard:${n * pool.sharing.replicas}`
          : `gpu:${type}:${n}`;
    pools[name] = {
      nodes: pool.nodes,
      Gres: gres,
      AvailableFeatures: name,
      CPUTot: String(pool.cpusPerNode),
      RealMemory: String(pool.memoryGiBPerNode * 1024),
    };
  }

  const expected: ExpectedCluster = {
    partitions: Object.fromEntries(
      partitions.map(([name, p]) => [
        name,
        {
          TotalNodes: String(p.pools.reduce((sum, pool) => sum + spec.gpuPools[pool].nodes, 0)),
          Default: p.default ? 'YES' : 'NO',
          maxTimeHours: p.maxTimeHours,
          QoS: p.qos ?? 'N/A',
        },
      ]),
    ),
    pools,
  };
  const topology = expectedTopology(spec, poolNames);
  return topology ? { ...expected, topology } : expected;
}

/** Node by node: which leaf switch, spine and NVLink domain it sits in, from the fabric's definition. */
function expectedTopology(spec: SiteSpec, poolNames: readonly string[]): ExpectedCluster['topology'] {
  const fabricOf = (name: string) => spec.gpuPools[name].fabric;
  const block = poolNames.some((p) => fabricOf(p)?.nodesPerNvlinkDomain !== undefined);
  const tree = !block && poolNames.some((p) => fabricOf(p)?.nodesPerLeafSwitch !== undefined);
  if (!block && !tree) return undefined;

  const units = new Map<string, { nodes: Set<string>; switches: Set<string> }>();
  const unit = (name: string) => {
    const u = units.get(name) ?? { nodes: new Set<string>(), switches: new Set<string>() };
    units.set(name, u);
    return u;
  };
  const poolTops: string[] = [];
  for (const p of poolNames) {
    const f = fabricOf(p);
    const count = spec.gpuPools[p].nodes;
    if (block) {
      const d = f?.nodesPerNvlinkDomain;
      if (d === undefined) continue;
      for (let i = 0; i < count; i++) unit(`${p}-nvl${Math.floor(i / d)}`).nodes.add(`${p}-${i}`);
      continue;
    }
    const leaf = f?.nodesPerLeafSwitch;
    const perSpine = f?.leafSwitchesPerSpine;
    const tops = new Set<string>();
    for (let i = 0; i < count; i++) {
      const node = `${p}-${i}`;
      if (leaf === undefined) {
        unit(p).nodes.add(node);
        tops.add(p);
        continue;
      }
      const l = Math.floor(i / leaf);
      unit(`${p}-leaf${l}`).nodes.add(node);
      if (perSpine === undefined) {
        tops.add(`${p}-leaf${l}`);
        continue;
      }
      const s = Math.floor(l / perSpine);
      unit(`${p}-spine${s}`).nodes.add(node);
      unit(`${p}-spine${s}`).switches.add(`${p}-leaf${l}`);
      tops.add(`${p}-spine${s}`);
    }
    if (tops.size > 1 && leaf !== undefined) {
      for (const t of tops) unit(p).switches.add(t);
      for (let i = 0; i < count; i++) unit(p).nodes.add(`${p}-${i}`);
      poolTops.push(p);
    } else {
      poolTops.push(...tops);
    }
  }
  if (tree && poolTops.length > 1) {
    const root = unit('root');
    for (const t of poolTops) {
      root.switches.add(t);
      for (const n of units.get(t)?.nodes ?? []) root.nodes.add(n);
    }
  }
  return {
    kind: block ? 'BlockName' : 'SwitchName',
    units: Object.fromEntries(
      [...units].map(([name, u]) => [name, { nodes: sorted(u.nodes), ...(u.switches.size > 0 ? { switches: sorted(u.switches) } : {}) }]),
    ),
  };
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
    for (const key of ['Gres', 'AvailableFeatures', 'CPUTot', 'RealMemory']) (entry.values[key] ??= new Set()).add(n[key] ?? '');
    byPool.set(pool, entry);
  }
  const pools = Object.fromEntries(
    [...byPool].map(([pool, e]) => [pool, { nodes: e.nodes, ...Object.fromEntries(Object.entries(e.values).map(([k, v]) => [k, sorted(v).join(' | ')])) }]),
  ) as ExpectedCluster['pools'];
  const result: ExpectedCluster = { partitions, pools };
  if (!expected.topology) return result;
  const kind = expected.topology.kind;
  const units = Object.fromEntries(
    ctl
      .topologyRecords()
      .filter((r) => r[kind] !== undefined)
      .map((r) => [r[kind], { nodes: sorted(expandBrackets(r.Nodes ?? '')), ...(r.Switches ? { switches: sorted(expandBrackets(r.Switches)) } : {}) }]),
  );
  return { ...result, topology: { kind, units } };
}

/** The arguments Slinky 1.2.1 gives slurmd: `-Z --conf '<sorted Key=value items>'` with the NodeSet as feature. */
export function slinkySlurmdConf(nodeSet: string, values: SlinkyNodeSetValues): string {
  return [`Features=${nodeSet}`, ...Object.entries(values.extraConfMap).map(([k, v]) => `${k}=${v.join(',')}`)].sort().join(' ');
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
 * Runs a slurmd the way a Slinky NodeSet pod does (`slurmd -Z --conf 'Features=<nodeset> ...'`,
 * a dynamic node named `nodeName`) against the harness's slurmctld, with the GPUs of gres.conf
 * as fake devices, until it has registered; then runs `fn` and stops that slurmd.
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
      if (safeShowNode(ctl, nodeName).includes('State=IDLE')) break;
      if (Date.now() > deadline) throw new Error(`slurmd -Z ${nodeName} did not register within 30 s:\n${fs.readFileSync(log, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 100));
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
