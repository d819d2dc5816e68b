/**
 * Test harness: a real slurmdbd with its MariaDB, for what the stacks deploy for Slurm
 * accounting (QOS, the sacctmgr accounts file, slurm.conf's accounting lines).
 *
 * `.ci/install-slurm.sh` puts Debian trixie's slurmdbd (Slurm 24.11) and MariaDB into the same
 * chroot as slurmctld. `startMariadb()` starts mariadbd from a copy of a fresh data dir, in a temp
 * dir of the chroot, on a free loopback port. `withSlurmdbd()` creates the database and its user
 * on such a server (a shared one, or one of its own), starts munged and `slurmdbd -D` with a
 * slurmdbd.conf pointing at that database, waits until sacctmgr gets answers, runs the callback,
 * and always stops its daemons, drops the database and user, and removes its temp dirs.
 * A slurmctld of `withSlurmctld` joins it with the `accounting` option.
 *
 * Needs root (chroot, unshare). See README.md in this folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  CHILD_ENV_BASE,
  freePorts,
  harnessDir,
  readIfExists,
  runningInCi,
  sleep,
  SLURM_ROOT,
  slurmAvailable,
  startMunged,
  stop,
  tail,
  track,
  type SlurmdbdEndpoint,
} from './slurmctld';

/** What slurmdbd is told about its database; the rest (password, port) is the harness's. */
export interface SlurmdbdOptions {
  /** Database slurmdbd keeps its tables in (`StorageLoc`). Default "slurm_acct_db". */
  database?: string;
  /** Database user of slurmdbd (`StorageUser`). Default "slurm". */
  user?: string;
  /**
   * Host name slurmdbd connects to (`StorageHost`), e.g. a site's database host: the harness's
   * NSS module resolves every name to 127.0.0.1, where its MariaDB listens. Default "127.0.0.1".
   */
  storageHost?: string;
  /** `ClusterName` of the slurm.conf that sacctmgr reads (its default cluster). Default "aiftest". */
  clusterName?: string;
  /** Bound on the wait for MariaDB and slurmdbd to answer. Default 60 s. */
  startTimeoutMs?: number;
  /**
   * A server of {@link startMariadb} for the database, instead of a MariaDB of the run's own. The
   * run creates its database and user there and drops them as it ends, so runs one after another
   * see nothing of each other; runs on one server must not overlap (their databases may have
   * the same name), and the harness rejects a run that would. Default: a server of its own.
   */
  mariadb?: Mariadb;
  /** error:/fatal: lines of slurmdbd's log to tolerate beyond the harness's benign ones. */
  allowLog?: RegExp[];
}

/** `sacctmgr` output: its exit status and what it printed. */
export interface SacctmgrResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running slurmdbd with its database. */
export interface Slurmdbd extends SlurmdbdEndpoint {
  /** Slurm version of slurmdbd, e.g. "24.11.5". */
  readonly version: string;
  /** Host-side path of this run's temp dir (configs, logs; the database is in the MariaDB's). */
  readonly hostDir: string;
  /** The same dir as seen inside the chroot. */
  readonly dir: string;
  /** MariaDB's loopback port. */
  readonly dbPort: number;
  /** Time from starting munged and slurmdbd to slurmdbd answering sacctmgr. */
  readonly startupMs: number;
  /** The slurmdbd.conf slurmdbd runs with (the database password is the harness's). */
  readonly slurmdbdConf: string;
  /** `sacctmgr <args>` against this slurmdbd; throws unless it exits 0. Returns stdout. */
  sacctmgr(args: readonly string[]): string;
  /** `sacctmgr <args>`, whatever its exit status. */
  sacctmgrResult(args: readonly string[]): SacctmgrResult;
  /**
   * Runs `script` with `sh -eu` in the chroot, with `sacctmgr` on the PATH and pointed at this
   * slurmdbd, as the accounts Job runs its commands. Throws unless it exits 0; returns stdout
   * and stderr.
   */
  sh(script: string): string;
  /** Writes `text` to `name` in the run's dir; returns its path inside the chroot. */
  writeFile(name: string, text: string): string;
  /** `sacctmgr -P show <entity> [args]`, one record per row keyed by the header's columns. */
  show(entity: string, args?: readonly string[]): Record<string, string>[];
  /** slurmdbd's log so far. */
  log(): string;
  /** error:/fatal: lines of the log (from `since`, a log length) that are not known to be benign. */
  logProblems(since?: number): string[];
}

