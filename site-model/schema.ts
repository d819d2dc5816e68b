/**
 * The site file format: one YAML file per host site, validated by this schema.
 *
 * This is the single source of truth for the format. The loader validates against it,
 * and `npm run schema` turns it into `sites/site.schema.json` for editors.
 * Cross-field rules (references, capacity) live in `rules.ts`, beside the loader.
 */
import { z } from 'zod';
import { NAME_HINT, NAME_PATTERN } from '../constructs/core/names';
import { KUBERNETES_REQUIREMENT } from '../constructs/charts/registry';
import { ACCELERATOR_IDS } from '../constructs/gpu/accelerators';
import { AI_FACTORY_RULES } from '../constructs/policies/pack';

/** Version of the site file format this code reads. */
export const SCHEMA_VERSION = 1;

const name = () => z.string().regex(NAME_PATTERN, { message: `must be ${NAME_HINT}` });
const keyedMap = <T extends z.ZodType>(value: T) => z.record(name(), value);
const positiveInt = () => z.number().int().min(1);
const nonEmpty = () => z.string().min(1);

/** Where Terraform reaches a Kubernetes cluster, and which Kubernetes it runs. */
export const ClusterSchema = z.strictObject({
  kubeconfigPath: nonEmpty().describe('Path of the kubeconfig file, e.g. ~/.kube/config.'),
  context: nonEmpty().describe('Context inside the kubeconfig.'),
  kubernetesVersion: z
    .string()
    .regex(/^v?\d+\.\d+(\.\d+)?$/, { message: 'must be a Kubernetes version such as 1.31 or v1.31.4' })
    .default(KUBERNETES_REQUIREMENT.version)
    .describe(
      `Kubernetes version the cluster runs, quoted (YAML reads 1.30 as the number 1.3), e.g. "1.31"; it must be ${KUBERNETES_REQUIREMENT.version} or newer, the oldest release every pinned chart installs on (their kubeVersion). Default: "${KUBERNETES_REQUIREMENT.version}".`,
    ),
});

/** How the GPUs of a pool are shared between workloads. */
export const SharingSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('exclusive') }).describe('Each workload gets whole GPUs.'),
  z
    .strictObject({
      mode: z.literal('mig'),
      profile: z
        .string()
        .regex(/^[1-7]g\.[0-9]+gb$/, { message: 'must be a MIG profile name such as 1g.10gb' })
        .describe('MIG profile every GPU of the pool is cut into, e.g. 1g.10gb (the MIG manager config all-<profile>).'),
    })
    .describe('NVIDIA Multi-Instance GPU with the single strategy: every GPU is cut into instances of one profile.'),
  z
    .strictObject({
      mode: z.literal('time-slicing'),
      replicas: z.number().int().min(2).max(64).describe('Workloads that share one GPU.'),
    })
    .describe('Time-slicing through the device plugin; no memory isolation.'),
]);

/** Interconnects between nodes of a pool. */
export const INTERCONNECTS = ['infiniband', 'roce', 'slingshot', 'ethernet'] as const;

/**
 * The fabric of a pool, as a regular structure: node `i` sits under leaf switch
 * `floor(i / nodesPerLeafSwitch)`, and so on up. Used for Slurm topology.conf and Kueue
 * topology-aware scheduling.
 */
export const FabricSchema = z.strictObject({
  nodesPerLeafSwitch: positiveInt().optional().describe('Nodes under one leaf switch (tree topology, level 1).'),
  leafSwitchesPerSpine: positiveInt().optional().describe('Leaf switches under one spine switch (tree topology, level 2).'),
  nodesPerNvlinkDomain: positiveInt()
    .optional()
    .describe('Nodes in one NVLink domain, e.g. 18 trays of an NVL72 rack: the lowest switch level of the topology tree.'),
});

/**
 * Which scheduler owns a pool's nodes. A node has one owner: Slurm's slurmd pods (Slinky
 * NodeSets) select `ai-factory.eu/owner=slurm`, Kueue's flavors and data labs' notebook
 * profiles select `ai-factory.eu/owner=kubernetes`, so no GPU is booked twice.
 */
