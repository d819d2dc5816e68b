/**
 * Behaviour checks of a rehearsal: what the real API server, scheduler and Kueue controller
 * do with a site's objects on simulated nodes.
 *
 * A check that shows a defect an open issue will fix is marked with that issue: its failure
 * is reported as an expected failure, and a pass as an unexpected pass, which fails the run
 * so that the mark is removed with the fix.
 */
import { OWNER_LABEL, POOL_LABEL } from '../constructs/gpu/gpu-node-pool';
import type { SiteModel } from '../site-model/resolve';
import type { Kube } from './kube';
import { CPU_NODE_LABEL, RDMA_RESOURCE, type PoolNodes } from './nodes';

type Json = Record<string, unknown>;

/** The outcome of one check. */
export interface CheckResult {
  /** Stable id, e.g. `kueue-admits-max/acme/h100`. */
  readonly id: string;
  readonly cluster: string;
  readonly passed: boolean;
  /** What was seen. */
  readonly detail: string;
  /** The open issue that fixes the defect this check shows, if it is a known one. */
  readonly knownDefect?: KnownDefect;
}

/** A defect an open issue fixes; its check is an expected failure until then. */
export interface KnownDefect {
  readonly issue: number;
  readonly what: string;
}

/**
 * Known defects by check id prefix. Remove an entry with the fix: the check then passes as
 * a plain pass, and an entry left behind fails the run as an unexpected pass.
 */
export const KNOWN_DEFECTS: Readonly<Record<string, KnownDefect>> = {};

/** The known defect of a check id, by the longest matching prefix. */
export function knownDefectOf(id: string, defects: Readonly<Record<string, KnownDefect>> = KNOWN_DEFECTS): KnownDefect | undefined {
  const key = Object.keys(defects)
    .filter((k) => id === k || id.startsWith(`${k}/`))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? undefined : defects[key];
}

/** How a result counts: a pass, an expected failure, or a failure (including an unexpected pass). */
export function verdict(r: CheckResult): 'pass' | 'expected failure' | 'FAIL' | 'UNEXPECTED PASS' {
  if (r.knownDefect) return r.passed ? 'UNEXPECTED PASS' : 'expected failure';
  return r.passed ? 'pass' : 'FAIL';
}

/** What the checks need to know about one cluster of a rehearsal. */
export interface CheckContext {
  readonly kube: Kube;
  readonly site: SiteModel;
  readonly cluster: string;
  readonly pools: readonly PoolNodes[];
  /** Tolerations the project gives node agents (the GPU Operator's `daemonsets.tolerations`). */
  readonly nodeAgentTolerations: readonly Json[];
  /** Objects the project deploys in this cluster, as applied. */
  readonly objects: readonly Json[];
  /** Seconds to wait for a controller to act. @default 60 */
  readonly timeoutSeconds?: number;
  readonly log?: (line: string) => void;
  /** The API server as `user` in `groups` (kubectl's impersonation), to act as a tenant. @default - the checks that act as a tenant are not run */
  readonly impersonating?: (user: string, groups: readonly string[]) => Kube;
}

/** A check's result, marked with its known defect (the one given, else the table's). */
export function checkResult(cluster: string, id: string, passed: boolean, detail: string, defect?: KnownDefect): CheckResult {
  const knownDefect = defect ?? knownDefectOf(id);
  return { id, cluster, passed, detail, ...(knownDefect ? { knownDefect } : {}) };
}

const result = (ctx: CheckContext, id: string, passed: boolean, detail: string, defect?: KnownDefect): CheckResult =>
  checkResult(ctx.cluster, id, passed, detail, defect);

const PROBE_NAMESPACE = 'aif-rehearsal-probe';

/** A pod spec that Pod Security `restricted` admits. */
function restrictedPod(containers: Json[]): Json {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers: containers.map((c) => ({
      image: 'registry.k8s.io/pause:3.10',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      ...c,
    })),
  };
}

interface PodView {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status?: { phase?: string };
}

/**
 * Node agents: a DaemonSet with the tolerations the project gives node agents must get a
 * pod bound on every pool node, as the device plugins must.
 */
