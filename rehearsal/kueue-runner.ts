/**
 * Runs the real Kueue manager against a rehearsal control plane, out of cluster.
 *
 * In a cluster, Kueue runs as a Deployment behind a webhook Service, with certificates from
 * its internal cert manager. Here the same binary (built at the project's pinned chart
 * version by `.ci/install-rehearsal.sh`) runs as a local process with the site's Kueue
 * Configuration, adjusted only where out-of-cluster running requires it:
 *
 * - leader election and internal certificate management are off;
 * - its webhook server listens on `https://127.0.0.1:<free port>` with a certificate from the
 *   run's CA, and the chart's own Mutating/ValidatingWebhookConfigurations (rendered with
 *   helm from the pinned chart and the same Configuration) are registered with their
 *   `service` references replaced by that URL; so are the conversion webhooks of Kueue's CRDs;
 * - the health probe listens on a free loopback port, metrics are off, and the
 *   `VisibilityOnDemand` feature gate (an aggregated API server) is off.
 *
 * Webhooks matter: without them a Job created unsuspended with a `kueue.x-k8s.io/queue-name`
 * label would start before Kueue admits it, and invalid queues would be accepted.
 * @see https://kueue.sigs.k8s.io/docs/reference/kueue-config.v1beta2/
 * @see https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { ManagedProcess, StartError, freePorts, httpRequest, waitFor, writeFileAtomic } from './control-plane-support';
import type { ControlPlane } from './control-plane';

/**
 * Where Kueue's main program reads its metrics certificate when internal cert management is
 * off (`metricsCertPath` in `cmd/kueue/main.go`, hard-coded). It must hold `tls.crt` and
 * `tls.key` even with metrics off, or the manager exits at start-up.
 */
export const KUEUE_METRICS_CERT_DIR = '/etc/kueue/metrics/certs';

/** Options of `startKueue`. */
export interface KueueOptions {
  /**
   * The Kueue Configuration YAML, as the chart receives it in
   * `managerConfig.controllerManagerConfigYaml` (`config.kueue.x-k8s.io/v1beta2`, or
   * `v1beta1`, which Kueue converts).
   */
  readonly managerConfig: string;
  /** Receives one progress line per start-up step. @default - progress is not reported */
  readonly log?: (line: string) => void;
  /** Namespace the chart would install Kueue in. @default 'kueue-system' */
  readonly namespace?: string;
  /** Helm release name the chart would be installed as; it prefixes the webhook configuration names. @default 'kueue' */
  readonly releaseName?: string;
  /** Bound on the start-up, including the wait for Kueue's CRDs. @default 90_000 */
  readonly startTimeoutMs?: number;
}

