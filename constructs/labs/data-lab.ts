import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { NetworkPolicyV1, type NetworkPolicyV1SpecPodSelector } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ArgoWorkflowsExtraValues } from './argo-workflows-crds';
import type { JupyterhubValues, LakefsValues, MlflowValues } from '../charts/values';
import type { KubernetesObject } from '../charts/values/common';
import type { JupyterProfile } from '../charts/values/jupyterhub';
import type { ClusterTarget } from '../core/cluster-target';
import type { GpuNodePool } from '../gpu/gpu-node-pool';
import { IsolatedNamespace, PRIVATE_RANGES } from '../tenancy/isolated-namespace';
import { LabDatabase } from './lab-database';
import { DATA_LAB_LABEL, LABEL_PREFIX, siteLabels } from '../core/labels';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import type { ObjectBucket, StorageTier } from '../storage/storage-tier';
import { SENSITIVE_SECTORS, type Tenant, type TenantGroups } from '../tenancy/tenant';

/**
 * Ports the lab's services listen on, which its tenants may reach: the JupyterHub proxy and
 * lakeFS (8000), MLflow (5000) and the Argo Workflows server (2746).
 * @see https://z2jh.jupyter.org/en/stable/administrator/security.html#kubernetes-network-policies
 */
export const DATA_LAB_PORTS: readonly number[] = [2746, 5000, 8000];

/**
 * Label that says whether a lab namespace holds sensitive data (no internet egress).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
 */
export const SENSITIVE_LABEL = `${LABEL_PREFIX}/sensitive`;

/**
 * The site's OpenID Connect provider, as the lab's JupyterHub uses it.
 *
 * @see https://oauthenticator.readthedocs.io/en/latest/reference/api/gen/oauthenticator.generic.html
 */
export interface DataLabOidc {
  /** Issuer URL, e.g. `https://login.example.eu/realms/ai-factory`. */
  readonly issuerUrl: string;
  /** Authorization endpoint. @default `<issuer>/protocol/openid-connect/auth` (Keycloak) */
  readonly authorizeUrl?: string;
  /** Token endpoint. @default `<issuer>/protocol/openid-connect/token` (Keycloak) */
  readonly tokenUrl?: string;
  /** Userinfo endpoint. @default `<issuer>/protocol/openid-connect/userinfo` (Keycloak) */
  readonly userinfoUrl?: string;
  /** OIDC client id of JupyterHub. */
  readonly clientId: string;
  /** Existing Secret in the lab namespace, and the key in it, that hold the client secret. */
  readonly clientSecret: { readonly name: string; readonly key: string };
  /** Claim that names a user. @default 'preferred_username' */
  readonly usernameClaim?: string;
  /** Claim that lists a user's groups. @default 'groups' */
  readonly groupsClaim?: string;
  /** Public address ranges of the issuer, which the hub reaches on TCP 443. @default - none: the issuer is on a private range */
  readonly issuerCidrs?: readonly string[];
}

/**
 * Props of {@link DataLab}.
 *
 * @see https://z2jh.jupyter.org/en/stable/
 */
