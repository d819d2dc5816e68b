/**
 * The rehearsal control plane against real components: the scheduler places a GPU pod on a
 * kwok node, admission enforces ResourceQuota and Pod Security, and the real Kueue manager,
 * run with the project's own Kueue Configuration, admits a queued Job.
 *
 * Needs the binaries from `bash .ci/install-rehearsal.sh`: skipped without them, failed
 * without them when CI is set.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { KUEUE_CHART } from '../../constructs/charts/kueue/chart';
import { kueueConfiguration } from '../../constructs/scheduling/kueue/kueue-queues';
import { ISOLATION_LABEL } from '../../constructs/tenancy/isolated-namespace';
import { KWOK_NODE_ANNOTATION, startControlPlane, type ControlPlane } from '../../rehearsal/control-plane';
import { describeWithRehearsal } from './with-rehearsal';
import { startKueue, type KueueRunner } from '../../rehearsal/kueue-runner';

jest.setTimeout(180_000);

type Json = Record<string, unknown>;
interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface PodJson {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { nodeName?: string; nodeSelector?: Record<string, string> };
  status: { phase?: string; conditions?: Condition[] };
}

/** A kwok-simulated GPU node: kwok reports the given capacity and makes it Ready. */
function gpuNode(name: string, gpus: number, labels: Record<string, string> = {}): Json {
  const capacity = { cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': String(gpus) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, annotations: { [KWOK_NODE_ANNOTATION]: 'fake' }, labels: { 'kubernetes.io/hostname': name, type: 'kwok', ...labels } },
    status: { capacity, allocatable: capacity },
  };
}

function gpuPod(name: string, namespace: string, gpus: number, extra: Json = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      containers: [{ name: 'train', image: 'registry.example/train:1', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }],
      ...extra,
    },
  };
}