export async function checkNodeAgents(ctx: CheckContext): Promise<CheckResult> {
  const { kube } = ctx;
  probeNamespace(kube);
  const created = kube.create({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-agent-probe', namespace: PROBE_NAMESPACE },
    spec: {
      selector: { matchLabels: { app: 'node-agent-probe' } },
      template: {
        metadata: { labels: { app: 'node-agent-probe' } },
        spec: { tolerations: ctx.nodeAgentTolerations, containers: [{ name: 'probe', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  });
  if (!created.ok) return result(ctx, 'node-agents', false, `the probe DaemonSet was rejected: ${created.error}`);
  const poolNodes = ctx.pools.flatMap((p) => p.nodes.map((n) => (n.metadata as { name: string }).name));
  // The DaemonSet controller counts the nodes it tolerates; once it has looked, fewer than
  // the pool nodes is final and there is no point waiting for pods.
  const desired = await kube.waitFor('the probe DaemonSet to be observed', () => {
    const ds = kube.get<{ status?: { observedGeneration?: number; desiredNumberScheduled?: number } }>('daemonset', 'node-agent-probe', PROBE_NAMESPACE);
    return ds?.status?.observedGeneration !== undefined ? (ds.status.desiredNumberScheduled ?? 0) : undefined;
  });
  let bound = new Set<string>();
  if (desired >= poolNodes.length) {
    try {
      await kube.waitFor(
        'probe pods on every pool node',
        () => {
          bound = new Set(
            kube
              .list<PodView>('pods', { namespace: PROBE_NAMESPACE, selector: 'app=node-agent-probe' })
              .flatMap((p) => (p.spec.nodeName ? [p.spec.nodeName] : [])),
          );
          return poolNodes.every((n) => bound.has(n)) ? true : undefined;
        },
        (ctx.timeoutSeconds ?? 60) * 1000,
      );
    } catch {
      // reported below
    }
  }
  const missing = poolNodes.filter((n) => !bound.has(n));
  return result(
    ctx,
    'node-agents',
    missing.length === 0,
    missing.length === 0
      ? `a node agent pod is bound on each of the ${poolNodes.length} pool nodes`
      : `no node agent pod on ${missing.length} of ${poolNodes.length} pool nodes (e.g. ${missing.slice(0, 3).join(', ')}); tolerations given: ${JSON.stringify(ctx.nodeAgentTolerations)}`,
  );
}

/** The namespace of the probes that stand in for node agents: outside Kueue, privileged as agents are. */
function probeNamespace(kube: Kube): void {
  kube.apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: PROBE_NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
  });
}

/** What the slurm chart's values give one NodeSet's pods: where they run and the GPUs they hold. */
export interface NodeSetPods {
  readonly nodeSet: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Json[];
  /** slurmd's resources: every GPU unit of its node, and the node's CPUs and memory less the reserve. */
  readonly resources: Json;
  /** The log sidecar's resources. */
  readonly logfileResources: Json;
}

/**
 * Slurm's NodeSets hold exactly the nodes Slurm owns: a DaemonSet with each NodeSet's node
 * selector, tolerations and the resources of slurmd and its log sidecar (as the Slinky
 * operator makes its pods in DaemonSet mode) gets a Guaranteed pod bound on every Slurm-owned
 * node of its pool, so slurmd fits beside the node's allocatable, and none elsewhere.
 * The pods stay, holding those GPUs, while the Kueue checks run: a tenant job up to its
 * maximum must then still be admitted and bound, on the nodes Kubernetes owns.
 */
export async function checkSlurmNodeSets(ctx: CheckContext, nodeSets: readonly NodeSetPods[]): Promise<CheckResult[]> {
  const { kube } = ctx;
  probeNamespace(kube);
  const results: CheckResult[] = [];
  for (const ns of nodeSets) {
    const id = `slurm-nodeset-owns-slurm-nodes/${ns.nodeSet}`;
    const simulated = ctx.pools.find((p) => p.pool === ns.nodeSet);
    if (!simulated) {
      results.push(result(ctx, id, false, `no simulated pool ${ns.nodeSet} for the NodeSet`));
      continue;
    }
    const expected = Object.entries(simulated.owners)
      .filter(([, owner]) => owner === 'slurm')
      .map(([name]) => name)
      .sort();
    const app = `slurmd-${ns.nodeSet}`.slice(0, 63);
    const created = kube.create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: app, namespace: PROBE_NAMESPACE },
      spec: {
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: {
            nodeSelector: ns.nodeSelector,
            tolerations: ns.tolerations,
            containers: [
              { name: 'slurmd', image: 'registry.k8s.io/pause:3.10', resources: ns.resources },
              { name: 'logfile', image: 'registry.k8s.io/pause:3.10', resources: ns.logfileResources },
            ],
          },
        },
      },
    });
    if (!created.ok) {
      results.push(result(ctx, id, false, `the DaemonSet was rejected: ${created.error}`));
      continue;
    }
    const pods = () => kube.list<PodView & { status?: { qosClass?: string } }>('pods', { namespace: PROBE_NAMESPACE, selector: `app=${app}` });
    const bound = (): string[] =>
      pods()
        .flatMap((p) => (p.spec.nodeName && p.status?.phase === 'Running' ? [p.spec.nodeName] : []))
        .sort();
    const seen = await kube
      .waitFor(
        `slurmd pods of NodeSet ${ns.nodeSet} to run`,
        () => (bound().length >= expected.length ? bound() : undefined),
        (ctx.timeoutSeconds ?? 60) * 1000,
      )
      .catch(() => bound());
    // A pod on a node it should not have is scheduled as fast as the right ones: look once more.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const final = bound();
    const extra = final.filter((n) => !expected.includes(n));
    const missing = expected.filter((n) => !final.includes(n));
    // The API server gives a pod its QoS class from its containers' requests and limits.
    const notGuaranteed = pods().filter((p) => p.status?.qosClass !== 'Guaranteed');
    const holding = Object.entries((ns.resources.limits as Record<string, string> | undefined) ?? {})
      .map(([r, n]) => `${n} ${r}`)
      .join(', ');
    const problems = [
      ...(missing.length > 0 ? [`no slurmd pod on Slurm-owned node(s) ${missing.join(', ')}`] : []),
      ...(extra.length > 0 ? [`slurmd pods on node(s) Slurm does not own: ${extra.join(', ')}`] : []),
      ...(notGuaranteed.length > 0 ? [`${notGuaranteed.length} pod(s) not Guaranteed (${notGuaranteed[0].status?.qosClass ?? 'no class'})`] : []),
    ];
    results.push(
      result(
        ctx,
        id,
        problems.length === 0 && seen.length > 0,
        problems.length === 0
          ? `a Guaranteed slurmd pod holding ${holding} runs on each of the ${expected.length} Slurm-owned nodes of pool ${ns.nodeSet}, on no other node`
          : problems.join('; '),
      ),
    );
  }
  return results;
}

