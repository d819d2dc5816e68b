/**
 * Process, port, HTTP and certificate plumbing shared by the rehearsal control plane
 * (`control-plane.ts`) and the Kueue runner (`kueue-runner.ts`). Not a public API: the
 * rehearsal's other modules use `startControlPlane` and `startKueue`.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';

/** How a component process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

// Every live component, so that an exiting test runner never leaves one behind.
const live = new Set<ManagedProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) p.killNow();
  });
}

/**
 * One component (etcd, kube-apiserver, kwok, ...) running in its own process group, with
 * stdout and stderr appended to `<logDir>/<name>.log`. Output goes to a file rather than a
 * pipe so that a synchronous `kubectl` call in the test process can never stall a component
 * on a full pipe.
 */
export class ManagedProcess {
  /** Component name, also the log file's base name. */
  readonly name: string;
  /** Path of the component's log file. */
  readonly logFile: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private exit: ProcessExit | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(name: string, logFile: string, child: ChildProcess) {
    this.name = name;
    this.logFile = logFile;
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        resolve(this.exit);
      });
    });
  }

  /** Spawns `bin args` detached (its own process group) with its output in `<logDir>/<name>.log`. */
  static start(name: string, bin: string, args: readonly string[], options: { logDir: string; env?: NodeJS.ProcessEnv; cwd?: string }): ManagedProcess {
    installExitHook();
    fs.mkdirSync(options.logDir, { recursive: true });
    const logFile = path.join(options.logDir, `${name}.log`);
    // Truncated: a reused work directory starts each run with fresh logs.
    const fd = fs.openSync(logFile, 'w');
    let child: ChildProcess;
    try {
      child = spawn(bin, [...args], { detached: true, stdio: ['ignore', fd, fd], env: options.env ?? process.env, cwd: options.cwd });
    } finally {
      fs.closeSync(fd);
    }
    const p = new ManagedProcess(name, logFile, child);
    // spawn() reports a missing or non-executable binary asynchronously, as an 'error' event.
    child.once('error', (err) => {
      fs.appendFileSync(logFile, `\n[rehearsal] cannot start ${bin}: ${err.message}\n`);
      if (!p.exit) {
        p.exit = { code: 127, signal: null };
        live.delete(p);
      }
    });
    live.add(p);
    return p;
  }

  /** The process id, which is also the process group id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended, or undefined while it runs. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /** The last `lines` lines of the log file. */
  tail(lines = 40): string {
    try {
      const text = fs.readFileSync(this.logFile, 'utf8');
      return text
        .split('\n')
        .slice(-lines - 1)
        .join('\n')
        .trimEnd();
    } catch {
      return '(no log)';
    }
  }

  /** Signals the whole process group; ESRCH (already gone) is not an error. */
  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /** SIGKILL to the process group, synchronously; for the runner's exit hook. */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  /**
   * SIGTERM to the process group, then SIGKILL after `graceMs` if it has not exited. Any
   * process left in the group is killed too. Safe to call more than once.
   */
  stop(graceMs = 5000): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.exit) {
        this.signalGroup('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      this.signalGroup('SIGKILL');
      if (!this.exit && this.child.pid !== undefined) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
        clearTimeout(timer);
      }
    })();
    return this.stopping;
  }
}

/**
 * `count` distinct free TCP ports on 127.0.0.1. Every listener stays open until all ports are
 * chosen, so the answer never repeats a port; another process can still take one before the
 * component binds it, which the component's start-up check then reports.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** TLS material for an HTTPS request: PEM strings. */
