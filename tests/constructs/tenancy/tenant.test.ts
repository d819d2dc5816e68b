import type { TerraformStack } from 'cdktf';
import type { ClusterTarget } from '../../../constructs/core/cluster-target';
import { GpuNodePool, type GpuNodePoolProps } from '../../../constructs/gpu/gpu-node-pool';
import { Tenant, TENANT_OBJECT_LIMITS, type TenantKind, type TenantProps } from '../../../constructs/tenancy/tenant';
import { resourceCounts, resourceNamed, resources, synthJson, testStack, thrownBy, type SynthJson } from '../../helpers';

type Meta = { name: string; namespace?: string; labels: Record<string, string> };
type Quota = { metadata: Meta; spec: { hard: Record<string, string> } };

const H100: Omit<GpuNodePoolProps, 'target'> = {
  siteId: 'xx-test',
  poolName: 'h100',
  accelerator: 'nvidia-h100-sxm',
  nodes: 10,
  acceleratorsPerNode: 8,
  cpusPerNode: 112,
  memoryGiBPerNode: 2048,
  interconnect: 'infiniband',
};

/** A tenant `name` over the defaults used throughout: a startup with admins and members, and GPU quotas given by the caller. */
function tenant(stack: TerraformStack, target: ClusterTarget, name: string, props: Partial<TenantProps> = {}): Tenant {
  return new Tenant(stack, `Tenant-${name}`, {
    target,
    siteId: 'xx-test',
    tenantName: name,
    kind: 'startup',
    groups: { admins: [`${name}-admins`], members: [`${name}-ml`, `${name}-data`], viewers: [] },
    ...props,
  });
}

const ofNamespace = (json: SynthJson, type: string, namespace: string) => resources(json, type).filter((r) => (r.metadata as Meta).namespace === namespace);
const quotaOf = (json: SynthJson, name: string) => resourceNamed(json, 'kubernetes_resource_quota_v1', 'tenant-quota', `tenant-${name}`) as unknown as Quota;
const policyNames = (json: SynthJson, name: string) =>
  ofNamespace(json, 'kubernetes_network_policy_v1', `tenant-${name}`)
    .map((p) => (p.metadata as Meta).name)
    .sort();

