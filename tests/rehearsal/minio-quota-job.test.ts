/**
 * The MinIO bucket-quota Job as a real kube-apiserver and Job controller take it: the Job the
 * construct synthesizes is a valid `batch/v1` Job, and in the tenant's namespace, which enforces
 * Pod Security `restricted`, the Job controller's pod for it is admitted. Without the
 * container's security context the same pod is rejected. And the Jobs named by their content
 * (this one, Slurm's accounts Job): a site that starts using a registry mirror deploys its
 * accounts Job again, where the same Job with another image under its old name is refused.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StorageTier } from '../../constructs/storage/storage-tier';
import { IsolatedNamespace } from '../../constructs/tenancy/isolated-namespace';
import { startControlPlane, type ControlPlane } from '../../rehearsal/control-plane';
import { Kube } from '../../rehearsal/kube';
import { buildSite, releaseValues, resources, siteModel, synthJson } from '../helpers';
import { SLURM_PATCH } from '../constructs/scheduling/slurm/slurm-helpers';
import { newStack } from '../constructs/storage/storage-fixtures';
import { describeWithRehearsal } from './with-rehearsal';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

const MIRROR = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts', pullSecretName: 'mirror-pull' };

/** The quota Job of a MinIO tier `object` with one bucket quota, as synthesized. */
function quotaJob(): Json {
  const { stack, target } = newStack();
  const tier = new StorageTier(stack, 'Tier', {
    target,
    siteId: 'xx-test',
    tierName: 'object',
    role: 'object',
    capacityTiB: 12,
    backend: { type: 'minio', servers: 4, volumesPerServer: 4 },
  });
  tier.grantBucket(new IsolatedNamespace(stack, 'Tenant', { target, name: 'tenant-acme', isolationGroup: 'tenant-acme' }), 'object', { quotaTiB: 5 });
  const [job] = resources(synthJson(stack), 'kubernetes_manifest')
    .map((r) => r.manifest as Json)
    .filter((m) => m.kind === 'Job');
  return job;
}

/** The Slurm accounts Job of the fixture with a Slurm partition, in `namespace`, with or without a registry mirror. */
function accountsJob(namespace: string, mirrored: boolean): Json {
  const { stacks } = buildSite(siteModel({ ...SLURM_PATCH, ...(mirrored ? { registryMirror: MIRROR } : {}) }));
  const values = releaseValues(synthJson(stacks.workloads), 'slurm') as { extraObjects?: Json[] };
  const job = (values.extraObjects ?? []).find((o) => o.kind === 'Job');
  if (!job) throw new Error('no accounts Job among the slurm chart values');
  return { ...job, metadata: { ...(job.metadata as Json), namespace } };
}

describeWithRehearsal('Jobs the constructs write, on a real API server', () => {
  let cp: ControlPlane;
  let kube: Kube;
  let dir: string;
  const job = quotaJob();
  const namespace = (job.metadata as { namespace: string }).namespace;
  const template = (job.spec as Json).template as Json;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-minio-job-'));
    cp = await startControlPlane({ workDir: dir });
    kube = new Kube((args, stdin) => cp.kubectl(args, stdin));
    const setup = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'minio-root', namespace },
        stringData: { 'config.env': 'export MINIO_ROOT_USER=root\nexport MINIO_ROOT_PASSWORD=secret-secret\n' },
      },
    ].map((o) => kube.apply(o));
    expect(setup).toEqual([{ ok: true }, { ok: true }]);
  });
  afterAll(async () => {
    await cp?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the API server takes the Job, and the Job controller gets its pod admitted', async () => {
    expect(namespace).toBe('minio-object');
    expect(kube.create(job)).toEqual({ ok: true });
    const name = (job.metadata as { name: string }).name;
    const pods = await kube.waitFor('the Job controller to create the pod', () => {
      const found = kube.list('pods', { namespace, selector: `batch.kubernetes.io/job-name=${name}` });
      return found.length > 0 ? found : undefined;
    });
    expect(pods).toHaveLength(1);
  });

  test("without the container's security context the pod is rejected, for that container", () => {
    const spec = template.spec as Json;
    const [container] = spec.containers as Json[];
    const { securityContext: _dropped, ...bare } = container;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'quota-bare', namespace }, spec: { ...spec, containers: [bare] } };
    const result = kube.create(pod);
    expect(result.ok).toBe(false);
    const error = result.ok ? '' : result.error;
    expect(error).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(error).toMatch(/allowPrivilegeEscalation != false \(container "mc" must set securityContext.allowPrivilegeEscalation=false\)/);
    // The same pod with the context the construct writes is admitted.
    expect(kube.create({ ...pod, metadata: { name: 'quota-full', namespace }, spec })).toEqual({ ok: true });
  });

  test("Slurm's accounts Job, once the site pulls from a mirror: a new Job, where the old one changed in place is refused", () => {
    expect(kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'slurm' } })).toEqual({ ok: true });
    const before = accountsJob('slurm', false);
    const after = accountsJob('slurm', true);
    const image = (job: Json) => (((job.spec as Json).template as Json).spec as { containers: { image: string }[] }).containers[0].image;
    expect(image(after)).toBe(`${MIRROR.imageRegistry}/${image(before)}`);
    expect(kube.apply(before)).toEqual({ ok: true });
    // What an upgrade does to a Job of the same name: the API server refuses a changed template.
    const inPlace = kube.apply({ ...after, metadata: before.metadata });
    expect(inPlace.ok ? 'applied' : inPlace.error).toMatch(/field is immutable/);
    // The deployed one is another Job, which the API server takes beside the old (the release then deletes the old).
    expect((after.metadata as Json).name).not.toBe((before.metadata as Json).name);
    expect(kube.apply(after)).toEqual({ ok: true });
  });
});
