/**
 * Typed values of the lakeFS chart (1.12.16, lakeFS 1.97). `image.repository` is read by the
 * templates but absent from the defaults (falls back to `treeverse/lakefs`).
 *
 * @see https://github.com/treeverse/charts/blob/lakefs-1.12.16/charts/lakefs/values.yaml
 */
import type { EnvVar, NodeSelector, Resources, Toleration } from '../common-values';

/**
 * Values of the `lakefs` chart that the project sets.
 *
 * @see https://docs.lakefs.io/latest/howto/deploy/onprem/
 */
export interface LakefsValues {
  /** @default - the chart's default */
  readonly image?: {
    /** Only read by the templates. @default - treeverse/lakefs (treeverse/lakefs-enterprise with enterprise.enabled) */
    readonly repository?: string;
    /** Wins over the community / enterprise tags. @default - image.community.tag */
    readonly tag?: string;
    /** @default - the chart's default */
    readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
    /** Pull Secret for the lakeFS images (`secretName`, with `enabled`). @default - disabled */
    readonly privateRegistry?: { readonly enabled?: boolean; readonly secretName?: string | null };
  };
  /** lakeFS `config.yaml`, as one string. @default - local database and blockstore */
  readonly lakefsConfig?: string;
  /** Secret values the chart stores; prefer `existingSecret`. @default - none */
  readonly secrets?: { readonly databaseConnectionString?: string; readonly authEncryptSecretKey?: string };
  /** Existing Secret with the database connection string and encryption key. @default - none */
  readonly existingSecret?: string | null;
  /** Keys inside `existingSecret`. @default - the chart's */
  readonly secretKeys?: { readonly databaseConnectionString?: string; readonly authEncryptSecretKey?: string };
  /** Throw-away PostgreSQL pod (`postgres:11`, never mirrored). @default false */
  readonly useDevPostgres?: boolean;
  /** @default - disabled */
  readonly ingress?: { readonly enabled?: boolean; readonly ingressClassName?: string };
  /** @default - none */
  readonly extraEnvVars?: readonly EnvVar[];
  /** @default - the chart's */
  readonly serviceAccount?: { readonly create?: boolean; readonly name?: string };
  /** S3 gateway fallback (`andrewgaul/s3proxy`, never mirrored). @default - disabled */
  readonly s3Fallback?: { readonly enabled?: boolean };
  /** Cloud SQL proxy (`eu.gcr.io`, never mirrored). @default - disabled */
  readonly gcpFallback?: { readonly enabled?: boolean };
  /** lakeFS Enterprise; switches the default image to treeverse/lakefs-enterprise. @default - disabled */
  readonly enterprise?: { readonly enabled?: boolean };
  /** Metadata search (enterprise image). @default - disabled */
  readonly mds?: { readonly enabled?: boolean; readonly image?: { readonly repository?: string; readonly tag?: string } };
  /** Replication service. @default - disabled */
  readonly replication?: { readonly enabled?: boolean; readonly image?: { readonly repository?: string; readonly tag?: string } };
  /** @default - the chart's default */
  readonly resources?: Resources;
  /** @default - the chart's default */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
}