/** A Kueue-managed Job of `pods` pods, each asking for `unitsPerPod` of the pool's resource (and any `extra` resources). */
export function probeJob(
  name: string,
  namespace: string,
  queue: string,
  resource: string,
  pods: number,
  unitsPerPod: number,
  extra: Record<string, string> = {},
): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels: { 'kueue.x-k8s.io/queue-name': queue } },
    spec: {
      suspend: true,
      parallelism: pods,
      completions: pods,
      backoffLimit: 0,
      template: {
        metadata: { labels: { app: name } },
        spec: {
          restartPolicy: 'Never',
          ...restrictedPod([
            {
              name: 'train',
              resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi', [resource]: String(unitsPerPod), ...extra } },
            },
          ]),
        },
      },
    },
  };
}

interface WorkloadView {
  metadata: { ownerReferences?: { name: string }[] };
  status?: { admission?: unknown; conditions?: { type: string; status: string; message?: string }[] };
}

/** The Workload Kueue made for a Job, found by its owner reference. */
export function workloadOf(kube: Kube, namespace: string, job: string): WorkloadView | undefined {
  return kube.list<WorkloadView>('workloads.kueue.x-k8s.io', { namespace }).find((w) => w.metadata.ownerReferences?.some((o) => o.name === job));
}

/** Whether Kueue admitted a Workload. */
export const admitted = (w: WorkloadView | undefined) => w?.status?.conditions?.some((c) => c.type === 'Admitted' && c.status === 'True') === true;

