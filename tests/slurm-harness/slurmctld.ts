/**
 * Test harness: prove rendered Slurm configuration against a real slurmctld.
 *
 * `.ci/install-slurm.sh` puts Debian trixie's Slurm 24.11 + munge into a
 * chroot (default /opt/aif-slurm-trixie).  `withSlurmctld()` writes the
 * caller's files next to a small base slurm.conf inside that chroot, starts
 * munged and `slurmctld -D` on free loopback ports, waits for slurmctld's
 * "Running as primary controller" log line and then for `scontrol show config`
 * (which pings) to answer UP from this controller, rejects on configuration
 * errors found in slurmctld's own log, runs the callback, and always stops
 * both daemons and removes the temp dir.
 *
 * Needs root (chroot, unshare).  See README.md in this folder.
 */
import { ChildProcess, execFile, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { runningInCi } from '../ci';
export { runningInCi };

/** Files rendered from a site. slurm.conf is appended to the harness base. */
export interface SlurmConfFiles {
  /** NodeName/NodeSet/PartitionName lines, GresTypes, TopologyPlugin, ... */
  slurmConf: string;
  gresConf?: string;
  topologyConf?: string;
}

export interface SlurmctldOptions {
  /** Bound on the wait for slurmctld to log that it runs and for its ping to answer UP. Default 60 s. */
  startTimeoutMs?: number;
  /** ClusterName in the base config. Default "aiftest". */
  clusterName?: string;
  /**
   * Log lines (error:/warning:) to tolerate in addition to the harness's own
   * list of benign startup messages.
   */
  allowLog?: RegExp[];
  /** Also reject on any warning: line (default: only on known config warnings). */
  failOnWarnings?: boolean;
  /** SlurmctldDebug level. Default "info". */
  debug?: 'error' | 'info' | 'verbose' | 'debug' | 'debug2';
  /**
   * A slurmdbd to account to (see `withSlurmdbd` in ./slurmdbd.ts): the base then sets
   * `AccountingStorageType=accounting_storage/slurmdbd` with its host and port, and the caller
   * may set `AccountingStorageTRES`. Default: no accounting (`accounting_storage/none`).
   */
  accounting?: SlurmdbdEndpoint;
}

/** Where a slurmdbd of the harness listens. */
export interface SlurmdbdEndpoint {
  /** DbdPort on loopback. */
  readonly port: number;
}

/** One `Gres ...` line from `slurmd -G`, as key/value pairs. */
export type GresRecord = Record<string, string>;

export interface SlurmdGres {
  /** Parsed `Gres Name=... Type=... Count=... File=...` lines. */
  gres: GresRecord[];
  /** warning: lines (e.g. "Ignoring file-less GPU ... from final GRES list"). */
  warnings: string[];
  /** Everything slurmd printed. */
  output: string;
}

export interface Scontrol {
  /** Slurm version of the running controller, e.g. "24.11.5". */
  readonly version: string;
  /** Host-side path of this run's temp dir (slurm.conf, logs, state). */
  readonly hostDir: string;
  /** The same dir as seen inside the chroot. */
  readonly dir: string;
  readonly port: number;
  /** Time from spawning slurmctld to the first successful ping. */
  readonly startupMs: number;
  /** Run `scontrol <args>` against this controller; throws on failure. */
  run(args: string[]): string;
  /** `scontrol show partition -o`, keyed by PartitionName. */
  partitions(): Record<string, Record<string, string>>;
  /** `scontrol show node -o`, keyed by NodeName. */
  nodes(): Record<string, Record<string, string>>;
  /** Raw `scontrol show topology` output. */
  topology(): string;
  /** `scontrol show topology`, one record per line (SwitchName=/BlockName=/AggregatedBlock=). */
  topologyRecords(): Record<string, string>[];
  /** `scontrol show hostnames <hostlist>`. */
  hostnames(hostlist: string): string[];
  /** slurmctld's output so far (stderr of `slurmctld -D`, includes fatal: lines). */
  log(): string;
  /** Length of the log so far: pass it to {@link logProblems} to look only at what follows. */
  logOffset(): number;
  /** error:/fatal:/warning: lines (from `since`, a {@link logOffset}) that are not known to be benign. */
  logProblems(since?: number): string[];
  /**
   * `scontrol reconfigure`, then waits until the controller has read its files again and
   * answers. Slurm 24.11 re-executes slurmctld in place (same PID, attached mode) and answers
   * the request before it does, so this watches the log for the new process taking control.
   * Rejects when the new process exits or does not take control within `timeoutMs` (60 s).
   */
  reconfigure(timeoutMs?: number): Promise<void>;
  /**
   * Run `slurmd -G -N <node>`: slurmd parses gres.conf (which slurmctld never
   * reads) for that node and prints the GRES it would report. Device files
   * named by File=/MultipleFiles= are faked as character devices in a
   * private /dev. Throws if slurmd fails or logs error:/fatal: lines that
   * `allowLog` does not allow. With `dynamicConf`, slurmd runs as the dynamic node `nodeName` would
   * (`slurmd -G -Z -N <node> --conf <dynamicConf>`), for a node that
   * slurm.conf does not name.
   */
  slurmdGres(nodeName: string, dynamicConf?: string): SlurmdGres;
}

/** Chroot built by .ci/install-slurm.sh. */
export const SLURM_ROOT: string = process.env.AIF_SLURM_ROOT ?? '/opt/aif-slurm-trixie';
const MARKER = '.aif-slurm-ready';
/** The munge key every munged of the harness uses, inside the chroot. */
export const MUNGE_KEY = '/etc/aif-munge/munge.key';

/**
 * Keys the harness sets in its base slurm.conf; `slurmConf` must not set
 * them (compared case-insensitively, like Slurm does).
 */
export const RESERVED_SLURM_KEYS: readonly string[] = [
  'ClusterName',
  'SlurmctldHost',
  'ControlMachine',
  'ControlAddr',
  'BackupController',
  'BackupAddr',
  'SlurmctldPort',
  'SlurmdPort',
  'SlurmUser',
  'SlurmdUser',
  'AuthType',
  'AuthAltTypes',
  'AuthInfo',
  'CredType',
  'StateSaveLocation',
  'SlurmdSpoolDir',
  'SlurmctldPidFile',
  'SlurmdPidFile',
  'SlurmctldLogFile',
  'SlurmdLogFile',
  'SlurmctldDebug',
  'ProctrackType',
  'TaskPlugin',
  'SelectType',
  'AccountingStorageType',
  'AccountingStorageHost',
  'AccountingStoragePort',
  'AccountingStoragePass',
  'AccountingStorageTRES',
  'JobCompType',
  'JobAcctGatherType',
  'MailProg',
  'Include',
];

/** Lines of slurm.conf whose other key=value pairs are attributes, not globals. */
const RECORD_KEYS = new Set(['nodename', 'nodeset', 'partitionname', 'downnodes', 'frontendname', 'switchname']);

/** error:/warning: lines that a fresh standalone controller always prints. */
const BENIGN_LOG: readonly RegExp[] = [
  /Could not open \w+ state file/,
  /NOTE: Trying backup state save file/,
  /No \w+ state file .* to recover/,
  /agent_fini: left \d+ agent threads active/,
  // Timer check at startup; a busy CI machine trips it without any config problem.
  /High latency for \d+ calls to gettimeofday\(\)/,
  // A Slurm built without an HTTP parser library (slurmctld then serves no HTTP, which the
  // harness does not use); Debian's 24.11 has one, a minimal build from source may not.
  /cannot create http_parser context/,
];

/**
 * error:/warning: lines of `slurmd -G` that say nothing about the configuration: a dynamic
 * slurmd first tries to read its cached hardware topology (hwloc XML in the spool dir), which a
 * fresh spool dir does not have, then detects the hardware; and slurmd here reads the files the
 * harness wrote, where a configless cluster's slurmd would fetch the same files from slurmctld.
 */
const SLURMD_BENIGN: readonly RegExp[] = [
  /xcpuinfo_hwloc_topo_load: failed \(load will be required after read failures\)/,
  /Running with local config file despite slurmctld having been setup for configless operation/,
  // The cgroup version of the machine running the tests, not the configuration (Slurm 25.05+).
  /cgroup\/v1 plugin is deprecated/,
];

/** warning: lines that mean the site config is wrong even though slurmctld runs. */
const CONFIG_WARNINGS: readonly RegExp[] = [/Invalid hostnames in \w+ configuration/];

/** Environment of every process the harness starts in the chroot. */
export const CHILD_ENV_BASE: Readonly<Record<string, string>> = {
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  AIF_NSS_LOOPBACK: '1',
};

// ---------------------------------------------------------------------------
// availability

/** True when .ci/install-slurm.sh has completed and we can use it (root). */
export function slurmAvailable(): boolean {
  if (process.platform !== 'linux') return false;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  return (
    fs.existsSync(path.join(SLURM_ROOT, MARKER)) && fs.existsSync(path.join(SLURM_ROOT, MUNGE_KEY)) && fs.existsSync(path.join(SLURM_ROOT, 'usr/bin/scontrol'))
  );
}

/** Slurm version recorded by the installer ("24.11.5"), or undefined. */
export function slurmVersion(): string | undefined {
  try {
    const lines = fs.readFileSync(path.join(SLURM_ROOT, MARKER), 'utf8').split('\n');
    const m = /(\d+\.\d+\.\d+)/.exec(lines[1] ?? '');
    return m?.[1];
  } catch {
    return undefined;
  }
}

/**
 * `describe` for suites that need slurmctld: runs them when Slurm is
 * installed; skips them with a visible reason on a developer machine without
 * it; and fails (never skips) when CI is set and Slurm is missing.
 * Only call this from jest test files.
 */
export function describeWithSlurm(name: string, fn: () => void): void {
  if (slurmAvailable()) {
    describe(name, fn);
    return;
  }
  const why =
    process.platform === 'linux' && process.getuid?.() !== 0
      ? 'the Slurm harness needs root'
      : `Slurm is not installed in ${SLURM_ROOT} (run: bash .ci/install-slurm.sh)`;
  if (runningInCi()) {
    describe(name, () => {
      it('has a real slurmctld available (CI is set, so this must not be skipped)', () => {
        throw new Error(`CI is set but ${why}`);
      });
    });
    return;
  }
  describe.skip(`${name} [skipped: ${why}]`, fn);
}

// ---------------------------------------------------------------------------
// parsing helpers

/**
 * Parse one line of scontrol's one-liner output (`Key=value Key2=value with
 * spaces ...`). A key starts after whitespace, so `TRES=cpu=4,mem=1G` keeps
 * its inner `=` signs in the value.
 */
export function parseKeyValueLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_]*)=/g;
  const found: { key: string; start: number; valueStart: number }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    const key = m[1];
    found.push({ key, start: m.index, valueStart: m.index + m[0].length });
  }
  found.forEach((f, i) => {
    const next = found[i + 1];
    out[f.key] = line.slice(f.valueStart, next ? next.start : line.length).trim();
  });
  return out;
}

