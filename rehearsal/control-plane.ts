/**
 * The rehearsal control plane: a real Kubernetes API server on 127.0.0.1 whose nodes are
 * simulated by kwok.
 *
 * `startControlPlane` runs etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
 * kwok as local processes (no containers, no kubelet), each on a free loopback port, with a
 * per-run PKI made by `openssl`. Objects applied to it go through real admission (RBAC,
 * PodSecurity, ResourceQuota, LimitRanger, webhooks), real controllers and the real
 * scheduler; kwok then plays the kubelet for Nodes annotated `kwok.x-k8s.io/node: fake`,
 * marking them Ready and their bound Pods Running.
 *
 * The binaries come from `.ci/install-rehearsal.sh`, which builds them from the Go module
 * proxy into `/opt/aif-rehearsal/bin` (or `$AIF_REHEARSAL_ROOT/bin`).
 *
 * @see https://kwok.sigs.k8s.io/docs/user/kwok-in-cluster/
 * @see https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CertFiles, ManagedProcess, RunCa, StartError, freePorts, httpRequest, waitFor, type HttpAnswer, type TlsFiles } from './control-plane-support';

/** Where `.ci/install-rehearsal.sh` installs by default; `$AIF_REHEARSAL_ROOT` overrides it. */
export const DEFAULT_REHEARSAL_ROOT = '/opt/aif-rehearsal';

/** The command that installs the rehearsal binaries, for error messages. */
export const REHEARSAL_INSTALL_COMMAND = 'bash .ci/install-rehearsal.sh';

/** Nodes with this annotation, set to `fake`, are simulated by kwok. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** The install root in effect: `$AIF_REHEARSAL_ROOT`, else `/opt/aif-rehearsal`. */
export function rehearsalRoot(): string {
  return process.env.AIF_REHEARSAL_ROOT || DEFAULT_REHEARSAL_ROOT;
}

/** Paths of everything `.ci/install-rehearsal.sh` installs. */
export interface RehearsalBinaries {
  /** The install root. */
  readonly root: string;
  /** etcd 3.6 server. */
  readonly etcd: string;
  /** kube-apiserver, same Kubernetes version as the other three. */
  readonly kubeApiserver: string;
  /** kube-controller-manager. */
  readonly kubeControllerManager: string;
  /** kube-scheduler. */
  readonly kubeScheduler: string;
  /** kubectl. */
  readonly kubectl: string;
  /** kwok, the node and pod simulator, run standalone. */
  readonly kwok: string;
  /** The Kueue manager (`sigs.k8s.io/kueue/cmd/kueue`) at the project's pinned chart version. */
  readonly kueue: string;
  /** helm v3, to render charts. */
  readonly helm: string;
  /** The Kueue chart (`charts/kueue` of the pinned Kueue module). */
  readonly kueueChart: string;
  /** kwok's Stage definitions (`kustomize/stage` of the kwok module), one `<stage name>.yaml` each. */
  readonly kwokStagesDir: string;
  /** `versions.txt`: one `<binary> <version>` line per binary. */
  readonly versionsFile: string;
}

/**
 * Paths of the rehearsal binaries under `root`.
 * @param root install root; @default `$AIF_REHEARSAL_ROOT`, else `/opt/aif-rehearsal`
 * @throws Error naming every missing file and the install command
 */
