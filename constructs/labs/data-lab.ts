/**
 * The data lab construct: a tenant-owned workbench namespace with JupyterHub, MLflow, lakeFS
 * and Argo Workflows. Each chart's values come from a builder beside this file
 * (`<chart>-values.ts`); quota and access objects from `lab-quota.ts` and `lab-access.ts`.
 *
 * @see https://z2jh.jupyter.org/en/stable/
 */
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { JupyterProfile } from '../charts/jupyterhub/values';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import type { ClusterTarget } from '../core/cluster-target';
import { DATA_LAB_LABEL, LABEL_PREFIX, siteLabels } from '../core/labels';
import { isSiteName } from '../core/names';
import { MAX_STORAGE_CLASS_QUOTA_TIB } from '../core/quantities';
import type { GpuNodePool } from '../gpu/gpu-node-pool';
import type { ObjectBucket, StorageTier } from '../storage/storage-tier';
import { IsolatedNamespace, LINK_LOCAL_RANGE, PRIVATE_RANGES } from '../tenancy/isolated-namespace';
import { SENSITIVE_SECTORS, type Tenant, type TenantGroups } from '../tenancy/tenant';
import { labArgoWorkflowsValues } from './argo-workflows-values';
import { labJupyterhubValues, notebookProfile, type DataLabOidc } from './jupyterhub-values';
import { LabDatabase } from './lab-database';
import { allowControlPlaneEgress, bindLabGroups, type ApiServerEndpoints } from './lab-access';
import { addLabQuota, labOwnClaimsProblem } from './lab-quota';
import { labLakefsValues } from './lakefs-values';
import { labMlflowValues } from './mlflow-values';

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