export interface DataLabProps {
  /** Cluster of the lab (the cluster of its pools). */
  readonly target: ClusterTarget;
  /** Site id, for labels. */
  readonly siteId: string;
  /** Lab name; the namespace is `lab-<name>`. */
  readonly labName: string;
  /** Tenants that own the lab, in the lab's cluster: only their namespaces may reach it. */
  readonly tenants: readonly Tenant[];
  /** OIDC groups of the owning tenants, bound to admin, edit and view in the lab namespace and allowed into JupyterHub (admins and members). */
  readonly groups: TenantGroups;
  /** Prefix the API server adds to OIDC group claims. @default 'oidc:' */
  readonly groupPrefix?: string;
  /** Sector, e.g. `healthcare`. @default - none */
  readonly sector?: string;
  /**
   * Sensitive data: no internet egress at all, and every NetworkPolicy the charts would add
   * is disabled and closed, so the data stays in the lab namespace and its buckets.
   * @default - true for sensitive sectors (healthcare), false otherwise
   */
  readonly sensitive?: boolean;
  /** GPU pools the notebooks may use; one JupyterHub profile each. */
  readonly pools: readonly GpuNodePool[];
  /** GPU units per notebook. @default 1 */
  readonly gpusPerNotebook?: number;
  /** GPU units the lab may hold at once in each pool (its ResourceQuota). @default 8 */
  readonly gpusPerPool?: number;
  /** Object tier for the landing, curated and artifact buckets. */
  readonly objectTier: StorageTier;
  /** Tier for notebook home volumes, the hub database and the lab database. @default - the cluster's default StorageClass */
  readonly volumeTier?: StorageTier;
  /** Storage the lab may claim, TiB. @default 1 */
  readonly volumeQuotaTiB?: number;
  /** Identity provider for JupyterHub. */
  readonly oidc: DataLabOidc;
  /** Notebook image for every profile. @default - the chart's sample notebook image */
  readonly notebookImage?: { readonly name: string; readonly tag: string };
  /** Size of each user's notebook home volume, GiB. @default 10 */
  readonly notebookVolumeGiB?: number;
  /** Existing Secret in the lab namespace with `username` and `password` of the lab database. @default 'lab-database' */
  readonly databaseSecret?: string;
  /** Existing Secret in the lab namespace with lakeFS's `auth_encrypt_secret_key`. @default 'lakefs-auth' */
  readonly lakefsSecret?: string;
  /**
   * Address ranges of the Kubernetes API server endpoints, which JupyterHub (to start
   * notebooks) and Argo Workflows (controller, server, executors) reach on TCP 443 and 6443.
   * @default PRIVATE_RANGES - narrow it to the API servers' addresses where they are known
   */
  readonly apiServerCidrs?: readonly string[];
  /** Namespaces allowed to reach the lab, e.g. monitoring. @default - none */
  readonly trustedSources?: readonly string[];
  /** Registry mirror for charts and images. @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /** What the lab's releases wait for. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/** Chart keys the lab sets beyond the shared jupyterhub values type (real keys, checked by the chart-key tests). */
type ChpNetworkPolicy = { readonly enabled?: boolean; readonly egressAllowRules?: KubernetesObject };
type JupyterhubLabValues = JupyterhubValues & {
  readonly hub?: { readonly extraEnv?: KubernetesObject; readonly networkPolicy?: ChpNetworkPolicy };
  readonly proxy?: { readonly chp?: { readonly networkPolicy?: ChpNetworkPolicy }; readonly traefik?: { readonly networkPolicy?: ChpNetworkPolicy } };
  readonly singleuser?: { readonly cloudMetadata?: { readonly blockWithIptables?: boolean } };
};
/** Chart keys the lab sets beyond the shared mlflow values type. */
type MlflowLabValues = MlflowValues & { readonly podSecurityContext?: KubernetesObject };
/** Chart keys the lab sets beyond the shared lakefs values type. */
type LakefsLabValues = LakefsValues & { readonly podSecurityContext?: KubernetesObject; readonly securityContext?: KubernetesObject };

/** Pod Security `restricted` at pod level: non-root and the runtime's seccomp profile. */
const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
/** Pod Security `restricted` at container level. */
const RESTRICTED_CONTAINER = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

/**
 * A data lab: a curated-data workbench in its own namespace `lab-<name>`, owned by tenants.
 *
 * - The namespace is an {@link IsolatedNamespace} labelled with the lab name: Pod Security
 *   `restricted`, default-deny NetworkPolicies, a ResourceQuota (GPUs per pool, CPU, memory,
 *   storage on the volume tier) and a LimitRange.
 * - Only the owning tenants' namespaces (and `trustedSources`) may reach it, on the lab's
 *   service ports; each tenant gets the matching egress policy. The lab reaches its object
 *   store, DNS, and the API server (hub and Argo only).
 * - A sensitive lab has no internet egress, and the charts' own NetworkPolicies (JupyterHub
 *   allows internet egress by default) are disabled with every egress rule closed, since
 *   NetworkPolicies add up.
 * - Buckets `landing` (raw ingest), `curated` (lakeFS repositories) and `artifacts` (MLflow
 *   and Argo) on the object tier.
 * - JupyterHub with one profile per GPU pool (node selector, tolerations and extended
 *   resource from the pool), signing users in through OIDC; the client secret comes from an
 *   existing Secret.
 * - MLflow tracking and lakeFS on a PostgreSQL inside the namespace ({@link LabDatabase}),
 *   Argo Workflows (namespaced, CRDs from the platform layer) for curation pipelines.
 *
 * No credential is written to the configuration: the Secrets listed in
 * {@link requiredSecrets} are created at the site (or by ObjectBucketClaims) before apply.
 *
 * @see https://z2jh.jupyter.org/en/stable/
 * @see https://mlflow.org/docs/latest/self-hosting/
 * @see https://docs.lakefs.io/latest/howto/deploy/onprem/
 * @see https://argo-workflows.readthedocs.io/en/latest/managed-namespace/
 */
export class DataLab extends Construct {
  /** Lab name from the site file. */
  readonly labName: string;
  /** The lab's namespace. */
  readonly namespace: IsolatedNamespace;
  /** Whether the lab is sensitive (no internet egress). */
  readonly sensitive: boolean;
  /** Buckets of the lab. */
  readonly buckets: { readonly landing: ObjectBucket; readonly curated: ObjectBucket; readonly artifacts: ObjectBucket };
  /** The notebook profiles, one per pool. */
  readonly profiles: readonly JupyterProfile[];
  /** JupyterHub, one notebook profile per pool. */
  readonly jupyterhub: PinnedChart<'jupyterhub'>;
  /** MLflow tracking server. */
  readonly mlflow: PinnedChart<'mlflow'>;
  /** lakeFS, for versioned datasets in the curated bucket. */
  readonly lakefs: PinnedChart<'lakefs'>;
  /** Argo Workflows, namespaced, for curation pipelines. */
  readonly argoWorkflows: PinnedChart<'argo-workflows'>;
  /** PostgreSQL of MLflow and lakeFS. */
  readonly database: LabDatabase;
  /** Existing Secrets the site must create in the lab namespace before apply. */
  readonly requiredSecrets: readonly string[];
  private readonly target: ClusterTarget;