export function rehearsalBinaries(root: string = rehearsalRoot()): RehearsalBinaries {
  const bin = (name: string): string => path.join(root, 'bin', name);
  const chartPathFile = path.join(root, 'kueue-chart-path');
  let kueueChart = '';
  try {
    kueueChart = fs.readFileSync(chartPathFile, 'utf8').trim();
  } catch {
    // Reported below with the other missing files.
  }
  const b: RehearsalBinaries = {
    root,
    etcd: bin('etcd'),
    kubeApiserver: bin('kube-apiserver'),
    kubeControllerManager: bin('kube-controller-manager'),
    kubeScheduler: bin('kube-scheduler'),
    kubectl: bin('kubectl'),
    kwok: bin('kwok'),
    kueue: bin('kueue'),
    helm: bin('helm'),
    kueueChart,
    kwokStagesDir: path.join(root, 'kwok-stages'),
    versionsFile: path.join(root, 'versions.txt'),
  };
  const missing: string[] = [];
  for (const f of [b.etcd, b.kubeApiserver, b.kubeControllerManager, b.kubeScheduler, b.kubectl, b.kwok, b.kueue, b.helm]) {
    try {
      fs.accessSync(f, fs.constants.X_OK);
    } catch {
      missing.push(f);
    }
  }
  if (!kueueChart) missing.push(chartPathFile);
  else if (!fs.existsSync(path.join(kueueChart, 'Chart.yaml'))) missing.push(path.join(kueueChart, 'Chart.yaml'));
  for (const stage of KWOK_STAGES) {
    const f = path.join(b.kwokStagesDir, `${stage}.yaml`);
    if (!fs.existsSync(f)) missing.push(f);
  }
  if (missing.length > 0) {
    throw new Error(
      `rehearsal binaries missing under ${root}: ${missing.join(', ')}; install them with: ${REHEARSAL_INSTALL_COMMAND} (set AIF_REHEARSAL_ROOT for another location)`,
    );
  }
  return b;
}

/** kwok Stage definitions that `.ci/install-rehearsal.sh` installs, by their `metadata.name`. */
export const KWOK_STAGES = ['node-initialize', 'node-heartbeat', 'node-heartbeat-with-lease', 'pod-ready', 'pod-complete', 'pod-delete'] as const;

/** One of the installed kwok Stage definitions. */
export type KwokStage = (typeof KWOK_STAGES)[number];

/** Options of `startControlPlane`. */
export interface ControlPlaneOptions {
  /**
   * Install root of the rehearsal binaries.
   * @default `$AIF_REHEARSAL_ROOT`, else `/opt/aif-rehearsal`
   */
  readonly root?: string;
  /**
   * A directory this run owns: PKI, kubeconfig, etcd data, configuration and one log per
   * component (`logs/<component>.log`) go there. It is left in place after `stop()` so that
   * the logs can be read.
   */
  readonly workDir: string;
  /** Receives one progress line per start-up step. @default - progress is not reported */
  readonly log?: (line: string) => void;
  /**
   * kwok Stages that simulate the kubelet. The default makes Nodes Ready and keeps their Lease
   * fresh, and makes bound Pods Running until they are deleted; add `pod-complete` to make
   * Job pods succeed as soon as they run.
   * @default ['node-initialize', 'node-heartbeat-with-lease', 'pod-ready', 'pod-delete']
   */
  readonly kwokStages?: readonly KwokStage[];
  /**
   * More kwok configuration (YAML documents, e.g. custom `Stage`s) appended to the stages
   * above.
   * @default - none
   */
  readonly kwokConfig?: string;
  /** Bound on the whole start-up. @default 90_000 */
  readonly startTimeoutMs?: number;
}