export interface TlsFiles {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

/** Answer of `httpGet`. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** GET (or POST with `body`) `url`, with a 3 s timeout; rejects on connection errors. */
export function httpRequest(url: string, options: { tls?: TlsFiles; body?: string; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const common = {
      method: options.body === undefined ? 'GET' : 'POST',
      headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
      timeout: options.timeoutMs ?? 3000,
    };
    const onResponse = (res: http.IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    };
    const req =
      u.protocol === 'https:'
        ? https.request(u, { ...common, ca: options.tls?.ca, cert: options.tls?.cert, key: options.tls?.key }, onResponse)
        : http.request(u, common, onResponse);
    req.on('timeout', () => req.destroy(new Error(`timed out after ${common.timeout} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Thrown by `waitFor` when a watched component exits or the deadline passes. */
export class StartError extends Error {
  /** The component whose log explains the failure, if one is known. */
  readonly component: string | undefined;
  constructor(message: string, component?: string) {
    super(message);
    this.name = 'StartError';
    this.component = component;
  }
}

/** The error text for a component that failed: what, then the tail of its log. */
export function componentFailure(p: ManagedProcess, what: string): string {
  return `${what}\n--- last lines of ${p.logFile} ---\n${p.tail()}`;
}

/**
 * Polls `probe` every `intervalMs` until it returns a value other than undefined. Rejects
 * with a `StartError` when `timeoutMs` passes (naming `what` and the probe's last complaint),
 * or as soon as one of `watch` exits (with the tail of its log).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; intervalMs?: number; watch?: readonly ManagedProcess[]; blame?: ManagedProcess },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    for (const p of options.watch ?? []) {
      const exit = p.exitStatus;
      if (exit) {
        const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
        throw new StartError(componentFailure(p, `${p.name} exited (${how}) while waiting for ${what}`), p.name);
      }
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      const why = `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${last})` : ''}`;
      throw new StartError(options.blame ? componentFailure(options.blame, why) : why, options.blame?.name);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}

/** Runs `openssl args` and throws with its stderr when it fails. */
function openssl(args: readonly string[], cwd: string): void {
  const r = spawnSync('openssl', [...args], { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run openssl (install it, e.g. apt-get install openssl): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
}

/** A certificate and its key, as file paths. */
export interface CertFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** What a leaf certificate is for. */
export interface CertRequest {
  /** Subject common name. */
  readonly commonName: string;
  /** Subject organisations; Kubernetes reads them as groups (`system:masters`). */
  readonly organizations?: readonly string[];
  /** IP subject alternative names. */
  readonly ipSans?: readonly string[];
  /** DNS subject alternative names. */
  readonly dnsSans?: readonly string[];
  /** Extended key usages. */
  readonly usages: readonly ('serverAuth' | 'clientAuth')[];
}

/**
 * A throwaway certificate authority built with the `openssl` command: ECDSA P-256 keys,
 * seven-day certificates, in one directory. Per run, so nothing is shared between runs.
 */
export class RunCa {
  /** Directory holding every key and certificate. */
  readonly dir: string;
  /** The CA certificate. */
  readonly caFile: string;
  private readonly caKey: string;

  /** Creates the CA in `dir` (which must not hold one already). */
  constructor(dir: string) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.caFile = path.join(dir, 'ca.crt');
    this.caKey = path.join(dir, 'ca.key');
    RunCa.newKey(this.caKey, dir);
    const cnf = path.join(dir, 'ca.cnf');
    fs.writeFileSync(
      cnf,
      [
        '[req]',
        'distinguished_name = dn',
        'prompt = no',
        '[dn]',
        'CN = aif-rehearsal-ca',
        '[ca_ext]',
        'basicConstraints = critical,CA:TRUE',
        'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
        'subjectKeyIdentifier = hash',
        '',
      ].join('\n'),
    );
    openssl(['req', '-x509', '-new', '-key', this.caKey, '-config', cnf, '-extensions', 'ca_ext', '-days', '7', '-sha256', '-out', this.caFile], dir);
  }

  /** Writes a new ECDSA P-256 private key (PKCS#8 PEM). */
  static newKey(file: string, cwd: string): void {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], cwd);
    fs.chmodSync(file, 0o600);
  }

  /** Issues `<name>.crt` and `<name>.key`, signed by this CA. */
  issue(name: string, req: CertRequest): CertFiles {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) throw new Error(`certificate name must be lower-case letters, digits, '.' and '-', got '${name}'`);
    const keyFile = path.join(this.dir, `${name}.key`);
    const certFile = path.join(this.dir, `${name}.crt`);
    const csr = path.join(this.dir, `${name}.csr`);
    const cnf = path.join(this.dir, `${name}.cnf`);
    const sans = [...(req.ipSans ?? []).map((ip) => `IP:${ip}`), ...(req.dnsSans ?? []).map((d) => `DNS:${d}`)];
    fs.writeFileSync(
      cnf,
      [
        '[req]',
        'distinguished_name = dn',
        'prompt = no',
        '[dn]',
        // openssl's multi-valued RDN syntax: one "<n>.O" line per organisation.
        ...(req.organizations ?? []).map((o, i) => `${i}.O = ${o}`),
        `CN = ${req.commonName}`,
        '[ext]',
        'basicConstraints = critical,CA:FALSE',
        'keyUsage = critical,digitalSignature,keyEncipherment',
        `extendedKeyUsage = ${req.usages.join(',')}`,
        ...(sans.length > 0 ? [`subjectAltName = ${sans.join(',')}`] : []),
        'authorityKeyIdentifier = keyid',
        '',
      ].join('\n'),
    );
    RunCa.newKey(keyFile, this.dir);
    openssl(['req', '-new', '-key', keyFile, '-config', cnf, '-out', csr], this.dir);
    const serial = `0x${randomBytes(12).toString('hex')}`;
    openssl(
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        this.caFile,
        '-CAkey',
        this.caKey,
        '-set_serial',
        serial,
        '-days',
        '7',
        '-sha256',
        '-extfile',
        cnf,
        '-extensions',
        'ext',
        '-out',
        certFile,
      ],
      this.dir,
    );
    fs.rmSync(csr, { force: true });
    return { certFile, keyFile };
  }
}

/** Writes `content` to `file` through a temporary file and a rename, so readers never see half of it. */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, content, { mode });
    fs.renameSync(tmp, file);
  } finally {
    // Gone after the rename; after a failed write, nothing half-written stays behind.
    fs.rmSync(tmp, { force: true });
  }
}
