/**
 * Hard bucket quotas on a MinIO tenant. The pinned tenant chart (7.1.1) creates buckets but
 * cannot give them a quota, so a Job sets one per bucket with `mc quota set`, the way MinIO
 * enforces a quota: a write that would take the bucket past it is refused.
 *
 * @see https://min.io/docs/minio/linux/reference/minio-mc/mc-quota-set.html
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
import type { KubernetesObject } from '../charts/common-values';
import { jobNamedByContent } from '../core/jobs';
import { LABEL_PREFIX } from '../core/labels';
import { storageBytes } from '../core/quantities';
import { RESTRICTED_CONTAINER, RESTRICTED_POD } from '../labs/pod-security';

/** Name prefix of the quota Job; the rest of the name is the hash of what it does. */
export const BUCKET_QUOTA_JOB = 'aif-bucket-quotas';

/** Where the Job mounts the `config.env` key of the tenant's root-credentials Secret. */
export const MINIO_ROOT_CONFIG_PATH = '/etc/aif/minio-root/config.env';

/**
 * UID and GID the Job runs as: the pinned MinIO image sets no user, so `runAsNonRoot` needs a
 * numeric one; 1000 is the tenant chart's own for the MinIO servers.
 *
 * @see https://github.com/minio/operator/blob/v7.1.1/helm/tenant/values.yaml
 */
const MINIO_QUOTA_JOB_UID = 1000;

/**
 * A bucket and the most it may hold.
 * @see https://min.io/docs/minio/linux/reference/minio-mc/mc-quota-set.html
 */
export interface MinioBucketQuota {
  /** Bucket name in the tenant. */
  readonly bucket: string;
  /** Hard quota, TiB (2^40 bytes); set in whole bytes, rounded up ({@link storageBytes}). */
  readonly quotaTiB: number;
}

/**
 * Props of {@link minioQuotaJob}.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export interface MinioQuotaJobProps {
  /** Labels of the Job (not of its pods, whose labels the Job controller sets). */
  readonly labels: Readonly<Record<string, string>>;
  /** Namespace of the MinIO tenant; the Job runs there. */
  readonly namespace: string;
  /** S3 endpoint of the tenant, e.g. `http://minio.minio-object.svc:80`. */
  readonly url: string;
  /** The tenant's root-credentials Secret (key `config.env`: `export MINIO_ROOT_USER=…`, `export MINIO_ROOT_PASSWORD=…`). */
  readonly rootCredentialsSecret: string;
  /** Image with `mc` and a POSIX shell: the tenant's own MinIO image, which ships `/usr/bin/mc`. */
  readonly image: string;
  /** Image pull Secret in the namespace (a mirror's). @default - none */
  readonly pullSecretName?: string;
  /** Buckets and their quotas; at least one. */
  readonly quotas: readonly MinioBucketQuota[];
}

/**
 * The `sh` script of the Job. It reads the root credentials from the tenant's `config.env`
 * (`export` lines, the format the MinIO servers read), waits until the tenant answers healthy
 * (`mc ready`, which retries until then: on a first install the servers may take minutes), then
 * for each bucket makes it if the operator has not yet (the operator skips buckets that exist),
 * sets the hard quota, and fails unless MinIO then reports exactly that quota. Every step is
 * idempotent, so a re-run changes nothing. Needs `mc` and POSIX `sh` only (the MinIO image is
 * UBI micro: no grep, no sed), and reads `AIF_MINIO_URL` and `AIF_MINIO_ROOT_CONFIG`. It holds
 * no `${` (nor `%{`): Terraform would read them as template sequences in the manifest.
 *
 * A bucket that leaves the list keeps its last quota: `mc quota clear <alias>/<bucket>` lifts it.
 *
 * @see https://min.io/docs/minio/linux/reference/minio-mc/mc-quota-set.html
 * @see https://min.io/docs/minio/linux/reference/minio-mc/mc-ready.html
 */