/** What `kubectl` printed and how it exited. */
export interface KubectlResult {
  /** Exit status; -1 when it was killed or could not start. */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running rehearsal control plane. */
export interface ControlPlane {
  /** Admin kubeconfig (user in group `system:masters`). */
  readonly kubeconfig: string;
  /** API server URL, `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** The run's CA certificate; it signed every serving and client certificate of the run. */
  readonly caFile: string;
  /** The run's directory (see `ControlPlaneOptions.workDir`). */
  readonly workDir: string;
  /** The binaries in use. */
  readonly binaries: RehearsalBinaries;
  /** Log file of each component, by component name (`etcd`, `kube-apiserver`, ...). */
  readonly logs: Readonly<Record<string, string>>;
  /** Runs `kubectl <args>` against this API server, with `stdin` as its input; never throws. */
  kubectl(args: readonly string[], stdin?: string): KubectlResult;
  /**
   * Sends one request to the API server as the admin (`path` from the root, e.g.
   * `/apis/authorization.k8s.io/v1/subjectaccessreviews`; a body makes it a JSON POST):
   * milliseconds where a kubectl process costs a tenth of a CPU-second.
   */
  request(path: string, body?: unknown): Promise<HttpAnswer>;
  /** Issues a serving certificate for 127.0.0.1 and localhost from the run's CA (for webhooks). */
  issueServingCert(name: string): CertFiles;
  /** Registers `fn` to run first in `stop()` (last registered, first run), e.g. to stop Kueue. */
  addCleanup(fn: () => Promise<void>): void;
  /** Stops every component (process groups: SIGTERM, then SIGKILL); safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_STAGES: readonly KwokStage[] = ['node-initialize', 'node-heartbeat-with-lease', 'pod-ready', 'pod-delete'];

/** Runs kubectl synchronously; shared by the control plane and the Kueue runner. */
function runKubectl(kubectl: string, kubeconfig: string, cacheDir: string, args: readonly string[], stdin?: string): KubectlResult {
  const r = spawnSync(kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {
    input: stdin,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, KUBECONFIG: kubeconfig },
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.error ? `${r.stderr ?? ''}${r.error.message}` : (r.stderr ?? '') };
}

/** The admin kubeconfig, with the CA and client certificate inlined. */
function kubeconfigYaml(server: string, caFile: string, client: CertFiles): string {
  const b64 = (f: string): string => fs.readFileSync(f).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: rehearsal',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(caFile)}`,
    'users:',
    '- name: admin',
    '  user:',
    `    client-certificate-data: ${b64(client.certFile)}`,
    `    client-key-data: ${b64(client.keyFile)}`,
    'contexts:',
    '- name: rehearsal',
    '  context: { cluster: rehearsal, user: admin }',
    'current-context: rehearsal',
    '',
  ].join('\n');
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on
 * 127.0.0.1, and resolves once the API server is ready, the `default` namespace and its
 * `default` ServiceAccount exist, and the controller manager, scheduler and kwok answer
 * their health checks. On failure it stops whatever it started and rejects with the tail of
 * the failing component's log.
 * @see https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
 * @see https://kwok.sigs.k8s.io/docs/user/stages-configuration/
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const t0 = Date.now();
  const say = (line: string): void => options.log?.(`[rehearsal +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
  const binaries = rehearsalBinaries(options.root);
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  const remaining = (): number => Math.max(1000, timeoutMs - (Date.now() - t0));
  const stages = options.kwokStages ?? DEFAULT_STAGES;
  const unknown = stages.filter((s) => !(KWOK_STAGES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`kwokStages: unknown stage(s) ${unknown.join(', ')}; use ${KWOK_STAGES.join(', ')}, or pass custom ones in kwokConfig`);

  const workDir = path.resolve(options.workDir);
  const logDir = path.join(workDir, 'logs');
  const etcdDir = path.join(workDir, 'etcd');
  // A fresh store each run; the other files are rewritten anyway.
  fs.rmSync(etcdDir, { recursive: true, force: true });
  fs.mkdirSync(etcdDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(logDir, { recursive: true });
  const home = path.join(workDir, 'home');
  fs.mkdirSync(home, { recursive: true });
  // Components read nothing from the caller's HOME (~/.kube, ~/.kwok).
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };

  const procs: ManagedProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (err) {
          say(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      // Reverse start order: clients first, etcd last.
      for (const p of [...procs].reverse()) await p.stop();
      say('stopped');
    })();
    return stopping;
  };
  const start = (name: string, bin: string, args: string[]): ManagedProcess => {
    const p = ManagedProcess.start(name, bin, args, { logDir, env, cwd: workDir });
    procs.push(p);
    return p;
  };

  try {
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort, kwokPort] = await freePorts(6);

    // ---- PKI ------------------------------------------------------------------------
    say('PKI');
    const pkiDir = path.join(workDir, 'pki');
    fs.rmSync(pkiDir, { recursive: true, force: true });
    const ca = new RunCa(pkiDir);
    const loopback = { ipSans: ['127.0.0.1'], dnsSans: ['localhost'] };
    const apiserverCert = ca.issue('kube-apiserver', {
      commonName: 'kube-apiserver',
      ipSans: ['127.0.0.1', '10.96.0.1'],
      dnsSans: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      usages: ['serverAuth'],
    });
    const admin = ca.issue('admin', { commonName: 'aif-rehearsal-admin', organizations: ['system:masters'], usages: ['clientAuth'] });
    // The aggregation layer's client. Without a request-header CA, every delegating component
    // (kcm, scheduler, Kueue's visibility server) logs errors about the missing bundle.
    const frontProxy = ca.issue('front-proxy-client', { commonName: 'front-proxy-client', usages: ['clientAuth'] });
    // Serving certificates for kcm, scheduler and kwok, so that their health checks are verified against the run's CA.
    const serving = ca.issue('loopback-serving', { commonName: 'aif-rehearsal-loopback', ...loopback, usages: ['serverAuth'] });
    const saKey = path.join(pkiDir, 'service-account.key');
    const saPub = path.join(pkiDir, 'service-account.pub');
    RunCa.newKey(saKey, pkiDir);
    const pub = spawnSync('openssl', ['pkey', '-in', saKey, '-pubout', '-out', saPub], { encoding: 'utf8' });
    if (pub.status !== 0) throw new Error(`openssl pkey -pubout failed: ${pub.stderr}`);

    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = path.join(workDir, 'admin.kubeconfig');
    fs.writeFileSync(kubeconfig, kubeconfigYaml(server, ca.caFile, admin), { mode: 0o600 });
    const tls: TlsFiles = {
      ca: fs.readFileSync(ca.caFile, 'utf8'),
      cert: fs.readFileSync(admin.certFile, 'utf8'),
      key: fs.readFileSync(admin.keyFile, 'utf8'),
    };
    const cacheDir = path.join(workDir, 'kubectl-cache');
    const kubectl = (args: readonly string[], stdin?: string): KubectlResult => runKubectl(binaries.kubectl, kubeconfig, cacheDir, args, stdin);

    // ---- etcd -----------------------------------------------------------------------
    say(`etcd on 127.0.0.1:${etcdClient}`);
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    const etcd = start('etcd', binaries.etcd, [
      '--name=rehearsal',
      `--data-dir=${etcdDir}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=rehearsal=${peerUrl}`,
      '--initial-cluster-state=new',
      // A throwaway store: durability buys nothing and fsync dominates on a CI disk.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitFor(
      'etcd /health',
      async () => {
        const r = await httpRequest(`${etcdUrl}/health`);
        return r.status === 200 && r.body.includes('"true"') ? true : undefined;
      },
      { timeoutMs: remaining(), watch: [etcd], blame: etcd },
    );

    // ---- kube-apiserver ---------------------------------------------------------------
    say(`kube-apiserver on ${server}`);
    const apiserver = start('kube-apiserver', binaries.kubeApiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${pkiDir}`,
      `--tls-cert-file=${apiserverCert.certFile}`,
      `--tls-private-key-file=${apiserverCert.keyFile}`,
      `--client-ca-file=${ca.caFile}`,
      '--authorization-mode=Node,RBAC',
      // Added to the default plugins (NamespaceLifecycle, LimitRanger, ServiceAccount, PodSecurity,
      // ResourceQuota, the webhook and policy plugins, ...), so none of these can be dropped by accident.
      '--enable-admission-plugins=NodeRestriction,PodSecurity,ResourceQuota,LimitRanger,ServiceAccount',
      // Privileged pods are allowed by the API server, so that Pod Security admission is what rejects them.
      '--allow-privileged=true',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // The `kubernetes` Service would point at 127.0.0.1, which Endpoints may not hold; no pod here needs it.
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false',
      `--requestheader-client-ca-file=${ca.caFile}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${frontProxy.certFile}`,
      `--proxy-client-key-file=${frontProxy.keyFile}`,
      `--kubelet-client-certificate=${admin.certFile}`,
      `--kubelet-client-key=${admin.keyFile}`,
      '--kubelet-preferred-address-types=InternalIP',
      '--profiling=false',
    ]);
    await waitFor('kube-apiserver /readyz', async () => ((await httpRequest(`${server}/readyz`, { tls })).status === 200 ? true : undefined), {
      timeoutMs: remaining(),
      watch: [etcd, apiserver],
      blame: apiserver,
    });

