/**
 * A real MinIO server and client for tests (`bash .ci/install-minio.sh` builds them): start a
 * server on a temporary directory, run `mc`, and run a shell script with the environment a
 * Kubernetes container would get. Suites that need them skip on a machine without them and
 * fail, never skip, when CI is set.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { runningInCi } from '../../ci';

/** Install root of the binaries. */
export const MINIO_ROOT = process.env.AIF_MINIO_ROOT ?? '/opt/aif-minio';
/** How to install them. */
export const MINIO_INSTALL_COMMAND = 'bash .ci/install-minio.sh';

/** Paths of `minio` and `mc`; throws, naming the install command, when either is missing. */
export function minioBinaries(): { readonly minio: string; readonly mc: string } {
  const bin = path.join(MINIO_ROOT, 'bin');
  const found = { minio: path.join(bin, 'minio'), mc: path.join(bin, 'mc') };
  const missing = Object.values(found).filter((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) throw new Error(`MinIO binaries missing: ${missing.join(', ')}; run ${MINIO_INSTALL_COMMAND}`);
  return found;
}

/** `describe` that skips without the binaries, and fails instead when CI is set. */
export function describeWithMinio(name: string, fn: () => void): void {
  let why: string | undefined;
  try {
    minioBinaries();
  } catch (err) {
    why = err instanceof Error ? err.message : String(err);
  }
  if (why === undefined) {
    describe(name, fn);
  } else if (runningInCi()) {
    describe(name, () => {
      it('has the MinIO binaries (CI is set, so this must not be skipped)', () => {
        throw new Error(`CI is set but ${why}`);
      });
    });
  } else {
    describe.skip(`${name} [skipped: ${why}]`, fn);
  }
}

/** A free TCP port on the loopback address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/minio/health/ready`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** A running MinIO server. */
export interface MinioServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly rootUser: string;
  readonly rootPassword: string;
  /** Stops the server this harness started (by its process), and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `minio server` on `dataDir` (a single drive), at `port` or a free one, with the given
 * root credentials, and waits until it answers ready. Its log goes to `<dataDir>.log`.
 */
export async function startMinio(dataDir: string, options: { port?: number; rootUser?: string; rootPassword?: string } = {}): Promise<MinioServer> {
  const { minio } = minioBinaries();
  const port = options.port ?? (await freePort());
  const consolePort = await freePort();
  const rootUser = options.rootUser ?? 'aif-test-root';
  const rootPassword = options.rootPassword ?? 'aif-test-root-password';
  fs.mkdirSync(dataDir, { recursive: true });
  const log = fs.openSync(`${dataDir}.log`, 'a');
  const child: ChildProcess = spawn(minio, ['server', '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, dataDir], {
    env: { PATH: '/usr/bin:/bin', HOME: dataDir, MINIO_ROOT_USER: rootUser, MINIO_ROOT_PASSWORD: rootPassword, MINIO_BROWSER: 'off' },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`minio server did not become ready at ${url}; see ${dataDir}.log:\n${fs.readFileSync(`${dataDir}.log`, 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    rootUser,
    rootPassword,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What a command printed and how it ended. */
export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mc` with its configuration in `configDir`. */
export function mc(configDir: string, args: readonly string[]): Run {
  const r = spawnSync(minioBinaries().mc, ['--config-dir', configDir, '--no-color', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: '/usr/bin:/bin' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs a container's command (e.g. `/bin/sh -c <script>`) on this machine with exactly the
 * environment given plus a PATH that finds `mc`, like the container's, and resolves when it
 * exits (or is killed after `timeoutMs`).
 */
export function runContainerCommand(command: readonly string[], env: Readonly<Record<string, string>>, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      env: { PATH: `${path.join(MINIO_ROOT, 'bin')}:/usr/bin:/bin`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
