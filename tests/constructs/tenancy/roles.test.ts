/**
 * Members can't weaken isolation: no Role a tenant's or a lab's people hold may write the
 * NetworkPolicies, quota, LimitRange, Roles or RoleBindings of their namespace. Checked on the
 * rules themselves and on every Role and RoleBinding the catalogue's stacks write.
 */
import { type AccessLevel, accessRules, grantNamespaceAccess, type RoleRule } from '../../../constructs/tenancy/namespace-roles';
import { loadCatalogue } from '../../../site-model/loader';
import { catalogueSynth } from '../../catalogue-synth';
import { builtOnce, resources, SITES_DIR, synthJson, testStack, type SynthJson } from '../../helpers';

/** The kinds that hold a namespace's isolation, by API group. */
const GUARDED: readonly { readonly group: string; readonly resource: string }[] = [
  { group: 'networking.k8s.io', resource: 'networkpolicies' },
  { group: '', resource: 'resourcequotas' },
  { group: '', resource: 'limitranges' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
];

/** Every verb the API server knows for namespaced resources, plus the RBAC and wildcard ones. */
const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', '*'];
const WRITE_VERBS = ALL_VERBS.filter((v) => !['get', 'list', 'watch'].includes(v));

/**
 * Verbs a set of rules grants on a resource (or any of its subresources), wildcards included:
 * a rule with `*` in its groups, resources or verbs counts as granting them.
 */
function verbsOn(rules: readonly RoleRule[], group: string, resource: string): string[] {
  const granted = new Set<string>();
  for (const rule of rules) {
    const groupMatches = rule.apiGroups.includes(group) || rule.apiGroups.includes('*');
    const resourceMatches = rule.resources.some((r) => r === '*' || r === resource || r.startsWith(`${resource}/`) || r === `${resource}/*`);
    if (!groupMatches || !resourceMatches) continue;
    for (const verb of rule.verbs) {
      if (verb === '*') ALL_VERBS.forEach((v) => granted.add(v));
      granted.add(verb);
    }
  }
  return ALL_VERBS.filter((v) => granted.has(v));
}

/** `<resource>: <verbs>` for every guarded kind, the table the tests compare. */
function guardedTable(rules: readonly RoleRule[]): Record<string, string[]> {
  return Object.fromEntries(GUARDED.map((g) => [g.resource, verbsOn(rules, g.group, g.resource)]));
}

type RoleJson = { metadata: { name: string; namespace: string }; rule: { api_groups: string[]; resources: string[]; verbs: string[] }[] };
type BindingJson = { metadata: { name: string; namespace: string }; role_ref: { kind: string; name: string } };

const rulesOf = (role: RoleJson): RoleRule[] => role.rule.map((r) => ({ apiGroups: r.api_groups, resources: r.resources, verbs: r.verbs }));

const LEVELS: readonly AccessLevel[] = ['admin', 'member', 'viewer'];

describe('accessRules', () => {
  test.each(LEVELS.flatMap((level) => [true, false].map((argo): [AccessLevel, boolean] => [level, argo])))(
    '%s (argo: %s): reads isolation at most, and never writes it',
    (level, argo) => {
      const table = guardedTable(accessRules(level, { argo }));
      expect(table).toEqual({
        networkpolicies: ['get', 'list', 'watch'],
        resourcequotas: ['get', 'list', 'watch'],
        limitranges: ['get', 'list', 'watch'],
        roles: level === 'admin' ? ['get', 'list', 'watch'] : [],
        rolebindings: level === 'admin' ? ['get', 'list', 'watch'] : [],
      });
      for (const verbs of Object.values(table)) expect(verbs.filter((v) => WRITE_VERBS.includes(v))).toEqual([]);
    },
  );

  test.each(LEVELS)('%s: no wildcard, escalate, bind or impersonate anywhere', (level) => {
    for (const rule of accessRules(level, { argo: true })) {
      expect([...rule.apiGroups, ...rule.resources]).not.toContain('*');
      expect(rule.verbs.filter((v) => ['*', 'escalate', 'bind', 'impersonate'].includes(v))).toEqual([]);
    }
  });

  test('members run work: pods (exec, port-forward, logs), deployments, statefulsets, jobs, cronjobs, services, configs, Secrets, PVCs', () => {
    const rules = accessRules('member', { argo: false });
    const can = (group: string, resource: string) => verbsOn(rules, group, resource);
    expect(can('', 'pods')).toEqual(expect.arrayContaining(['create', 'delete', 'get', 'list', 'watch', 'patch']));
    expect(
      verbsOn(
        rules.filter((r) => r.resources.includes('pods/exec')),
        '',
        'pods',
      ),
    ).toEqual(['get', 'create']);
    for (const [group, resource] of [
      ['apps', 'deployments'],
      ['apps', 'statefulsets'],
      ['batch', 'jobs'],
      ['batch', 'cronjobs'],
      ['', 'services'],
      ['', 'configmaps'],
      ['', 'secrets'],
      ['', 'persistentvolumeclaims'],
    ]) {
      expect([resource, can(group, resource)]).toEqual([resource, ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']]);
    }
    expect(can('kueue.x-k8s.io', 'localqueues')).toEqual(['get', 'list', 'watch']);
    expect(can('kueue.x-k8s.io', 'workloads')).toEqual(['get', 'list', 'watch']);
    expect(can('argoproj.io', 'workflows')).toEqual([]);
  });

  test('argo: lab members write workflows, templates and cron workflows; viewers read them', () => {
    expect(verbsOn(accessRules('member', { argo: true }), 'argoproj.io', 'workflows')).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);
    expect(verbsOn(accessRules('viewer', { argo: true }), 'argoproj.io', 'cronworkflows')).toEqual(['get', 'list', 'watch']);
  });

  test('viewers read no Secrets and write nothing', () => {
    const rules = accessRules('viewer', { argo: true });
    expect(verbsOn(rules, '', 'secrets')).toEqual([]);
    expect(rules.flatMap((r) => r.verbs).filter((v) => !['get', 'list', 'watch'].includes(v))).toEqual([]);
  });

  test('levels nest: admins hold every rule of members, members every rule of viewers', () => {
    const key = (r: RoleRule) => JSON.stringify(r);
    const admin = accessRules('admin', { argo: true }).map(key);
    const member = accessRules('member', { argo: true }).map(key);
    expect(admin).toEqual(expect.arrayContaining(member));
    expect(member).toEqual(expect.arrayContaining(accessRules('viewer', { argo: true }).map(key)));
  });
});

describe('grantNamespaceAccess', () => {
  const json = builtOnce((): SynthJson => {
    const { stack, target } = testStack();
    grantNamespaceAccess(stack, {
      target,
      namespace: 'tenant-a',
      dependsOn: [],
      labels: { 'ai-factory.eu/tenant': 'a' },
      groups: { admins: ['a-admins'], members: [], viewers: ['a-view', 'b-view'] },
      groupPrefix: 'oidc:',
      namePrefix: 'tenant',
      argo: false,
    });
    return synthJson(stack);
  });

  test('one Role per level, a RoleBinding per level with groups, all groups of a level in one binding', () => {
    expect((resources(json(), 'kubernetes_role_v1') as RoleJson[]).map((r) => r.metadata.name)).toEqual(['tenant-admin', 'tenant-edit', 'tenant-view']);
    const bindings = resources(json(), 'kubernetes_role_binding_v1') as (BindingJson & { subject: { name: string }[] })[];
    expect(bindings.map((b) => [b.metadata.name, b.role_ref.kind, b.role_ref.name, b.subject.map((s) => s.name)])).toEqual([
      ['tenant-admin', 'Role', 'tenant-admin', ['oidc:a-admins']],
      ['tenant-view', 'Role', 'tenant-view', ['oidc:a-view', 'oidc:b-view']],
    ]);
  });
});

describe('every Role and RoleBinding the catalogue writes for tenants and labs', () => {
  const written = builtOnce(() =>
    loadCatalogue(SITES_DIR).flatMap((site) => {
      const { platform, workloads } = catalogueSynth(site.spec.id);
      return [platform, workloads].map((json) => ({
        site: site.spec.id,
        roles: resources(json, 'kubernetes_role_v1') as RoleJson[],
        bindings: resources(json, 'kubernetes_role_binding_v1') as BindingJson[],
        clusterBindings: resources(json, 'kubernetes_cluster_role_binding_v1') as BindingJson[],
      }));
    }),
  );
  const people = /^(tenant|lab)-/;

  test('the catalogue has tenant and lab Roles to check', () => {
    const names = new Set(written().flatMap((w) => w.roles.map((r) => r.metadata.name)));
    expect([...names].sort()).toEqual(['lab-admin', 'lab-edit', 'lab-view', 'tenant-admin', 'tenant-edit', 'tenant-view']);
  });

  test('no verb on networkpolicies, resourcequotas, limitranges, roles or rolebindings beyond reading; no *, escalate or bind', () => {
    const offending = written().flatMap((w) =>
      w.roles
        .filter((r) => people.test(r.metadata.namespace))
        .flatMap((role) =>
          Object.entries(guardedTable(rulesOf(role)))
            .map(([resource, verbs]) => [w.site, role.metadata.namespace, role.metadata.name, resource, verbs.filter((v) => WRITE_VERBS.includes(v))] as const)
            .filter(([, , , , verbs]) => verbs.length > 0),
        ),
    );
    expect(offending).toEqual([]);
  });

  test("every RoleBinding in a tenant's or a lab's namespace refers to one of those Roles, never a ClusterRole", () => {
    const refs = written().flatMap((w) =>
      w.bindings.filter((b) => people.test(b.metadata.namespace)).map((b) => `${b.role_ref.kind}/${b.role_ref.name.replace(/-(admin|edit|view)$/, '-*')}`),
    );
    expect(refs.length).toBeGreaterThan(0);
    expect([...new Set(refs)].sort()).toEqual(['Role/lab-*', 'Role/tenant-*']);
  });
});
