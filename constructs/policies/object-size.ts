/**
 * Sizes of what a stack stores in the Kubernetes API, against the limits etcd and the API
 * server set, for the size guard of a synth (`stacks/synth.ts`) and the benchmark.
 *
 * Limits: the API server rejects a request larger than etcd's 1.5 MiB request limit, and a
 * ConfigMap's or Secret's data larger than 1 MiB; a Helm 3 release is stored in one Secret.
 * The guard keeps each object under {@link SAFE_SHARE} of 1 MiB:
 * - what Terraform writes is not all the API server stores: it adds metadata (managedFields of
 *   server-side apply, status), and a chart renders its values into objects (the Slurm chart
 *   writes slurm.conf into a ConfigMap) whose size follows the values' size;
 * - a site that grows (a doubled pool) must not hit the limit on its next apply, where the
 *   failure shows only after part of the site is deployed;
 * - issue 17's target: no object exceeds half of its limit.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/configmap/ (1 MiB)
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#restriction-data-size
 * @see https://etcd.io/docs/v3.6/dev-guide/limit/ (request size 1.5 MiB)
 * @see https://helm.sh/docs/topics/advanced/#storage-backends (release records in Secrets)
 */
import * as zlib from 'zlib';
import { chartIdOf, type ChartId } from '../charts/registry';

/** The Kubernetes limit every object is held against: a ConfigMap's or Secret's data, 1 MiB. */
export const OBJECT_LIMIT_BYTES = 1024 * 1024;

/** The share of {@link OBJECT_LIMIT_BYTES} an object may use: half, see the file's comment. */
const SAFE_SHARE = 0.5;

/** Largest size the guard lets through, in bytes. */
export const SAFE_OBJECT_BYTES = Math.floor(OBJECT_LIMIT_BYTES * SAFE_SHARE);

/** What is measured: a Kubernetes object, the values of a Helm release, or the Secret Helm keeps the release in. */
export type SizeKind = 'object' | 'helm-values' | 'helm-release-secret';

/** One measured object. */
export interface ObjectSize {
  readonly kind: SizeKind;
  /** Terraform address, `type.name`. */
  readonly address: string;
  /** Bytes (UTF-8) of the object as JSON, of the values text, or the estimate of the release Secret's data. */
  readonly bytes: number;
  /** The pinned chart a Helm release installs; undefined for a Kubernetes object or a chart the project does not pin. */
  readonly chart?: ChartId;
}

/** Bytes of a text as UTF-8. */
const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * An estimate of the data of the Secret Helm 3 stores a release in (`sh.helm.release.v1.*`,
 * key `release`): the release record as JSON, gzipped, then base64 (4 bytes per 3). The
 * record holds the values (`config`), the rendered manifest and the chart (templates and
 * default values). Counted here: the values twice, once as given and once as rendered into
 * the manifest, each compressed on its own (gzip's 32 KiB window does not reach from one copy
 * to the other). Not counted: the chart and what templates add around the values, tens of
 * KiB compressed for the charts pinned here; so this is a lower bound, close when the values
 * dominate, as they do for a large site.
 *
 * @see https://github.com/helm/helm/blob/main/pkg/storage/driver/util.go (encodeRelease: gzip, base64)
 */
export function releaseSecretEstimate(valuesText: string): number {
  const gzipped = zlib.gzipSync(valuesText).length * 2;
  return Math.ceil(gzipped / 3) * 4;
}

/** The text of a Helm release's values documents. */
function valuesText(body: Readonly<Record<string, unknown>>): string | undefined {
  return Array.isArray(body.values) ? body.values.map(String).join('\n') : undefined;
}

/**
 * Every Kubernetes object and Helm release of a resolved stack (files inlined, as
 * `resolvedStack` returns it), measured.
 * @param secretsAbove estimate release Secrets only for values whose uncompressed copies
 *        could exceed this many bytes (the estimate gzips the values). @default 0 - every one
 */
export function objectSizes(stack: { resource?: Record<string, Record<string, Record<string, unknown>>> }, secretsAbove = 0): ObjectSize[] {
  const out: ObjectSize[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      if (type === 'kubernetes_manifest') out.push({ kind: 'object', address, bytes: utf8(JSON.stringify(body.manifest ?? body)) });
      else if (type.startsWith('kubernetes_')) out.push({ kind: 'object', address, bytes: utf8(JSON.stringify(body)) });
      else if (type === 'helm_release') {
        const text = valuesText(body) ?? '';
        const bytes = utf8(text);
        const id = chartIdOf(body.chart, body.version);
        const chart = id === undefined ? {} : { chart: id };
        out.push({ kind: 'helm-values', address, bytes, ...chart });
        // Two copies, base64: the most the estimate can be.
        if ((bytes * 2 * 4) / 3 > secretsAbove) out.push({ kind: 'helm-release-secret', address, bytes: releaseSecretEstimate(text), ...chart });
      }
    }
  }
  return out;
}

/** Measured objects over {@link SAFE_OBJECT_BYTES}, largest first. */
export function oversized(sizes: readonly ObjectSize[], limit = SAFE_OBJECT_BYTES): ObjectSize[] {
  return sizes.filter((s) => s.bytes > limit).sort((a, b) => b.bytes - a.bytes);
}

/** What a measured object is, in words. */
export function describeSize(size: ObjectSize): string {
  const kib = `${(size.bytes / 1024).toFixed(0)} KiB`;
  switch (size.kind) {
    case 'object':
      return `Kubernetes object ${size.address} is ${kib} as JSON`;
    case 'helm-values':
      return `Helm release ${size.address} has ${kib} of values (the chart renders them into objects of about that size)`;
    case 'helm-release-secret':
      return `the Secret Helm stores release ${size.address} in would hold about ${kib} (values and rendered manifest, gzip and base64; the chart not counted)`;
  }
}