/**
 * error: lines a fresh slurmdbd on the harness's small MariaDB always logs. The tuning
 * slurmdbd recommends (a 4 GiB buffer pool, 64 MiB redo log, 900 s lock wait) is the site
 * database's business, not the configuration under test; the test database is kept small.
 */
const SLURMDBD_BENIGN: readonly RegExp[] = [/Database settings not recommended values/];

/** error:/fatal: lines of a slurmdbd log that are not benign. */
export function slurmdbdLogProblems(log: string, allow: readonly RegExp[] = []): string[] {
  return log
    .split('\n')
    .filter((l) => /\b(error|fatal):/.test(l) && ![...SLURMDBD_BENIGN, ...allow].some((re) => re.test(l)))
    .map((l) => l.trim());
}

/** True when the chroot has slurmdbd and MariaDB (install-slurm.sh from RECIPE 2 on). */
export function slurmdbdAvailable(): boolean {
  return slurmAvailable() && ['usr/sbin/slurmdbd', 'usr/sbin/mariadbd', 'usr/bin/mariadb-install-db'].every((f) => fs.existsSync(path.join(SLURM_ROOT, f)));
}

/**
 * `describe` for suites that need slurmdbd, like `describeWithSlurm`: runs them when slurmdbd and
 * MariaDB are installed; skips them with a visible reason on a machine without them; and fails
 * (never skips) when CI is set and they are missing. Only call this from jest test files.
 */
export function describeWithSlurmdbd(name: string, fn: () => void): void {
  if (slurmdbdAvailable()) {
    describe(name, fn);
    return;
  }
  const why =
    process.platform === 'linux' && process.getuid?.() !== 0
      ? 'the Slurm harness needs root'
      : `slurmdbd and MariaDB are not installed in ${SLURM_ROOT} (run: bash .ci/install-slurm.sh)`;
  if (runningInCi()) {
    describe(name, () => {
      it('has a real slurmdbd available (CI is set, so this must not be skipped)', () => {
        throw new Error(`CI is set but ${why}`);
      });
    });
    return;
  }
  describe.skip(`${name} [skipped: ${why}]`, fn);
}

/**
 * Parses `sacctmgr -P` output: a header line of `|`-separated column names, then one line per
 * record (`-n` would drop the header).
 */