/** A running Kueue manager. */
export interface KueueRunner {
  /** Base URL of Kueue's webhook server. */
  readonly webhookUrl: string;
  /** Names of the webhooks registered with the API server (e.g. `mjob.kb.io`). */
  readonly webhooks: readonly string[];
  /** Chart webhooks left out because this Kueue does not serve their path (integration off or its API absent). */
  readonly skippedWebhooks: readonly string[];
  /** Kueue's log file. */
  readonly logFile: string;
  /** Removes the webhook configurations and stops Kueue; safe to call twice. */
  stop(): Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const CONFIG_API_VERSIONS = ['config.kueue.x-k8s.io/v1beta2', 'config.kueue.x-k8s.io/v1beta1'];

/** The CRD names the pinned chart ships (`templates/crd/kueue.x-k8s.io_<plural>.yaml`). */
function chartCrdNames(chart: string): string[] {
  const dir = path.join(chart, 'templates', 'crd');
  return fs
    .readdirSync(dir)
    .map((f) => /^(.+?)_(.+)\.yaml$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[2]}.${m[1]}`)
    .sort();
}

/** The Configuration with the out-of-cluster settings applied. */
function outOfClusterConfig(config: Obj, ports: { webhook: number; health: number }, certDir: string): Obj {
  const section = (key: string): Obj => (isObj(config[key]) ? config[key] : {});
  const { pprofBindAddress: _pprof, ...rest } = config;
  return {
    ...rest,
    leaderElection: { ...section('leaderElection'), leaderElect: false },
    internalCertManagement: { ...section('internalCertManagement'), enable: false },
    webhook: { ...section('webhook'), host: '127.0.0.1', port: ports.webhook, certDir },
    health: { ...section('health'), healthProbeBindAddress: `127.0.0.1:${ports.health}` },
    // "0" turns controller-runtime's metrics server off.
    metrics: { ...section('metrics'), bindAddress: '0' },
    featureGates: { ...section('featureGates'), VisibilityOnDemand: false },
  };
}

/**
 * Namespace labels that a label selector (the Configuration's `managedJobsNamespaceSelector`)
 * matches: its `matchLabels`, the first value of each `In` and a value for each `Exists`.
 * `NotIn` and `DoesNotExist` are met by leaving the key out. No selector: no labels.
 */
export function labelsMatching(selector: unknown): Record<string, string> {
  if (!isObj(selector)) return {};
  const labels: Record<string, string> = {};
  if (isObj(selector.matchLabels)) for (const [k, v] of Object.entries(selector.matchLabels)) labels[k] = String(v);
  for (const e of Array.isArray(selector.matchExpressions) ? (selector.matchExpressions as unknown[]) : []) {
    if (!isObj(e) || typeof e.key !== 'string') continue;
    if (e.operator === 'Exists') labels[e.key] = 'aif-rehearsal';
    else if (e.operator === 'In' && Array.isArray(e.values) && e.values.length > 0) labels[e.key] = String(e.values[0]);
  }
  return labels;
}

/** Makes sure Kueue's hard-coded metrics certificate files exist. */
function ensureMetricsCert(source: { certFile: string; keyFile: string }): void {
  const crt = path.join(KUEUE_METRICS_CERT_DIR, 'tls.crt');
  const key = path.join(KUEUE_METRICS_CERT_DIR, 'tls.key');
  if (fs.existsSync(crt) && fs.existsSync(key)) return;
  try {
    fs.mkdirSync(KUEUE_METRICS_CERT_DIR, { recursive: true });
    // Any valid pair will do: metrics serving is off, Kueue only loads the files.
    writeFileAtomic(key, fs.readFileSync(source.keyFile), 0o600);
    writeFileAtomic(crt, fs.readFileSync(source.certFile));
  } catch (err) {
    throw new Error(
      `Kueue needs ${crt} and ${key} (its main program hard-codes that path), and they cannot be written: ${err instanceof Error ? err.message : String(err)}; run as root, or create them once with any certificate and key`,
    );
  }
}

/**
 * Starts Kueue against `cp` once Kueue's CRDs (applied by the caller, from the pinned chart)
 * are Established, and resolves when its webhooks are registered and in effect. `cp.stop()`
 * stops it too.
 * @throws Error when the Configuration is not a Kueue Configuration, a Kueue CRD is missing,
 *   or Kueue does not become ready (with the tail of its log)
 * @see https://kueue.sigs.k8s.io/docs/installation/
 */
export async function startKueue(cp: ControlPlane, options: KueueOptions): Promise<KueueRunner> {
  const t0 = Date.now();
  const say = (line: string): void => options.log?.(`[kueue +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  const remaining = (): number => Math.max(1000, timeoutMs - (Date.now() - t0));
  const namespace = options.namespace ?? 'kueue-system';
  const releaseName = options.releaseName ?? 'kueue';
  const bins = cp.binaries;

  const config: unknown = parse(options.managerConfig);
  if (!isObj(config) || config.kind !== 'Configuration' || !CONFIG_API_VERSIONS.includes(String(config.apiVersion))) {
    const got = isObj(config) ? `${String(config.apiVersion)} ${String(config.kind)}` : typeof config;
    throw new Error(
      `startKueue: managerConfig must be a Kueue Configuration (${CONFIG_API_VERSIONS.join(' or ')}), got ${got}; pass the chart's managerConfig.controllerManagerConfigYaml`,
    );
  }

  const kubectlOk = (args: readonly string[], stdin?: string): string => {
    const r = cp.kubectl(args, stdin);
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  };

  // ---- CRDs ---------------------------------------------------------------------------
  const crds = chartCrdNames(bins.kueueChart);
  say(`waiting for ${crds.length} Kueue CRDs to be Established`);
  await waitFor(
    `the ${crds.length} CRDs of Kueue's chart to be Established; apply them (the chart's templates/crd) before startKueue`,
    () => {
      const r = cp.kubectl(['get', 'crd', '-o', 'json']);
      if (r.status !== 0) throw new Error(r.stderr.trim());
      const list = JSON.parse(r.stdout) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
      const established = new Set(
        list.items.filter((c) => c.status?.conditions?.some((k) => k.type === 'Established' && k.status === 'True')).map((c) => c.metadata.name),
      );
      const present = new Set(list.items.map((c) => c.metadata.name));
      const missing = crds.filter((n) => !present.has(n));
      const pending = crds.filter((n) => present.has(n) && !established.has(n));
      if (missing.length + pending.length === 0) return true;
      // Becomes the "last error" of the timeout message.
      throw new Error(
        [missing.length ? `missing: ${missing.join(', ')}` : '', pending.length ? `not Established: ${pending.join(', ')}` : ''].filter(Boolean).join('; '),
      );
    },
    { timeoutMs: Math.min(remaining(), 30_000), intervalMs: 500 },
  ).catch((err: unknown) => {
    throw new Error(`Kueue did not start: ${err instanceof Error ? err.message : String(err)}`);
  });

  const dir = path.join(cp.workDir, 'kueue');
  const certDir = path.join(dir, 'webhook-certs');
  fs.mkdirSync(certDir, { recursive: true });
  const [webhookPort, healthPort] = await freePorts(2);
  const webhookUrl = `https://127.0.0.1:${webhookPort}`;
  const serving = cp.issueServingCert('kueue-webhook');
  fs.copyFileSync(serving.certFile, path.join(certDir, 'tls.crt'));
  fs.copyFileSync(serving.keyFile, path.join(certDir, 'tls.key'));
  ensureMetricsCert(serving);
  const caPem = fs.readFileSync(cp.caFile, 'utf8');
  const caBundle = Buffer.from(caPem).toString('base64');

  // Conversion webhooks first, while nothing reads Kueue objects in another version yet.
  const converted: string[] = [];
  const crdList = JSON.parse(kubectlOk(['get', 'crd', ...crds, '-o', 'json'])) as {
    items: { metadata: { name: string }; spec: { conversion?: { strategy?: string } } }[];
  };
  for (const crd of crdList.items) {
    if (crd.spec.conversion?.strategy !== 'Webhook') continue;
    const patch = [
      {
        op: 'replace',
        path: '/spec/conversion',
        value: { strategy: 'Webhook', webhook: { clientConfig: { url: `${webhookUrl}/convert`, caBundle }, conversionReviewVersions: ['v1'] } },
      },
    ];
    kubectlOk(['patch', 'crd', crd.metadata.name, '--type=json', '-p', JSON.stringify(patch)]);
    converted.push(crd.metadata.name);
  }
  if (converted.length > 0) say(`conversion webhook of ${converted.join(', ')} -> ${webhookUrl}/convert`);

  // ---- the manager --------------------------------------------------------------------
  const configFile = path.join(dir, 'config.yaml');
  fs.writeFileSync(configFile, stringify(outOfClusterConfig(config, { webhook: webhookPort, health: healthPort }, certDir)));
  say(`kueue manager: webhooks on ${webhookUrl}, health on 127.0.0.1:${healthPort}`);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const kueue = ManagedProcess.start('kueue', bins.kueue, [`--config=${configFile}`], {
    logDir: path.join(cp.workDir, 'logs'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', KUBECONFIG: cp.kubeconfig },
    cwd: dir,
  });

  const registered: { kind: string; name: string }[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Leave no webhook with failurePolicy Fail pointing at a server that is gone.
      for (const r of registered) cp.kubectl(['delete', r.kind, r.name, '--ignore-not-found', '--request-timeout=5s', '--wait=false']);
      await kueue.stop();
    })();
    return stopping;
  };
  cp.addCleanup(stop);

  try {
    await waitFor(
      'Kueue /readyz (its webhook server is up)',
      async () => ((await httpRequest(`http://127.0.0.1:${healthPort}/readyz`)).status === 200 ? true : undefined),
      {
        timeoutMs: remaining(),
        watch: [kueue],
        blame: kueue,
      },
    );
    say('ready');

    // ---- webhook configurations, as the chart renders them --------------------------
    const values = path.join(dir, 'chart-values.yaml');
    fs.writeFileSync(values, stringify({ managerConfig: { controllerManagerConfigYaml: options.managerConfig } }));
    const helmHome = path.join(dir, 'helm');
    const helm = spawnSync(
      bins.helm,
      ['template', releaseName, bins.kueueChart, '--namespace', namespace, '--values', values, '--show-only', 'templates/webhook/manifests.yaml'],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: helmHome,
          HELM_CACHE_HOME: path.join(helmHome, 'cache'),
          HELM_CONFIG_HOME: path.join(helmHome, 'config'),
          HELM_DATA_HOME: path.join(helmHome, 'data'),
        },
      },
    );
    if (helm.status !== 0) throw new Error(`helm template of ${bins.kueueChart} failed: ${helm.stderr}`);