/**
 * Whether Kueue has said a workload can never be admitted as things stand: more than the
 * ClusterQueue's maximum capacity, or a resource no ClusterQueue covers. Capacity does not
 * change during a check, so there is no point waiting longer.
 */
const neverAdmitted = (w: WorkloadView | undefined) =>
  w?.status?.conditions?.some(
    (c) => c.type === 'QuotaReserved' && c.status === 'False' && /> maximum capacity|unavailable in ClusterQueue/.test(c.message ?? ''),
  ) === true;

/** Waits until Kueue admits the job's workload (true), or says it never will, or the time is up (false). */
async function admission(kube: Kube, namespace: string, job: string, timeoutMs: number): Promise<boolean> {
  const w = await kube
    .waitFor(
      `Kueue to decide on ${namespace}/${job}`,
      () => {
        const workload = workloadOf(kube, namespace, job);
        return admitted(workload) || neverAdmitted(workload) ? workload : undefined;
      },
      timeoutMs,
    )
    .catch(() => undefined);
  return admitted(w);
}

/** Kueue's conditions on a job's workload, for a report. */
function workloadConditions(kube: Kube, namespace: string, job: string): string {
  return (
    workloadOf(kube, namespace, job)
      ?.status?.conditions?.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`)
      .join('; ') ?? 'no Workload was created'
  );
}

/**
 * Kueue: each tenant's job up to its maximum on a pool (the part on the nodes Kubernetes owns)
 * is admitted and its pods run on that pool's Kubernetes-owned nodes, never on Slurm's; a job
 * over the maximum waits. On simulated pools smaller than the site's (a node cap), the job asks
 * for what the simulated Kubernetes-owned nodes hold, if that is less.
 */
export async function checkKueue(ctx: CheckContext, localQueue: string): Promise<CheckResult[]> {
  const { kube, site } = ctx;
  const results: CheckResult[] = [];
  const timeout = (ctx.timeoutSeconds ?? 60) * 1000;
  for (const tenant of Object.values(site.tenants)) {
    const namespace = `tenant-${tenant.name}`;
    for (const { pool: poolName, kubernetes: quota } of tenant.gpuQuotas.filter((q) => q.cluster === ctx.cluster && q.kubernetes.max > 0)) {
      const pool = site.pools[poolName];
      const simulated = ctx.pools.find((p) => p.pool === pool.name);
      if (!simulated) continue;
      const { unitsPerNode, resourceName } = simulated;
      const ownNodes = Object.entries(simulated.owners)
        .filter(([, owner]) => owner === 'kubernetes')
        .map(([name]) => name);
      const capacity = ownNodes.length * unitsPerNode;
      const units = Math.min(quota.max, capacity);
      const pods = Math.ceil(units / unitsPerNode);
      const perPod = Math.ceil(units / pods);
      const id = `kueue-admits-max/${tenant.name}/${pool.name}`;
      const name = `probe-${pool.name}`.slice(0, 50);
      const job = probeJob(name, namespace, localQueue, resourceName, pods, perPod);
      const created = kube.create(job);
      if (!created.ok) {
        results.push(result(ctx, id, false, `the job was rejected: ${created.error}`));
        continue;
      }
      let detail = '';
      let passed = false;
      try {
        if (!(await admission(kube, namespace, name, timeout))) throw new Error(`Kueue did not admit ${namespace}/${name}`);
        const running = await kube.waitFor(
          `the pods of ${namespace}/${name} to be bound`,
          () => {
            const list = kube.list<PodView>('pods', { namespace, selector: `app=${name}` });
            return list.length === pods && list.every((p) => p.spec.nodeName) ? list : undefined;
          },
          timeout,
        );
        const wrong = running.filter((p) => !ownNodes.includes(p.spec.nodeName ?? ''));
        passed = wrong.length === 0;
        detail = passed
          ? `${units} ${resourceName} (${pods} pod(s)) admitted and bound to ${pool.name}'s Kubernetes-owned nodes${units < quota.max ? ` (max ${quota.max}; the simulated nodes hold ${capacity})` : ''}`
          : `pods bound outside pool ${pool.name}'s Kubernetes-owned nodes: ${wrong.map((p) => `${p.metadata.name} on ${p.spec.nodeName}`).join(', ')}`;
      } catch (e) {
        detail = `${(e as Error).message}: ${workloadConditions(kube, namespace, name)}`;
      }
      results.push(result(ctx, id, passed, detail));
      kube.delete('job', name, namespace);
      await kube
        .waitFor(
          `the pods of ${namespace}/${name} to go`,
          () => (kube.list('pods', { namespace, selector: `app=${name}` }).length === 0 ? true : undefined),
          timeout,
        )
        .catch(() => undefined);

      // One unit over the maximum must wait, whatever the capacity.
      const overId = `kueue-holds-over-max/${tenant.name}/${pool.name}`;
      const over = `${name}-over`.slice(0, 55);
      const overPods = Math.ceil((quota.max + 1) / unitsPerNode);
      const overCreated = kube.create(probeJob(over, namespace, localQueue, resourceName, overPods, Math.ceil((quota.max + 1) / overPods)));
      if (!overCreated.ok) {
        results.push(result(ctx, overId, false, `the job was rejected: ${overCreated.error}`));
        continue;
      }
      const seen = await kube.waitFor(`a Workload for ${namespace}/${over}`, () => workloadOf(kube, namespace, over), timeout).catch(() => undefined);
      // Give Kueue the time it took to admit a fitting job to (wrongly) admit this one.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const overAdmitted = admitted(workloadOf(kube, namespace, over));
      results.push(
        result(
          ctx,
          overId,
          seen !== undefined && !overAdmitted,
          seen === undefined
            ? 'Kueue created no Workload for the job'
            : overAdmitted
              ? `a job for ${quota.max + 1} units was admitted over the maximum ${quota.max}`
              : `a job for ${quota.max + 1} units waits`,
        ),
      );
      kube.delete('job', over, namespace);
    }
  }

  // A job on an RDMA pool asks for the RDMA device too, as multi-node training does.
  for (const simulated of ctx.pools.filter((p) => p.rdma)) {
    const tenant = Object.values(site.tenants).find((t) => t.gpuQuotas.some((q) => q.pool === simulated.pool && q.kubernetes.max > 0));
    if (!tenant) continue;
    const namespace = `tenant-${tenant.name}`;
    const name = `probe-rdma-${simulated.pool}`.slice(0, 55);
    const id = `kueue-admits-rdma/${tenant.name}/${simulated.pool}`;
    const created = kube.create(probeJob(name, namespace, localQueue, simulated.resourceName, 1, 1, { [RDMA_RESOURCE]: '1' }));
    if (!created.ok) {
      results.push(result(ctx, id, false, `the job was rejected: ${created.error}`));
      continue;
    }
    const ok = await admission(kube, namespace, name, timeout);
    results.push(
      result(
        ctx,
        id,
        ok,
        ok ? `a job asking for 1 ${simulated.resourceName} and 1 ${RDMA_RESOURCE} was admitted` : `not admitted: ${workloadConditions(kube, namespace, name)}`,
      ),
    );
    kube.delete('job', name, namespace);
  }
  return results;
}

