/**
 * MultiKueue dispatch in a rehearsal: a manager cluster and one of its cells, both control
 * planes running at once, wired as an operator wires them, then real Kueue on both.
 *
 * The operator's part, which the project never writes: in the cell, a ServiceAccount for the
 * manager with the rights MultiKueue uses there, and a token for it; in the manager's Kueue
 * namespace, the Secret the stack's MultiKueueCluster names, whose key `kubeconfig` reaches
 * the cell's API server with that token. Kueue rejects kubeconfigs that name files, skip TLS
 * verification or run plugins, so the CA and the token are inline.
 * @see https://kueue.sigs.k8s.io/docs/tasks/manage/setup_multikueue/
 * @see https://kueue.sigs.k8s.io/docs/concepts/multikueue/
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/pkg/controller/admissionchecks/multikueue/multikueuecluster.go
 */
import { stringify } from 'yaml';
import type { SiteModel } from '../site-model/resolve';
import { KUBECONFIG_SECRET_KEY, MULTIKUEUE_CONTROLLER } from '../constructs/scheduling/kueue/multikueue';
import { admitted, checkResult, probeJob, workloadOf, type CheckResult } from './checks';
import type { Kube } from './kube';
import type { PoolNodes } from './nodes';

type Json = Record<string, unknown>;

/** `spec.managedBy` of a batch/v1 Job that MultiKueue dispatches from the manager: its controller's name. */
export const MULTIKUEUE_MANAGED_BY = MULTIKUEUE_CONTROLLER;

/** Name of the ServiceAccount (in the cell's Kueue namespace) and ClusterRole the manager uses in a cell. */
export const MULTIKUEUE_WORKER_ACCOUNT = 'multikueue-manager';

/** Key of the kubeconfig in the worker's Secret, the one the stack's MultiKueueClusters name. */
export const KUBECONFIG_KEY = KUBECONFIG_SECRET_KEY;

/**
 * What MultiKueue does in a worker for batch Jobs: it creates, reads, watches and deletes
 * Workloads (and writes their status) and Jobs in the tenant namespaces, and watches the
 * kinds of the other integrations the manager's Configuration enables.
 */
export const MULTIKUEUE_WORKER_RULES: readonly Json[] = [
  { apiGroups: ['kueue.x-k8s.io'], resources: ['workloads'], verbs: ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: ['kueue.x-k8s.io'], resources: ['workloads/status'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: ['batch'], resources: ['jobs/status'], verbs: ['get'] },
  {
    apiGroups: ['jobset.x-k8s.io', 'kubeflow.org', 'ray.io', 'trainer.kubeflow.org', 'leaderworkerset.x-k8s.io', 'apps', ''],
    resources: ['jobsets', 'mpijobs', 'rayjobs', 'rayclusters', 'trainjobs', 'leaderworkersets', 'statefulsets', 'deployments', 'pods'],
    verbs: ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch'],
  },
];

/** What a worker's kubeconfig is made of. */
export interface WorkerKubeconfigProps {
  /** The cell's name: names the kubeconfig's cluster, user and context. */
  readonly cell: string;
  /** The cell's API server, `https://host:port`. */
  readonly server: string;
  /** PEM of the CA that signed the API server's serving certificate. */
  readonly caPem: string;
  /** A bearer token of the manager's ServiceAccount in the cell. */
  readonly token: string;
}

/**
 * A kubeconfig for a worker's Secret, as Kueue accepts it: CA data and token inline, a TLS
 * server, no file paths, no exec or auth plugins.
 * @throws Error when the server is not https or the CA is not PEM or the token is empty
 */
export function workerKubeconfig(props: WorkerKubeconfigProps): string {
  const problems: string[] = [];
  if (!/^https:\/\/[^/\s]+$/.test(props.server)) problems.push(`server must be https://host:port, got ${props.server}`);
  if (!props.caPem.includes('-----BEGIN CERTIFICATE-----')) problems.push('caPem must be a PEM certificate');
  if (props.token.trim() === '') problems.push('token must not be empty');
  if (problems.length > 0) throw new Error(`workerKubeconfig ${props.cell}: ${problems.join('; ')}`);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: props.cell, cluster: { server: props.server, 'certificate-authority-data': Buffer.from(props.caPem).toString('base64') } }],
    users: [{ name: MULTIKUEUE_WORKER_ACCOUNT, user: { token: props.token.trim() } }],
    contexts: [{ name: props.cell, context: { cluster: props.cell, user: MULTIKUEUE_WORKER_ACCOUNT } }],
    'current-context': props.cell,
  });
}