  constructor(scope: Construct, id: string, props: DataLabProps) {
    super(scope, id);
    const problems = validate(props);
    if (problems.length > 0) throw new Error(`DataLab ${props.labName} (${this.node.path}):\n  ${problems.join('\n  ')}`);

    this.labName = props.labName;
    this.target = props.target;
    this.sensitive = props.sensitive ?? SENSITIVE_SECTORS.includes(props.sector ?? '');
    const gpusPerNotebook = props.gpusPerNotebook ?? 1;
    const gpusPerPool = props.gpusPerPool ?? 8;
    const labels = siteLabels(props.siteId, {
      [DATA_LAB_LABEL]: props.labName,
      [SENSITIVE_LABEL]: String(this.sensitive),
      ...(props.sector ? { [`${LABEL_PREFIX}/sector`]: props.sector } : {}),
    });
    this.namespace = new IsolatedNamespace(this, 'Namespace', {
      target: props.target,
      name: `lab-${props.labName}`,
      isolationGroup: `lab-${props.labName}`,
      labels,
      internetEgress: !this.sensitive,
    });
    const ns = this.namespace.name;
    const k8s = props.target.kubernetes;

    const quota = new ResourceQuotaV1(this, 'Quota', {
      provider: k8s,
      metadata: { name: 'lab-quota', namespace: ns, labels },
      spec: { hard: quotaHard(props.pools, gpusPerPool, props.volumeTier?.storageClassName, props.volumeQuotaTiB ?? 1) },
      dependsOn: [this.namespace.namespace],
    });
    // Every pod counts against the CPU and memory quota, so containers without resources get defaults.
    const limits = new LimitRangeV1(this, 'Limits', {
      provider: k8s,
      metadata: { name: 'lab-defaults', namespace: ns, labels },
      spec: { limit: [{ type: 'Container', defaultRequest: { cpu: '250m', memory: '512Mi' }, default: { cpu: '2', memory: '4Gi' } }] },
      dependsOn: [this.namespace.namespace],
    });
    const bindings: [string, string, readonly string[]][] = [
      ['Admins', 'admin', props.groups.admins],
      ['Members', 'edit', props.groups.members],
      ['Viewers', 'view', props.groups.viewers],
    ];
    const prefix = props.groupPrefix ?? 'oidc:';
    for (const [bindingId, role, groups] of bindings) {
      if (groups.length === 0) continue;
      new RoleBindingV1(this, bindingId, {
        provider: k8s,
        metadata: { name: `lab-${role}`, namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subject: groups.map((g) => ({ kind: 'Group', name: `${prefix}${g}`, apiGroup: 'rbac.authorization.k8s.io' })),
        dependsOn: [this.namespace.namespace],
      });
    }

    // Who may reach the lab: its tenants, on the service ports, and the trusted sources.
    for (const tenant of props.tenants) this.allowTenant(tenant);
    for (const source of props.trustedSources ?? []) this.namespace.allowIngressFrom(`From-${source}`, source);
    this.controlPlaneEgress(props);

    this.buckets = {
      landing: props.objectTier.grantBucket(this.namespace, 'landing'),
      curated: props.objectTier.grantBucket(this.namespace, 'curated'),
      artifacts: props.objectTier.grantBucket(this.namespace, 'artifacts'),
    };

    const volumeClass = props.volumeTier?.storageClassName;
    const databaseSecret = props.databaseSecret ?? 'lab-database';
    const lakefsSecret = props.lakefsSecret ?? 'lakefs-auth';
    const ready = [this.namespace.namespace, quota, limits, ...(props.dependsOn ?? [])];
    this.database = new LabDatabase(this, 'Database', {
      target: props.target,
      namespace: ns,
      labels,
      credentialsSecret: databaseSecret,
      databases: ['mlflow', 'lakefs'],
      storageClassName: volumeClass,
      mirror: props.mirror,
      dependsOn: ready,
    });

    this.profiles = props.pools.map((pool, i) => notebookProfile(pool, gpusPerNotebook, i === 0));
    this.jupyterhub = new PinnedChart(this, 'JupyterHub', {
      target: props.target,
      chart: 'jupyterhub',
      namespace: ns,
      createNamespace: false,
      mirror: props.mirror,
      dependsOn: ready,
      values: this.jupyterhubValues(props, volumeClass),
    });

    const artifacts = this.buckets.artifacts;
    const mlflowValues: MlflowLabValues = {
      backendStore: {
        // MLflow creates its schema on first start. The migration init container stays off: its
        // security context is not set for Pod Security restricted; after an MLflow upgrade run
        // `mlflow db upgrade` once.
        databaseMigration: false,
        postgres: { enabled: true, host: this.database.host, port: this.database.port, database: 'mlflow' },
        existingDatabaseSecret: { name: databaseSecret },
      },
      artifactRoot: {
        // Clients log artifacts through the tracking server and never hold bucket credentials.
        proxiedArtifactStorage: true,
        // The Secret of the artifacts bucket has the chart's default key names.
        s3: { enabled: true, bucket: artifacts.bucketName, path: 'mlflow', existingSecret: { name: artifacts.credentialsSecret } },
      },
      extraEnvVars: { MLFLOW_S3_ENDPOINT_URL: artifacts.endpoint.url },
      podSecurityContext: RESTRICTED_POD,
    };
    this.mlflow = new PinnedChart(this, 'Mlflow', {
      target: props.target,
      chart: 'mlflow',
      namespace: ns,
      createNamespace: false,
      mirror: props.mirror,
      dependsOn: [...ready, this.database.statefulSet],
      values: mlflowValues,
    });

    const curated = this.buckets.curated;
    const fromSecret = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
    const lakefsValues: LakefsLabValues = {
      lakefsConfig: stringify({
        database: { type: 'postgres' },
        blockstore: { type: 's3', s3: { endpoint: curated.endpoint.url, force_path_style: true, discover_bucket_region: false, region: 'us-east-1' } },
      }),
      // With an existing Secret the chart never falls back to its built-in encryption key.
      existingSecret: lakefsSecret,
      extraEnvVars: [
        fromSecret('DB_USER', databaseSecret, 'username'),
        fromSecret('DB_PASSWORD', databaseSecret, 'password'),
        // Kubernetes expands $(VAR) from the variables above, so the URL is built in the pod.
        { name: 'LAKEFS_DATABASE_POSTGRES_CONNECTION_STRING', value: `postgres://$(DB_USER):$(DB_PASSWORD)@${this.database.host}:${this.database.port}/lakefs?sslmode=disable` },
        fromSecret('LAKEFS_BLOCKSTORE_S3_CREDENTIALS_ACCESS_KEY_ID', curated.credentialsSecret, 'AWS_ACCESS_KEY_ID'),
        fromSecret('LAKEFS_BLOCKSTORE_S3_CREDENTIALS_SECRET_ACCESS_KEY', curated.credentialsSecret, 'AWS_SECRET_ACCESS_KEY'),
      ],
      // The image's user is a name, so Pod Security needs a numeric one to prove it is not root.
      podSecurityContext: { ...RESTRICTED_POD, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
      securityContext: RESTRICTED_CONTAINER,
    };
    this.lakefs = new PinnedChart(this, 'LakeFs', {
      target: props.target,
      chart: 'lakefs',
      namespace: ns,
      createNamespace: false,
      mirror: props.mirror,
      dependsOn: [...ready, this.database.statefulSet],
      values: lakefsValues,
    });

    const argoEndpoint = artifacts.endpoint.url.replace(/^https?:\/\//, '');
    const argoValues: ArgoWorkflowsExtraValues = {
      // The platform layer owns the CRDs and the aggregated roles (ArgoWorkflowsCrds).
      crds: { install: false },
      createAggregateRoles: false,
      singleNamespace: true,
      controller: {
        podSecurityContext: RESTRICTED_POD,
        clusterWorkflowTemplates: { enabled: false },
        // Workflow pods run in a restricted namespace: non-root with seccomp by default.
        workflowDefaults: { spec: { serviceAccountName: 'argo-workflow', securityContext: RESTRICTED_POD } },
      },
      executor: { securityContext: RESTRICTED_CONTAINER },
      server: {
        enabled: true,
        // Users call the server with their own Kubernetes (OIDC) token, so RBAC applies.
        authModes: ['client'],
        podSecurityContext: RESTRICTED_POD,
        clusterWorkflowTemplates: { enabled: false },
      },
      workflow: { serviceAccount: { create: true, name: 'argo-workflow' }, rbac: { create: true } },
      artifactRepository: {
        archiveLogs: true,
        s3: {
          bucket: artifacts.bucketName,
          endpoint: argoEndpoint,
          insecure: artifacts.endpoint.url.startsWith('http://'),
          accessKeySecret: { name: artifacts.credentialsSecret, key: 'AWS_ACCESS_KEY_ID' },
          secretKeySecret: { name: artifacts.credentialsSecret, key: 'AWS_SECRET_ACCESS_KEY' },
        },
      },
    };
    this.argoWorkflows = new PinnedChart(this, 'ArgoWorkflows', {
      target: props.target,
      chart: 'argo-workflows',
      // Short, so the chart's `<release>-argo-workflows-<component>` names stay distinct within 63 characters.
      releaseName: `argo-${props.labName}`,
      namespace: ns,
      createNamespace: false,
      mirror: props.mirror,
      dependsOn: ready,
      values: argoValues,
    });

    const bucketSecrets = Object.values(this.buckets).filter((b) => b.claim === undefined).map((b) => b.credentialsSecret);
    this.requiredSecrets = [...new Set([props.oidc.clientSecret.name, databaseSecret, lakefsSecret, ...bucketSecrets])];
  }

  /** The lab's namespace name. */
  get namespaceName(): string {
    return this.namespace.name;
  }

  /** lakeFS storage namespace prefix for new repositories: the curated bucket. */
  get lakefsStorageNamespace(): string {
    return `s3://${this.buckets.curated.bucketName}`;
  }

  /**
   * Lets a tenant reach the lab's services: ingress into the lab from `tenant-<name>` and the
   * matching egress policy in the tenant's namespace. Calling it twice for a tenant is a no-op.
   */
  allowTenant(tenant: Tenant): void {
    const from = `FromTenant-${tenant.tenantName}`;
    if (this.namespace.node.tryFindChild(from)) return;
    this.namespace.allowIngressFrom(from, tenant.namespaceName, DATA_LAB_PORTS);
    tenant.namespace.allowEgressTo(`ToLab-${this.labName}`, this.namespace.name, DATA_LAB_PORTS);
  }

  private jupyterhubValues(props: DataLabProps, volumeClass: string | undefined): JupyterhubLabValues {
    const oidc = props.oidc;
    const issuer = oidc.issuerUrl.replace(/\/+$/, '');
    // Chart policies are off: the lab's own policies decide. Their rules are closed as well,
    // so turning a chart policy back on cannot open internet egress in a sensitive lab.
    const chartPolicy: ChpNetworkPolicy = {
      enabled: false,
      egressAllowRules: {
        cloudMetadataServer: false,
        dnsPortsCloudMetadataServer: false,
        dnsPortsKubeSystemNamespace: true,
        dnsPortsPrivateIPs: false,
        nonPrivateIPs: !this.sensitive,
        privateIPs: false,
      },
    };
    return {
      hub: {
        config: {
          JupyterHub: { authenticator_class: 'generic-oauth' },
          GenericOAuthenticator: {
            client_id: oidc.clientId,
            authorize_url: oidc.authorizeUrl ?? `${issuer}/protocol/openid-connect/auth`,
            token_url: oidc.tokenUrl ?? `${issuer}/protocol/openid-connect/token`,
            userdata_url: oidc.userinfoUrl ?? `${issuer}/protocol/openid-connect/userinfo`,
            scope: ['openid', 'profile', 'email'],
            username_claim: oidc.usernameClaim ?? 'preferred_username',
            claim_groups_key: oidc.groupsClaim ?? 'groups',
            // Members and admins of the owning tenants; viewers get read access through RBAC only.
            allowed_groups: [...new Set([...props.groups.admins, ...props.groups.members])],
          },
          KubeSpawner: {
            pod_security_context: RESTRICTED_POD,
            container_security_context: RESTRICTED_CONTAINER,
            automount_service_account_token: false,
          },
        },
        db: { type: 'sqlite-pvc', pvc: { storageClassName: volumeClass, storage: '1Gi' } },
        // OAuthenticator reads the client secret from this variable.
        extraEnv: { OAUTH_CLIENT_SECRET: { valueFrom: { secretKeyRef: { name: oidc.clientSecret.name, key: oidc.clientSecret.key } } } },
        networkPolicy: chartPolicy,
      },
      proxy: { service: { type: 'ClusterIP' }, chp: { networkPolicy: chartPolicy }, traefik: { networkPolicy: chartPolicy } },
      singleuser: {
        image: props.notebookImage ? { name: props.notebookImage.name, tag: props.notebookImage.tag } : undefined,
        profileList: this.profiles,
        storage: { type: 'dynamic', capacity: `${props.notebookVolumeGiB ?? 10}Gi`, dynamic: { storageClass: volumeClass } },
        // The iptables init container needs NET_ADMIN, which Pod Security restricted forbids;
        // the lab's NetworkPolicies never allow the metadata address anyway.
        cloudMetadata: { blockWithIptables: false },
        networkPolicy: chartPolicy,
      },
      // Both need cluster-wide permissions or privileged pods a tenant-facing namespace should not hold.
      scheduling: { userScheduler: { enabled: false }, userPlaceholder: { enabled: false }, podPriority: { enabled: false } },
      prePuller: { hook: { enabled: false }, continuous: { enabled: false } },
      cull: { enabled: true, timeout: 3600 },
    };
  }

  /** Egress to the API server for the pods that need it, and to the issuer for the hub. */
  private controlPlaneEgress(props: DataLabProps): void {
    const apiServer = props.apiServerCidrs ?? PRIVATE_RANGES;
    const api = apiServer.map((cidr) => ({ ipBlock: { cidr } }));
    const apiPorts = [
      { port: '443', protocol: 'TCP' },
      { port: '6443', protocol: 'TCP' },
    ];
    const issuer = (props.oidc.issuerCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } }));
    const policy = (id: string, name: string, podSelector: NetworkPolicyV1SpecPodSelector, extra: boolean) =>
      new NetworkPolicyV1(this, id, {
        provider: this.target.kubernetes,
        metadata: { name, namespace: this.namespace.name },
        dependsOn: [this.namespace.namespace],
        spec: {
          podSelector,
          policyTypes: ['Egress'],
          egress: [{ to: api, ports: apiPorts }, ...(extra && issuer.length > 0 ? [{ to: issuer, ports: [{ port: '443', protocol: 'TCP' }] }] : [])],
        },
      });
    policy('HubToControlPlane', 'allow-hub-control-plane', { matchLabels: { component: 'hub' } }, true);
    policy('ArgoToApiServer', 'allow-argo-api-server', { matchLabels: { 'app.kubernetes.io/part-of': 'argo-workflows' } }, false);
    policy('WorkflowsToApiServer', 'allow-workflows-api-server', { matchExpressions: [{ key: 'workflows.argoproj.io/workflow', operator: 'Exists' }] }, false);
  }
}

/** The ResourceQuota of a lab: GPUs per extended resource, the CPU and memory that come with them, and storage. */
function quotaHard(pools: readonly GpuNodePool[], gpusPerPool: number, volumeClass: string | undefined, volumeQuotaTiB: number): Record<string, string> {
  const byResource = new Map<string, number>();
  let cpu = 0;
  let memoryGiB = 0;
  for (const pool of pools) {
    byResource.set(pool.resourceName, (byResource.get(pool.resourceName) ?? 0) + gpusPerPool);
    cpu += gpusPerPool * pool.cpusPerUnit;
    memoryGiB += gpusPerPool * pool.memoryGiBPerUnit;
  }
  const storageGiB = Math.round(volumeQuotaTiB * 1024);
  return {
    ...Object.fromEntries([...byResource].map(([resource, n]) => [`requests.${resource}`, String(n)])),
    // Room for the lab's services (hub, proxy, database, MLflow, lakeFS, Argo) besides notebooks.
    'requests.cpu': String(Math.ceil(cpu) + 16),
    'requests.memory': `${Math.ceil(memoryGiB) + 64}Gi`,
    'limits.memory': `${Math.ceil(memoryGiB) + 64}Gi`,
    pods: '200',
    services: '20',
    'services.loadbalancers': '0',
    'services.nodeports': '0',
    persistentvolumeclaims: '100',
    configmaps: '100',
    secrets: '100',
    'count/jobs.batch': '500',
    ...(volumeClass ? { [`${volumeClass}.storageclass.storage.k8s.io/requests.storage`]: `${storageGiB}Gi` } : {}),
    'requests.storage': `${storageGiB}Gi`,
  };
}

/** A notebook profile for one pool: its node selector, tolerations and extended resource. */
function notebookProfile(pool: GpuNodePool, gpus: number, isDefault: boolean): JupyterProfile {
  const cpus = Math.max(1, Math.floor(pool.cpusPerUnit * gpus));
  const memoryGiB = Math.max(4, Math.floor(pool.memoryGiBPerUnit * gpus));
  return {
    display_name: `${pool.poolName}: ${gpus} x ${pool.model.name}${pool.sharing.mode === 'exclusive' ? '' : ` (${pool.resourceName})`}`,
    slug: pool.poolName,
    description: `${gpus} ${pool.resourceName}, ${cpus} CPU cores and ${memoryGiB} GiB memory on pool ${pool.poolName}`,
    default: isDefault,
    kubespawner_override: {
      node_selector: { ...pool.nodeSelector },
      tolerations: pool.tolerations.map((t) => ({ key: t.key, operator: t.operator, effect: t.effect, ...(t.value !== undefined ? { value: t.value } : {}) })),
      extra_resource_limits: { [pool.resourceName]: String(gpus) },
      extra_resource_guarantees: { [pool.resourceName]: String(gpus) },
      cpu_limit: cpus,
      cpu_guarantee: Math.min(2, cpus),
      mem_limit: `${memoryGiB}G`,
      mem_guarantee: '4G',
    },
  };
}

function validate(props: DataLabProps): string[] {
  const problems: string[] = [];
  const gpusPerNotebook = props.gpusPerNotebook ?? 1;
  const gpusPerPool = props.gpusPerPool ?? 8;
  if (!/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/.test(props.labName)) {
    problems.push(`labName: must be lower-case letters, digits and "-", starting with a letter, at most 32 characters, got "${props.labName}"`);
  }
  if (props.tenants.length === 0) problems.push('tenants: is empty, so nobody could reach the lab; pass the owning tenants');
  if (props.pools.length === 0) problems.push('pools: is empty, so JupyterHub would offer no notebook profile; pass at least one GPU pool');
  for (const pool of props.pools) {
    if (pool.target.name !== props.target.name) problems.push(`pools: pool ${pool.poolName} is in cluster ${pool.target.name}, but the lab is in cluster ${props.target.name}; use pools of the lab's cluster`);
    if (gpusPerPool > pool.schedulableUnits) problems.push(`gpusPerPool: ${gpusPerPool} exceeds the ${pool.schedulableUnits} units of pool ${pool.poolName}; lower it`);
  }
  if (!Number.isInteger(gpusPerNotebook) || gpusPerNotebook < 1) problems.push(`gpusPerNotebook: must be a whole number >= 1, got ${gpusPerNotebook}`);
  if (!Number.isInteger(gpusPerPool) || gpusPerPool < gpusPerNotebook) problems.push(`gpusPerPool: must be a whole number >= gpusPerNotebook (${gpusPerNotebook}), got ${gpusPerPool}`);
  if (props.objectTier.kind !== 'object') problems.push(`objectTier: tier ${props.objectTier.tierName} has role ${props.objectTier.role}; pass an object tier`);
  if (props.objectTier.target.name !== props.target.name) problems.push(`objectTier: tier ${props.objectTier.tierName} serves cluster ${props.objectTier.target.name}, but the lab is in cluster ${props.target.name}; buckets are claimed inside one cluster`);
  if (props.volumeTier && props.volumeTier.kind === 'object') problems.push(`volumeTier: tier ${props.volumeTier.tierName} serves buckets; pass a file or block tier`);
  if (props.volumeTier && props.volumeTier.target.name !== props.target.name) problems.push(`volumeTier: tier ${props.volumeTier.tierName} serves cluster ${props.volumeTier.target.name}, but the lab is in cluster ${props.target.name}`);
  if (!(props.volumeQuotaTiB === undefined || props.volumeQuotaTiB > 0)) problems.push(`volumeQuotaTiB: must be positive, got ${props.volumeQuotaTiB}`);
  if (!/^https:\/\/\S+$/.test(props.oidc.issuerUrl)) problems.push(`oidc.issuerUrl: must be an https:// URL, got "${props.oidc.issuerUrl}"`);
  if (props.groups.admins.length + props.groups.members.length === 0) problems.push('groups: has no admins or members, so nobody could sign in to JupyterHub; pass the tenants\' OIDC groups');
  return problems;
}