/** A CPU-only tenant pod never lands on a GPU node. */
export async function checkCpuPodPlacement(ctx: CheckContext): Promise<CheckResult> {
  const { kube } = ctx;
  const tenant = Object.keys(ctx.site.tenants)[0];
  if (tenant === undefined) return result(ctx, 'cpu-pod-off-gpu-nodes', true, 'the site has no tenant');
  const namespace = `tenant-${tenant}`;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'cpu-probe', namespace },
    spec: restrictedPod([{ name: 'cpu', resources: { requests: { cpu: '100m', memory: '128Mi' } } }]),
  };
  const created = kube.create(pod);
  if (!created.ok) return result(ctx, 'cpu-pod-off-gpu-nodes', false, `the pod was rejected: ${created.error}`);
  const bound = await kube
    .waitFor('the CPU-only pod to be bound', () => kube.get<PodView>('pod', 'cpu-probe', namespace)?.spec.nodeName, (ctx.timeoutSeconds ?? 60) * 1000)
    .catch(() => undefined);
  kube.delete('pod', 'cpu-probe', namespace);
  if (bound === undefined) return result(ctx, 'cpu-pod-off-gpu-nodes', false, 'the pod was never bound');
  const labels = kube.get<{ metadata: { labels?: Record<string, string> } }>('node', bound)?.metadata.labels ?? {};
  return result(ctx, 'cpu-pod-off-gpu-nodes', labels[CPU_NODE_LABEL] === 'true', `bound to ${bound}`);
}