/** Parse `scontrol show <entity> -o` output into records keyed by `keyField`. */
export function parseOneLineRecords(text: string, keyField: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const line of text.split('\n')) {
    if (!line.includes('=')) continue;
    const rec = parseKeyValueLine(line);
    const name = rec[keyField];
    if (name === undefined) throw new Error(`no ${keyField}= in scontrol line: ${line}`);
    out[name] = rec;
  }
  return out;
}

/** Parse `scontrol show topology` (one switch/block per line). */
export function parseTopology(text: string): Record<string, string>[] {
  return text
    .split('\n')
    .filter((l) => l.includes('='))
    .map(parseKeyValueLine);
}

/**
 * Expand a Slurm-style bracket list such as `/dev/nvidia[0-3,7]` or
 * `a[1-2]b[01-02]` (comma-separated at the top level). Used for gres.conf
 * File= values; zero padding is kept.
 */
export function expandBrackets(expr: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of expr) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  const out: string[] = [];
  for (const p of parts.map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([^[]*)\[([^\]]*)\](.*)$/.exec(p);
    if (!m) {
      out.push(p);
      continue;
    }
    const [, prefix = '', body = '', rest = ''] = m;
    const tails = expandBrackets(rest);
    const tailList = tails.length === 0 ? [''] : tails;
    for (const item of body.split(',')) {
      const r = /^(\d+)-(\d+)$/.exec(item.trim());
      const values: string[] = [];
      if (r) {
        const [, a = '0', b = '0'] = r;
        const width = a.length;
        for (let n = Number(a); n <= Number(b); n++) values.push(String(n).padStart(width, '0'));
      } else {
        values.push(item.trim());
      }
      for (const v of values) for (const t of tailList) out.push(`${prefix}${v}${t}`);
    }
  }
  return out;
}

