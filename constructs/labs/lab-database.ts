import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { mirrorImage, type ImageMirror } from '../charts/mirror';
import type { ClusterTarget } from '../core/cluster-target';
import { dnsLabel } from '../core/names';

/**
 * PostgreSQL image of lab databases (the official image, pinned to a minor release).
 * @see https://hub.docker.com/_/postgres
 */
export const POSTGRES_IMAGE = 'docker.io/library/postgres:17.6';
/** UID and GID of the `postgres` user in the official image. */
const POSTGRES_UID = '999';
/**
 * Port of lab databases.
 * @see https://www.postgresql.org/docs/current/runtime-config-connection.html
 */
export const POSTGRES_PORT = 5432;
/** Size of a lab database's data volume unless one is given, GiB. */
export const LAB_DATABASE_DEFAULT_GIB = 50;

/**
 * Props of {@link LabDatabase}.
 *
 * @see https://hub.docker.com/_/postgres
 */
export interface LabDatabaseProps {
  /** Cluster of the namespace. */
  readonly target: ClusterTarget;
  /** Namespace to run in (it must exist; pass it in `dependsOn`). */
  readonly namespace: string;
  /** Labels for every object. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Existing Secret in the namespace with keys `username` and `password` (URL-safe: lakeFS
   * puts it into a connection URL). The password never appears in the configuration.
   */
  readonly credentialsSecret: string;
  /** Databases to create; the first is the default database. */
  readonly databases: readonly string[];
  /** StorageClass of the data volume. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Size of the data volume, GiB. @default {@link LAB_DATABASE_DEFAULT_GIB} */
  readonly storageGiB?: number;
  /** Image mirror for sovereign installs. @default - Docker Hub */
  readonly mirror?: ImageMirror;
  /** What the database waits for (its namespace). @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A single PostgreSQL instance inside a namespace, for services that keep metadata there
 * (MLflow tracking, lakeFS). It runs as the image's `postgres` user with a read-only root
 * filesystem, no capabilities and the runtime's seccomp profile, so it fits Pod Security
 * `restricted`; credentials come from an existing Secret. The data never leaves the
 * namespace, which is what a sensitive data lab needs.
 *
 * @see https://hub.docker.com/_/postgres
 */
export class LabDatabase extends Construct {
  /** Service name; clients connect to `<host>:<port>`. */
  readonly serviceName = 'postgres';
  /** Host name inside the cluster. */
  readonly host: string;
  /** Port clients connect to. */
  readonly port = POSTGRES_PORT;
  /** Secret with `username` and `password`. */
  readonly credentialsSecret: string;
  /** Databases created, the default first. */
  readonly databases: readonly string[];
  /** The StatefulSet. */
  readonly statefulSet: StatefulSetV1;

  constructor(scope: Construct, id: string, props: LabDatabaseProps) {
    super(scope, id);
    const problems: string[] = [];
    if (props.databases.length === 0) problems.push('databases: is empty; name at least one database');
    for (const db of props.databases)
      if (!/^[a-z][a-z0-9_]{0,62}$/.test(db)) problems.push(`databases: "${db}" is not a plain PostgreSQL identifier; use lower-case letters, digits and _`);
    const size = props.storageGiB ?? LAB_DATABASE_DEFAULT_GIB;
    if (!Number.isInteger(size) || size < 1) problems.push(`storageGiB: must be a whole number >= 1, got ${size}`);
    if (problems.length > 0) throw new Error(`LabDatabase ${this.node.path}: ${problems.join('; ')}`);

    const ns = dnsLabel(props.namespace);
    this.host = `${this.serviceName}.${ns}.svc`;
    this.credentialsSecret = props.credentialsSecret;
    this.databases = props.databases;
    const labels = { ...props.labels, 'app.kubernetes.io/name': 'postgres' };
    const selector = { 'app.kubernetes.io/name': 'postgres' };
    const after = props.dependsOn ?? [];

    const init = new ConfigMapV1(this, 'Init', {
      provider: props.target.kubernetes,
      metadata: { name: 'postgres-init', namespace: ns, labels },
      // The image creates the first database itself and runs these scripts once, on an empty volume.
      data: {
        '10-databases.sql': props.databases
          .slice(1)
          .map((db) => `CREATE DATABASE ${db};`)
          .join('\n'),
      },
      dependsOn: after,
    });

    const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: props.credentialsSecret, key } } });
    const image = props.mirror ? mirrorImage(POSTGRES_IMAGE, props.mirror.imageRegistry) : POSTGRES_IMAGE;
    this.statefulSet = new StatefulSetV1(this, 'StatefulSet', {
      provider: props.target.kubernetes,
      metadata: { name: 'postgres', namespace: ns, labels },
      spec: {
        replicas: '1',
        serviceName: this.serviceName,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            imagePullSecrets: props.mirror?.pullSecretName ? [{ name: props.mirror.pullSecretName }] : undefined,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: POSTGRES_UID,
              runAsGroup: POSTGRES_UID,
              fsGroup: POSTGRES_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            container: [
              {
                name: 'postgres',
                image,
                port: [{ name: 'postgres', containerPort: POSTGRES_PORT }],
                env: [
                  secretEnv('POSTGRES_USER', 'username'),
                  secretEnv('POSTGRES_PASSWORD', 'password'),
                  { name: 'POSTGRES_DB', value: props.databases[0] },
                  // A sub-directory, so the volume's lost+found does not stop initdb.
                  { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                ],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
                readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1'] }, periodSeconds: 10 },
                volumeMount: [
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                  { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
                  // Writable paths under a read-only root: the socket directory and temp files.
                  { name: 'run', mountPath: '/var/run/postgresql' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volume: [
              { name: 'init', configMap: { name: 'postgres-init' } },
              { name: 'run', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
        volumeClaimTemplate: [
          {
            metadata: { name: 'data', labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClassName,
              resources: { requests: { storage: `${size}Gi` } },
            },
          },
        ],
      },
      dependsOn: [init, ...after],
    });

    new ServiceV1(this, 'Service', {
      provider: props.target.kubernetes,
      metadata: { name: this.serviceName, namespace: ns, labels },
      spec: { selector, port: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: 'postgres' }] },
      dependsOn: after,
    });
  }
}
