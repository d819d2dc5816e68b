import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { GpuNodePool } from '../../../constructs/gpu/gpu-node-pool';
import { Tenant, type TenantProps } from '../../../constructs/tenancy/tenant';
import { resourceCounts, resourceNamed, resources, synthJson } from '../../helpers';

function build(props: Partial<TenantProps> = {}, poolSharing?: GpuNodePool['sharing']) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const target = { name: 'main', kubernetes: new KubernetesProvider(stack, 'K', {}), helm: new HelmProvider(stack, 'H', {}) };
  const pool = new GpuNodePool(stack, 'Pool', {
    target,
    siteId: 'xx-test',
    poolName: 'h100',
    accelerator: 'nvidia-h100-sxm',
    nodes: 10,
    acceleratorsPerNode: 8,
    cpusPerNode: 112,
    memoryGiBPerNode: 2048,
    interconnect: 'infiniband',
    sharing: poolSharing,
  });
  const tenant = new Tenant(stack, 'Tenant', {
    target,
    siteId: 'xx-test',
    tenantName: 'acme',
    kind: 'startup',
    groups: { admins: ['acme-admins'], members: ['acme-ml', 'acme-data'], viewers: [] },
    gpuQuotas: [{ pool, guaranteed: 8, max: 16 }],
    ...props,
  });
  return { json: synthJson(stack), tenant, pool };
}

const policyNames = (json: ReturnType<typeof build>['json']) =>
  resources(json, 'kubernetes_network_policy_v1')
    .map((p) => (p.metadata as { name: string }).name)
    .sort();