/**
 * A tenant cannot reach the nodes Slurm owns, with the pods it may create itself: acting as the
 * tenant's admin group, pods that a suspended Job of its own controls (so Kueue does not gate
 * them) ask for a Slurm-owned node by a toleration of every taint and a `system-` priority
 * class, by the pool's toleration with the Slurm owner's selector, and by `spec.nodeName`. Each
 * must be refused, or left off every Slurm-owned node, and the slurmd pods of
 * {@link checkSlurmNodeSets} must still run. Run after that check, while its pods hold the nodes.
 */
export async function checkTenantPodsOffSlurmNodes(ctx: CheckContext): Promise<CheckResult[]> {
  const { kube } = ctx;
  const slurmNodes = ctx.pools.flatMap((p) => Object.entries(p.owners).flatMap(([node, owner]) => (owner === 'slurm' ? [{ pool: p.pool, node }] : [])));
  const tenant = Object.values(ctx.site.tenants).find((t) => t.spec.oidcGroups.admins.length > 0);
  if (slurmNodes.length === 0 || tenant === undefined || ctx.impersonating === undefined) return [];
  const id = `tenant-pods-off-slurm-nodes/${tenant.name}`;
  const namespace = `tenant-${tenant.name}`;
  const as = ctx.impersonating(`rehearsal-${tenant.name}-admin`, [`${ctx.site.spec.identity.oidcGroupPrefix}${tenant.spec.oidcGroups.admins[0]}`]);
  const running = () =>
    kube
      .list<PodView>('pods', { namespace: PROBE_NAMESPACE })
      .filter((p) => p.metadata.name.startsWith('slurmd-') && p.status?.phase === 'Running' && p.spec.nodeName)
      .map((p) => p.spec.nodeName!)
      .sort();
  const before = running();
  const probeSpec = { restartPolicy: 'Never', ...restrictedPod([{ name: 'probe', resources: { requests: { cpu: '100m', memory: '128Mi' } } }]) };
  const owner = as.create({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'slurm-node-probe', namespace },
    spec: {
      suspend: true,
      template: { spec: probeSpec },
    },
  });
  if (!owner.ok) return [result(ctx, id, false, `the tenant could not create a Job to own the probe pods: ${owner.error}`)];
  const uid = kube.get<{ metadata: { uid: string } }>('job', 'slurm-node-probe', namespace)?.metadata.uid ?? '';
  const [{ pool, node }] = slurmNodes;
  const probe = (name: string, spec: Json): Json => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'slurm-node-probe', uid, controller: true }] },
    spec: { ...probeSpec, ...spec },
  });
  const slurmSelector = { [POOL_LABEL]: pool, [OWNER_LABEL]: 'slurm' };
  const attempts = [
    probe('any-taint-system-priority', { tolerations: [{ operator: 'Exists' }], nodeSelector: slurmSelector, priorityClassName: 'system-node-critical' }),
    probe('pool-toleration', { tolerations: [{ key: POOL_LABEL, operator: 'Equal', value: pool, effect: 'NoSchedule' }], nodeSelector: slurmSelector }),
    probe('node-by-name', { nodeName: node }),
  ];
  const outcomes: string[] = [];
  const admitted: string[] = [];
  for (const pod of attempts) {
    const name = (pod.metadata as { name: string }).name;
    const created = as.create(pod);
    if (created.ok) admitted.push(name);
    else outcomes.push(`${name}: refused`);
  }
  // An admitted probe is bound, if it can be, as fast as any pod: give the scheduler a moment.
  if (admitted.length > 0) await new Promise((resolve) => setTimeout(resolve, 3000));
  const onSlurm: string[] = [];
  for (const name of admitted) {
    const bound = kube.get<PodView>('pod', name, namespace)?.spec.nodeName;
    const slurm = bound !== undefined && slurmNodes.some((s) => s.node === bound);
    if (slurm) onSlurm.push(`${name} on ${bound}`);
    outcomes.push(`${name}: admitted, ${bound ? `bound to ${bound}` : 'not bound'}`);
  }
  const after = running();
  kube.delete('job', 'slurm-node-probe', namespace);
  for (const pod of attempts) kube.delete('pod', (pod.metadata as { name: string }).name, namespace);
  const lost = before.filter((n) => !after.includes(n));
  const problems = [
    ...(onSlurm.length > 0 ? [`tenant pods on Slurm-owned nodes: ${onSlurm.join(', ')}`] : []),
    ...(lost.length > 0 ? [`slurmd pods no longer running on ${lost.join(', ')}`] : []),
  ];
  return [result(ctx, id, problems.length === 0, problems.length === 0 ? outcomes.join('; ') : `${problems.join('; ')} (${outcomes.join('; ')})`)];
}