/** Device paths named by File=/Files=/MultipleFiles= in a gres.conf. */
export function gresDeviceFiles(gresConf: string): string[] {
  const files = new Set<string>();
  for (const raw of gresConf.split('\n')) {
    const line = raw.replace(/#.*/, '');
    const re = /(?:^|\s)(?:File|Files|MultipleFiles)=(\S+)/gi;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) {
      for (const f of expandBrackets(m[1])) files.add(f);
    }
  }
  return [...files];
}

/**
 * Throws if `slurmConf` sets a key the harness owns (see RESERVED_SLURM_KEYS). With
 * `accounting`, the caller may set `AccountingStorageTRES`, which a controller without
 * slurmdbd refuses.
 */
export function checkCallerSlurmConf(slurmConf: string, options: { accounting?: boolean } = {}): void {
  const reserved = new Map(RESERVED_SLURM_KEYS.filter((k) => !(options.accounting && k === 'AccountingStorageTRES')).map((k) => [k.toLowerCase(), k]));
  const bad: string[] = [];
  slurmConf.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const tokens = line.split(/\s+/);
    const first = tokens[0] ?? '';
    if (/^include$/i.test(first)) {
      bad.push(`line ${i + 1}: Include`);
      return;
    }
    const firstKey = first.split('=')[0]?.toLowerCase() ?? '';
    const keys = RECORD_KEYS.has(firstKey) ? [firstKey] : tokens.map((t) => t.split('=')[0]?.toLowerCase() ?? '');
    for (const k of keys) {
      const name = reserved.get(k);
      if (name !== undefined) bad.push(`line ${i + 1}: ${name}`);
    }
  });
  if (bad.length > 0) {
    throw new Error(`slurmConf sets keys that the Slurm harness owns: ${bad.join('; ')}`);
  }
}