describe('Tenant', () => {
  test('defaults: restricted namespace, quota, limits, default-deny policies and bindings', () => {
    const { json } = build();
    expect(resourceCounts(json)).toEqual({
      kubernetes_namespace_v1: 1,
      kubernetes_resource_quota_v1: 1,
      kubernetes_limit_range_v1: 1,
      kubernetes_network_policy_v1: 4,
      kubernetes_role_binding_v1: 2,
      kubernetes_config_map_v1: 1,
    });
    const ns = resourceNamed(json, 'kubernetes_namespace_v1', 'tenant-acme') as { metadata: { labels: Record<string, string> } };
    expect(ns.metadata.labels).toMatchObject({
      'ai-factory.eu/tenant': 'acme',
      'ai-factory.eu/tenant-kind': 'startup',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(policyNames(json)).toEqual(['allow-dns', 'allow-internet-egress', 'allow-isolation-group', 'default-deny']);
    const deny = resourceNamed(json, 'kubernetes_network_policy_v1', 'default-deny', 'tenant-acme') as { spec: Record<string, unknown> };
    expect(deny.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
  });

  test('the quota holds GPUs per extended resource, and the CPU and memory that come with them', () => {
    const { json } = build();
    const quota = resourceNamed(json, 'kubernetes_resource_quota_v1', 'tenant-quota', 'tenant-acme') as { spec: { hard: Record<string, string> } };
    expect(quota.spec.hard).toEqual({
      'requests.nvidia.com/gpu': '16',
      'requests.cpu': String(16 * 14 + 16),
      'requests.memory': `${16 * 256 + 64}Gi`,
      'limits.memory': `${16 * 256 + 64}Gi`,
      pods: '200',
      services: '20',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
      persistentvolumeclaims: '50',
      configmaps: '100',
      secrets: '100',
      'count/jobs.batch': '200',
      'requests.storage': '0Gi',
    });
  });

  test('MIG and time-sliced pools are quoted in their own resource names', () => {
    expect(build({}, { mode: 'mig', profile: '1g.10gb' }).pool.resourceName).toBe('nvidia.com/mig-1g.10gb');
    const { json } = build({}, { mode: 'time-slicing', replicas: 4 });
    const quota = resources(json, 'kubernetes_resource_quota_v1')[0] as { spec: { hard: Record<string, string> } };
    expect(quota.spec.hard['requests.nvidia.com/gpu.shared']).toBe('16');
    expect(quota.spec.hard['requests.cpu']).toBe(String(Math.ceil(16 * (112 / 32)) + 16));
  });

  test('storage quotas per storage class, capped in total', () => {
    const { json } = build({ storageQuotas: [{ storageClassName: 'aif-project', tib: 10 }, { storageClassName: 'aif-scratch', tib: 2.5 }] });
    const hard = (resources(json, 'kubernetes_resource_quota_v1')[0] as { spec: { hard: Record<string, string> } }).spec.hard;
    expect(hard['aif-project.storageclass.storage.k8s.io/requests.storage']).toBe('10240Gi');
    expect(hard['aif-scratch.storageclass.storage.k8s.io/requests.storage']).toBe('2560Gi');
    expect(hard['requests.storage']).toBe('12800Gi');
  });

  test.each([
    ['startup', '200'],
    ['sme', '200'],
    ['industry', '1000'],
    ['academia', '2000'],
    ['public', '500'],
  ] as const)('kind %s sets the object-count defaults (pods %s)', (kind, pods) => {
    const { json } = build({ kind });
    const quota = resources(json, 'kubernetes_resource_quota_v1')[0] as { spec: { hard: Record<string, string> } };
    expect(quota.spec.hard.pods).toBe(pods);
    expect((resourceNamed(json, 'kubernetes_namespace_v1', 'tenant-acme').metadata as { labels: Record<string, string> }).labels['ai-factory.eu/tenant-kind']).toBe(kind);
  });

  test('a healthcare tenant has no internet egress by default', () => {
    const { json, tenant } = build({ sector: 'healthcare' });
    expect(tenant.internetEgress).toBe(false);
    expect(policyNames(json)).toEqual(['allow-dns', 'allow-isolation-group', 'default-deny']);
  });

  test('internet egress excludes private ranges, and can be switched off for any tenant', () => {
    const open = resourceNamed(build().json, 'kubernetes_network_policy_v1', 'allow-internet-egress') as { spec: { egress: unknown[] } };
    expect(open.spec.egress).toEqual([{ to: [{ ip_block: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] } }] }]);
    expect(policyNames(build({ internetEgress: false }).json)).not.toContain('allow-internet-egress');
  });

  test('RBAC binds OIDC groups to admin, edit and view inside the namespace only', () => {
    const { json } = build({ groups: { admins: ['a'], members: ['m1', 'm2'], viewers: ['v'] }, groupPrefix: 'sso:' });
    const bindings = resources(json, 'kubernetes_role_binding_v1') as { metadata: { name: string; namespace: string }; role_ref: { kind: string; name: string }; subject: { kind: string; name: string }[] }[];
    expect(bindings.map((b) => [b.metadata.namespace, b.metadata.name, b.role_ref.kind, b.role_ref.name, b.subject.map((s) => `${s.kind}:${s.name}`)])).toEqual([
      ['tenant-acme', 'tenant-admin', 'ClusterRole', 'admin', ['Group:sso:a']],
      ['tenant-acme', 'tenant-edit', 'ClusterRole', 'edit', ['Group:sso:m1', 'Group:sso:m2']],
      ['tenant-acme', 'tenant-view', 'ClusterRole', 'view', ['Group:sso:v']],
    ]);
    expect(json.resource.kubernetes_cluster_role_binding_v1).toBeUndefined();
  });

  test('shared services and trusted sources open named paths only', () => {
    const { json } = build({ sharedServices: ['lab-genomics'], trustedSources: ['monitoring'] });
    const to = resourceNamed(json, 'kubernetes_network_policy_v1', 'allow-to-lab-genomics') as { spec: { egress: unknown[] } };
    expect(to.spec.egress).toEqual([{ to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'lab-genomics' } } }] }]);
    const from = resourceNamed(json, 'kubernetes_network_policy_v1', 'allow-from-monitoring') as { spec: { ingress: unknown[] } };
    expect(from.spec.ingress).toEqual([{ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }]);
  });

  test('rejects quotas above the pool or with guaranteed above max', () => {
    expect(() => build({ gpuQuotas: [] }).json).not.toThrow();
    const stack = new TerraformStack(Testing.app(), 'test');
    const target = { name: 'main', kubernetes: new KubernetesProvider(stack, 'K', {}), helm: new HelmProvider(stack, 'H', {}) };
    const pool = new GpuNodePool(stack, 'Pool', { target, siteId: 'x', poolName: 'p', accelerator: 'nvidia-h100-sxm', nodes: 1, acceleratorsPerNode: 8, cpusPerNode: 1, memoryGiBPerNode: 1, interconnect: 'ethernet' });
    expect(
      () =>
        new Tenant(stack, 'T', {
          target,
          siteId: 'x',
          tenantName: 't',
          kind: 'sme',
          groups: { admins: [], members: [], viewers: [] },
          gpuQuotas: [{ pool, guaranteed: 9, max: 9 }],
        }),
    ).toThrow('Tenant t: pool p: need guaranteed (9) <= max (9) <= capacity (8)');
  });
});