export function parseSacctmgrTable(text: string): Record<string, string>[] {
  const [header, ...rows] = text.split('\n').filter((l) => l !== '');
  if (header === undefined) return [];
  const columns = header.split('|');
  return rows.map((row) => {
    const cells = row.split('|');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

/** `a=1,b=2` as a map; empty for an empty string. */
export function parseTresList(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(',')
      .filter((t) => t !== '')
      .map((t) => {
        const eq = t.lastIndexOf('=');
        return [t.slice(0, eq), t.slice(eq + 1)];
      }),
  );
}

class PortInUseError extends Error {}

/**
 * The MariaDB server settings of a server in `dir` (inside the chroot): a small server for tests
 * that writes no binary log and does not wait for the disk, since the database lives as long as
 * the test. Without TLS: MariaDB 11.8 otherwise makes itself a new self-signed certificate at
 * every start, most of the CPU a start takes (0.2 to 0.6 s of 0.3 to 0.7 s); how slurmdbd's
 * connection to its database is encrypted is the site database's business, not under test.
 */
function mariadbConf(dir: string, port: number): string {
  return [
    '[mariadbd]',
    `datadir=${dir}/db`,
    `socket=${dir}/run/mariadb.sock`,
    `pid-file=${dir}/run/mariadb.pid`,
    `log-error=${dir}/mariadb.err`,
    'bind-address=127.0.0.1',
    `port=${port}`,
    'user=root',
    'skip-name-resolve',
    'skip-log-bin',
    'skip-ssl',
    'innodb_buffer_pool_size=32M',
    'innodb_log_file_size=8M',
    'innodb_flush_log_at_trx_commit=0',
    'innodb_doublewrite=0',
    '',
  ].join('\n');
}

/**
 * Host path of a fresh MariaDB data dir (system tables only, root authenticated by its Unix
 * socket) that each server copies, in a few milliseconds, instead of running `mariadb-install-db`
 * (about 2 s). It is made once, on first use, in the chroot's `/var/cache/aif-mariadb/`, under a
 * name that changes with MariaDB's binary and the server settings; concurrent first uses each
 * make one and keep whichever is renamed into place first. It holds no test data; rebuilding
 * the chroot removes it.
 */
function mariadbTemplate(env: NodeJS.ProcessEnv): string {
  const binary = fs.statSync(path.join(SLURM_ROOT, 'usr/sbin/mariadbd'));
  const key = createHash('sha256')
    .update(`${binary.size} ${binary.mtimeMs} ${mariadbConf('/', 0)}`)
    .digest('hex')
    .slice(0, 16);
  const cache = path.join(SLURM_ROOT, 'var/cache/aif-mariadb');
  const template = path.join(cache, key);
  if (fs.existsSync(path.join(template, 'db', 'mysql'))) return path.join(template, 'db');
  fs.mkdirSync(cache, { recursive: true, mode: 0o700 });
  const hostDir = fs.mkdtempSync(path.join(cache, `${key}.partial-`));
  const dir = `/${path.relative(SLURM_ROOT, hostDir)}`;
  try {
    fs.writeFileSync(path.join(hostDir, 'my.cnf'), mariadbConf(dir, 0));
    const install = runInChroot(
      ['/usr/bin/mariadb-install-db', `--defaults-file=${dir}/my.cnf`, '--auth-root-authentication-method=socket', '--skip-test-db'],
      env,
      {
        proc: true,
      },
    );
    if (install.status !== 0) throw new Error(`mariadb-install-db failed (exit ${install.status}):\n${tail(install.stdout + install.stderr)}`);
    fs.renameSync(hostDir, template);
  } catch (e) {
    fs.rmSync(hostDir, { recursive: true, force: true });
    // Another process put its template in place first.
    if (!fs.existsSync(path.join(template, 'db', 'mysql'))) throw e;
  }
  return path.join(template, 'db');
}

/** A daemon in the chroot with a private /proc, its output appended to `outPath`. */
function startDaemon(cmd: readonly string[], env: NodeJS.ProcessEnv, outPath: string): ChildProcess {
  const fd = fs.openSync(outPath, 'a');
  const child = spawn('unshare', [`--mount-proc=${path.join(SLURM_ROOT, 'proc')}`, 'chroot', SLURM_ROOT, ...cmd], { env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  track(child);
  return child;
}

/** Runs a command in the chroot (with a private /proc when `proc`, for programs that read it) and waits for it. */
function runInChroot(
  cmd: readonly string[],
  env: NodeJS.ProcessEnv,
  { timeoutMs = 60_000, input, proc = false }: { timeoutMs?: number; input?: string; proc?: boolean } = {},
): SacctmgrResult {
  const argv = proc ? ['unshare', `--mount-proc=${path.join(SLURM_ROOT, 'proc')}`, 'chroot', SLURM_ROOT, ...cmd] : ['chroot', SLURM_ROOT, ...cmd];
  const r = spawnSync(argv[0], argv.slice(1), {
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
    ...(input !== undefined ? { input } : {}),
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** What the mariadb client printed about a failed statement: its ERROR line, else all of it. */
function sqlError(r: SacctmgrResult): string {
  const out = (r.stderr + r.stdout).trim();
  return /^ERROR .*$/m.exec(out)?.[0] ?? out;
}

// ---------------------------------------------------------------------------
// MariaDB

/** A MariaDB server of the harness, for slurmdbd runs (see {@link startMariadb}). */
export interface Mariadb {
  /** Its loopback port. */
  readonly port: number;
  /** Host-side path of its temp dir (data dir, socket, logs). */
  readonly hostDir: string;
  /** The same dir as seen inside the chroot. */
  readonly dir: string;
  /** Runs `statements` as MariaDB's root, over its Unix socket. */
  sql(statements: string): SacctmgrResult;
  /** mariadbd's output and error log so far. */
  log(): string;
  /** Stops mariadbd and removes its temp dir; does nothing when it is already stopped. */
  stop(): Promise<void>;
}

/** How long {@link startMariadb} waits. */
export interface MariadbOptions {
  /** Bound on the wait for mariadbd to accept connections. Default 60 s. */
  startTimeoutMs?: number;
}

/**
 * Starts a MariaDB server in a temp dir of the chroot, from a copy of a fresh data dir, on a free
 * loopback port (new ports when another process took it meanwhile). Each {@link withSlurmdbd}
 * run on it (the `mariadb` option) creates its database and user and drops them as it ends,
 * so the runs of a test file can share one server, one after another, and see nothing of each
 * other: a server of its own costs a run about 0.2 s of CPU (starting, copying and removing a
 * 55 MB data dir). The caller stops it (`afterAll`); when the test process exits first, the exit
 * hook kills it and removes its dir.
 */
export async function startMariadb(options: MariadbOptions = {}): Promise<Mariadb> {
  if (!slurmdbdAvailable()) {
    throw new Error(`MariaDB harness not available: run (as root) bash .ci/install-slurm.sh [root=${SLURM_ROOT}]`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMariadbOnce(options.startTimeoutMs ?? 60_000);
    } catch (e) {
      if (attempt < 3 && e instanceof PortInUseError) continue;
      throw e;
    }
  }
}

async function startMariadbOnce(startTimeoutMs: number): Promise<Mariadb> {
  const run = harnessDir('aif-mariadb-');
  const { hostDir, dir } = run;
  let mariadbd: ChildProcess | undefined;
  try {
    fs.mkdirSync(path.join(hostDir, 'run'), { mode: 0o755 });
    const [port = 0] = await freePorts(1);
    const env: NodeJS.ProcessEnv = { ...CHILD_ENV_BASE };
    fs.writeFileSync(path.join(hostDir, 'my.cnf'), mariadbConf(dir, port));
    fs.cpSync(mariadbTemplate(env), path.join(hostDir, 'db'), { recursive: true });
    mariadbd = startDaemon(['/usr/sbin/mariadbd', `--defaults-file=${dir}/my.cnf`], env, path.join(hostDir, 'mariadbd.out'));
    const errPath = path.join(hostDir, 'mariadb.err');
    const log = () => readIfExists(path.join(hostDir, 'mariadbd.out')) + readIfExists(errPath);
    // mariadbd logs this once it listens on its socket and port: watching its log costs no
    // client process per poll.
    for (const deadline = Date.now() + startTimeoutMs; !readIfExists(errPath).includes('ready for connections'); await sleep(20)) {
      if (mariadbd.exitCode !== null || mariadbd.signalCode !== null) {
        if (log().includes('Address already in use')) throw new PortInUseError('mariadbd: port in use');
        throw new Error(`mariadbd exited (${mariadbd.exitCode ?? mariadbd.signalCode}):\n${tail(log())}`);
      }
      if (Date.now() > deadline) throw new Error(`mariadbd did not accept connections within ${startTimeoutMs} ms:\n${tail(log())}`);
    }
    const daemon = mariadbd;
    let running = true;
    return {
      port,
      hostDir,
      dir,
      sql: (statements: string) => runInChroot(['/usr/bin/mariadb', '--skip-ssl', `--socket=${dir}/run/mariadb.sock`, '-uroot', '-e', statements], env),
      log,
      stop: async () => {
        if (!running) return;
        running = false;
        await stop(daemon, 10_000);
        run.remove();
      },
    };
  } catch (e) {
    await stop(mariadbd, 10_000);
    run.remove();
    throw e;
  }
}

// ---------------------------------------------------------------------------
// slurmdbd

/**
 * Starts munged and slurmdbd in the chroot, with a database and user of their own on
 * `options.mariadb` or else on a MariaDB of this run's own, runs `fn`, then stops them, drops
 * the database and user and removes the temp dir. Rejects, with the daemons' logs, when one of
 * them does not start in time or slurmdbd logs errors that are not benign.
 */
export async function withSlurmdbd<T>(fn: (dbd: Slurmdbd) => Promise<T> | T, options: SlurmdbdOptions = {}): Promise<T> {
  if (!slurmdbdAvailable()) {
    throw new Error(`slurmdbd harness not available: run (as root) bash .ci/install-slurm.sh [root=${SLURM_ROOT}]`);
  }
  if (options.mariadb !== undefined) return withDatabase(options.mariadb, fn, options);
  const own = await startMariadb({ startTimeoutMs: options.startTimeoutMs });
  try {
    return await withDatabase(own, fn, options);
  } finally {
    await own.stop();
  }
}

/** Servers with a run in progress: a run's database has the site's name, which another run may have too. */
const serving = new WeakSet<Mariadb>();

/**
 * One run on `server`: its database and user, then slurmdbd (again, with new ports, when another
 * process took one); drops them afterwards, so the next run on the server starts from nothing.
 */
async function withDatabase<T>(server: Mariadb, fn: (dbd: Slurmdbd) => Promise<T> | T, options: SlurmdbdOptions): Promise<T> {
  if (serving.has(server)) throw new Error(`MariaDB ${server.dir} already serves a slurmdbd run: runs on one server must not overlap`);
  serving.add(server);
  const database = options.database ?? 'slurm_acct_db';
  const user = options.user ?? 'slurm';
  const drop = () => server.sql(`DROP DATABASE IF EXISTS \`${database}\`; DROP USER IF EXISTS '${user}'@'%';`);
  try {
    for (let attempt = 1; ; attempt++) {
      // The database and its user, as a site's database administrator creates them for slurmdbd.
      const password = randomBytes(12).toString('hex');
      const created = server.sql(
        `CREATE DATABASE \`${database}\`; CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'; GRANT ALL ON \`${database}\`.* TO '${user}'@'%';`,
      );
      let result: T;
      try {
        if (created.status !== 0) throw new Error(`creating database ${database} and user ${user} failed: ${sqlError(created)}`);
        result = await runSlurmdbd(server, password, fn, options);
      } catch (e) {
        // Best effort: the run's own error is what to report.
        try {
          drop();
        } catch {
          // reported by the next run's CREATE DATABASE, if it matters
        }
        if (attempt < 3 && e instanceof PortInUseError) continue;
        throw e;
      }
      const dropped = drop();
      if (dropped.status !== 0) throw new Error(`dropping database ${database} and user ${user} failed: ${sqlError(dropped)}`);
      return result;
    }
  } finally {
    serving.delete(server);
  }
}

async function runSlurmdbd<T>(server: Mariadb, password: string, fn: (dbd: Slurmdbd) => Promise<T> | T, options: SlurmdbdOptions): Promise<T> {
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const allow = options.allowLog ?? [];
  const run = harnessDir('aif-slurmdbd-');
  const { hostDir, dir } = run;
  let munged: ChildProcess | undefined;
  let slurmdbd: ChildProcess | undefined;
  try {
    // munged wants every directory on the socket path to be world-executable.
    fs.chmodSync(hostDir, 0o755);
    fs.mkdirSync(path.join(hostDir, 'run'), { mode: 0o755 });
    const [dbdPort = 0, ctlPort = 0] = await freePorts(2);
    const env: NodeJS.ProcessEnv = { ...CHILD_ENV_BASE, SLURM_CONF: `${dir}/slurm.conf` };
    const t0 = Date.now();
    const deadline = t0 + startTimeoutMs;

    munged = await startMunged(hostDir, dir, env);
    const socket = `${dir}/munge/munge.socket`;

    // --- slurmdbd: slurmdbd.conf sits beside the slurm.conf that SLURM_CONF names ---
    const slurmdbdConf = [
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'DbdHost=localhost',
      `DbdPort=${dbdPort}`,
      'SlurmUser=root',
      'DebugLevel=info',
      `LogFile=${dir}/slurmdbd.log`,
      `PidFile=${dir}/run/slurmdbd.pid`,
      'StorageType=accounting_storage/mysql',
      `StorageHost=${options.storageHost ?? '127.0.0.1'}`,
      `StoragePort=${server.port}`,
      `StorageUser=${options.user ?? 'slurm'}`,
      `StoragePass=${password}`,
      `StorageLoc=${options.database ?? 'slurm_acct_db'}`,
      '',
    ].join('\n');
    // slurmdbd refuses a slurmdbd.conf that others can read.
    fs.writeFileSync(path.join(hostDir, 'slurmdbd.conf'), slurmdbdConf, { mode: 0o600 });
    // What sacctmgr reads: the cluster and where slurmdbd is; with munge, AccountingStoragePass
    // names the socket that authenticates to slurmdbd.
    fs.writeFileSync(
      path.join(hostDir, 'slurm.conf'),
      [
        `ClusterName=${options.clusterName ?? 'aiftest'}`,
        'SlurmctldHost=localhost',
        `SlurmctldPort=${ctlPort}`,
        'AuthType=auth/munge',
        `AuthInfo=socket=${socket}`,
        'AccountingStorageType=accounting_storage/slurmdbd',
        'AccountingStorageHost=localhost',
        `AccountingStoragePort=${dbdPort}`,
        `AccountingStoragePass=${socket}`,
        '',
      ].join('\n'),
    );
    const dbdLogPath = path.join(hostDir, 'slurmdbd.log');
    const dbdOut = path.join(hostDir, 'slurmdbd.out');
    slurmdbd = startDaemon(['/usr/sbin/slurmdbd', '-D'], env, dbdOut);
    const dbdLog = () => readIfExists(dbdLogPath);
    const failure = (what: string): Error => {
      const log = dbdLog() + readIfExists(dbdOut);
      if (/Address already in use|bind\(\): Address already in use/.test(log)) return new PortInUseError(`${what}: port in use`);
      return new Error(
        `${what}\n--- slurmdbd problems ---\n${slurmdbdLogProblems(log, allow).join('\n') || '(none)'}\n--- slurmdbd log (tail) ---\n${tail(log)}\n--- mariadb (tail) ---\n${tail(server.log(), 20)}`,
      );
    };
    const sacctmgrResult = (args: readonly string[]): SacctmgrResult => runInChroot(['/usr/bin/sacctmgr', ...args], env);
    for (;;) {
      if (slurmdbd.exitCode !== null || slurmdbd.signalCode !== null) throw failure(`slurmdbd exited (${slurmdbd.exitCode ?? slurmdbd.signalCode})`);
      if (Date.now() > deadline) throw failure(`slurmdbd did not answer sacctmgr within ${startTimeoutMs} ms`);
      if (dbdLog().includes('slurmdbd version') && sacctmgrResult(['-n', '-P', 'show', 'cluster']).status === 0) break;
      await sleep(50);
    }
    const startupMs = Date.now() - t0;
    const problems = slurmdbdLogProblems(dbdLog(), allow);
    if (problems.length > 0) throw failure('slurmdbd started but logged errors');

    const sacctmgr = (args: readonly string[]): string => {
      const r = sacctmgrResult(args);
      if (r.status !== 0) throw new Error(`sacctmgr ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr + r.stdout).trim()}`);
      return r.stdout;
    };
    const dbd: Slurmdbd = {
      port: dbdPort,
      // From slurmdbd's own start line, which saves a sacctmgr process per run.
      version: /slurmdbd version (\d+\.\d+\.\d+)/.exec(dbdLog())?.[1] ?? 'unknown',
      hostDir,
      dir,
      dbPort: server.port,
      startupMs,
      slurmdbdConf: slurmdbdConf.replace(`StoragePass=${password}`, 'StoragePass=(harness)'),
      sacctmgr,
      sacctmgrResult,
      sh: (script: string) => {
        const r = runInChroot(['/bin/sh', '-eu'], env, { timeoutMs: 120_000, input: `${script}\n` });
        if (r.status !== 0) throw new Error(`sh script failed (exit ${r.status}):\n${script}\n--- output ---\n${tail(r.stdout + r.stderr)}`);
        return r.stdout + r.stderr;
      },
      writeFile: (name: string, text: string) => {
        fs.writeFileSync(path.join(hostDir, name), text);
        return `${dir}/${name}`;
      },
      show: (entity: string, args: readonly string[] = []) => parseSacctmgrTable(sacctmgr(['-P', 'show', entity, ...args])),
      log: dbdLog,
      logProblems: (since = 0) => slurmdbdLogProblems(dbdLog().slice(since), allow),
    };
    return await fn(dbd);
  } finally {
    await stop(slurmdbd, 5000);
    await stop(munged, 2000);
    run.remove();
  }
}