    // ---- controllers, scheduler, kwok -------------------------------------------------
    const servingArgs = [`--tls-cert-file=${serving.certFile}`, `--tls-private-key-file=${serving.keyFile}`, '--bind-address=127.0.0.1'];
    const delegated = [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
    ];
    say(`kube-controller-manager on 127.0.0.1:${kcmPort}`);
    const kcm = start('kube-controller-manager', binaries.kubeControllerManager, [
      ...delegated,
      ...servingArgs,
      `--secure-port=${kcmPort}`,
      // Every default controller: node lifecycle (removes the not-ready taint once kwok reports Ready),
      // namespace, resourcequota, serviceaccount, job, daemonset, replicaset, deployment, garbage collector, ...
      '--controllers=*',
      '--use-service-account-credentials=false',
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${ca.caFile}`,
      `--cluster-signing-cert-file=${ca.caFile}`,
      `--cluster-signing-key-file=${path.join(pkiDir, 'ca.key')}`,
      '--cluster-name=aif-rehearsal',
      // kwokctl's values: quick node status checks, grace matched to kwok's 40 s node leases.
      '--node-monitor-period=5s',
      '--node-monitor-grace-period=40s',
      '--kube-api-qps=200',
      '--kube-api-burst=400',
    ]);
    say(`kube-scheduler on 127.0.0.1:${schedPort}`);
    const scheduler = start('kube-scheduler', binaries.kubeScheduler, [
      ...delegated,
      ...servingArgs,
      `--secure-port=${schedPort}`,
      '--kube-api-qps=200',
      '--kube-api-burst=400',
    ]);

    const kwokConfigFile = path.join(workDir, 'kwok.yaml');
    const stageDocs = stages.map((s) => fs.readFileSync(path.join(binaries.kwokStagesDir, `${s}.yaml`), 'utf8').trim());
    fs.writeFileSync(kwokConfigFile, [...stageDocs, ...(options.kwokConfig ? [options.kwokConfig.trim()] : [])].join('\n---\n') + '\n');
    say(`kwok on 127.0.0.1:${kwokPort} (stages: ${stages.join(', ')})`);
    const kwok = start('kwok', binaries.kwok, [
      `--kubeconfig=${kubeconfig}`,
      `--config=${kwokConfigFile}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      // The simulated kubelet: nodes report 127.0.0.1:<port>, where kwok's own server listens.
      '--node-ip=127.0.0.1',
      `--node-port=${kwokPort}`,
      `--server-address=127.0.0.1:${kwokPort}`,
      `--tls-cert-file=${serving.certFile}`,
      `--tls-private-key-file=${serving.keyFile}`,
      '--node-lease-duration-seconds=40',
    ]);