/** The site's OpenID Connect provider, as the lab's JupyterHub uses it (see jupyterhub-values.ts). */
export type { DataLabOidc } from './jupyterhub-values';

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
   * The Kubernetes API server's endpoints, which the JupyterHub hub (to start notebooks), the
   * Argo Workflows controller and server, and (with {@link workflowApiAccess}) workflow pods
   * reach. A sensitive lab must have them: its policies allow no wider range.
   * @default - the private ranges without link-local, on TCP 443 and 6443 (non-sensitive labs only)
   */
  readonly apiServer?: ApiServerEndpoints;
  /**
   * Whether workflow pods may reach the API server (at {@link apiServer}): Argo's `wait`
   * container records each step's result there (WorkflowTaskResults), with the workflow
   * ServiceAccount's narrow rights, but it shares the pod's network with user code.
   * @default - true, false for a sensitive lab
   */
  readonly workflowApiAccess?: boolean;
  /** Namespaces allowed to reach the lab, e.g. monitoring. @default - none */
  readonly trustedSources?: readonly string[];
  /** Registry mirror for charts and images. @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /** What the lab's releases wait for. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

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
  /** Whether workflow pods may reach the API server. */
  readonly workflowApiAccess: boolean;
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

  constructor(scope: Construct, id: string, props: DataLabProps) {
    super(scope, id);
    const problems = validate(props);
    if (problems.length > 0) throw new Error(`DataLab ${props.labName} (${this.node.path}):\n  ${problems.join('\n  ')}`);

    this.labName = props.labName;
    this.sensitive = props.sensitive ?? SENSITIVE_SECTORS.includes(props.sector ?? '');
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
    const namespace = this.namespace;
    const volumeClass = props.volumeTier?.storageClassName;
    const { quota, limits } = addLabQuota(this, {
      target: props.target,
      namespace,
      labels,
      pools: props.pools,
      gpusPerPool: props.gpusPerPool ?? 8,
      storageClassName: volumeClass,
      volumeQuotaTiB: props.volumeQuotaTiB ?? 1,
    });
    bindLabGroups(this, { target: props.target, namespace, labels, groups: props.groups, groupPrefix: props.groupPrefix ?? 'oidc:' });

    // Who may reach the lab: its tenants, on the service ports, and the trusted sources.
    for (const tenant of props.tenants) this.allowTenant(tenant);
    for (const source of props.trustedSources ?? []) namespace.allowIngressFrom(`From-${source}`, source);
    this.workflowApiAccess = props.workflowApiAccess ?? !this.sensitive;
    allowControlPlaneEgress(this, {
      target: props.target,
      namespace,
      apiServer: props.apiServer ?? { cidrs: PRIVATE_RANGES.filter((r) => r !== LINK_LOCAL_RANGE), ports: [443, 6443] },
      issuerCidrs: props.oidc.issuerCidrs ?? [],
      workflowApiAccess: this.workflowApiAccess,
    });

    this.buckets = {
      landing: props.objectTier.grantBucket(namespace, 'landing'),
      curated: props.objectTier.grantBucket(namespace, 'curated'),
      artifacts: props.objectTier.grantBucket(namespace, 'artifacts'),
    };

    const ready = [namespace.namespace, quota, limits, ...(props.dependsOn ?? [])];
    this.database = new LabDatabase(this, 'Database', {
      target: props.target,
      namespace: namespace.name,
      labels,
      credentialsSecret: props.databaseSecret ?? 'lab-database',
      databases: ['mlflow', 'lakefs'],
      storageClassName: volumeClass,
      mirror: props.mirror,
      dependsOn: ready,
    });
    // Every release goes into the lab namespace, which the lab owns.
    const release = { target: props.target, namespace: namespace.name, createNamespace: false, mirror: props.mirror };

    this.profiles = props.pools.map((pool, i) => notebookProfile(pool, props.gpusPerNotebook ?? 1, i === 0));
    this.jupyterhub = new PinnedChart(this, 'JupyterHub', {
      ...release,
      chart: 'jupyterhub',
      dependsOn: ready,
      values: labJupyterhubValues({
        oidc: props.oidc,
        groups: props.groups,
        sensitive: this.sensitive,
        profiles: this.profiles,
        notebookImage: props.notebookImage,
        notebookVolumeGiB: props.notebookVolumeGiB,
        storageClassName: volumeClass,
      }),
    });
    this.mlflow = new PinnedChart(this, 'Mlflow', {
      ...release,
      chart: 'mlflow',
      dependsOn: [...ready, this.database.statefulSet],
      values: labMlflowValues({ database: this.database, artifacts: this.buckets.artifacts }),
    });
    const lakefsSecret = props.lakefsSecret ?? 'lakefs-auth';
    this.lakefs = new PinnedChart(this, 'LakeFs', {
      ...release,
      chart: 'lakefs',
      dependsOn: [...ready, this.database.statefulSet],
      values: labLakefsValues({ database: this.database, curated: this.buckets.curated, authSecret: lakefsSecret }),
    });
    this.argoWorkflows = new PinnedChart(this, 'ArgoWorkflows', {
      ...release,
      chart: 'argo-workflows',
      // Short, so the chart's `<release>-argo-workflows-<component>` names stay distinct within 63 characters.
      releaseName: `argo-${props.labName}`,
      dependsOn: ready,
      values: labArgoWorkflowsValues({ artifacts: this.buckets.artifacts }),
    });

    const bucketSecrets = Object.values(this.buckets)
      .filter((b) => b.claim === undefined)
      .map((b) => b.credentialsSecret);
    this.requiredSecrets = [...new Set([props.oidc.clientSecret.name, this.database.credentialsSecret, lakefsSecret, ...bucketSecrets])];
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
}

