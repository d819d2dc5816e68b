/**
 * A tenant's object quota is a bucket of that size on the object tier: a Ceph bucket claim
 * whose `maxSize` RGW enforces, or on MinIO a bucket of the tenant chart with a hard quota that
 * the tier's quota Job sets (tests/constructs/storage/minio-quotas.test.ts runs it against a
 * real MinIO); its credentials Secret in the tenant's namespace, and the NetworkPolicy path to
 * the object store; never a claim quota on the bucket class.
 */
import { checkSiteText } from '../../site-model/loader';
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

  test('is valid, without a warning: MinIO enforces the quota', () => {
    expect(problemsOf(patch)).toEqual([]);
    expect(checkSiteText(fixtureText(patch), 'sites/xx-minimal.yaml').warnings ?? []).toEqual([]);
  });

  test("gets its bucket from the MinIO tenant, with the tier's quota Job setting it the tenant's size after the tenant release", () => {
    const { storage, workloads } = synthStorageSite(siteSpec(patch));
    expect(storage.workloads.tenantBuckets.main.acme.object).toMatchObject({ bucketName: 'tenant-acme-object', namespace: 'tenant-acme' });
    const tenantRelease = Object.entries(workloads.resource.helm_release).filter(([, r]) => r.name === 'minio-object');
    expect(tenantRelease).toHaveLength(1);
    const quotaJobs = resources(workloads, 'kubernetes_manifest').filter((r) => (r.manifest as Json).kind === 'Job');
    expect(quotaJobs).toHaveLength(1);
    const job = quotaJobs[0].manifest as Json;
    expect(job.metadata).toMatchObject({ namespace: 'minio-object' });
    const script = JSON.stringify(job.spec);
    expect(script).toContain(`hard_quota 'tenant-acme-object' ${5 * 2 ** 40} '5 TiB'`);
    const namespace = Object.entries(workloads.resource.kubernetes_namespace_v1).filter(([, n]) => (n.metadata as { name: string }).name === 'minio-object');
    expect(quotaJobs[0].depends_on).toEqual([`kubernetes_namespace_v1.${namespace[0][0]}`, `helm_release.${tenantRelease[0][0]}`]);
  });

  test('has a NetworkPolicy path from its namespace to the MinIO pods', () => {
    const { workloads } = synthStorageSite(siteSpec(patch));
    const egress = resources(workloads, 'kubernetes_network_policy_v1').filter((p) => (p.metadata as { namespace: string }).namespace === 'tenant-acme');
    const toMinio = egress.filter((p) => JSON.stringify(p.spec).includes('minio-object'));
    expect(toMinio).toHaveLength(1);
    expect(JSON.stringify(toMinio[0].spec)).toMatch(/"port":"9000"|"port":9000/);
  });
});