export function minioQuotaScript(rootCredentialsSecret: string, quotas: readonly MinioBucketQuota[]): string {
  const problems = quotaProblems(quotas);
  if (problems.length > 0) throw new Error(`minioQuotaScript:\n  ${problems.join('\n  ')}`);
  const me = BUCKET_QUOTA_JOB;
  const script = [
    'set -e',
    '# Root credentials of the tenant: the export lines of config.env, which the MinIO servers read too.',
    "# shellcheck disable=SC1090 # the file is the Secret's key, mounted at run time",
    '. "$AIF_MINIO_ROOT_CONFIG"',
    'if [ -z "$MINIO_ROOT_USER" ] || [ -z "$MINIO_ROOT_PASSWORD" ]; then',
    `  echo "${me}: $AIF_MINIO_ROOT_CONFIG sets no MINIO_ROOT_USER or no MINIO_ROOT_PASSWORD; put 'export MINIO_ROOT_USER=...' and 'export MINIO_ROOT_PASSWORD=...' in key config.env of Secret ${rootCredentialsSecret}" >&2`,
    '  exit 2',
    'fi',
    'set -u',
    'mc alias set aif "$AIF_MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" --api S3v4 >/dev/null',
    '# Waits until the tenant answers healthy.',
    'mc ready aif',
    'hard_quota() {',
    '  mc mb --ignore-existing "aif/$1" >/dev/null',
    '  mc quota set "aif/$1" --size "$2" >/dev/null',
    '  info=$(mc quota info "aif/$1" --json)',
    '  case "$info" in',
    '  *\'"type":"hard"\'*) ;;',
    `  *) echo "${me}: MinIO reports no hard quota on bucket $1 after setting one: $info" >&2; exit 1 ;;`,
    '  esac',
    '  case "$info" in',
    `  *"\\"quota\\":$2,"* | *"\\"quota\\":$2}"*) echo "${me}: bucket $1 has a hard quota of $2 bytes ($3)" ;;`,
    `  *) echo "${me}: MinIO reports another quota on bucket $1 than $2 bytes: $info" >&2; exit 1 ;;`,
    '  esac',
    '}',
    // `mc quota set --size` takes a bare number as bytes: the same bytes as every other quota.
    ...quotas.map((q) => `hard_quota '${q.bucket}' ${storageBytes(q.quotaTiB)} '${q.quotaTiB} TiB'`),
  ].join('\n');
  // The script goes into Terraform JSON, where `${` and `%{` start template sequences.
  if (/[$%]\{/.test(script))
    throw new Error('minioQuotaScript: the script holds "$" or "%" before "{", which Terraform reads as a template sequence; write $NAME instead');
  return script;
}

/** Problems of a quota list, as `<field>: <problem>, got <value>; <fix>`. */
function quotaProblems(quotas: readonly MinioBucketQuota[]): string[] {
  const problems: string[] = [];
  if (quotas.length === 0) problems.push('quotas: is empty; give at least one bucket');
  const seen = new Set<string>();
  for (const [i, q] of quotas.entries()) {
    // S3 bucket names: 3 to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(q.bucket))
      problems.push(`quotas[${i}].bucket: is not an S3 bucket name, got "${q.bucket}"; e.g. tenant-acme-object`);
    if (seen.has(q.bucket)) problems.push(`quotas[${i}].bucket: ${q.bucket} is listed twice; give each bucket one quota`);
    seen.add(q.bucket);
    if (!(q.quotaTiB > 0 && Number.isFinite(q.quotaTiB))) problems.push(`quotas[${i}].quotaTiB: must be a finite number more than 0, got ${q.quotaTiB}`);
  }
  return problems;
}

/**
 * The Job that sets the buckets' hard quotas on a MinIO tenant ({@link minioQuotaScript}),
 * with the tenant's own image (which ships `mc`), as a manifest. Its name carries the hash of
 * everything it is made of, because a Job's pod template cannot change: a change of quotas,
 * buckets or image is a new Job (Terraform replaces the old one), which runs once. No TTL:
 * Terraform owns the Job, and one deleted by a TTL would be created (and run) again by every
 * later apply. The pod meets Pod Security `restricted` (the tenant namespace enforces it),
 * mounts no service-account token (it needs no Kubernetes API) and only the `config.env` key
 * of the root-credentials Secret. It restarts on failure, 10 times at most (an assumption:
 * `mc ready` already waits out a tenant that is starting, so failures left are wrong
 * credentials or a broken tenant, which a person must look at).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function minioQuotaJob(props: MinioQuotaJobProps): KubernetesObject {
  const script = minioQuotaScript(props.rootCredentialsSecret, props.quotas);
  const spec = {
    backoffLimit: 10,
    template: {
      spec: {
        restartPolicy: 'OnFailure',
        automountServiceAccountToken: false,
        securityContext: { ...RESTRICTED_POD, runAsUser: MINIO_QUOTA_JOB_UID, runAsGroup: MINIO_QUOTA_JOB_UID },
        ...(props.pullSecretName ? { imagePullSecrets: [{ name: props.pullSecretName }] } : {}),
        containers: [
          {
            name: 'mc',
            image: props.image,
            command: ['/bin/sh', '-c', script],
            env: [
              { name: 'AIF_MINIO_URL', value: props.url },
              { name: 'AIF_MINIO_ROOT_CONFIG', value: MINIO_ROOT_CONFIG_PATH },
              // mc keeps its aliases here; the root file system is read-only.
              { name: 'MC_CONFIG_DIR', value: '/tmp/mc' },
            ],
            // mc peaks at about 32 MiB resident (measured with mc of March 2025); twice that is requested.
            resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
            securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
            volumeMounts: [
              { name: 'root-credentials', mountPath: MINIO_ROOT_CONFIG_PATH.slice(0, MINIO_ROOT_CONFIG_PATH.lastIndexOf('/')), readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'root-credentials', secret: { secretName: props.rootCredentialsSecret, items: [{ key: 'config.env', path: 'config.env' }] } },
          { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
        ],
      },
    },
  };
  return jobNamedByContent({
    name: BUCKET_QUOTA_JOB,
    namespace: props.namespace,
    labels: props.labels,
    annotation: `${LABEL_PREFIX}/bucket-quotas-sha256`,
    spec,
  });
}