    const tlsCa = { ca: caPem };
    const webhooks: string[] = [];
    const skipped: string[] = [];
    const docs = parseAllDocuments(helm.stdout)
      .map((d) => d.toJS() as unknown)
      .filter(isObj);
    for (const doc of docs) {
      if (doc.kind !== 'MutatingWebhookConfiguration' && doc.kind !== 'ValidatingWebhookConfiguration') continue;
      const kept: Obj[] = [];
      for (const wh of (doc.webhooks as Obj[] | undefined) ?? []) {
        const cc = isObj(wh.clientConfig) ? wh.clientConfig : {};
        const svcPath = isObj(cc.service) && typeof cc.service.path === 'string' ? cc.service.path : undefined;
        if (!svcPath) throw new Error(`chart webhook ${String(wh.name)} has no service path`);
        // controller-runtime answers 404 for a path nobody registered. Kueue v0.19 serves every path the chart
        // names (no-op handlers for frameworks that are off), so this only guards against a chart/binary mismatch.
        // Each probe leaves one "request body is empty" line in Kueue's log.
        const probe = await httpRequest(`${webhookUrl}${svcPath}`, { tls: tlsCa });
        if (probe.status === 404) {
          skipped.push(String(wh.name));
          continue;
        }
        kept.push({ ...wh, clientConfig: { url: `${webhookUrl}${svcPath}`, caBundle } });
        webhooks.push(String(wh.name));
      }
      const meta = isObj(doc.metadata) ? doc.metadata : {};
      const name = String(meta.name);
      const kind = String(doc.kind).toLowerCase();
      const { annotations: _certManager, namespace: _ns, ...metadata } = meta;
      cp.kubectl(['delete', kind, name, '--ignore-not-found']);
      if (kept.length === 0) continue;
      kubectlOk(['create', '-f', '-'], JSON.stringify({ ...doc, metadata: { ...metadata, name }, webhooks: kept }));
      registered.push({ kind, name });
    }
    say(`webhooks registered: ${webhooks.join(', ') || 'none'}${skipped.length ? `; not served, so not registered: ${skipped.join(', ')}` : ''}`);