/**
 * Names of the nodes slurmctld failed to find (`_find_node_record: lookup failure for node
 * "x"`), in log order, without repeats: what a topology.conf or partition names that is not,
 * or not yet, a node.
 */
export function lookupFailures(log: string): string[] {
  const names = new Set<string>();
  for (const m of log.matchAll(/lookup failure for node "([^"]+)"/g)) names.add(m[1]);
  return [...names];
}

/** error:/fatal:/warning: lines of a slurmctld log that are not benign. */
export function logProblems(log: string, allow: readonly RegExp[] = [], includeAllWarnings = false): string[] {
  const allowAll = [...BENIGN_LOG, ...allow];
  return log
    .split('\n')
    .filter((l) => {
      if (allowAll.some((re) => re.test(l))) return false;
      if (/\b(error|fatal):/.test(l)) return true;
      if (/\bwarning:/.test(l)) return includeAllWarnings || CONFIG_WARNINGS.some((re) => re.test(l));
      return false;
    })
    .map((l) => l.trim());
}

// ---------------------------------------------------------------------------
// process plumbing

// Daemons and temp dirs of runs still in progress: if the test process exits
// (or jest tears down a worker) before `finally` ran, kill and remove them.
const live = new Set<ChildProcess>();
/** Temp dirs of runs in progress, removed if the test process exits first. */
const liveDirs = new Set<string>();
let exitHookInstalled = false;
/** Removes the temp dirs of {@link liveDirs} and kills tracked daemons if the test process exits first. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
    for (const d of liveDirs) fs.rmSync(d, { recursive: true, force: true });
  });
}
/** A run's temp dir in the chroot's /tmp: its host path, its path inside the chroot, and how to remove it. */
export interface HarnessDir {
  readonly hostDir: string;
  readonly dir: string;
  /** Removes it, unless AIF_SLURM_KEEP=1 keeps it for reading its logs. */
  remove(): void;
}

/**
 * Makes a run's temp dir under the chroot's /tmp (`<prefix>XXXXXX`), removed when the test
 * process exits first; AIF_SLURM_KEEP=1 keeps it.
 */
export function harnessDir(prefix: string): HarnessDir {
  const hostDir = fs.mkdtempSync(path.join(SLURM_ROOT, 'tmp', prefix));
  const keep = process.env.AIF_SLURM_KEEP === '1';
  if (!keep) {
    installExitHook();
    liveDirs.add(hostDir);
  }
  return {
    hostDir,
    dir: `/tmp/${path.basename(hostDir)}`,
    remove: () => {
      if (keep) return;
      fs.rmSync(hostDir, { recursive: true, force: true });
      liveDirs.delete(hostDir);
    },
  };
}