/** The Secret an operator creates in the manager's Kueue namespace for one worker. */
export function workerSecret(name: string, namespace: string, kubeconfig: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    data: { [KUBECONFIG_KEY]: Buffer.from(kubeconfig).toString('base64') },
  };
}

/** The worker's objects an operator creates for the manager: its ServiceAccount, a ClusterRole and their binding. */
export function workerAccess(namespace: string): Json[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: MULTIKUEUE_WORKER_ACCOUNT, namespace } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: MULTIKUEUE_WORKER_ACCOUNT }, rules: MULTIKUEUE_WORKER_RULES },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: MULTIKUEUE_WORKER_ACCOUNT },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: MULTIKUEUE_WORKER_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: MULTIKUEUE_WORKER_ACCOUNT, namespace }],
    },
  ];
}

/** One end of the dispatch: a running cluster of the rehearsal. */
export interface DispatchEnd {
  readonly cluster: string;
  readonly kube: Kube;
  /** The site's model (manager) or the cell's model (worker). */
  readonly site: SiteModel;
  /** Namespace of the cluster's Kueue. */
  readonly kueueNamespace: string;
}

/** The manager's end. */
export interface DispatchManager extends DispatchEnd {
  /** Objects the project deploys in the manager (its MultiKueueClusters among them). */
  readonly objects: readonly Json[];
}

/** The worker's end. */
export interface DispatchWorker extends DispatchEnd {
  /** The cell's API server. */
  readonly server: string;
  readonly caPem: string;
  /** Issues a token for a ServiceAccount of the cell (TokenRequest). */
  readonly token: (namespace: string, serviceAccount: string) => string;
  readonly pools: readonly PoolNodes[];
}

type Condition = { type: string; status: string; reason?: string; message?: string };
interface WorkloadView {
  metadata: { name: string; ownerReferences?: { name: string }[]; labels?: Record<string, string> };
  status?: { conditions?: Condition[]; admissionChecks?: { name: string; state: string; message?: string }[] };
}
interface PodView {
  metadata: { name: string };
  spec: { nodeName?: string };
}

