/**
 * A tenant's object quota is a bucket of that size on the object tier: a Ceph bucket claim
 * whose `maxSize` RGW enforces, its credentials Secret in the tenant's namespace, and the
 * NetworkPolicy path to the object store; never a claim quota on the bucket class.
 */
import { checkSiteText } from '../../site-model/loader';
import { formatProblem } from '../../site-model/problems';
import { fixtureText, problemsOf, resources, siteSpec, type SynthJson } from '../helpers';
import { synthStorageSite } from '../constructs/storage/storage-fixtures';

type Json = Record<string, unknown>;

const CEPH_OBJECT = { role: 'object', capacityTiB: 50, backend: { type: 'rook-ceph', service: 'object' } };
const MINIO_OBJECT = { role: 'object', capacityTiB: 50, backend: { type: 'minio', servers: 4, volumesPerServer: 4, volumeStorageClass: 'local-nvme' } };

const manifests = (json: SynthJson, kind: string): Json[] =>
  resources(json, 'kubernetes_manifest')
    .map((m) => m.manifest as Json)
    .filter((m) => m.kind === kind);
const inNamespace = (o: Json, ns: string) => (o.metadata as { namespace?: string }).namespace === ns;

describe('a tenant with an object quota on a Ceph object tier', () => {
  const spec = siteSpec({ storageTiers: { object: CEPH_OBJECT }, tenants: { acme: { storageQuotaTiB: { project: 10, object: 5 } } } });
  const { workloads, storage } = synthStorageSite(spec);

  test('gets a bucket claim of that size in its namespace, whose Secret holds its credentials', () => {
    const claims = manifests(workloads, 'ObjectBucketClaim').filter((c) => inNamespace(c, 'tenant-acme'));
    expect(claims).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'object', namespace: 'tenant-acme' }) as unknown,
        spec: { bucketName: 'tenant-acme-object', storageClassName: 'aif-object', additionalConfig: { maxSize: '5120Gi' } },
      }),
    ]);
    expect(storage.workloads.tenantBuckets.main.acme.object).toMatchObject({
      bucketName: 'tenant-acme-object',
      credentialsSecret: 'object',
      namespace: 'tenant-acme',
    });
  });

  test("has a NetworkPolicy path from its namespace to the object store's gateway pods", () => {
    const egress = resources(workloads, 'kubernetes_network_policy_v1').filter((p) => (p.metadata as { namespace: string }).namespace === 'tenant-acme');
    const toRook = egress.filter((p) => JSON.stringify(p.spec).includes('rook-ceph'));
    expect(toRook).toHaveLength(1);
    expect(JSON.stringify(toRook[0].spec)).toMatch(/"port":"8080"|"port":8080/);
  });

  test('and no claim quota on the bucket class: the ResourceQuota counts volumes only', () => {
    const [quota] = resources(workloads, 'kubernetes_resource_quota_v1').filter((q) => (q.metadata as { namespace: string }).namespace === 'tenant-acme');
    const hard = (quota.spec as { hard: Record<string, string> }).hard;
    expect(Object.keys(hard).filter((k) => k.includes('aif-object'))).toEqual([]);
    expect(hard['requests.storage']).toBe('10240Gi');
  });
});

describe('a tenant with an object quota on a MinIO tier', () => {
  const patch = { storageTiers: { object: MINIO_OBJECT }, tenants: { acme: { storageQuotaTiB: { object: 5 } } } };

  test('is valid, but validation warns at its line that the pinned MinIO chart cannot enforce it', () => {
    expect(problemsOf(patch)).toEqual([]);
    const check = checkSiteText(fixtureText(patch), 'sites/xx-minimal.yaml');
    expect((check.warnings ?? []).map(formatProblem)).toEqual([
      expect.stringMatching(
        /^sites\/xx-minimal\.yaml:\d+ tenants\.acme\.storageQuotaTiB\.object: gives tenant acme a bucket on MinIO tier object, but the pinned MinIO tenant chart sets no bucket quota, so the 5 TiB are not enforced, got 5; use a rook-ceph object tier/,
      ),
    ]);
  });

  test('still gets its bucket from the MinIO tenant, and the path to it', () => {
    const { storage } = synthStorageSite(siteSpec(patch));
    expect(storage.workloads.tenantBuckets.main.acme.object).toMatchObject({ bucketName: 'tenant-acme-object', namespace: 'tenant-acme' });
  });
});