/** A whole-number quantity as the API server writes it back (`60k` for 60000). */
export function countOf(quantity: string): number {
  const m = /^(\d+)([kMGTPE]?)$/.exec(quantity);
  if (!m) throw new Error(`not a whole-number quantity: ${quantity}`);
  return Number(m[1]) * 1000 ** ['', 'k', 'M', 'G', 'T', 'P', 'E'].indexOf(m[2]);
}

/** The API server rejects a tenant pod over the namespace's GPU quota. */
export function checkQuota(ctx: CheckContext): CheckResult[] {
  const { kube, site } = ctx;
  const results: CheckResult[] = [];
  for (const tenant of Object.values(site.tenants)) {
    const namespace = `tenant-${tenant.name}`;
    const quota = kube.get<{ spec: { hard: Record<string, string> } }>('resourcequota', 'tenant-quota', namespace);
    const id = `quota-rejects/${tenant.name}`;
    const gpu = Object.entries(quota?.spec.hard ?? {}).find(([k]) => k.startsWith('requests.') && /\.com\/|gpu/.test(k));
    if (!gpu) continue;
    const [key, hard] = gpu;
    const resource = key.slice('requests.'.length);
    const over = countOf(hard) + 1;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'quota-probe', namespace },
      spec: restrictedPod([
        { name: 'c', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi', [resource]: String(over) } } },
      ]),
    };
    const created = kube.create(pod);
    if (created.ok) kube.delete('pod', 'quota-probe', namespace);
    results.push(
      result(
        ctx,
        id,
        !created.ok && created.error.includes('exceeded quota'),
        created.ok ? `a pod asking for ${over} ${resource} (quota ${hard}) was admitted` : `rejected: ${created.error.split('\n')[0]}`,
      ),
    );
  }
  return results;
}

