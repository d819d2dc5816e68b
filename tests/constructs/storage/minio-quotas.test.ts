/**
 * MinIO bucket quotas are enforced by MinIO: a MinIO tier with buckets that have a quota gets
 * one Job that sets them with `mc quota set`. The Job's own script, run with the Job's own
 * environment against a real MinIO server (`bash .ci/install-minio.sh`), gives each bucket its
 * hard quota, and MinIO then refuses an upload that would pass it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MINIO_TENANT_DEFAULT_IMAGES } from '../../../constructs/charts/minio-tenant/default-images';
import { storageBytes } from '../../../constructs/core/quantities';
import { BUCKET_QUOTA_JOB, MINIO_ROOT_CONFIG_PATH, minioQuotaScript } from '../../../constructs/storage/minio-quotas';
import { StorageTier, type StorageTierProps } from '../../../constructs/storage/storage-tier';
import { IsolatedNamespace } from '../../../constructs/tenancy/isolated-namespace';
import { resources, synthJson, type SynthJson } from '../../helpers';
import { describeWithMinio, freePort, mc, runContainerCommand, startMinio, type MinioServer, type Run } from './minio-harness';
import { newStack } from './storage-fixtures';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

/** 1 MiB and 2 MiB, in TiB (exact binary fractions). */
const ONE_MIB_TIB = 2 ** -20;
const TWO_MIB_TIB = 2 ** -19;

const MINIO = { type: 'minio', servers: 4, volumesPerServer: 4 } as const;

/** A MinIO tier granting `quotas` (bucket name inside lab-x to TiB, or undefined for none), synthesized. */
function synthTier(quotas: Record<string, number | undefined>, props: Partial<StorageTierProps> = {}): { json: SynthJson; tier: StorageTier } {
  const { stack, target } = newStack();
  const tier = new StorageTier(stack, 'Tier', { target, siteId: 'xx-test', tierName: 'object', role: 'object', capacityTiB: 12, backend: MINIO, ...props });
  const ns = new IsolatedNamespace(stack, 'Lab', { target, name: 'lab-x', isolationGroup: 'lab-x' });
  for (const [name, quotaTiB] of Object.entries(quotas)) tier.grantBucket(ns, name, quotaTiB === undefined ? {} : { quotaTiB });
  return { json: synthJson(stack), tier };
}

/** The Job manifests of a synthesized stack, with their `depends_on`. */
function jobs(json: SynthJson): { job: Json; dependsOn: string[] }[] {
  return resources(json, 'kubernetes_manifest')
    .filter((r) => (r.manifest as Json).kind === 'Job')
    .map((r) => ({ job: r.manifest as Json, dependsOn: (r.depends_on as string[] | undefined) ?? [] }));
}

function onlyJob(json: SynthJson): Json {
  const found = jobs(json);
  expect(found).toHaveLength(1);
  return found[0].job;
}

const podSpec = (job: Json) => ((job.spec as Json).template as Json).spec as Json;
const container = (job: Json) => (podSpec(job).containers as Json[])[0] as Json & { command: string[]; env: { name: string; value: string }[]; image: string };
const nameOf = (job: Json) => (job.metadata as { name: string }).name;

const PINNED_IMAGE = (() => {
  const image = (MINIO_TENANT_DEFAULT_IMAGES.values.tenant as { image: { repository: string; tag: string } }).image;
  return `${image.repository}:${image.tag}`;
})();