    // The API server loads webhook configurations asynchronously; wait until Kueue's Job
    // webhook suspends a queued Job in a server-side dry run.
    if (webhooks.includes('mjob.kb.io')) {
      // The chart scopes the Job webhook to the Configuration's managedJobsNamespaceSelector:
      // probe in a namespace it matches.
      const probeNamespace = 'aif-rehearsal-kueue-probe';
      kubectlOk(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: probeNamespace, labels: labelsMatching(config.managedJobsNamespaceSelector) },
        }),
      );
      const probeJob = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'aif-rehearsal-webhook-probe', namespace: probeNamespace, labels: { 'kueue.x-k8s.io/queue-name': 'aif-rehearsal-probe' } },
        spec: { suspend: false, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      };
      await waitFor(
        "the API server to call Kueue's Job webhook",
        () => {
          const r = cp.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], JSON.stringify(probeJob));
          if (r.status !== 0) throw new Error(r.stderr.trim());
          return (JSON.parse(r.stdout) as { spec: { suspend?: boolean } }).spec.suspend === true ? true : undefined;
        },
        { timeoutMs: Math.min(remaining(), 20_000), intervalMs: 300, watch: [kueue], blame: kueue },
      );
    } else {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    say('webhooks in effect');
    return { webhookUrl, webhooks, skippedWebhooks: skipped, logFile: kueue.logFile, stop };
  } catch (err) {
    await stop();
    if (err instanceof StartError) throw new Error(`Kueue did not start: ${err.message}`);
    throw err;
  }
}
