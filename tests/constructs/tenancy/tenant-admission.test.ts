/**
 * What a real kube-apiserver (LimitRanger, ResourceQuota, Pod Security admission and the site's
 * ValidatingAdmissionPolicy on tenant pods) does with a tenant's GPU pods: the LimitRange
 * defaults must not cap a GPU pod below its node, and must not reject a pod that sets requests
 * without limits; a pod may not reach nodes Slurm owns, other nodes' taints, system priority or
 * a node by name.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizedStack } from '../../../constructs/charts/stack-file';
import { GpuNodePool } from '../../../constructs/gpu/gpu-node-pool';
import { Tenant } from '../../../constructs/tenancy/tenant';
import { TenantPodPolicy } from '../../../constructs/tenancy/tenant-pod-policy';
import { startControlPlane, type ControlPlane } from '../../../rehearsal/control-plane';
import { Kube } from '../../../rehearsal/kube';
import { stackObjects } from '../../../rehearsal/manifests';
import { H100_POOL, testStack } from '../../helpers';
import { describeWithRehearsal } from '../../rehearsal/with-rehearsal';

jest.setTimeout(120_000);

const NAMESPACE = 'tenant-acme';

/** The objects of a tenant with up to 16 H100s on nodes of 8 GPUs, 112 cores and 2048 GiB, as the provider would send them. */
function tenantObjects(): Record<string, unknown>[] {
  const { stack, target } = testStack();
  const pool = new GpuNodePool(stack, 'Pool', { ...H100_POOL, target });
  new Tenant(stack, 'Tenant', {
    target,
    siteId: 'xx-test',
    tenantName: 'acme',
    kind: 'startup',
    groups: { admins: [], members: [], viewers: [] },
    gpuQuotas: [{ pool, guaranteed: 8, max: 16 }],
  });
  new TenantPodPolicy(stack, 'PodPolicy', { target, siteId: 'xx-test' });
  return stackObjects(synthesizedStack(stack), 'test')
    .manifests.map((o) => o.manifest as unknown as Record<string, unknown>)
    .filter(
      (o) =>
        o.metadata !== undefined &&
        (['Namespace', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(o.kind as string) ||
          (o.metadata as { namespace?: string }).namespace === NAMESPACE),
    );
}

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

/** A pod that Pod Security `restricted` admits, with one container of these resources. */
function pod(name: string, resources: Resources): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'train',
          image: 'registry.example.eu/train:1.0',
          resources,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

describeWithRehearsal('tenant LimitRange defaults, admitted by a real API server', () => {
  let cp: ControlPlane;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-tenant-'));
    cp = await startControlPlane({ workDir: dir });
    const kube = new Kube((args, stdin) => cp.kubectl(args, stdin));
    const all = tenantObjects();
    const failed = kube
      .applyAll(all)
      .map((result, i) => ({ kind: all[i].kind, result }))
      .filter((r) => !r.result.ok);
    expect(failed).toEqual([]);
    // The ServiceAccount admission plugin needs the namespace's default ServiceAccount.
    await kube.waitFor('the default ServiceAccount', () => kube.get('serviceaccount', 'default', NAMESPACE));
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The pod as admission leaves it (server-side dry run), or the API server's refusal. */
  const admit = (p: Record<string, unknown>): { resources: Resources } | { error: string } => {
    const run = cp.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], JSON.stringify(p));
    if (run.status !== 0) return { error: run.stderr.trim() };
    return { resources: (JSON.parse(run.stdout) as { spec: { containers: { resources: Resources }[] } }).spec.containers[0].resources };
  };

  test('a pod asking only for 8 GPUs gets a whole node as limits, not 2 CPUs and 8 GiB', () => {
    expect(admit(pod('gpus-only', { limits: { 'nvidia.com/gpu': '8' } }))).toEqual({
      resources: {
        requests: { cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '8' },
        limits: { cpu: '112', memory: '2Ti', 'nvidia.com/gpu': '8' },
      },
    });
  });

  test('a pod that requests its share of the node without limits is admitted', () => {
    expect(admit(pod('requests-only', { requests: { cpu: '112', memory: '2000Gi', 'nvidia.com/gpu': '8' }, limits: { 'nvidia.com/gpu': '8' } }))).toEqual({
      resources: {
        requests: { cpu: '112', memory: '2000Gi', 'nvidia.com/gpu': '8' },
        limits: { cpu: '112', memory: '2Ti', 'nvidia.com/gpu': '8' },
      },
    });
  });

  test('a request larger than any node of the pool is refused at once, rather than left Pending', () => {
    const result = admit(pod('too-big', { requests: { cpu: '200' } }));
    expect('error' in result ? result.error : 'admitted').toMatch(/must be less than or equal to cpu limit of 112/);
  });

  /** The pod with more in its spec. */
  const podWith = (name: string, spec: Record<string, unknown>, namespace = NAMESPACE): Record<string, unknown> => {
    const p = pod(name, { limits: { 'nvidia.com/gpu': '8' } }) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    return { ...p, metadata: { ...p.metadata, namespace }, spec: { ...p.spec, ...spec } };
  };
  const refusal = (p: Record<string, unknown>): string => {
    const result = admit(p);
    return 'error' in result ? result.error : 'admitted';
  };
  const POOL_TOLERATION = { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' };

  test("a pod may not tolerate its way onto nodes Slurm owns, every taint, system priority or a node by name; what Kueue's flavors give passes", async () => {
    const anyTaint = podWith('any-taint', { tolerations: [{ operator: 'Exists' }] });
    // The API server enforces a new policy once it has read it.
    await new Kube((args, stdin) => cp.kubectl(args, stdin)).waitFor('the tenant pod policy', () => (refusal(anyTaint) === 'admitted' ? undefined : true));
    expect(refusal(anyTaint)).toMatch(
      /ValidatingAdmissionPolicy 'aif-tenant-pods'.*denied request: a pod in a tenant or lab namespace may not tolerate every taint/,
    );
    expect(
      refusal(podWith('slurm-node', { tolerations: [POOL_TOLERATION], nodeSelector: { 'ai-factory.eu/pool': 'h100', 'ai-factory.eu/owner': 'slurm' } })),
    ).toMatch(/must select the pool's Kubernetes-owned nodes \(nodeSelector ai-factory.eu\/owner: kubernetes\)/);
    expect(refusal(podWith('no-selector', { tolerations: [POOL_TOLERATION] }))).toMatch(/must select the pool's Kubernetes-owned nodes/);
    expect(refusal(podWith('critical', { priorityClassName: 'system-node-critical' }))).toMatch(/may not use a system- priority class/);
    expect(refusal(podWith('by-name', { nodeName: 'h100-0' }))).toMatch(/may not name its node/);
    // As Kueue's flavor admits a pod of the pool: its tolerations with the pool's Kubernetes-owned nodes.
    expect(
      refusal(podWith('kueue-style', { tolerations: [POOL_TOLERATION], nodeSelector: { 'ai-factory.eu/pool': 'h100', 'ai-factory.eu/owner': 'kubernetes' } })),
    ).toBe('admitted');
    // Namespaces without the isolation-group label (system, Slurm, operators) are not matched.
    expect(refusal(podWith('system', { tolerations: [{ operator: 'Exists' }] }, 'default'))).toBe('admitted');
  });

  test('the quota still bounds the GPUs', () => {
    const result = admit(pod('too-many', { limits: { 'nvidia.com/gpu': '17' } }));
    expect('error' in result ? result.error : 'admitted').toMatch(
      /exceeded quota: tenant-quota, requested: requests.nvidia.com\/gpu=17, used: requests.nvidia.com\/gpu=0, limited: requests.nvidia.com\/gpu=16/,
    );
  });
});