export const OwnerSchema = z.union([
  z.enum(['slurm', 'kubernetes']),
  z
    .strictObject({
      slurm: z.number().int().min(0).describe('Nodes Slurm owns: the first ones by index (Slurm node names <pool>-0 onwards).'),
      kubernetes: z.number().int().min(0).describe('Nodes Kubernetes workloads (Kueue, data labs) own: the rest.'),
    })
    .describe("A split of the pool; the two counts add up to the pool's nodes."),
]);

/**
 * A pool of identical GPU nodes.
 *
 * Quotas on a pool count the units its nodes advertise to Kubernetes: whole GPUs when
 * exclusive, MIG instances when cut with MIG, and GPUs times replicas when time-sliced.
 */
export const GpuPoolSchema = z.strictObject({
  cluster: name().optional().describe("Cluster the pool belongs to. Default: the site's only cluster."),
  accelerator: z.enum(ACCELERATOR_IDS as [string, ...string[]]).describe('Accelerator model id.'),
  nodes: positiveInt().describe('Number of nodes in the pool.'),
  acceleratorsPerNode: z.number().int().min(1).max(16).describe('Accelerators per node.'),
  cpusPerNode: positiveInt().describe('CPU cores per node.'),
  memoryGiBPerNode: positiveInt().describe('Host memory per node, GiB.'),
  interconnect: z.enum(INTERCONNECTS).describe('Node-to-node fabric.'),
  sharing: SharingSchema.default({ mode: 'exclusive' }),
  fabric: FabricSchema.optional().describe('Switch and NVLink structure. Default: no topology-aware scheduling.'),
  owner: OwnerSchema.optional().describe(
    'Which scheduler owns the nodes: slurm, kubernetes (Kueue and data labs), or { slurm: <nodes>, kubernetes: <nodes> } for a split (Slurm gets the first nodes by index). Every node carries the label ai-factory.eu/owner with its owner. Default: slurm for a pool in a Slurm partition that neither Kueue nor a lab uses, kubernetes for a pool in no partition; a pool both could use must say.',
  ),
});

/** A Slurm partition over one or more pools. */
export const PartitionSchema = z.strictObject({
  pools: z.array(name()).min(1).describe('GPU pools whose nodes form the partition.'),
  default: z.boolean().default(false).describe('Whether jobs land here when no partition is named.'),
  maxTimeHours: z.number().positive().max(8760).describe('Longest wall time a job may ask for, hours.'),
  qos: name().optional().describe('Slurm QoS attached to the partition.'),
});

/** A reference to a key of an existing Kubernetes Secret: credentials never sit in a site file. */
export const SecretRefSchema = z.strictObject({
  name: name().describe('Secret name, in the namespace of the component that uses it.'),
  key: nonEmpty().describe('Key inside the Secret.'),
});

/** Slurm on Kubernetes (Slinky). */
export const SlurmSchema = z.strictObject({
  partitions: keyedMap(PartitionSchema).describe('Partitions keyed by name.'),
  loginNodes: z.number().int().min(0).max(64).default(1).describe('Login pods for sbatch/srun users.'),
  restApi: z.boolean().default(false).describe('Run slurmrestd.'),
  accounting: z
    .strictObject({
      host: nonEmpty().describe('Database host for slurmdbd (MariaDB/MySQL).'),
      port: z.number().int().min(1).max(65535).default(3306),
      database: nonEmpty().default('slurm_acct_db'),
      user: nonEmpty(),
      passwordSecret: SecretRefSchema,
    })
    .optional()
    .describe('slurmdbd accounting. Default: no accounting.'),
});

/** Kubernetes-native queueing (Kueue). */
export const KueueSchema = z.strictObject({
  fairSharing: z.boolean().default(true).describe('Admit by fair share across tenants.'),
  cohort: name().optional().describe('Cohort in which tenants lend idle quota. Default: the site id.'),
});

export const SchedulerSchema = z.strictObject({
  slurm: SlurmSchema.optional(),
  kueue: KueueSchema.optional(),
});