/** The pods the project defines (StatefulSets) are admitted by Pod Security and created. */
export async function checkProjectPods(ctx: CheckContext): Promise<CheckResult[]> {
  const { kube } = ctx;
  const results: CheckResult[] = [];
  for (const obj of ctx.objects.filter((o) => o.kind === 'StatefulSet')) {
    const meta = obj.metadata as { name: string; namespace: string };
    const replicas = (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const id = `pod-security/${meta.namespace}/${meta.name}`;
    const ready = await kube
      .waitFor(
        `the pods of StatefulSet ${meta.namespace}/${meta.name}`,
        () => {
          const s = kube.get<{ status?: { replicas?: number } }>('statefulset', meta.name, meta.namespace);
          return (s?.status?.replicas ?? 0) >= replicas ? true : undefined;
        },
        (ctx.timeoutSeconds ?? 60) * 1000,
      )
      .catch(() => undefined);
    let detail = `${replicas} pod(s) created`;
    if (!ready) {
      const events = kube
        .list<{ reason?: string; message?: string; involvedObject?: { name?: string } }>('events', { namespace: meta.namespace })
        .filter((e) => e.involvedObject?.name === meta.name && e.reason === 'FailedCreate')
        .map((e) => e.message ?? '');
      detail = events[0] ?? 'no pod was created, and no FailedCreate event says why';
    }
    results.push(result(ctx, id, ready === true, detail));
  }
  return results;
}

/**
 * A MultiKueue manager (a cluster with cells): its tenants' pods wait for a cell, never run on
 * the manager. Kueue reads each MultiKueueCluster's kubeconfig Secret by the name the stack
 * gives; the rehearsal has no cells to reach and no such Secret (the operator creates it), so
 * Kueue must report every worker inactive and hold the tenant's pod: neither admitted nor bound.
 */
export async function checkMultiKueueManager(ctx: CheckContext): Promise<CheckResult[]> {
  const { kube } = ctx;
  const timeout = (ctx.timeoutSeconds ?? 60) * 1000;
  const results: CheckResult[] = [];
  type Conditioned = { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } };
  for (const mk of ctx.objects.filter((o) => o.kind === 'MultiKueueCluster')) {
    const name = String((mk.metadata as Json).name);
    const secret = (mk.spec as { clusterSource?: { kubeConfig?: { location?: string } } }).clusterSource?.kubeConfig?.location ?? '';
    const active = await kube
      .waitFor(
        `Kueue to report MultiKueueCluster ${name}`,
        () => kube.get<Conditioned>('multikueueclusters.kueue.x-k8s.io', name)?.status?.conditions?.find((c) => c.type === 'Active'),
        timeout,
      )
      .catch(() => undefined);
    results.push(
      result(
        ctx,
        `multikueue-cluster-inactive/${name}`,
        // Kueue names the Secret it looked for: the wiring is by that name.
        active?.status === 'False' && secret !== '' && (active.message ?? '').includes(`"${secret}"`),
        active === undefined
          ? 'Kueue set no Active condition'
          : `Active=${active.status} (${active.reason ?? ''}: ${active.message ?? ''}); the rehearsal has no Secret ${secret}`,
      ),
    );
  }
  const tenant = Object.keys(ctx.site.tenants)[0];
  if (tenant === undefined) return results;
  const namespace = `tenant-${tenant}`;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'manager-probe', namespace },
    spec: restrictedPod([{ name: 'cpu', resources: { requests: { cpu: '100m', memory: '128Mi' } } }]),
  };
  const id = `multikueue-holds-on-manager/${tenant}`;
  const created = kube.create(pod);
  if (!created.ok) return [...results, result(ctx, id, false, `the pod was rejected: ${created.error}`)];
  const workload = await kube
    .waitFor(`a Workload for ${namespace}/manager-probe`, () => workloadOf(kube, namespace, 'manager-probe'), timeout)
    .catch(() => undefined);
  // Give Kueue the time it takes to admit a pod on a cluster without cells to (wrongly) admit this one.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const now = workloadOf(kube, namespace, 'manager-probe');
  const node = kube.get<PodView>('pod', 'manager-probe', namespace)?.spec.nodeName;
  const conditions = workloadConditions(kube, namespace, 'manager-probe');
  kube.delete('pod', 'manager-probe', namespace);
  results.push(
    result(
      ctx,
      id,
      workload !== undefined && !admitted(now) && !node,
      workload === undefined
        ? 'Kueue created no Workload for the pod'
        : node
          ? `the pod ran on the manager, on ${node}`
          : admitted(now)
            ? 'the Workload was admitted on the manager without a cell'
            : `the pod waits for a cell: ${conditions}`,
    ),
  );
  return results;
}