/** Kills `child` if the test process exits first. */
export function track(child: ChildProcess): void {
  installExitHook();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** `n` distinct loopback ports that were free a moment ago. */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function execFileAsync(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A file's text, or empty when it does not exist. */
export function readIfExists(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** The last `lines` lines of `text`. */
export function tail(text: string, lines = 60): string {
  const all = text.trimEnd().split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stop(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (child?.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitForExit(child, graceMs))) {
    child.kill('SIGKILL');
    await waitForExit(child, 5000);
  }
}

/**
 * Starts a munged with its own socket, pid and log under `hostDir/munge` (seen as `dir/munge`
 * in the chroot), using the harness's key, and waits for its socket. Daemons and clients of the
 * run name the socket in `AuthInfo=socket=` (and `AccountingStoragePass=` for slurmdbd).
 */
export async function startMunged(hostDir: string, dir: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  fs.mkdirSync(path.join(hostDir, 'munge'), { recursive: true, mode: 0o755 });
  const mungeOut = path.join(hostDir, 'munged.out');
  const mungeFd = fs.openSync(mungeOut, 'a');
  const munged = spawn(
    'chroot',
    [
      SLURM_ROOT,
      '/usr/sbin/munged',
      '--foreground',
      `--socket=${dir}/munge/munge.socket`,
      `--pid-file=${dir}/munge/munged.pid`,
      `--log-file=${dir}/munge/munged.log`,
      `--seed-file=${dir}/munge/munged.seed`,
      `--key-file=${MUNGE_KEY}`,
      '--num-threads=4',
    ],
    { env, stdio: ['ignore', mungeFd, mungeFd] },
  );
  fs.closeSync(mungeFd);
  track(munged);
  const socketPath = path.join(hostDir, 'munge', 'munge.socket');
  const mungeDeadline = Date.now() + 10_000;
  while (!fs.existsSync(socketPath)) {
    if (munged.exitCode !== null || Date.now() > mungeDeadline) {
      await stop(munged, 1000);
      throw new Error(`munged did not start:\n${tail(readIfExists(mungeOut) + readIfExists(path.join(hostDir, 'munge', 'munged.log')))}`);
    }
    await sleep(20);
  }
  return munged;
}

/**
 * A check for a line matching `pattern` in a daemon's log `file`, from byte `fromByte` on. Each
 * call reads only what was appended since the last one, up to its last complete line (a line
 * being written is looked at once it is whole), so polling a long log costs no more than a short
 * one. True once such a line was seen.
 */
export function logLineWatcher(file: string, pattern: RegExp, fromByte = 0): () => boolean {
  let offset = fromByte;
  let seen = false;
  return () => {
    if (seen) return true;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return false;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= offset) return false;
      const buf = Buffer.alloc(size - offset);
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      const end = buf.subarray(0, n).lastIndexOf(0x0a) + 1;
      if (end === 0) return false;
      offset += end;
      seen = pattern.test(buf.toString('utf8', 0, end));
      return seen;
    } finally {
      fs.closeSync(fd);
    }
  };
}

/** Character devices every fake /dev has, as on Linux: name, major, minor. */
const BASE_DEVICES: readonly [string, number, number][] = [
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
  ['random', 1, 8],
  ['urandom', 1, 9],
];

/** One 512-byte ustar header, owned by root: a character device (3), symlink (2) or directory (5). */
function tarHeader(name: string, type: '2' | '3' | '5', mode: number, extra: { link?: string; major?: number; minor?: number } = {}): Buffer {
  if (Buffer.byteLength(name) > 99 || Buffer.byteLength(extra.link ?? '') > 99) throw new Error(`device path too long for the fake /dev: ${name}`);
  const h = Buffer.alloc(512);
  const octal = (n: number, at: number, width: number) => h.write(n.toString(8).padStart(width - 1, '0'), at, width - 1, 'ascii');
  h.write(name, 0, 100, 'utf8');
  octal(mode, 100, 8);
  octal(0, 108, 8); // uid
  octal(0, 116, 8); // gid
  octal(0, 124, 12); // size
  octal(0, 136, 12); // mtime
  h.write(type, 156, 1, 'ascii');
  h.write(extra.link ?? '', 157, 100, 'utf8');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  octal(extra.major ?? 0, 329, 8);
  octal(extra.minor ?? 0, 337, 8);
  // The checksum is the byte sum of the header with its own field read as spaces.
  h.fill(' ', 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/**
 * The fake /dev for slurmd as a tar archive (paths relative to /dev): null, zero, full, random,
 * urandom, `fd` -> /proc/self/fd, and a character device of major 195 (NVIDIA's), minors from 0,
 * for each `/dev/...` path of `devices` (others are ignored), with the directories they need. GNU
 * tar, run as root, makes the device nodes when it extracts, all in one process: a `mknod` per
 * device cost a process each (about 1 ms of CPU), and slurmd starts for every node that registers.
 */
export function fakeDevTar(devices: readonly string[]): Buffer {
  const blocks: Buffer[] = [];
  const made = new Set<string>();
  for (const [name, major, minor] of BASE_DEVICES) {
    blocks.push(tarHeader(name, '3', 0o666, { major, minor }));
    made.add(name);
  }
  blocks.push(tarHeader('fd', '2', 0o777, { link: '/proc/self/fd' }));
  made.add('fd');
  let minor = 0;
  for (const dev of devices) {
    if (!dev.startsWith('/dev/')) continue;
    const rel = dev.slice('/dev/'.length);
    if (rel === '' || made.has(rel)) continue;
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (made.has(dir)) continue;
      blocks.push(tarHeader(`${dir}/`, '5', 0o755));
      made.add(dir);
    }
    blocks.push(tarHeader(rel, '3', 0o666, { major: 195, minor: minor++ }));
    made.add(rel);
  }
  // Two zero blocks end the archive.
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

/** Shell snippet run by `unshare --mount`: private /proc (+ /sys, and a /dev from a tar archive). */
const SANDBOX_SH = `set -e
root="$1"; devtar="$2"; shift 2
mount -t proc proc "$root/proc"
if [ -n "$devtar" ]; then
  mount --rbind /sys "$root/sys"
  mount -t tmpfs -o mode=0755 aifdev "$root/dev"
  tar -xf "$devtar" -C "$root/dev"
fi
exec chroot "$root" "$@"
`;

/**
 * `unshare` arguments that run `cmd` in the chroot with a private /proc and, when a device
 * list is given, a private /dev holding those devices (fake GPUs for slurmd). The list file
 * holds one path a line; the archive of that /dev (see {@link fakeDevTar}) is written next to it
 * as `<list>.tar`.
 */
export function sandboxArgs(devlistHostPath: string, cmd: string[]): string[] {
  let devtar = '';
  if (devlistHostPath !== '') {
    devtar = `${devlistHostPath}.tar`;
    fs.writeFileSync(devtar, fakeDevTar(fs.readFileSync(devlistHostPath, 'utf8').split('\n')));
  }
  return ['--mount', '--propagation', 'private', '--', 'sh', '-c', SANDBOX_SH, 'aif-sandbox', SLURM_ROOT, devtar, ...cmd];
}

// ---------------------------------------------------------------------------
// the harness

function baseSlurmConf(o: { cluster: string; dir: string; ctlPort: number; slurmdPort: number; debug: string; accounting?: SlurmdbdEndpoint }): string {
  const d = o.dir;
  return [
    '# --- base written by tests/slurm-harness (standalone controller) ---',
    `ClusterName=${o.cluster}`,
    'SlurmctldHost=localhost',
    `SlurmctldPort=${o.ctlPort}`,
    `SlurmdPort=${o.slurmdPort}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${d}/munge/munge.socket`,
    `StateSaveLocation=${d}/state`,
    `SlurmdSpoolDir=${d}/spool`,
    `SlurmctldPidFile=${d}/slurmctld.pid`,
    `SlurmdPidFile=${d}/slurmd.pid`,
    `SlurmctldLogFile=${d}/slurmctld.log`,
    `SlurmdLogFile=${d}/slurmd.log`,
    `SlurmctldDebug=${o.debug}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    ...(o.accounting
      ? [
          'AccountingStorageType=accounting_storage/slurmdbd',
          'AccountingStorageHost=localhost',
          `AccountingStoragePort=${o.accounting.port}`,
          // With munge, slurmctld authenticates to slurmdbd through the socket named here.
          `AccountingStoragePass=${d}/munge/munge.socket`,
        ]
      : ['AccountingStorageType=accounting_storage/none']),
    'JobCompType=jobcomp/none',
    'JobAcctGatherType=jobacct_gather/none',
    'MailProg=/bin/true',
    '# --- caller (site) configuration ---',
    '',
  ].join('\n');
}

/**
 * Start munged + slurmctld with the given files, run `fn`, then stop both
 * and remove the temp dir. Rejects (including slurmctld's own log lines) if
 * slurmctld exits, does not answer in time, or logs configuration errors.
 */
export async function withSlurmctld<T>(files: SlurmConfFiles, fn: (ctl: Scontrol) => Promise<T> | T, options: SlurmctldOptions = {}): Promise<T> {
  if (!slurmAvailable()) {
    throw new Error(`Slurm harness not available: run (as root) bash .ci/install-slurm.sh [root=${SLURM_ROOT}]`);
  }
  checkCallerSlurmConf(files.slurmConf, { accounting: options.accounting !== undefined });
  // A port picked by freePort() can be taken by someone else before
  // slurmctld binds it; retry with fresh ports in that (rare) case.
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(files, fn, options);
    } catch (e) {
      if (attempt < 3 && e instanceof PortInUseError) continue;
      throw e;
    }
  }
}

class PortInUseError extends Error {}

async function runOnce<T>(files: SlurmConfFiles, fn: (ctl: Scontrol) => Promise<T> | T, options: SlurmctldOptions): Promise<T> {
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const allow = options.allowLog ?? [];
  const failOnWarnings = options.failOnWarnings ?? false;
  const run = harnessDir('aif-slurm-');
  const { hostDir, dir } = run;
  let munged: ChildProcess | undefined;
  let ctld: ChildProcess | undefined;
  try {
    // munged wants every directory on the socket path to be world-executable.
    fs.chmodSync(hostDir, 0o755);
    fs.mkdirSync(path.join(hostDir, 'munge'), { mode: 0o755 });
    fs.mkdirSync(path.join(hostDir, 'state'), { mode: 0o700 });
    fs.mkdirSync(path.join(hostDir, 'spool'), { mode: 0o755 });
    const [ctlPort = 0, slurmdPort = 0] = await freePorts(2);
    const conf =
      baseSlurmConf({ cluster: options.clusterName ?? 'aiftest', dir, ctlPort, slurmdPort, debug: options.debug ?? 'info', accounting: options.accounting }) +
      files.slurmConf.replace(/\s*$/, '\n');
    fs.writeFileSync(path.join(hostDir, 'slurm.conf'), conf);
    if (files.gresConf !== undefined) fs.writeFileSync(path.join(hostDir, 'gres.conf'), files.gresConf);
    if (files.topologyConf !== undefined) fs.writeFileSync(path.join(hostDir, 'topology.conf'), files.topologyConf);
    fs.writeFileSync(path.join(hostDir, 'devices.list'), gresDeviceFiles(files.gresConf ?? '').join('\n') + '\n');

    const env: NodeJS.ProcessEnv = { ...CHILD_ENV_BASE, SLURM_CONF: `${dir}/slurm.conf` };

    munged = await startMunged(hostDir, dir, env);

    // --- slurmctld in the foreground, with a private /proc ---
    const stderrPath = path.join(hostDir, 'slurmctld.stderr');
    const ctlFd = fs.openSync(stderrPath, 'a');
    const t0 = Date.now();
    ctld = spawn(
      'unshare',
      [`--mount-proc=${path.join(SLURM_ROOT, 'proc')}`, 'chroot', SLURM_ROOT, '/usr/sbin/slurmctld', '-D', '-c', '-i', '-f', `${dir}/slurm.conf`],
      { env, stdio: ['ignore', ctlFd, ctlFd] },
    );
    fs.closeSync(ctlFd);
    track(ctld);
    const daemon = ctld;
    const readLog = (): string => readIfExists(stderrPath);
    const failure = (what: string): Error => {
      const log = readLog();
      if (log.includes('Address already in use')) return new PortInUseError(`${what}: port in use`);
      const problems = logProblems(log, allow, true);
      return new Error(`${what}\n--- slurmctld problems ---\n${problems.join('\n') || '(none)'}\n--- slurmctld log (tail) ---\n${tail(log)}`);
    };

    const ping = async (): Promise<boolean> => {
      const r = await execFileAsync('chroot', [SLURM_ROOT, '/usr/bin/scontrol', 'ping'], env, 10_000);
      return r.code === 0 && /\bis UP\b/.test(r.stdout);
    };
    // `scontrol show config` ends with the answer to a ping ("Slurmctld(primary) at ... is UP"),
    // so one process both proves that slurmctld answers and says which controller did.
    let config = '';
    const configAndPing = async (): Promise<boolean> => {
      const r = await execFileAsync('chroot', [SLURM_ROOT, '/usr/bin/scontrol', 'show', 'config'], env, 30_000);
      config = r.stdout;
      return r.code === 0 && /\bis UP\b/.test(r.stdout);
    };
    await awaitController({
      daemon: ctld,
      // At SlurmctldDebug=error the line is not logged: then pings tell (`show config` to a
      // controller that does not listen yet takes a second to give up, a ping does not).
      ready: options.debug === 'error' ? ping : logLineWatcher(stderrPath, RUNNING_LINE),
      readyPollMs: options.debug === 'error' ? 50 : 20,
      answers: configAndPing,
      deadline: t0 + startTimeoutMs,
      exited: (how) => failure(`slurmctld exited (${how}) before answering ping`),
      late: () => failure(`slurmctld did not take control and answer ping within ${startTimeoutMs} ms`),
    });
    const startupMs = Date.now() - t0;

    // Make sure the controller that answered is ours (and not another one
    // that grabbed the same port): its StateSaveLocation is our temp dir.
    if (!new RegExp(`^StateSaveLocation\\s*=\\s*${dir}/state\\s*$`, 'm').test(config)) {
      if (ctld.exitCode !== null || readLog().includes('Address already in use')) throw new PortInUseError('port taken');
      throw failure(`the controller on port ${ctlPort} is not the one this harness started`);
    }

    const problems = logProblems(readLog(), allow, failOnWarnings);
    if (problems.length > 0) throw failure('slurmctld started but reported configuration problems');

    const run = (args: string[]): string => {
      const r = spawnSync('chroot', [SLURM_ROOT, '/usr/bin/scontrol', ...args], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 512 * 1024 * 1024,
      });
      if (r.error) throw r.error;
      if (r.status !== 0) {
        throw new Error(`scontrol ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim() || r.stdout.trim()}`);
      }
      return r.stdout;
    };

    let version: string | undefined;
    const ctl: Scontrol = {
      // From slurmctld's first log line; `scontrol --version` only when the log level hides it.
      get version(): string {
        version ??= /slurmctld version (\d+\.\d+\.\d+) started/.exec(readLog())?.[1] ?? /(\d+\.\d+\.\d+)/.exec(run(['--version']))?.[1] ?? 'unknown';
        return version;
      },
      hostDir,
      dir,
      port: ctlPort,
      startupMs,
      run,
      partitions: () => parseOneLineRecords(run(['show', 'partition', '-o']), 'PartitionName'),
      nodes: () => parseOneLineRecords(run(['show', 'node', '-o']), 'NodeName'),
      topology: () => run(['show', 'topology']),
      topologyRecords: () => parseTopology(run(['show', 'topology'])),
      hostnames: (hostlist: string) =>
        run(['show', 'hostnames', hostlist])
          .split('\n')
          .filter((s) => s !== ''),
      log: readLog,
      logOffset: () => readLog().length,
      logProblems: (since = 0) => logProblems(readLog().slice(since), allow, failOnWarnings),
      reconfigure: async (timeoutMs = 60_000) => {
        const since = fs.statSync(stderrPath).size;
        run(['reconfigure']);
        // The old process answers pings until it re-executes: only the new one's line tells.
        await awaitController({
          daemon,
          ready: logLineWatcher(stderrPath, RUNNING_LINE, since),
          readyPollMs: 20,
          answers: ping,
          deadline: Date.now() + timeoutMs,
          exited: () => failure('slurmctld exited during reconfigure'),
          late: () => failure(`slurmctld did not take control again within ${timeoutMs} ms of scontrol reconfigure`),
        });
      },
      slurmdGres: (nodeName: string, dynamicConf?: string) => slurmdGres(nodeName, dynamicConf, hostDir, dir, env, allow),
    };
    return await fn(ctl);
  } finally {
    await stop(ctld, 2000);
    await stop(munged, 2000);
    run.remove();
  }
}

/** The line slurmctld logs (at info level) once it has read its files and takes requests. */
const RUNNING_LINE = /Running as primary controller/;

/**
 * Waits until slurmctld serves: first until `ready` (as a rule its log line, which costs a file
 * read), polled every `readyPollMs`, and only then for `answers` (a `scontrol` request that must
 * get an UP), retried every 50 ms. Each request is a process, which costs the test worker 5 to
 * 10 ms of CPU; pings from the spawn on took about two per start, and the controller's own
 * line tells without any. Throws `exited(...)` when the daemon exits, `late()` after `deadline`.
 */
async function awaitController(o: {
  daemon: ChildProcess;
  ready: () => boolean | Promise<boolean>;
  readyPollMs: number;
  answers: () => Promise<boolean>;
  deadline: number;
  exited: (how: string) => Error;
  late: () => Error;
}): Promise<void> {
  const check = (): void => {
    const { exitCode, signalCode } = o.daemon;
    if (exitCode !== null || signalCode !== null) throw o.exited(`code ${exitCode ?? signalCode}`);
    if (Date.now() > o.deadline) throw o.late();
  };
  while (!(await o.ready())) {
    check();
    await sleep(o.readyPollMs);
  }
  for (;;) {
    check();
    if (await o.answers()) return;
    await sleep(50);
  }
}

function slurmdGres(
  nodeName: string,
  dynamicConf: string | undefined,
  hostDir: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  allow: readonly RegExp[],
): SlurmdGres {
  const dynamic = dynamicConf === undefined ? [] : ['-Z', '--conf', dynamicConf];
  const r = spawnSync(
    'unshare',
    sandboxArgs(path.join(hostDir, 'devices.list'), ['/usr/sbin/slurmd', '-G', ...dynamic, '-N', nodeName, '-f', `${dir}/slurm.conf`]),
    {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (r.error) throw r.error;
  const output = `${r.stdout}${r.stderr}`;
  const lines = output.split('\n');
  const errors = lines.filter((l) => /\b(error|fatal):/.test(l) && ![...SLURMD_BENIGN, ...allow].some((re) => re.test(l)));
  if (r.status !== 0 || errors.length > 0) {
    throw new Error(`slurmd -G ${dynamic.join(' ')} -N ${nodeName} failed (exit ${r.status ?? r.signal}):\n${errors.join('\n') || tail(output)}`);
  }
  const gres = lines
    .map((l) => /\bGres (Name=.*)$/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(parseKeyValueLine);
  const warnings = lines.filter((l) => /\bwarning:/.test(l) && !SLURMD_BENIGN.some((re) => re.test(l))).map((l) => l.trim());
  return { gres, warnings, output };
}