export const STORAGE_ROLES = ['scratch', 'project', 'home', 'object', 'archive'] as const;

/** Storage backends a tier can use. */
export const StorageBackendSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('csi'),
      provisioner: nonEmpty().describe('CSI driver name already installed at the site, e.g. lustre.csi.hpe.com.'),
      parameters: z.record(z.string(), z.string()).default({}).describe('StorageClass parameters of that driver.'),
    })
    .describe('A CSI driver the site already runs (Lustre, GPFS, WEKA, VAST …): only a StorageClass is created.'),
  z
    .strictObject({
      type: z.literal('rook-ceph'),
      service: z.enum(['block', 'filesystem', 'object']).describe('RBD, CephFS or RGW.'),
    })
    .describe('Ceph run by Rook inside the cluster: one Ceph cluster per Kubernetes cluster, one pool, filesystem or object store per tier.'),
  z
    .strictObject({
      type: z.literal('nfs'),
      server: nonEmpty().describe('NFS server host name or address.'),
      share: z
        .string()
        .regex(/^\//, { message: 'must be an absolute export path such as /export/home' })
        .describe('Exported path; every volume is a sub-directory of it.'),
    })
    .describe('An NFS export, provisioned through csi-driver-nfs.'),
  z
    .strictObject({
      type: z.literal('minio'),
      servers: z.number().int().min(1).default(4),
      volumesPerServer: z.number().int().min(1).default(4),
      volumeStorageClass: nonEmpty()
        .optional()
        .describe("StorageClass of the MinIO server volumes, e.g. local disks through DirectPV. Default: the cluster's default StorageClass."),
    })
    .describe('A MinIO tenant run by the MinIO operator inside the cluster.'),
]);

/** A storage tier. */
export const StorageTierSchema = z.strictObject({
  role: z.enum(STORAGE_ROLES).describe('scratch (deleted with its claims), project, home, archive (retained), or object (buckets).'),
  capacityTiB: z.number().positive().describe('Usable capacity, TiB.'),
  backend: StorageBackendSchema,
  cluster: name()
    .optional()
    .describe(
      'Cluster that gets the tier. Default: every cluster for csi and nfs; the only cluster for rook-ceph and minio, which must name it when the site has several.',
    ),
});

export const TENANT_KINDS = ['startup', 'sme', 'industry', 'academia', 'public'] as const;
export const SECTORS = [
  'healthcare',
  'life-sciences',
  'finance',
  'manufacturing',
  'energy',
  'mobility',
  'public-sector',
  'defence',
  'research',
  'education',
  'media',
  'language',
  'climate',
  'space',
  'agriculture',
  'cybersecurity',
  'other',
] as const;

/** GPU quota of a tenant in one pool. */
export const GpuQuotaSchema = z.strictObject({
  guaranteed: z.number().int().min(0).describe('GPUs the tenant can always get.'),
  max: z.number().int().min(0).describe('GPUs the tenant may use when others leave them idle.'),
});

/** A tenant: an organisation that trains models at the site. */
export const TenantSchema = z.strictObject({
  displayName: nonEmpty().optional(),
  kind: z.enum(TENANT_KINDS),
  sector: z.enum(SECTORS).optional(),
  antenna: z
    .strictObject({
      id: nonEmpty().describe('EuroHPC antenna id, e.g. be-aifa.'),
      country: z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as BE' }),
    })
    .optional()
    .describe('Set when the tenant stands for the users of an AI factory antenna.'),
  oidcGroups: z
    .strictObject({
      admins: z.array(nonEmpty()).default([]),
      members: z.array(nonEmpty()).default([]),
      viewers: z.array(nonEmpty()).default([]),
    })
    .describe("OIDC groups bound to admin, edit and view in the tenant's namespaces."),
  gpuQuota: keyedMap(GpuQuotaSchema).default({}).describe('Quota per GPU pool.'),
  storageQuotaTiB: keyedMap(z.number().min(0)).default({}).describe('Quota per storage tier, TiB.'),
  internetEgress: z.boolean().optional().describe('Allow egress to the internet. Default: false for healthcare, true otherwise.'),
});