describe('Tenant', () => {
  describe('defaults: a startup with a quota on an H100 pool', () => {
    let json: SynthJson;
    let acme: Tenant;
    beforeAll(() => {
      const { stack, target } = testStack();
      const pool = new GpuNodePool(stack, 'Pool', { ...H100, target });
      acme = tenant(stack, target, 'acme', { gpuQuotas: [{ pool, guaranteed: 8, max: 16 }] });
      json = synthJson(stack);
    });

    test('exact resources: namespace, quota, limits, default-deny policies, a Role per level and bindings (and the pool descriptor)', () => {
      expect(resourceCounts(json)).toEqual({
        kubernetes_namespace_v1: 1,
        kubernetes_resource_quota_v1: 1,
        kubernetes_limit_range_v1: 1,
        kubernetes_network_policy_v1: 4,
        kubernetes_role_v1: 3,
        kubernetes_role_binding_v1: 2,
        kubernetes_config_map_v1: 1,
      });
    });

    test('a restricted namespace labelled with the tenant and its kind', () => {
      const ns = resourceNamed(json, 'kubernetes_namespace_v1', 'tenant-acme') as { metadata: Meta };
      expect(ns.metadata.labels).toMatchObject({
        'ai-factory.eu/tenant': 'acme',
        'ai-factory.eu/tenant-kind': 'startup',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      });
      expect(ns.metadata.labels['ai-factory.eu/sector']).toBeUndefined();
      expect([acme.namespaceName, acme.kind, acme.internetEgress]).toEqual(['tenant-acme', 'startup', true]);
    });

    test('default-deny, with DNS, the isolation group and the internet (private ranges excluded) let through', () => {
      expect(policyNames(json, 'acme')).toEqual(['allow-dns', 'allow-internet-egress', 'allow-isolation-group', 'default-deny']);
      const deny = resourceNamed(json, 'kubernetes_network_policy_v1', 'default-deny', 'tenant-acme') as { spec: Record<string, unknown> };
      expect(deny.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
      const open = resourceNamed(json, 'kubernetes_network_policy_v1', 'allow-internet-egress', 'tenant-acme') as { spec: { egress: unknown[] } };
      expect(open.spec.egress).toEqual([
        { to: [{ ip_block: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] } }] },
      ]);
    });

    test('the quota holds GPUs per extended resource, and the CPU and memory that come with them', () => {
      expect(quotaOf(json, 'acme').spec.hard).toEqual({
        'requests.nvidia.com/gpu': '16',
        'requests.cpu': String(16 * 14 + 16),
        'requests.memory': `${16 * 256 + 64}Gi`,
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

    test('the quota counts requests only: containers without limits get a whole node from the LimitRange', () => {
      expect(Object.keys(quotaOf(json, 'acme').spec.hard).filter((k) => k.startsWith('limits.'))).toEqual([]);
    });

    test('containers without requests get small requests, and limits of a whole node of the pool (8 GPUs of 14 cores and 256 GiB)', () => {
      const limits = resourceNamed(json, 'kubernetes_limit_range_v1', 'tenant-defaults', 'tenant-acme') as { spec: { limit: unknown[] } };
      expect(limits.spec.limit).toEqual([{ type: 'Container', default_request: { cpu: '500m', memory: '1Gi' }, default: { cpu: '112', memory: '2048Gi' } }]);
      expect(acme.containerDefaults).toEqual({ request: { cpu: '500m', memory: '1Gi' }, limit: { cpu: '112', memory: '2048Gi' } });
    });

    test('admins and members are bound with the oidc: prefix to the namespace Roles; no viewers, no view binding', () => {
      const bindings = resources(json, 'kubernetes_role_binding_v1') as {
        metadata: Meta;
        role_ref: { kind: string; name: string };
        subject: { name: string }[];
      }[];
      expect(bindings.map((b) => [b.metadata.name, b.role_ref.kind, b.role_ref.name, b.subject.map((s) => s.name)])).toEqual([
        ['tenant-admin', 'Role', 'tenant-admin', ['oidc:acme-admins']],
        ['tenant-edit', 'Role', 'tenant-edit', ['oidc:acme-ml', 'oidc:acme-data']],
      ]);
    });

    test('one Role per level in the namespace, whether or not a group holds it', () => {
      const roles = resources(json, 'kubernetes_role_v1') as { metadata: Meta }[];
      expect(roles.map((r) => [r.metadata.namespace, r.metadata.name])).toEqual([
        ['tenant-acme', 'tenant-admin'],
        ['tenant-acme', 'tenant-edit'],
        ['tenant-acme', 'tenant-view'],
      ]);
    });
  });

  describe('quotas on MIG and time-sliced pools', () => {
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      const whole = new GpuNodePool(stack, 'Whole', { ...H100, target });
      const mig = new GpuNodePool(stack, 'Mig', { ...H100, target, poolName: 'mig', sharing: { mode: 'mig', profile: '1g.10gb' } });
      const shared = new GpuNodePool(stack, 'Shared', { ...H100, target, poolName: 'shared', sharing: { mode: 'time-slicing', replicas: 4 } });
      tenant(stack, target, 'slices', { gpuQuotas: [{ pool: mig, guaranteed: 8, max: 16 }] });
      tenant(stack, target, 'replicas', { gpuQuotas: [{ pool: shared, guaranteed: 8, max: 16 }] });
      tenant(stack, target, 'mixed', {
        gpuQuotas: [
          { pool: whole, guaranteed: 4, max: 8 },
          { pool: mig, guaranteed: 7, max: 14 },
        ],
      });
      json = synthJson(stack);
    });

    test("MIG instances are quoted in their own resource, with a seventh of a GPU's CPU and memory each", () => {
      const hard = quotaOf(json, 'slices').spec.hard;
      expect(hard['requests.nvidia.com/mig-1g.10gb']).toBe('16');
      expect(hard['requests.nvidia.com/gpu']).toBeUndefined();
      // 1g.10gb: seven instances per H100, 56 per node of 112 cores and 2048 GiB.
      expect(hard['requests.cpu']).toBe(String(Math.ceil(16 * (112 / 56)) + 16));
      expect(hard['requests.memory']).toBe(`${Math.ceil(16 * (2048 / 56)) + 64}Gi`);
    });

    test('time-sliced replicas are quoted as nvidia.com/gpu.shared', () => {
      const hard = quotaOf(json, 'replicas').spec.hard;
      expect(hard['requests.nvidia.com/gpu.shared']).toBe('16');
      expect(hard['requests.nvidia.com/gpu']).toBeUndefined();
      expect(hard['requests.cpu']).toBe(String(Math.ceil(16 * (112 / 32)) + 16));
    });

    test('quotas on several pools keep their resources apart and add up CPU and memory', () => {
      const hard = quotaOf(json, 'mixed').spec.hard;
      expect([hard['requests.nvidia.com/gpu'], hard['requests.nvidia.com/mig-1g.10gb']]).toEqual(['8', '14']);
      expect(hard['requests.cpu']).toBe(String(Math.ceil(8 * 14 + 14 * 2) + 16));
      expect(hard['requests.memory']).toBe(`${Math.ceil(8 * 256 + 14 * (2048 / 56)) + 64}Gi`);
    });
  });

  describe('container defaults follow the pools and the quota', () => {
    let json: SynthJson;
    let tenants: Record<string, Tenant>;
    beforeAll(() => {
      const { stack, target } = testStack();
      const h100 = new GpuNodePool(stack, 'H100', { ...H100, target });
      const small = new GpuNodePool(stack, 'Small', { ...H100, target, poolName: 'small', acceleratorsPerNode: 4, cpusPerNode: 64, memoryGiBPerNode: 512 });
      const shared = new GpuNodePool(stack, 'Shared', { ...H100, target, poolName: 'shared', sharing: { mode: 'time-slicing', replicas: 4 } });
      tenants = {
        few: tenant(stack, target, 'few', { gpuQuotas: [{ pool: h100, guaranteed: 1, max: 2 }] }),
        cpu: tenant(stack, target, 'cpu'),
        two: tenant(stack, target, 'two', {
          gpuQuotas: [
            { pool: small, guaranteed: 4, max: 8 },
            { pool: h100, guaranteed: 8, max: 16 },
          ],
        }),
        slices: tenant(stack, target, 'slices', { gpuQuotas: [{ pool: shared, guaranteed: 1, max: 1 }] }),
      };
      json = synthJson(stack);
    });

    const defaultsOf = (name: string) =>
      (resourceNamed(json, 'kubernetes_limit_range_v1', 'tenant-defaults', `tenant-${name}`) as { spec: { limit: { default: unknown }[] } }).spec.limit[0]
        .default;

    test('limits never exceed the quota: a tenant with 2 GPUs gets their CPU and memory plus the CPU-only room', () => {
      expect(defaultsOf('few')).toEqual({ cpu: String(2 * 14 + 16), memory: `${2 * 256 + 64}Gi` });
      const hard = quotaOf(json, 'few').spec.hard;
      expect([hard['requests.cpu'], hard['requests.memory']]).toEqual(['44', '576Gi']);
    });

    test('a tenant without GPUs gets its CPU-only room as limits', () => {
      expect(defaultsOf('cpu')).toEqual({ cpu: '16', memory: '64Gi' });
    });

    test('with several pools, the largest node sets the limits', () => {
      expect(defaultsOf('two')).toEqual({ cpu: '112', memory: '2048Gi' });
    });

    test('time-sliced pools: a node is its replicas times the per-replica share', () => {
      // One replica: 3.5 cores and 64 GiB, plus the room; the node (32 replicas) would be 112 cores.
      expect(defaultsOf('slices')).toEqual({ cpu: String(Math.ceil(3.5) + 16), memory: `${64 + 64}Gi` });
      expect(tenants.slices.containerDefaults.request).toEqual({ cpu: '500m', memory: '1Gi' });
    });
  });

  describe('props', () => {
    let json: SynthJson;
    let tenants: Record<string, Tenant>;
    beforeAll(() => {
      const { stack, target } = testStack();
      tenants = {
        storage: tenant(stack, target, 'storage', {
          storageQuotas: [
            { storageClassName: 'aif-project', tib: 10 },
            { storageClassName: 'aif-scratch', tib: 2.5 },
          ],
        }),
        health: tenant(stack, target, 'health', { sector: 'healthcare' }),
        closed: tenant(stack, target, 'closed', { internetEgress: false }),
        rbac: tenant(stack, target, 'rbac', { groups: { admins: ['a'], members: ['m1', 'm2'], viewers: ['v'] }, groupPrefix: 'sso:' }),
        paths: tenant(stack, target, 'paths', { sharedServices: ['lab-genomics'], trustedSources: ['monitoring'] }),
      };
      json = synthJson(stack);
    });

    test('storageQuotas: a quota per storage class, capped in total', () => {
      const hard = quotaOf(json, 'storage').spec.hard;
      expect(hard['aif-project.storageclass.storage.k8s.io/requests.storage']).toBe('10240Gi');
      expect(hard['aif-scratch.storageclass.storage.k8s.io/requests.storage']).toBe('2560Gi');
      expect(hard['requests.storage']).toBe('12800Gi');
    });

    test('a tenant without GPU quotas keeps room for CPU-only pods and no GPU resource', () => {
      const hard = quotaOf(json, 'storage').spec.hard;
      expect(Object.keys(hard).filter((k) => k.includes('gpu'))).toEqual([]);
      expect([hard['requests.cpu'], hard['requests.memory']]).toEqual(['16', '64Gi']);
    });

    test('sector: a healthcare tenant is labelled and has no internet egress by default', () => {
      expect(tenants.health.internetEgress).toBe(false);
      expect((resourceNamed(json, 'kubernetes_namespace_v1', 'tenant-health').metadata as Meta).labels['ai-factory.eu/sector']).toBe('healthcare');
      expect(policyNames(json, 'health')).toEqual(['allow-dns', 'allow-isolation-group', 'default-deny']);
    });

    test('internetEgress: false closes the internet for any tenant', () => {
      expect(tenants.closed.internetEgress).toBe(false);
      expect(policyNames(json, 'closed')).toEqual(['allow-dns', 'allow-isolation-group', 'default-deny']);
    });

    test('groups and groupPrefix: RBAC binds OIDC groups to the admin, edit and view Roles inside the namespace only', () => {
      const bindings = ofNamespace(json, 'kubernetes_role_binding_v1', 'tenant-rbac') as {
        metadata: Meta;
        role_ref: { kind: string; name: string };
        subject: { kind: string; name: string }[];
      }[];
      expect(
        bindings.map((b) => [b.metadata.namespace, b.metadata.name, b.role_ref.kind, b.role_ref.name, b.subject.map((s) => `${s.kind}:${s.name}`)]),
      ).toEqual([
        ['tenant-rbac', 'tenant-admin', 'Role', 'tenant-admin', ['Group:sso:a']],
        ['tenant-rbac', 'tenant-edit', 'Role', 'tenant-edit', ['Group:sso:m1', 'Group:sso:m2']],
        ['tenant-rbac', 'tenant-view', 'Role', 'tenant-view', ['Group:sso:v']],
      ]);
      expect(json.resource.kubernetes_cluster_role_binding_v1).toBeUndefined();
      expect(json.resource.kubernetes_cluster_role_v1).toBeUndefined();
    });

    test('sharedServices and trustedSources open named paths only', () => {
      const to = resourceNamed(json, 'kubernetes_network_policy_v1', 'allow-to-lab-genomics', 'tenant-paths') as { spec: { egress: unknown[] } };
      expect(to.spec.egress).toEqual([{ to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'lab-genomics' } } }] }]);
      const from = resourceNamed(json, 'kubernetes_network_policy_v1', 'allow-from-monitoring', 'tenant-paths') as { spec: { ingress: unknown[] } };
      expect(from.spec.ingress).toEqual([{ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }]);
      expect(policyNames(json, 'paths')).toEqual([
        'allow-dns',
        'allow-from-monitoring',
        'allow-internet-egress',
        'allow-isolation-group',
        'allow-to-lab-genomics',
        'default-deny',
      ]);
    });
  });

  describe('kinds', () => {
    const kinds: [TenantKind, string][] = [
      ['startup', '200'],
      ['sme', '200'],
      ['industry', '1000'],
      ['academia', '2000'],
      ['public', '500'],
    ];
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = testStack();
      for (const [kind] of kinds) tenant(stack, target, kind, { kind });
      json = synthJson(stack);
    });

    test.each(kinds)('kind %s sets the object-count defaults (pods %s) and the kind label', (kind, pods) => {
      const hard = quotaOf(json, kind).spec.hard;
      expect(hard.pods).toBe(pods);
      const limits = TENANT_OBJECT_LIMITS[kind];
      expect([hard.services, hard.persistentvolumeclaims, hard.configmaps, hard.secrets, hard['count/jobs.batch']]).toEqual(
        [limits.services, limits.pvcs, limits.configmaps, limits.secrets, limits.jobs].map(String),
      );
      expect((resourceNamed(json, 'kubernetes_namespace_v1', `tenant-${kind}`).metadata as Meta).labels['ai-factory.eu/tenant-kind']).toBe(kind);
    });
  });

  describe('validation', () => {
    let stack: TerraformStack;
    let target: ClusterTarget;
    let pool: GpuNodePool;
    beforeAll(() => {
      ({ stack, target } = testStack());
      pool = new GpuNodePool(stack, 'Pool', { ...H100, target, poolName: 'p', nodes: 1, interconnect: 'ethernet' });
    });

    test('no GPU quota at all is fine', () => {
      expect(tenant(stack, target, 'none', { gpuQuotas: [] }).gpuQuotas).toEqual([]);
    });

    test("rejects a quota above the pool's capacity", () => {
      expect(thrownBy(() => tenant(stack, target, 't', { gpuQuotas: [{ pool, guaranteed: 9, max: 9 }] }))).toBe(
        'Tenant t: pool p: need guaranteed (9) <= max (9) <= capacity (8)',
      );
    });

    test('rejects guaranteed above max', () => {
      expect(thrownBy(() => tenant(stack, target, 'u', { gpuQuotas: [{ pool, guaranteed: 4, max: 2 }] }))).toBe(
        'Tenant u: pool p: need guaranteed (4) <= max (2) <= capacity (8)',
      );
    });

    test('reports every bad quota at once', () => {
      const other = new GpuNodePool(stack, 'Other', { ...H100, target, poolName: 'q', nodes: 1 });
      expect(
        thrownBy(() =>
          tenant(stack, target, 'v', {
            gpuQuotas: [
              { pool, guaranteed: 4, max: 2 },
              { pool: other, guaranteed: 1, max: 10 },
            ],
          }),
        ),
      ).toBe('Tenant v: pool p: need guaranteed (4) <= max (2) <= capacity (8); pool q: need guaranteed (1) <= max (10) <= capacity (8)');
    });

    test('rejects a storage-class quota the API server cannot take', () => {
      expect(thrownBy(() => tenant(stack, target, 'w', { storageQuotas: [{ storageClassName: 'aif-archive', tib: 8389 }] }))).toBe(
        'Tenant w: storage class aif-archive: 8389 TiB is more than a ResourceQuota accepts per storage class (8388 TiB)',
      );
      expect(tenant(stack, target, 'x', { storageQuotas: [{ storageClassName: 'aif-archive', tib: 8388 }] }).tenantName).toBe('x');
    });

    test('the tenant name must make a valid namespace name', () => {
      expect(thrownBy(() => tenant(stack, target, 'Acme'))).toMatch(/^"tenant-Acme" is not a valid Kubernetes name/);
    });
  });
});