function validate(props: DataLabProps): string[] {
  const problems: string[] = [];
  const gpusPerNotebook = props.gpusPerNotebook ?? 1;
  const gpusPerPool = props.gpusPerPool ?? 8;
  if (!isSiteName(props.labName)) {
    problems.push(`labName: must be lower-case letters, digits and "-", starting with a letter, at most 32 characters, got "${props.labName}"`);
  }
  if (props.tenants.length === 0) problems.push('tenants: is empty, so nobody could reach the lab; pass the owning tenants');
  const sensitive = props.sensitive ?? SENSITIVE_SECTORS.includes(props.sector ?? '');
  if (sensitive && props.apiServer === undefined) {
    problems.push("apiServer: a sensitive lab reaches the API server only at its stated endpoints; pass the cluster's API server addresses");
  }
  if (props.pools.length === 0) problems.push('pools: is empty, so JupyterHub would offer no notebook profile; pass at least one GPU pool');
  for (const pool of props.pools) {
    if (pool.target.name !== props.target.name)
      problems.push(
        `pools: pool ${pool.poolName} is in cluster ${pool.target.name}, but the lab is in cluster ${props.target.name}; use pools of the lab's cluster`,
      );
    // Notebooks run on the nodes Kubernetes owns.
    const owned = pool.unitsOwnedBy('kubernetes');
    if (gpusPerPool > owned)
      problems.push(
        `gpusPerPool: ${gpusPerPool} exceeds the ${owned} units on the Kubernetes-owned nodes of pool ${pool.poolName}; lower it, or give Kubernetes more of the pool`,
      );
  }
  if (!Number.isInteger(gpusPerNotebook) || gpusPerNotebook < 1) problems.push(`gpusPerNotebook: must be a whole number >= 1, got ${gpusPerNotebook}`);
  if (!Number.isInteger(gpusPerPool) || gpusPerPool < gpusPerNotebook)
    problems.push(`gpusPerPool: must be a whole number >= gpusPerNotebook (${gpusPerNotebook}), got ${gpusPerPool}`);
  if (props.objectTier.kind !== 'object') problems.push(`objectTier: tier ${props.objectTier.tierName} has role ${props.objectTier.role}; pass an object tier`);
  if (props.objectTier.target.name !== props.target.name)
    problems.push(
      `objectTier: tier ${props.objectTier.tierName} serves cluster ${props.objectTier.target.name}, but the lab is in cluster ${props.target.name}; buckets are claimed inside one cluster`,
    );
  if (props.volumeTier?.kind === 'object') problems.push(`volumeTier: tier ${props.volumeTier.tierName} serves buckets; pass a file or block tier`);
  if (props.volumeTier && props.volumeTier.target.name !== props.target.name)
    problems.push(
      `volumeTier: tier ${props.volumeTier.tierName} serves cluster ${props.volumeTier.target.name}, but the lab is in cluster ${props.target.name}`,
    );
  if (!(props.volumeQuotaTiB === undefined || props.volumeQuotaTiB > 0)) problems.push(`volumeQuotaTiB: must be positive, got ${props.volumeQuotaTiB}`);
  const quota = props.volumeQuotaTiB;
  const ownClaims = quota !== undefined && quota > 0 && Number.isFinite(quota) ? labOwnClaimsProblem(quota) : undefined;
  if (ownClaims) problems.push(`volumeQuotaTiB: ${ownClaims.problem}, got ${quota}; ${ownClaims.fix}`);
  if (props.volumeQuotaTiB !== undefined && props.volumeQuotaTiB > MAX_STORAGE_CLASS_QUOTA_TIB) {
    problems.push(`volumeQuotaTiB: a ResourceQuota accepts at most ${MAX_STORAGE_CLASS_QUOTA_TIB} TiB per storage class, got ${props.volumeQuotaTiB}`);
  }
  if (!/^https:\/\/\S+$/.test(props.oidc.issuerUrl)) problems.push(`oidc.issuerUrl: must be an https:// URL, got "${props.oidc.issuerUrl}"`);
  if (props.groups.admins.length + props.groups.members.length === 0)
    problems.push("groups: has no admins or members, so nobody could sign in to JupyterHub; pass the tenants' OIDC groups");
  return problems;
}