describe('the bucket-quota Job of a MinIO tier', () => {
  test("is one Job for all the tier's buckets with a quota, and none without quotas", () => {
    expect(jobs(synthTier({ landing: undefined, curated: undefined }).json)).toEqual([]);
    const { json } = synthTier({ landing: ONE_MIB_TIB, scratch: undefined, curated: 5 });
    const job = onlyJob(json);
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: 'minio-object' } });
    expect(nameOf(job)).toMatch(new RegExp(`^${BUCKET_QUOTA_JOB}-[0-9a-f]{10}$`));
    const script = container(job).command[2];
    // Terraform would read "${" or "%{" in the manifest as a template sequence.
    expect(JSON.stringify(job)).not.toMatch(/[$%]\{/);
    expect(script.split('\n').filter((l) => l.startsWith('hard_quota '))).toEqual([
      `hard_quota 'lab-x-landing' 1048576 '${ONE_MIB_TIB} TiB'`,
      `hard_quota 'lab-x-curated' ${5 * 2 ** 40} '5 TiB'`,
    ]);
  });

  test("runs after the tenant release, with the tenant's own image (which ships mc) and its root-credentials Secret", () => {
    const { json } = synthTier({ landing: 1 });
    const [{ job, dependsOn }] = jobs(json);
    // Its namespace directly, so Terraform never creates it first, and the tenant release.
    expect(dependsOn).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\./), expect.stringMatching(/^helm_release\./)]);
    expect(container(job).image).toBe(PINNED_IMAGE);
    expect(container(job).command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(podSpec(job).volumes).toContainEqual({
      name: 'root-credentials',
      secret: { secretName: 'minio-root', items: [{ key: 'config.env', path: 'config.env' }] },
    });
    expect(container(job).env).toContainEqual({ name: 'AIF_MINIO_URL', value: 'http://minio.minio-object.svc:80' });
    expect(container(job).env).toContainEqual({ name: 'AIF_MINIO_ROOT_CONFIG', value: MINIO_ROOT_CONFIG_PATH });
    expect(podSpec(job).imagePullSecrets).toBeUndefined();
  });

  test('mirrored: the same mirrored image as the tenant, with the pull Secret', () => {
    const mirror = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts', pullSecretName: 'mirror-pull' };
    const { json } = synthTier({ landing: 1 }, { mirror, backend: { ...MINIO, rootCredentialsSecret: 'object-root' } });
    const job = onlyJob(json);
    expect(container(job).image).toBe(`registry.site.eu/mirror/${PINNED_IMAGE}`);
    expect(podSpec(job).imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
    expect(podSpec(job).volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'object-root' }) as unknown }));
    expect(container(job).command[2]).toContain('key config.env of Secret object-root');
  });

  test('its name follows what it does: the same quotas give the same name, another quota another Job', () => {
    const a = nameOf(onlyJob(synthTier({ landing: 1 }).json));
    expect(nameOf(onlyJob(synthTier({ landing: 1 }).json))).toBe(a);
    expect(nameOf(onlyJob(synthTier({ landing: 2 }).json))).not.toBe(a);
    expect(nameOf(onlyJob(synthTier({ landing: 1, curated: 1 }).json))).not.toBe(a);
  });

  test('the script is POSIX sh', () => {
    const script = container(onlyJob(synthTier({ landing: 1, curated: 2 }).json)).command[2];
    // dash, Debian's /bin/sh, is stricter than the bash that the MinIO image's /bin/sh is.
    const parsed = spawnSync('/bin/sh', ['-n', '-c', script], { encoding: 'utf8' });
    expect({ status: parsed.status, stderr: parsed.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('bad quota lists are refused with the field and the fix', () => {
    expect(() => minioQuotaScript('minio-root', [])).toThrow('quotas: is empty; give at least one bucket');
    expect(() => minioQuotaScript('minio-root', [{ bucket: 'Bad_Name', quotaTiB: 1 }])).toThrow(
      'quotas[0].bucket: is not an S3 bucket name, got "Bad_Name"; e.g. tenant-acme-object',
    );
    expect(() =>
      minioQuotaScript('minio-root', [
        { bucket: 'lab-x-a', quotaTiB: 1 },
        { bucket: 'lab-x-a', quotaTiB: 2 },
      ]),
    ).toThrow('quotas[1].bucket: lab-x-a is listed twice; give each bucket one quota');
    expect(() => minioQuotaScript('minio-root', [{ bucket: 'lab-x-a', quotaTiB: 0 }])).toThrow(
      'quotas[0].quotaTiB: must be a finite number more than 0, got 0',
    );
    expect(() => minioQuotaScript('minio-root', [{ bucket: 'lab-x-a', quotaTiB: Infinity }])).toThrow(
      'quotas[0].quotaTiB: must be a finite number more than 0, got Infinity',
    );
    // However small, a quota above 0 is a whole byte or more, never 0 bytes.
    expect(minioQuotaScript('minio-root', [{ bucket: 'lab-x-a', quotaTiB: 1e-15 }])).toContain("hard_quota 'lab-x-a' 1 '1e-15 TiB'");
  });
});

describeWithMinio('the Job script against a real MinIO server', () => {
  let dir: string;
  let server: MinioServer;
  let check: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-minio-quota-'));
    server = await startMinio(path.join(dir, 'data'));
    // An alias of the test's own, to look at what the Job did.
    check = path.join(dir, 'check-mc');
    expect(mc(check, ['alias', 'set', 'check', server.url, server.rootUser, server.rootPassword, '--api', 'S3v4']).status).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** config.env as the tier's root-credentials Secret holds it. */
  function configEnv(name: string, lines: readonly string[]): string {
    const file = path.join(dir, `${name}.env`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  /**
   * Runs the Job's container command with the Job's environment, where only the cluster's
   * address of the tenant, the mount path of the Secret and the emptyDir path differ.
   */
  function runJob(job: Json, config: string, url = server.url): Promise<Run> {
    const env = Object.fromEntries(container(job).env.map((e) => [e.name, e.value]));
    expect(Object.keys(env).sort()).toEqual(['AIF_MINIO_ROOT_CONFIG', 'AIF_MINIO_URL', 'MC_CONFIG_DIR']);
    const mcDir = fs.mkdtempSync(path.join(dir, 'job-mc-'));
    return runContainerCommand(container(job).command, { ...env, AIF_MINIO_URL: url, AIF_MINIO_ROOT_CONFIG: config, MC_CONFIG_DIR: mcDir });
  }

  const rootConfig = () => configEnv('config', [`export MINIO_ROOT_USER="${server.rootUser}"`, `export MINIO_ROOT_PASSWORD="${server.rootPassword}"`]);
  const quotaInfo = (bucket: string) => JSON.parse(mc(check, ['quota', 'info', `check/${bucket}`, '--json']).stdout) as Json;
  function upload(bucket: string, key: string, bytes: number): Run {
    const file = path.join(dir, `${key}.bin`);
    fs.writeFileSync(file, Buffer.alloc(bytes, 7));
    return mc(check, ['cp', '--quiet', file, `check/${bucket}/${key}`]);
  }

  let job1: Json;
  beforeAll(() => {
    job1 = onlyJob(synthTier({ landing: ONE_MIB_TIB, curated: TWO_MIB_TIB }).json);
  });

  test('sets each bucket a hard quota, making a bucket the operator has not made yet and keeping one it has', async () => {
    // The operator made one of the two already.
    expect(mc(check, ['mb', 'check/lab-x-curated']).status).toBe(0);
    const run = await runJob(job1, rootConfig());
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('bucket lab-x-landing has a hard quota of 1048576 bytes');
    expect(run.stdout).toContain('bucket lab-x-curated has a hard quota of 2097152 bytes');
    expect(quotaInfo('lab-x-landing')).toMatchObject({ status: 'success', quota: 1048576, type: 'hard' });
    expect(quotaInfo('lab-x-curated')).toMatchObject({ status: 'success', quota: 2097152, type: 'hard' });
  });

  test('MinIO then refuses an upload over the quota, and takes one under it', () => {
    expect(upload('lab-x-landing', 'small', 256 * 1024).status).toBe(0);
    const over = upload('lab-x-landing', 'big', 1536 * 1024);
    expect(over.status).not.toBe(0);
    expect(over.stderr).toMatch(/Bucket quota exceeded/);
    // The same upload fits the other bucket's 2 MiB.
    expect(upload('lab-x-curated', 'big', 1536 * 1024).status).toBe(0);
  });

  test('running it again changes nothing', async () => {
    const run = await runJob(job1, rootConfig());
    expect(run.status).toBe(0);
    expect(quotaInfo('lab-x-landing')).toMatchObject({ quota: 1048576, type: 'hard' });
  });

  test('a raised quota is another Job, whose run lets the refused upload in', async () => {
    const job2 = onlyJob(synthTier({ landing: 4 * ONE_MIB_TIB, curated: TWO_MIB_TIB }).json);
    expect(nameOf(job2)).not.toBe(nameOf(job1));
    expect((await runJob(job2, rootConfig())).status).toBe(0);
    expect(quotaInfo('lab-x-landing')).toMatchObject({ quota: 4 * 1048576, type: 'hard' });
    expect(upload('lab-x-landing', 'big', 1536 * 1024).status).toBe(0);
  });

  test('a quota of no whole GiB is the bytes of every other quota of the same TiB, rounded up, as MinIO reports it', async () => {
    const job = onlyJob(synthTier({ tenth: 0.1, tiny: 0.0004 }).json);
    const run = await runJob(job, rootConfig());
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    // 0.1 TiB is 109951162777.6 bytes, 0.0004 TiB 439804651.1104.
    expect(storageBytes(0.1)).toBe(109951162778n);
    expect(quotaInfo('lab-x-tenth')).toMatchObject({ quota: Number(storageBytes(0.1)), type: 'hard' });
    expect(quotaInfo('lab-x-tiny')).toMatchObject({ quota: Number(storageBytes(0.0004)), type: 'hard' });
  });

  test('fails with wrong root credentials', async () => {
    const run = await runJob(job1, configEnv('wrong', [`export MINIO_ROOT_USER=${server.rootUser}`, 'export MINIO_ROOT_PASSWORD=not-the-password']));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/mc: <ERROR>/);
  });

  test('fails with a clear message when config.env lacks the root password', async () => {
    const run = await runJob(job1, configEnv('no-password', [`export MINIO_ROOT_USER=${server.rootUser}`]));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `${BUCKET_QUOTA_JOB}: ${path.join(dir, 'no-password.env')} sets no MINIO_ROOT_USER or no MINIO_ROOT_PASSWORD; put 'export MINIO_ROOT_USER=...' and 'export MINIO_ROOT_PASSWORD=...' in key config.env of Secret minio-root`,
    );
  });

  test('started before the tenant answers, it waits for it and then sets the quotas', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const pending = runJob(job1, rootConfig(), url);
    await new Promise((r) => setTimeout(r, 3000));
    const late = await startMinio(path.join(dir, 'late'), { port, rootUser: server.rootUser, rootPassword: server.rootPassword });
    try {
      const run = await pending;
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      expect(run.stdout).toMatch(/unreachable/);
      const lateCheck = path.join(dir, 'late-mc');
      mc(lateCheck, ['alias', 'set', 'late', url, server.rootUser, server.rootPassword, '--api', 'S3v4']);
      expect(JSON.parse(mc(lateCheck, ['quota', 'info', 'late/lab-x-landing', '--json']).stdout)).toMatchObject({ quota: 1048576, type: 'hard' });
    } finally {
      await late.stop();
    }
  });
});