    const all = [etcd, apiserver, kcm, scheduler, kwok];
    const healthy = (p: ManagedProcess, url: string): Promise<true> =>
      waitFor(`${p.name} ${url}`, async () => ((await httpRequest(url, { tls })).status === 200 ? true : undefined), {
        timeoutMs: remaining(),
        watch: all,
        blame: p,
      });
    await Promise.all([
      healthy(kcm, `https://127.0.0.1:${kcmPort}/healthz`),
      healthy(scheduler, `https://127.0.0.1:${schedPort}/healthz`),
      // kwok serves plain HTTP or HTTPS depending on its flags; accept either, since only liveness matters here.
      waitFor(
        'kwok /healthz',
        async () => {
          const r = await httpRequest(`https://127.0.0.1:${kwokPort}/healthz`, { tls }).catch(() => httpRequest(`http://127.0.0.1:${kwokPort}/healthz`));
          return r.status === 200 ? true : undefined;
        },
        { timeoutMs: remaining(), watch: all, blame: kwok },
      ),
      // Pods are rejected until the ServiceAccount controller has created `default` in their namespace.
      waitFor(
        'the default namespace and its default ServiceAccount',
        async () => ((await httpRequest(`${server}/api/v1/namespaces/default/serviceaccounts/default`, { tls })).status === 200 ? true : undefined),
        { timeoutMs: remaining(), watch: all, blame: kcm },
      ),
    ]);
    say('ready');

    const logs: Record<string, string> = {};
    for (const p of all) logs[p.name] = p.logFile;
    return {
      kubeconfig,
      server,
      caFile: ca.caFile,
      workDir,
      binaries,
      logs,
      kubectl,
      request: (p: string, body?: unknown) =>
        httpRequest(`${server}${p}`, { tls, timeoutMs: 30_000, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
      issueServingCert: (name) => ca.issue(name, { commonName: name, ...loopback, usages: ['serverAuth'] }),
      addCleanup: (fn) => {
        cleanups.push(fn);
      },
      stop,
    };
  } catch (err) {
    await stop();
    if (err instanceof StartError) throw new Error(`rehearsal control plane did not start: ${err.message}`);
    throw err;
  }
}