async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describeWithRehearsal('rehearsal control plane', () => {
  let cp: ControlPlane;
  let workDir: string;
  const progress: string[] = [];

  const kubectl = (args: string[], stdin?: string): string => {
    const r = cp.kubectl(args, stdin);
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  // One v1 List, so that a single kubectl call applies every object in order.
  const apply = (obj: Json | Json[]): string =>
    kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: Array.isArray(obj) ? obj : [obj] }));
  const getJson = <T>(args: string[]): T => JSON.parse(kubectl(['get', ...args, '-o', 'json'])) as T;
  const nodeReady = (name: string): true | undefined => {
    const n = getJson<{ spec: { taints?: { key: string }[] }; status: { conditions?: Condition[] } }>(['node', name]);
    const ready = n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    // The node lifecycle controller removes the not-ready taint only after kwok reports Ready.
    const tainted = (n.spec.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/'));
    return ready && !tainted ? true : undefined;
  };

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-rehearsal-test-'));
    cp = await startControlPlane({ workDir, log: (l) => progress.push(l) });
  }, 120_000);

  afterAll(async () => {
    await cp?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('starts every component and reports their versions', () => {
    const version = JSON.parse(kubectl(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } };
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.34\./);
    expect(Object.keys(cp.logs).sort()).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
    expect(cp.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(progress.at(-1)).toMatch(/ready$/);
  });

  it('runs the Kueue manager and chart of the version the platform stack pins', () => {
    const versions = fs.readFileSync(cp.binaries.versionsFile, 'utf8');
    // A chart bump needs KUEUE_VERSION in .ci/install-rehearsal.sh bumped with it.
    expect(versions).toContain(`kueue v${KUEUE_CHART.ref.version}\n`);
    expect(fs.readFileSync(path.join(cp.binaries.kueueChart, 'Chart.yaml'), 'utf8')).toMatch(new RegExp(`^version: ${KUEUE_CHART.ref.version}$`, 'm'));
  });

  it('schedules a 4-GPU pod onto a kwok node with 8 GPUs and runs it, and leaves a 12-GPU pod Pending', async () => {
    apply(gpuNode('gpu-node-0', 8));
    await eventually('gpu-node-0 Ready and untainted', () => nodeReady('gpu-node-0'));

    apply([gpuPod('train-4', 'default', 4), gpuPod('train-12', 'default', 12)]);
    const running = await eventually('train-4 Running', () => {
      const p = getJson<PodJson>(['pod', 'train-4', '-n', 'default']);
      return p.status.phase === 'Running' ? p : undefined;
    });
    expect(running.spec.nodeName).toBe('gpu-node-0');

    const pending = await eventually('train-12 Unschedulable', () => {
      const p = getJson<PodJson>(['pod', 'train-12', '-n', 'default']);
      return p.status.conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
    });
    expect(pending.message).toMatch(/Insufficient nvidia\.com\/gpu/);
    kubectl(['delete', 'pod', 'train-12', '-n', 'default', '--wait=false']);
  });

  it('rejects an over-quota pod in a namespace with a GPU ResourceQuota', async () => {
    apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quota' } },
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'gpu-quota', namespace: 'quota' }, spec: { hard: { 'requests.nvidia.com/gpu': '2' } } },
    ]);
    // Admission needs the quota's status, which the resourcequota controller fills in.
    await eventually('gpu-quota status', () => {
      const q = getJson<{ status?: { hard?: Json } }>(['resourcequota', 'gpu-quota', '-n', 'quota']);
      return q.status?.hard ? true : undefined;
    });
    await eventually('the quota namespace default ServiceAccount', () =>
      cp.kubectl(['get', 'serviceaccount', 'default', '-n', 'quota']).status === 0 ? true : undefined,
    );
    const r = cp.kubectl(['create', '-f', '-'], JSON.stringify(gpuPod('too-big', 'quota', 4)));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /exceeded quota: gpu-quota, requested: requests\.nvidia\.com\/gpu=4, used: requests\.nvidia\.com\/gpu=0, limited: requests\.nvidia\.com\/gpu=2/,
    );
  });

  it('rejects a privileged pod in a namespace that enforces the restricted Pod Security level', async () => {
    apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'restricted', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    await eventually('the restricted namespace default ServiceAccount', () =>
      cp.kubectl(['get', 'serviceaccount', 'default', '-n', 'restricted']).status === 0 ? true : undefined,
    );
    const pod = gpuPod('privileged', 'restricted', 1);
    (pod.spec as { containers: Json[] }).containers[0].securityContext = { privileged: true };
    const r = cp.kubectl(['create', '-f', '-'], JSON.stringify(pod));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest": privileged \(container "train" must not set securityContext\.privileged=true\)/);
  });

  describe('with Kueue', () => {
    let kueue: KueueRunner;
    const kueueLog: string[] = [];

    beforeAll(async () => {
      // The pinned chart's CRDs, as the platform stack installs them.
      const bins = cp.binaries;
      const helm = spawnSync(bins.helm, ['template', 'kueue', bins.kueueChart, '--namespace', 'kueue-system'], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { PATH: process.env.PATH, HOME: path.join(workDir, 'home') },
      });
      if (helm.status !== 0) throw new Error(`helm template failed: ${helm.stderr}`);
      const crds = helm.stdout.split(/^---$/m).filter((d) => /^kind: CustomResourceDefinition$/m.test(d));
      expect(crds.length).toBeGreaterThanOrEqual(10);
      // Server-side: the CRDs are too big for client-side apply's last-applied annotation.
      kubectl(['apply', '--server-side', '-f', '-'], crds.map((d) => `---\n${d.trim()}\n`).join(''));
      // The project's own Configuration: what the chart runs with in production.
      kueue = await startKueue(cp, { managerConfig: stringify(kueueConfiguration({ fairSharing: true })), log: (l) => kueueLog.push(l) });
    }, 120_000);

    it('registers the chart webhooks of the integrations it serves', () => {
      expect(kueue.webhooks).toEqual(expect.arrayContaining(['mjob.kb.io', 'vjob.kb.io', 'mpod.kb.io', 'vclusterqueue.kb.io', 'vworkload.kb.io']));
      // Kueue answers on every path the chart registers, also for frameworks that are off or whose API is absent.
      expect(kueue.skippedWebhooks).toEqual([]);
    });

    it('admits a queued Job within quota, unsuspends it and runs its pods on kwok nodes; holds the next one', async () => {
      apply([
        gpuNode('gpu-node-1', 8, { 'aif.example/pool': 'h100' }),
        // A tenant namespace: Kueue manages Jobs only where its managedJobsNamespaceSelector matches.
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { [ISOLATION_LABEL]: 'tenant-team-a' } } },
        { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'h100' }, spec: { nodeLabels: { 'aif.example/pool': 'h100' } } },
        {
          apiVersion: 'kueue.x-k8s.io/v1beta2',
          kind: 'ClusterQueue',
          metadata: { name: 'team-a' },
          spec: {
            namespaceSelector: {},
            resourceGroups: [
              {
                coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
                flavors: [
                  {
                    name: 'h100',
                    resources: [
                      { name: 'cpu', nominalQuota: '64' },
                      { name: 'memory', nominalQuota: '512Gi' },
                      { name: 'nvidia.com/gpu', nominalQuota: '8' },
                    ],
                  },
                ],
              },
            ],
          },
        },
        { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'main', namespace: 'team-a' }, spec: { clusterQueue: 'team-a' } },
      ]);
      await eventually('gpu-node-1 Ready and untainted', () => nodeReady('gpu-node-1'));
      await eventually('the team-a default ServiceAccount', () =>
        cp.kubectl(['get', 'serviceaccount', 'default', '-n', 'team-a']).status === 0 ? true : undefined,
      );

      const job = (name: string, suspend: boolean): Json => ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: 'team-a', labels: { 'kueue.x-k8s.io/queue-name': 'main' } },
        spec: {
          suspend,
          parallelism: 2,
          completions: 2,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                { name: 'train', image: 'registry.example/train:1', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { 'nvidia.com/gpu': '4' } } },
              ],
            },
          },
        },
      });
      kubectl(['create', '-f', '-'], JSON.stringify(job('train-a', true)));

      interface WorkloadJson {
        metadata: { name: string; ownerReferences?: { name: string }[] };
        status?: { conditions?: Condition[]; admission?: { clusterQueue: string } };
      }
      const workloadOf = (jobName: string): WorkloadJson | undefined =>
        getJson<{ items: WorkloadJson[] }>(['workloads.kueue.x-k8s.io', '-n', 'team-a']).items.find((w) =>
          w.metadata.ownerReferences?.some((o) => o.name === jobName),
        );
      const admitted = await eventually('the Workload of train-a Admitted', () => {
        const w = workloadOf('train-a');
        return w?.status?.conditions?.some((c) => c.type === 'Admitted' && c.status === 'True') ? w : undefined;
      });
      expect(admitted.status?.admission?.clusterQueue).toBe('team-a');
      // Served as v1beta1 too, through the CRD's conversion webhook, now pointing at this Kueue.
      const old = getJson<{ apiVersion: string }>(['clusterqueues.v1beta1.kueue.x-k8s.io', 'team-a']);
      expect(old.apiVersion).toBe('kueue.x-k8s.io/v1beta1');

      await eventually('train-a unsuspended', () =>
        getJson<{ spec: { suspend?: boolean } }>(['job', 'train-a', '-n', 'team-a']).spec.suspend === false ? true : undefined,
      );
      const pods = await eventually('2 Running pods of train-a', () => {
        const list = getJson<{ items: PodJson[] }>(['pods', '-n', 'team-a', '-l', 'job-name=train-a']).items;
        return list.length === 2 && list.every((p) => p.status.phase === 'Running') ? list : undefined;
      });
      for (const p of pods) {
        expect(p.spec.nodeName).toBe('gpu-node-1');
        // Kueue injects the flavor's node labels when it unsuspends the Job.
        expect(p.spec.nodeSelector).toEqual({ 'aif.example/pool': 'h100' });
      }

      // Created unsuspended: Kueue's mutating webhook suspends it, and the quota is used up.
      const created = JSON.parse(kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify(job('train-b', false)))) as { spec: { suspend?: boolean } };
      expect(created.spec.suspend).toBe(true);
      const held = await eventually('the Workload of train-b pending on quota', () =>
        workloadOf('train-b')?.status?.conditions?.find((c) => c.type === 'QuotaReserved' && c.status === 'False' && (c.message ?? '').includes('quota')),
      );
      expect(held.message).toMatch(/insufficient unused quota for nvidia\.com\/gpu in flavor h100/);
      expect(getJson<PodJson[] & { items: PodJson[] }>(['pods', '-n', 'team-a', '-l', 'job-name=train-b']).items).toHaveLength(0);
    });

    it("rejects an invalid ClusterQueue through Kueue's validating webhook", () => {
      const r = cp.kubectl(
        ['create', '-f', '-'],
        JSON.stringify({
          apiVersion: 'kueue.x-k8s.io/v1beta2',
          kind: 'ClusterQueue',
          metadata: { name: 'bad' },
          spec: { resourceGroups: [{ coveredResources: ['nvidia.com/gpu'], flavors: [{ name: 'h100', resources: [{ name: 'cpu', nominalQuota: '1' }] }] }] },
        }),
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(
        /admission webhook "vclusterqueue\.kb\.io" denied the request: spec\.resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.name: Invalid value: "cpu": must match the name in coveredResources/,
      );
    });
  });
});
