/**
 * Limits the site-file rules and constructs enforce, proved against a real kube-apiserver:
 * what the rules allow must be what the API server accepts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizedStack } from '../../constructs/charts/stack-file';
import { MAX_STORAGE_CLASS_QUOTA_TIB } from '../../constructs/core/quantities';
import { Tenant } from '../../constructs/tenancy/tenant';
import { startControlPlane, type ControlPlane } from '../../rehearsal/control-plane';
import { Kube } from '../../rehearsal/kube';
import { stackObjects } from '../../rehearsal/manifests';
import { testStack } from '../helpers';
import { describeWithRehearsal } from './with-rehearsal';

jest.setTimeout(120_000);

/** The objects of one Tenant with a quota of `tib` TiB on a storage class, as the provider would send them. */
function tenantObjects(name: string, tib: number) {
  const { stack, target } = testStack();
  new Tenant(stack, 'Tenant', {
    target,
    siteId: 'xx-test',
    tenantName: name,
    kind: 'academia',
    groups: { admins: [], members: [], viewers: [] },
    storageQuotas: [{ storageClassName: 'aif-archive', tib }],
  });
  return stackObjects(synthesizedStack(stack), 'test').manifests.map((o) => o.manifest);
}

describeWithRehearsal('the API server', () => {
  let cp: ControlPlane;
  let kube: Kube;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-limits-'));
    cp = await startControlPlane({ workDir: dir });
    kube = new Kube((args, stdin) => cp.kubectl(args, stdin));
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const applyAll = (objects: ReturnType<typeof tenantObjects>) =>
    kube.applyAll(objects as unknown as Record<string, unknown>[]).map((result, i) => ({ kind: objects[i].kind, result }));

  test(`accepts a tenant's quota of ${MAX_STORAGE_CLASS_QUOTA_TIB} TiB on a storage class, every object of the tenant with it`, () => {
    const results = applyAll(tenantObjects('at-limit', MAX_STORAGE_CLASS_QUOTA_TIB));
    expect(results.filter((r) => !r.result.ok)).toEqual([]);
    expect(results.map((r) => r.kind)).toContain('ResourceQuota');
  });

  test('rejects one TiB more, as the rules and the Tenant construct say (so they must not allow it)', () => {
    // The construct refuses it, so build the objects at the limit and raise the quota by hand.
    const objects = tenantObjects('over-limit', MAX_STORAGE_CLASS_QUOTA_TIB);
    const quota = objects.find((o) => o.kind === 'ResourceQuota') as unknown as { spec: { hard: Record<string, string> } };
    const key = 'aif-archive.storageclass.storage.k8s.io/requests.storage';
    expect(quota.spec.hard[key]).toBe(`${MAX_STORAGE_CLASS_QUOTA_TIB * 1024}Gi`);
    quota.spec.hard[key] = `${(MAX_STORAGE_CLASS_QUOTA_TIB + 1) * 1024}Gi`;
    const rejected = applyAll(objects).filter((r) => !r.result.ok);
    expect(rejected.map((r) => [r.kind, r.result.ok ? '' : r.result.error.replace(/^.*?Invalid value/s, 'Invalid value')])).toEqual([
      ['ResourceQuota', `Invalid value: "${MAX_STORAGE_CLASS_QUOTA_TIB + 1}Ti": must be an integer`],
    ]);
    expect(() => tenantObjects('refused', MAX_STORAGE_CLASS_QUOTA_TIB + 1)).toThrow(/more than a ResourceQuota accepts per storage class/);
  });

  /** A claim of `size` in the tenant's namespace, on the storage class of its quota. */
  const claim = (tenant: string, name: string, size: string) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: `tenant-${tenant}` },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'aif-archive', resources: { requests: { storage: size } } },
  });

  /** Applies a tenant with a quota of `tib` TiB, and waits for the quota controller's status, without which quota admission refuses every claim. */
  async function tenantWithQuota(name: string, tib: number): Promise<void> {
    expect(applyAll(tenantObjects(name, tib)).filter((r) => !r.result.ok)).toEqual([]);
    await kube.waitFor(
      `the status of tenant ${name}'s ResourceQuota`,
      () => kube.get<{ status?: { hard?: Record<string, string> } }>('resourcequota', 'tenant-quota', `tenant-${name}`)?.status?.hard,
    );
  }

  test('a quota of 0.1 TiB admits a claim of 0.1Ti (the API server rounds it up to the byte) and refuses one byte more', async () => {
    await tenantWithQuota('tenth', 0.1);
    const over = kube.create(claim('tenth', 'over', '109951162779'));
    expect(over.ok ? 'created' : over.error).toMatch(
      /exceeded quota: tenant-quota, requested: .*aif-archive\.storageclass\.storage\.k8s\.io\/requests\.storage=109951162779.*limited: .*aif-archive\.storageclass\.storage\.k8s\.io\/requests\.storage=109951162778/,
    );
    expect(kube.create(claim('tenth', 'tenth', '0.1Ti'))).toEqual({ ok: true });
  });

  test('a quota of 0.0004 TiB (about 420 MiB) admits a claim of 400Mi', async () => {
    await tenantWithQuota('tiny', 0.0004);
    expect(kube.create(claim('tiny', 'small', '400Mi'))).toEqual({ ok: true });
  });
});