const condition = (w: WorkloadView | undefined, type: string) => w?.status?.conditions?.find((c) => c.type === type);
const conditionsOf = (w: WorkloadView | undefined) =>
  w?.status?.conditions?.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`).join('; ') ?? 'no Workload';

/** A batch/v1 Job for MultiKueue: the rehearsal's probe Job, managed by MultiKueue (queued on the LocalQueue, suspended until admitted). */
export function multiKueueJob(name: string, namespace: string, queue: string, resource: string, pods: number, unitsPerPod: number): Json {
  const job = probeJob(name, namespace, queue, resource, pods, unitsPerPod);
  return { ...job, spec: { managedBy: MULTIKUEUE_MANAGED_BY, ...(job.spec as Json) } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The manager dispatches to the cell: once the operator's Secret exists, Kueue reports the
 * cell Active; a tenant's Job on the manager is admitted there through the MultiKueue
 * admission check, its Workload and Job are copied to the cell, admitted by the cell's
 * ClusterQueue and its pod bound to the cell's Kubernetes-owned nodes; a Job over the
 * tenant's maximum is neither admitted on the manager nor sent to the cell.
 * Results are the manager's checks.
 */
export async function checkMultiKueueDispatch(
  manager: DispatchManager,
  worker: DispatchWorker,
  options: { localQueue: string; timeoutSeconds?: number; log?: (line: string) => void },
): Promise<CheckResult[]> {
  const timeout = (options.timeoutSeconds ?? 60) * 1000;
  const result = (id: string, passed: boolean, detail: string) => checkResult(manager.cluster, id, passed, detail);
  const results: CheckResult[] = [];
  const mk = manager.objects.find((o) => o.kind === 'MultiKueueCluster' && (o.metadata as Json).name === worker.cluster);
  const activeId = `multikueue-cluster-active/${worker.cluster}`;
  if (!mk) return [result(activeId, false, `the manager deploys no MultiKueueCluster ${worker.cluster}`)];
  const secretName = (mk.spec as { clusterSource?: { kubeConfig?: { location?: string } } }).clusterSource?.kubeConfig?.location ?? '';

  // ---- the operator's part ----------------------------------------------------------
  for (const obj of workerAccess(worker.kueueNamespace)) {
    const r = worker.kube.apply(obj);
    if (!r.ok) return [result(activeId, false, `the cell rejected the manager's access: ${r.error}`)];
  }
  const kubeconfig = workerKubeconfig({
    cell: worker.cluster,
    server: worker.server,
    caPem: worker.caPem,
    token: worker.token(worker.kueueNamespace, MULTIKUEUE_WORKER_ACCOUNT),
  });
  const created = manager.kube.apply(workerSecret(secretName, manager.kueueNamespace, kubeconfig));
  if (!created.ok) return [result(activeId, false, `the Secret ${secretName} was rejected: ${created.error}`)];
  options.log?.(`created Secret ${manager.kueueNamespace}/${secretName} reaching ${worker.server}`);

  const activeOf = () =>
    manager.kube
      .get<{ status?: { conditions?: Condition[] } }>('multikueueclusters.kueue.x-k8s.io', worker.cluster)
      ?.status?.conditions?.find((c) => c.type === 'Active');
  const active = await manager.kube
    .waitFor(`MultiKueueCluster ${worker.cluster} to be Active`, () => (activeOf()?.status === 'True' ? activeOf() : undefined), timeout)
    .catch(() => activeOf());
  results.push(
    result(
      activeId,
      active?.status === 'True',
      `with the Secret ${secretName} (a kubeconfig with a ServiceAccount token of the cell): Active=${active?.status ?? 'unset'} (${active?.reason ?? ''}: ${active?.message ?? ''})`,
    ),
  );

  // ---- a tenant's job, dispatched ----------------------------------------------------
  for (const tenant of Object.values(worker.site.tenants)) {
    const quota = tenant.gpuQuotas.find((q) => q.cluster === worker.cluster && q.kubernetes.max > 0);
    const simulated = quota && worker.pools.find((p) => p.pool === quota.pool);
    if (!quota || !simulated) continue;
    const ownNodes = Object.entries(simulated.owners)
      .filter(([, owner]) => owner === 'kubernetes')
      .map(([name]) => name);
    if (ownNodes.length === 0) continue;
    const id = `multikueue-dispatches/${tenant.name}/${quota.pool}`;
    const overId = `multikueue-holds-over-max/${tenant.name}/${quota.pool}`;
    if (active?.status !== 'True') {
      const why = `not tried: the cell ${worker.cluster} is not Active (${active?.message ?? 'no condition'})`;
      return [...results, result(id, false, why), result(overId, false, why)];
    }
    const namespace = `tenant-${tenant.name}`;
    const { resourceName, unitsPerNode } = simulated;
    const units = Math.min(unitsPerNode, quota.kubernetes.max);
    const name = `mk-probe-${quota.pool}`.slice(0, 50);
    const job = multiKueueJob(name, namespace, options.localQueue, resourceName, 1, units);
    const made = manager.kube.create(job);
    if (!made.ok) {
      results.push(result(id, false, `the job was rejected on the manager: ${made.error}`));
      return results;
    }
    const managerWorkload = () => workloadOf(manager.kube, namespace, name) as WorkloadView | undefined;
    const workerWorkload = (wl: string) => worker.kube.get<WorkloadView>('workloads.kueue.x-k8s.io', wl, namespace);
    const steps: string[] = [];
    let passed = false;
    try {
      const local = await manager.kube.waitFor(
        `the manager to admit ${namespace}/${name}`,
        () => (admitted(managerWorkload()) ? managerWorkload() : undefined),
        timeout,
      );
      const check = local?.status?.admissionChecks?.find((c) => c.state === 'Ready');
      steps.push(`admitted on the manager (check ${check?.name ?? '?'}: ${check?.message ?? check?.state ?? ''})`);
      const wlName = local.metadata.name;
      const remote = await worker.kube.waitFor(
        `the cell to admit Workload ${namespace}/${wlName}`,
        () => (admitted(workerWorkload(wlName)) ? workerWorkload(wlName) : undefined),
        timeout,
      );
      const cq = (remote as { status?: { admission?: { clusterQueue?: string } } }).status?.admission?.clusterQueue;
      steps.push(`Workload admitted in ${worker.cluster} by ClusterQueue ${cq ?? '?'}`);
      const pods = await worker.kube.waitFor(
        `the pod of ${namespace}/${name} in ${worker.cluster} to be bound`,
        () => {
          const list = worker.kube.list<PodView>('pods', { namespace, selector: `app=${name}` });
          return list.length > 0 && list.every((p) => p.spec.nodeName) ? list : undefined;
        },
        timeout,
      );
      const wrong = pods.filter((p) => !ownNodes.includes(p.spec.nodeName ?? ''));
      const onManager = manager.kube.list<PodView>('pods', { namespace, selector: `app=${name}` });
      passed = wrong.length === 0 && onManager.length === 0;
      steps.push(
        wrong.length > 0
          ? `pods bound off the cell's Kubernetes-owned ${quota.pool} nodes: ${wrong.map((p) => `${p.metadata.name} on ${p.spec.nodeName}`).join(', ')}`
          : `its pod bound to ${pods.map((p) => p.spec.nodeName).join(', ')} (a Kubernetes-owned ${quota.pool} node of ${worker.cluster})`,
      );
      if (onManager.length > 0) steps.push(`${onManager.length} pod(s) created on the manager`);
    } catch (e) {
      const wl = managerWorkload();
      const remote = wl ? workerWorkload(wl.metadata.name) : undefined;
      steps.push(`${(e as Error).message}; manager: ${conditionsOf(wl)}; cell: ${conditionsOf(remote)}`);
    }
    results.push(result(id, passed, `${units} ${resourceName}: ${steps.join('; ')}`));
    manager.kube.delete('job', name, namespace);
    // The manager's admission of the first job must not be what holds the next one.
    await manager.kube
      .waitFor(`Workload of ${namespace}/${name} to go`, () => (managerWorkload() === undefined ? true : undefined), timeout)
      .catch(() => undefined);

    // ---- over the tenant's maximum: held on the manager, never sent ------------------
    const siteQuota = manager.site.tenants[tenant.name]?.gpuQuotas.find((q) => q.pool === quota.pool);
    const max = siteQuota?.kubernetes.max ?? quota.kubernetes.max;
    const over = `${name}-over`.slice(0, 55);
    const overPods = Math.ceil((max + 1) / unitsPerNode);
    const overPerPod = Math.ceil((max + 1) / overPods);
    const overMade = manager.kube.create(multiKueueJob(over, namespace, options.localQueue, resourceName, overPods, overPerPod));
    if (!overMade.ok) {
      results.push(result(overId, false, `the job was rejected on the manager: ${overMade.error}`));
      return results;
    }
    const overWorkload = () => workloadOf(manager.kube, namespace, over) as WorkloadView | undefined;
    const held = await manager.kube
      .waitFor(`Kueue to decide on ${namespace}/${over}`, () => (condition(overWorkload(), 'QuotaReserved') ? overWorkload() : undefined), timeout)
      .catch(() => overWorkload());
    // Give MultiKueue the time it took to dispatch a fitting job to (wrongly) dispatch this one.
    await sleep(3000);
    const now = overWorkload();
    const sent = now ? workerWorkload(now.metadata.name) : undefined;
    const workerJob = worker.kube.get('job', over, namespace);
    const reason = condition(now, 'QuotaReserved');
    const byQuota = reason?.status === 'False' && /maximum capacity|insufficient quota/.test(reason.message ?? '');
    results.push(
      result(
        overId,
        held !== undefined && !admitted(now) && sent === undefined && workerJob === undefined && byQuota,
        held === undefined
          ? 'Kueue created no Workload for the job on the manager'
          : `a job for ${overPods * overPerPod} units (the tenant's maximum is ${max} over all cells): ${admitted(now) ? 'admitted on the manager' : `held on the manager: ${reason?.message ?? conditionsOf(now)}`}; ${sent || workerJob ? `sent to ${worker.cluster}` : `nothing sent to ${worker.cluster}`}`,
      ),
    );
    manager.kube.delete('job', over, namespace);
    return results;
  }
  results.push(result(`multikueue-dispatches/${worker.cluster}`, false, `no tenant has a quota on a simulated Kubernetes-owned node of ${worker.cluster}`));
  return results;
}