/** A data lab: a curated-data workbench owned by tenants. */
export const DataLabSchema = z.strictObject({
  tenants: z.array(name()).min(1).describe('Tenants that own and may reach the lab.'),
  sector: z.enum(SECTORS).optional(),
  sensitive: z.boolean().optional().describe('No internet egress, data stays in the lab. Default: true for healthcare.'),
  pools: z.array(name()).min(1).describe("GPU pools the lab's notebooks may use, all in one cluster; one notebook profile per pool."),
  objectTier: name().describe('Storage tier (role object) for buckets and artifacts.'),
  volumeTier: name().optional().describe("Storage tier for notebook home volumes and the lab database. Default: the site's home tier."),
  gpusPerNotebook: z.number().int().min(1).max(16).default(1).describe('GPU units each notebook gets.'),
  gpusPerPool: z.number().int().min(1).default(8).describe("GPU units the lab's notebooks may hold at once in each of its pools (its ResourceQuota)."),
  volumeQuotaTiB: z
    .number()
    .positive()
    .default(1)
    .describe("Storage the lab may claim on its volume tier, TiB; counted against the tier capacity with the tenants' quotas."),
});

/** An image and chart mirror for sovereign or air-gapped installs. */
export const RegistryMirrorSchema = z.strictObject({
  imageRegistry: z
    .string()
    .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, { message: 'must be a registry host with optional path, e.g. registry.example.eu/mirror' })
    .describe('Registry host (and path) that mirrors every upstream image.'),
  chartRepository: z
    .string()
    .regex(/^(oci|https):\/\/\S+$/, { message: 'must start with oci:// or https://' })
    .describe('Helm repository that mirrors every chart.'),
  pullSecretName: name().optional().describe('Image pull Secret present in every namespace.'),
});

/** Where Terraform keeps state; every backend locks. */
export const StateSchema = z.discriminatedUnion('backend', [
  z.strictObject({
    backend: z.literal('s3'),
    bucket: nonEmpty(),
    endpoint: z.url().describe('S3-compatible endpoint at the site.'),
    region: nonEmpty().default('eu-central-1'),
    keyPrefix: nonEmpty().optional().describe('Default: the site id.'),
  }),
  z.strictObject({
    backend: z.literal('kubernetes'),
    namespace: name().default('terraform-state'),
    kubeconfigPath: nonEmpty().optional().describe("Default: the first cluster's kubeconfig."),
    context: nonEmpty().optional().describe("Default: the first cluster's context."),
  }),
  z
    .strictObject({ backend: z.literal('pg') })
    .describe('PostgreSQL; Terraform reads the connection string from the PG_CONN_STR environment variable, never from this file.'),
  z.strictObject({ backend: z.literal('local') }).describe('Only for sites marked development: true.'),
]);

/** Endpoints of an OpenID Connect provider, for clients that do not read its discovery document. */
export const OidcEndpointsSchema = z.strictObject({
  authorizeUrl: z.url().describe('Authorization endpoint.'),
  tokenUrl: z.url().describe('Token endpoint.'),
  userinfoUrl: z.url().describe('Userinfo endpoint.'),
});

