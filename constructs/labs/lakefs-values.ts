/**
 * Helm values of a data lab's lakeFS: metadata in the lab database, data in the curated
 * bucket, every credential from existing Secrets.
 *
 * @see https://docs.lakefs.io/latest/howto/deploy/onprem/
 */
import { stringify } from 'yaml';
import type { KubernetesObject } from '../charts/common-values';
import type { LakefsValues } from '../charts/values';
import type { ObjectBucket } from '../storage/storage-tier';
import type { LabDatabase } from './lab-database';
import { RESTRICTED_CONTAINER, RESTRICTED_POD } from './pod-security';

/**
 * The lakefs chart keys a lab sets: the shared values type plus keys only the lab uses (real
 * keys of the pinned chart, checked by the chart-key tests).
 *
 * @see https://github.com/treeverse/charts/blob/lakefs-1.12.16/charts/lakefs/values.yaml
 */
export type LakefsLabValues = LakefsValues & { readonly podSecurityContext?: KubernetesObject; readonly securityContext?: KubernetesObject };

/**
 * What a lab's lakeFS values are built from.
 *
 * @see https://docs.lakefs.io/latest/howto/deploy/onprem/
 */
export interface LakefsLabValuesProps {
  /** PostgreSQL of the lab, which holds the `lakefs` database; its Secret has the credentials. */
  readonly database: LabDatabase;
  /** Bucket lakeFS repositories store their data in. */
  readonly curated: ObjectBucket;
  /** Existing Secret with lakeFS's `auth_encrypt_secret_key`. */
  readonly authSecret: string;
}

/**
 * The lab's lakeFS values: PostgreSQL metadata in the `lakefs` database of the lab database
 * (the connection string is assembled in the pod from Secret-backed variables), an S3
 * blockstore on the curated bucket, and a Pod Security `restricted` pod.
 *
 * @see https://docs.lakefs.io/latest/reference/configuration/
 */
export function labLakefsValues(props: LakefsLabValuesProps): LakefsLabValues {
  const { database, curated } = props;
  const fromSecret = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
  return {
    lakefsConfig: stringify({
      database: { type: 'postgres' },
      blockstore: { type: 's3', s3: { endpoint: curated.endpoint.url, force_path_style: true, discover_bucket_region: false, region: 'us-east-1' } },
    }),
    // With an existing Secret the chart never falls back to its built-in encryption key.
    existingSecret: props.authSecret,
    extraEnvVars: [
      fromSecret('DB_USER', database.credentialsSecret, 'username'),
      fromSecret('DB_PASSWORD', database.credentialsSecret, 'password'),
      // Kubernetes expands $(VAR) from the variables above, so the URL is built in the pod.
      {
        name: 'LAKEFS_DATABASE_POSTGRES_CONNECTION_STRING',
        value: `postgres://$(DB_USER):$(DB_PASSWORD)@${database.host}:${database.port}/lakefs?sslmode=disable`,
      },
      fromSecret('LAKEFS_BLOCKSTORE_S3_CREDENTIALS_ACCESS_KEY_ID', curated.credentialsSecret, 'AWS_ACCESS_KEY_ID'),
      fromSecret('LAKEFS_BLOCKSTORE_S3_CREDENTIALS_SECRET_ACCESS_KEY', curated.credentialsSecret, 'AWS_SECRET_ACCESS_KEY'),
    ],
    // The image's user is a name, so Pod Security needs a numeric one to prove it is not root.
    podSecurityContext: { ...RESTRICTED_POD, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
    securityContext: RESTRICTED_CONTAINER,
  };
}
