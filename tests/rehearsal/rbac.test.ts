/**
 * Members can't weaken isolation, proved against a real kube-apiserver's RBAC authorizer: a
 * tenant's and a lab's Roles and RoleBindings, as the stacks write them, let members and admins
 * run pods and jobs but not change the NetworkPolicies, quota, LimitRange or bindings that
 * isolate their namespace (the authorizer's answer to a SubjectAccessReview for a user of the
 * OIDC group, what `kubectl auth can-i --as-group` asks).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizedStack } from '../../constructs/charts/stack-file';
import { bindLabGroups } from '../../constructs/labs/lab-access';
import { IsolatedNamespace } from '../../constructs/tenancy/isolated-namespace';
import { Tenant } from '../../constructs/tenancy/tenant';
import { startControlPlane, type ControlPlane } from '../../rehearsal/control-plane';
import { Kube } from '../../rehearsal/kube';
import { stackObjects } from '../../rehearsal/manifests';
import { testStack } from '../helpers';
import { describeWithRehearsal } from './with-rehearsal';

jest.setTimeout(120_000);

const PREFIX = 'oidc:';
const GROUPS = { admins: ['acme-admins'], members: ['acme-ml'], viewers: ['acme-view'] };

/** A tenant `acme` and a lab namespace `lab-demo` with the lab's bindings, as the provider would send them. */
function objects() {
  const { stack, target } = testStack();
  new Tenant(stack, 'Tenant', { target, siteId: 'xx-test', tenantName: 'acme', kind: 'startup', groups: GROUPS, groupPrefix: PREFIX });
  const lab = new IsolatedNamespace(stack, 'Lab', { target, name: 'lab-demo', isolationGroup: 'lab-demo', internetEgress: false });
  bindLabGroups(stack, { target, namespace: lab, labels: { 'ai-factory.eu/data-lab': 'demo' }, groups: GROUPS, groupPrefix: PREFIX });
  return stackObjects(synthesizedStack(stack), 'test').manifests.map((o) => o.manifest);
}

/** What members and admins must be able to do, and what nobody may. */
const MAY = [
  ['create', 'pods'],
  ['create', 'jobs.batch'],
  ['create', 'pods/exec'],
  ['create', 'secrets'],
] as const;
const MAY_NOT = [
  ['delete', 'networkpolicies.networking.k8s.io'],
  ['patch', 'networkpolicies.networking.k8s.io'],
  ['create', 'networkpolicies.networking.k8s.io'],
  ['delete', 'resourcequotas'],
  ['patch', 'resourcequotas'],
  ['delete', 'limitranges'],
  ['patch', 'limitranges'],
  ['delete', 'rolebindings.rbac.authorization.k8s.io'],
  ['patch', 'rolebindings.rbac.authorization.k8s.io'],
  ['create', 'rolebindings.rbac.authorization.k8s.io'],
  ['patch', 'roles.rbac.authorization.k8s.io'],
  ['escalate', 'roles.rbac.authorization.k8s.io'],
  ['bind', 'roles.rbac.authorization.k8s.io'],
] as const;

describeWithRehearsal('tenant and lab RBAC on the API server', () => {
  let cp: ControlPlane;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-rbac-'));
    cp = await startControlPlane({ workDir: dir });
    const kube = new Kube((args, stdin) => cp.kubectl(args, stdin));
    const all = objects();
    const failed = kube
      .applyAll(all as unknown as Record<string, unknown>[])
      .map((result, i) => ({ o: all[i], result }))
      .filter((r) => !r.result.ok);
    expect(failed).toEqual([]);
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * `yes` or `no`: the API server's RBAC authorizer on a SubjectAccessReview for a user of
   * `group`, as `kubectl auth can-i --as --as-group` asks it (impersonation adds
   * system:authenticated). `resource` is `<plural>[.<group>][/<subresource>]`, as kubectl takes it.
   */
  async function canI(group: string, verb: string, resource: string, namespace: string): Promise<string> {
    const [qualified, subresource] = resource.split('/');
    const dot = qualified.indexOf('.');
    const resourceAttributes = {
      namespace,
      verb,
      resource: dot < 0 ? qualified : qualified.slice(0, dot),
      group: dot < 0 ? '' : qualified.slice(dot + 1),
      ...(subresource ? { subresource } : {}),
    };
    const answer = await cp.request('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'someone@example.eu', groups: [`${PREFIX}${group}`, 'system:authenticated'], resourceAttributes },
    });
    if (answer.status !== 201) throw new Error(`SubjectAccessReview ${verb} ${resource}: ${answer.status} ${answer.body}`);
    return (JSON.parse(answer.body) as { status: { allowed?: boolean } }).status.allowed === true ? 'yes' : 'no';
  }

  const cases = (['tenant-acme', 'lab-demo'] as const).flatMap((namespace) =>
    (['acme-admins', 'acme-ml'] as const).map((group): [string, string] => [namespace, group]),
  );

  /** `<verb> <resource>: yes|no` for each of `checks`. */
  const answers = (group: string, namespace: string, checks: readonly (readonly [string, string])[]) =>
    Promise.all(checks.map(async ([verb, resource]) => `${verb} ${resource}: ${await canI(group, verb, resource, namespace)}`));

  test.each(cases)('in %s, %s can create pods and jobs, exec, and hold Secrets', async (namespace, group) => {
    expect(await answers(group, namespace, MAY)).toEqual(MAY.map(([verb, resource]) => `${verb} ${resource}: yes`));
  });

  test.each(cases)('in %s, %s cannot change NetworkPolicies, quotas, LimitRanges, Roles or RoleBindings', async (namespace, group) => {
    expect(await answers(group, namespace, MAY_NOT)).toEqual(MAY_NOT.map(([verb, resource]) => `${verb} ${resource}: no`));
  });

  test('viewers read pods but create nothing and read no Secrets', async () => {
    for (const namespace of ['tenant-acme', 'lab-demo']) {
      expect(
        await answers('acme-view', namespace, [
          ['list', 'pods'],
          ['create', 'pods'],
          ['get', 'secrets'],
        ]),
      ).toEqual(['list pods: yes', 'create pods: no', 'get secrets: no']);
    }
  });

  test('control: a group bound to the `edit` ClusterRole, as before, could delete the NetworkPolicies (so the checks above can fail)', async () => {
    const kube = new Kube((args, stdin) => cp.kubectl(args, stdin));
    const legacy = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'legacy-edit', namespace: 'tenant-acme' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `${PREFIX}legacy-ml` }],
    };
    expect(kube.apply(legacy)).toEqual({ ok: true });
    expect(await canI('legacy-ml', 'delete', 'networkpolicies.networking.k8s.io', 'tenant-acme')).toBe('yes');
    kube.delete('rolebinding', 'legacy-edit', 'tenant-acme');
  });

  test("a group's Role does not reach another namespace", async () => {
    expect(await canI('acme-ml', 'create', 'pods', 'default')).toBe('no');
    expect(await canI('acme-admins', 'create', 'pods', 'kube-system')).toBe('no');
  });
});