/** The site's identity provider, as the API server and the data labs use it. */
export const IdentitySchema = z.strictObject({
  oidcGroupPrefix: z.string().default('oidc:').describe('Prefix the API server adds to OIDC group names.'),
  oidcIssuerUrl: z.url().optional().describe('OIDC issuer; JupyterHub in every data lab signs users in with it. Required when the site has data labs.'),
  oidcEndpoints: OidcEndpointsSchema.optional().describe(
    'Authorization, token and userinfo endpoints. Default: Keycloak paths under the issuer (<issuer>/protocol/openid-connect/auth, /token, /userinfo).',
  ),
  oidcUsernameClaim: nonEmpty().default('preferred_username').describe('Claim that names a user.'),
  oidcGroupsClaim: nonEmpty().default('groups').describe("Claim that lists a user's groups, matched against the tenants' oidcGroups."),
  oidcIssuerCidrs: z
    .array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { message: 'must be an IPv4 CIDR such as 192.0.2.0/24' }))
    .default([])
    .describe(
      'Public address ranges of the issuer that lab hubs must reach (TCP 443) when it is outside the private ranges. Default: none, an on-site issuer.',
    ),
  notebookClient: z
    .strictObject({
      clientId: nonEmpty().default('jupyterhub').describe("OIDC client id of the labs' JupyterHub."),
      secret: SecretRefSchema.default({ name: 'jupyterhub-oidc', key: 'client-secret' }).describe('Secret, in every lab namespace, with the client secret.'),
    })
    .prefault({})
    .describe('The OIDC client JupyterHub uses.'),
});

/** A whole site file. */
export const SiteSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  id: z
    .string()
    .regex(/^[a-z]{2}-[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, {
      message: 'must be "<country code>-<name>" in lower case, e.g. de-jaif',
    })
    .describe('Site id; also the prefix of every stack name and the file name.'),
  name: nonEmpty(),
  kind: z.enum(['factory', 'gigafactory']),
  country: z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as DE' }),
  city: nonEmpty(),
  hostInstitution: nonEmpty(),
  development: z.boolean().default(false).describe('A development site may use local state.'),
  sources: z.array(z.url()).default([]).describe('Public sources for the facts in this file.'),
  clusters: keyedMap(ClusterSchema).describe('Kubernetes clusters, keyed by name.'),
  gpuPools: keyedMap(GpuPoolSchema).describe('GPU node pools, keyed by name.'),
  scheduler: SchedulerSchema,
  storageTiers: keyedMap(StorageTierSchema).default({}),
  dataLabs: keyedMap(DataLabSchema).default({}),
  tenants: keyedMap(TenantSchema).default({}),
  oversubscription: z
    .strictObject({
      gpu: z.number().min(1).default(1).describe('Guaranteed GPU quotas may add up to capacity times this.'),
      storage: z.number().min(1).default(1).describe('Storage quotas may add up to capacity times this.'),
    })
    .default({ gpu: 1, storage: 1 }),
  identity: IdentitySchema.prefault({}),
  registryMirror: RegistryMirrorSchema.optional(),
  state: StateSchema,
  policySuppressions: z
    .partialRecord(
      z.enum(AI_FACTORY_RULES.map((r) => r.id) as [string, ...string[]]),
      z.record(
        z.string().regex(/^(platform|workloads)(\/[A-Za-z0-9_.-]+)+$/, { message: 'must be a construct path such as workloads/Tenant-main-acme/Namespace' }),
        z.string().min(10, { message: 'must say why the finding is acceptable (at least 10 characters)' }),
      ),
    )
    .default({})
    .describe('Policy rule id to construct path (layer/...) to the reason the finding is accepted; printed on every synth.'),
  assumptions: z
    .record(z.string().min(1), nonEmpty())
    .default({})
    .describe('Field path (e.g. gpuPools.main.nodes) to why the value is a reference design, not a published fact.'),
});

/** A validated site, with defaults applied. */
export type SiteSpec = z.output<typeof SiteSchema>;
export type GpuPoolSpec = z.output<typeof GpuPoolSchema>;
export type TenantSpec = z.output<typeof TenantSchema>;
export type StorageTierSpec = z.output<typeof StorageTierSchema>;
export type DataLabSpec = z.output<typeof DataLabSchema>;
export type StateSpec = z.output<typeof StateSchema>;
export type SlurmSpec = z.output<typeof SlurmSchema>;
export type KueueSpec = z.output<typeof KueueSchema>;
export type FabricSpec = z.output<typeof FabricSchema>;
export type IdentitySpec = z.output<typeof IdentitySchema>;
export type StorageBackendSpec = z.output<typeof StorageBackendSchema>;

/** JSON Schema of the site file, generated from the zod schema. */
export function siteJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SiteSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'ai-factory-cdk site file' };
}
