/**
 * The site file format: one YAML file per host site, validated by this schema.
 *
 * This is the single source of truth for the format. The loader validates against it,
 * and `npm run schema` turns it into `sites/site.schema.json` for editors.
 * Cross-field rules (references, capacity) live in `rules.ts`, beside the loader.
 */
import * as ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DNS_SUBDOMAIN_PATTERN, NAME_HINT, NAME_PATTERN } from '../constructs/core/names';
import { KUBERNETES_REQUIREMENT } from '../constructs/charts/registry';
import { ACCELERATOR_IDS } from '../constructs/gpu/accelerators';
import { AI_FACTORY_RULES } from '../constructs/policies/pack';

/** Version of the site file format this code reads. */
export const SCHEMA_VERSION = 1;

const name = () => z.string().regex(NAME_PATTERN, { message: `must be ${NAME_HINT}` });
const keyedMap = <T extends z.ZodType>(value: T) => z.record(name(), value);
const positiveInt = () => z.number().int().min(1);
const nonEmpty = () => z.string().min(1);

const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\/(3[0-2]|[12]?\d))?$/;

// ---------------------------------------------------------------------------------------
// Domain checks of addresses, host names, URLs and Kubernetes names. Each runs after the
// field's pattern (which the JSON Schema carries for editors) and only on text the pattern
// accepts, so a value gets one problem; its problem and fix reach the message as they are.

/** What is wrong with a value and how to fix it, or undefined when it is good. */
type DomainProblem = { readonly problem: string; readonly fix: string } | undefined;

/** A refinement from a domain check, run only when `pattern` (if any) accepts the text. */
const domain =
  (check: (value: string) => DomainProblem, pattern?: { test(value: string): boolean }) =>
  (value: string, ctx: z.RefinementCtx<string>): void => {
    if (pattern && !pattern.test(value)) return;
    const bad = check(value);
    if (bad) ctx.addIssue({ code: 'custom', message: bad.problem, params: { fix: bad.fix }, input: value });
  };

/** Why `text` is not a dotted-quad IPv4 address, or undefined (checked with ipaddr.js). */
function ipv4Problem(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return 'is not four numbers from 0 to 255 separated by dots';
  const big = parts.find((p) => Number(p) > 255);
  if (big !== undefined) return `has the number ${big}, above 255`;
  const zero = parts.find((p) => p.length > 1 && p.startsWith('0'));
  if (zero !== undefined) return `has the number ${zero} with a leading zero, which some tools read as octal`;
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? undefined : 'is not an IPv4 address';
}

/** IPv4 ranges no endpoint answers on. */
const NO_ENDPOINT = ['unspecified', 'broadcast', 'multicast'];

/**
 * An IPv4 address or CIDR (`bare` allows an address alone): octets 0 to 255, a prefix length
 * 0 to 32, no host bits set after the prefix (`10.0.0.10/29` is a typo of `10.0.0.8/29`).
 */
function ipv4CidrProblem(text: string, bare: boolean): DomainProblem {
  const [address, prefix, ...rest] = text.split('/');
  if (rest.length > 0) return { problem: 'is not an IPv4 CIDR: it has more than one /', fix: 'write an address and a prefix length, e.g. 192.0.2.0/24' };
  const bad = ipv4Problem(address);
  if (bad)
    return { problem: `is not an IPv4 ${bare ? 'address or CIDR' : 'CIDR'}: the address ${bad}`, fix: 'write four numbers from 0 to 255, e.g. 192.0.2.0/24' };
  if (prefix === undefined) {
    if (!bare) return { problem: 'is an address, not a CIDR', fix: `add its prefix length, e.g. ${address}/32 for this address alone` };
    const range = ipaddr.IPv4.parse(address).range();
    if (NO_ENDPOINT.includes(range)) return { problem: `is a ${range} address, which no endpoint answers on`, fix: 'use the address of a real endpoint' };
    return undefined;
  }
  if (!/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) {
    return { problem: `is not an IPv4 CIDR: the prefix length ${prefix} is not a number from 0 to 32`, fix: 'use a prefix length from 0 to 32, e.g. /24' };
  }
  const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
  if (network !== address)
    return {
      problem: `has host bits set: the range /${Number(prefix)} around ${address} starts at ${network}`,
      fix: `did you mean ${network}/${Number(prefix)}?`,
    };
  return undefined;
}

/** A DNS name (RFC 1123 labels) or an IPv4 or IPv6 address, as a server is named. */
function hostProblem(text: string): DomainProblem {
  const fix = 'write a host name such as nfs.example.eu, or an IP address';
  if (/^[\d.]+$/.test(text)) {
    const bad = ipv4Problem(text);
    return bad ? { problem: `is not a host name or IPv4 address: it ${bad}`, fix } : undefined;
  }
  const bracketed = /^\[(.*)\]$/.exec(text);
  if (bracketed) return ipaddr.IPv6.isValid(bracketed[1]) ? undefined : { problem: 'is not an IPv6 address', fix };
  if (text.includes(':'))
    return ipaddr.IPv6.isValid(text) ? undefined : { problem: 'is not a host name or IP address (a colon belongs to IPv6 addresses only)', fix };
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name.length === 0 || name.length > 253) return { problem: 'is not a host name: a DNS name has 1 to 253 characters', fix };
  const labels = name.split('.');
  const bad = labels.find((l) => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/i.test(l));
  if (bad !== undefined) {
    return { problem: `is not a host name: the label "${bad.slice(0, 63)}" is not 1 to 63 letters, digits and inner "-"`, fix };
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return { problem: 'is not a host name: its last label is a number, and it is not an IPv4 address', fix };
  return undefined;
}

/** A host with an optional port, as in `registry.example.eu:5000`. */
function hostPortProblem(text: string): DomainProblem {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(text);
  if (!m) return { problem: 'is not a host with an optional :port', fix: 'write host or host:port, e.g. registry.example.eu:5000' };
  if (m[2] !== undefined && !(Number(m[2]) >= 1 && Number(m[2]) <= 65535 && /^\d+$/.test(m[2]))) {
    return { problem: `has the port ${m[2] || '(empty)'}, not a number from 1 to 65535`, fix: 'use a port from 1 to 65535, or leave it out' };
  }
  return hostProblem(m[1]);
}

/**
 * A URL with one of `schemes` and a real host: written out with `//`, no user name or
 * password (credentials never sit in a site file), a valid host name or address and port.
 */
function urlProblem(text: string, schemes: readonly string[]): DomainProblem {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(text);
  const example = `${schemes[0]}://login.example.eu/realms/ai-factory`;
  if (!m) return { problem: `must be ${schemes.map((x) => `${x}://`).join(' or ')} and a host`, fix: `write it as ${example}` };
  if (!schemes.includes(m[1].toLowerCase()))
    return { problem: `must be ${schemes.map((x) => `a ${x}://`).join(' or ')} URL`, fix: `write it as ${schemes[0]}://${m[2]}...` };
  const authority = m[2];
  if (authority.includes('@')) {
    return {
      problem: 'holds a user name or password, which must never be written in a site file',
      fix: 'remove the credentials and give them to the component through a Secret',
    };
  }
  return hostPortProblem(authority);
}

/** A Kubernetes Secret data key: letters, digits, "-", "_" and ".", at most 253 characters. */
function secretKeyProblem(text: string): DomainProblem {
  return /^[-._a-zA-Z0-9]{1,253}$/.test(text)
    ? undefined
    : {
        problem: 'is not a Secret key: Kubernetes allows letters, digits, "-", "_" and "." only, at most 253',
        fix: 'use the key as kubectl get secret -o yaml shows it',
      };
}

/** A Kubernetes DNS-1123 subdomain of at most `max` characters (StorageClass names, CSI driver names). */
function subdomainProblem(max: number, what: string): (text: string) => DomainProblem {
  return (text) =>
    text.length <= max && DNS_SUBDOMAIN_PATTERN.test(text)
      ? undefined
      : {
          problem: `is not a ${what}: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most ${max} characters`,
          fix: `use the ${what} as kubectl shows it`,
        };
}

/** An issuer's public range: a CIDR, and not the whole internet. */
function issuerCidrProblem(text: string): DomainProblem {
  const bad = ipv4CidrProblem(text, false);
  if (bad) return bad;
  return text.endsWith('/0')
    ? { problem: "is the whole IPv4 internet, not the issuer's range", fix: "use the issuer's own addresses, e.g. 192.0.2.10/32" }
    : undefined;
}

/**
 * At most `max` of `unit`: the most a Kubernetes field the value becomes can hold. Byte
 * quantities (a volume's size, a pod's memory) are int64 bytes, at most 8 EiB; replica counts
 * are int32. Above that the API server rejects the object at apply time.
 */
const atMost =
  (max: number, unit: string, what: string) =>
  (value: number, ctx: z.RefinementCtx<number>): void => {
    if (value > max) {
      ctx.addIssue({
        code: 'custom',
        message: `is more than Kubernetes holds: it becomes ${what}, at most ${max.toLocaleString('en')} ${unit}`,
        params: { fix: `lower it to ${max.toLocaleString('en')} at most` },
        input: value,
      });
    }
  };
/** Whole TiB in an int64 of bytes: 8 EiB. */
const MAX_BYTES_TIB = Number((2n ** 63n - 1n) / 2n ** 40n);
/** Whole GiB in an int64 of bytes. */
const MAX_BYTES_GIB = Number((2n ** 63n - 1n) / 2n ** 30n);
/** An int32, as Kubernetes replica counts are. */
const MAX_INT32 = 2 ** 31 - 1;

/** A URL field: zod's URL check, then {@link urlProblem}. */
const url = (schemes: readonly string[]) => z.url().superRefine(domain((v) => urlProblem(v, schemes), { test: (v) => URL.canParse(v) }));

/** Where a cluster's API server answers pods. */
export const ApiServerSchema = z.strictObject({
  addresses: z
    .array(
      z
        .string()
        .regex(IPV4_CIDR, { message: 'must be an IPv4 address or CIDR such as 10.0.0.10 or 10.0.0.0/29' })
        .superRefine(domain((v) => ipv4CidrProblem(v, true), IPV4_CIDR)),
    )
    .min(1)
    .describe(
      'Addresses of the API server endpoints behind the kubernetes Service (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes).',
    ),
  port: z.number().int().min(1).max(65535).default(6443).describe('Their TCP port. Default: 6443.'),
});

/**
 * The hardware of a cluster's Ceph (Rook): which nodes and devices back it, how data is
 * replicated, and how many monitors and metadata servers run.
 */
export const CephHardwareSchema = z.strictObject({
  nodes: z
    .union([
      z
        .strictObject({
          label: z
            .string()
            .regex(/^[A-Za-z0-9./_-]+=[A-Za-z0-9._-]*$/, { message: 'must be a node label as key=value, e.g. ai-factory.eu/storage=ceph' })
            .describe('Node label that marks the storage nodes, key=value.'),
          count: positiveInt().describe('How many nodes carry it.'),
        })
        .describe('Storage nodes found by a node label.'),
      z
        .strictObject({
          names: z
            .array(nonEmpty())
            .min(1)
            .describe('Kubernetes node names.')
            .meta({ examples: [['storage-0', 'storage-1', 'storage-2']] }),
        })
        .describe('Storage nodes listed by name.'),
    ])
    .describe('The storage nodes: a label and how many carry it, or their names.'),
  devices: z
    .union([
      z
        .strictObject({ filter: nonEmpty().describe('Regular expression of device names, e.g. ^nvme[0-9]+n1$ (Rook deviceFilter).') })
        .describe('Devices matched by a regular expression.'),
      z
        .strictObject({
          names: z
            .array(nonEmpty())
            .min(1)
            .describe('Device names on every storage node, e.g. nvme0n1.')
            .meta({ examples: [['nvme0n1', 'nvme1n1']] }),
        })
        .describe('Devices listed by name.'),
    ])
    .describe('The devices OSDs use on each storage node.'),
  devicesPerNode: positiveInt().optional().describe('Devices per storage node, for the capacity check. Default: the number of names, else undeclared.'),
  deviceSizeTiB: z.number().positive().optional().describe('Size of one device, TiB, for the capacity check. Default: undeclared.'),
  failureDomain: z
    .enum(['host', 'rack', 'zone'])
    .default('host')
    .describe('What replicas are spread over. Default: host.')
    .meta({ examples: ['rack'] }),
  replicas: z
    .number()
    .int()
    .min(2)
    .max(7)
    .default(3)
    .describe('Copies of every replicated pool; object data is erasure-coded 2+1. Default: 3.')
    .meta({ examples: [3] }),
  monitors: z
    .union([z.literal(3), z.literal(5), z.literal(7)])
    .optional()
    .describe('Ceph monitors. Default: 3, or 5 from 10 storage nodes on.')
    .meta({ examples: [5] }),
  metadataServers: z
    .number()
    .int()
    .min(1)
    .max(16)
    .optional()
    .describe("Active metadata servers of each CephFS filesystem, each with a standby. Default: one per 2,000 TiB of the filesystem's capacity, 1 to 16.")
    .meta({ examples: [2] }),
});

/**
 * A cell: one Kubernetes cluster of a cluster split into several (issue 17), with its own
 * kubeconfig context, stacks and state. The tool places whole fabric blocks of the parent's
 * pools in it.
 */
export const CellSchema = z.strictObject({
  kubeconfigPath: nonEmpty().describe("Path of the cell's kubeconfig file, e.g. ~/.kube/training-a.yaml."),
  context: nonEmpty().describe('Context inside that kubeconfig.'),
  kubeconfigSecret: name()
    .optional()
    .describe(
      "Secret in the manager cluster's kueue-system namespace whose key kubeconfig lets MultiKueue reach the cell; it must exist, the project never writes it. Default: multikueue-<cell>.",
    )
    .meta({ examples: ['multikueue-training-a'] }),
});

/** Where Terraform reaches a Kubernetes cluster, and which Kubernetes it runs. */
export const ClusterSchema = z.strictObject({
  kubeconfigPath: nonEmpty().describe('Path of the kubeconfig file, e.g. ~/.kube/config.'),
  context: nonEmpty().describe('Context inside the kubeconfig.'),
  ceph: CephHardwareSchema.optional().describe('The storage nodes and devices behind the Rook-Ceph tiers of the cluster. Required when the cluster has one.'),
  apiServer: ApiServerSchema.optional().describe(
    "The API server's endpoints, the only control-plane addresses lab pods may reach. Required for a cluster with a sensitive data lab. Default: the private ranges (not link-local), TCP 443 and 6443.",
  ),
  kubernetesVersion: z
    .string()
    .regex(/^v?\d+\.\d+(\.\d+)?$/, { message: 'must be a Kubernetes version such as 1.31 or v1.31.4' })
    .default(KUBERNETES_REQUIREMENT.version)
    .describe(
      `Kubernetes version the cluster runs, quoted (YAML reads 1.30 as the number 1.3), e.g. "1.31"; it must be ${KUBERNETES_REQUIREMENT.version} or newer, the oldest release the stacks install on (the pinned charts' kubeVersion, and the APIs the stacks write). Default: "${KUBERNETES_REQUIREMENT.version}".`,
    )
    .meta({ examples: [KUBERNETES_REQUIREMENT.version] }),
  cells: keyedMap(CellSchema)
    .optional()
    .describe(
      "Split the cluster into cells, keyed by a name unique in the site: each cell is a cluster of its own (kubeconfig, stacks <site>-<cell>-platform and -workloads, state) that gets whole fabric blocks of the cluster's pools, at most cells.maxNodes nodes each. The cluster's own kubeconfig and context then reach the manager: it keeps its storage and runs Kueue's MultiKueue, which sends each tenant's jobs to a cell with room. Default: no cells, the pools' nodes are in this cluster.",
    )
    .meta({
      examples: [
        {
          'training-a': { kubeconfigPath: '~/.kube/training-a.yaml', context: 'training-a' },
          'training-b': { kubeconfigPath: '~/.kube/training-b.yaml', context: 'training-b' },
        },
      ],
    }),
});

/** Limits of the cells clusters are split into. */
export const CellLimitsSchema = z.strictObject({
  maxNodes: positiveInt()
    .default(5000)
    .describe(
      'Most nodes in one cell (and in a cluster without cells): 5,000 is the largest cluster upstream Kubernetes is tested at (sig-scalability thresholds). Default: 5000.',
    )
    .meta({ examples: [4000] }),
});

/** How the GPUs of a pool are shared between workloads. */
export const SharingSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('exclusive').describe('Whole GPUs.') }).describe('Each workload gets whole GPUs.'),
  z
    .strictObject({
      mode: z.literal('mig').describe('Multi-Instance GPU.'),
      profile: z
        .string()
        .regex(/^[1-7]g\.[0-9]+gb$/, { message: 'must be a MIG profile name such as 1g.10gb' })
        .describe('MIG profile every GPU of the pool is cut into, e.g. 1g.10gb (the MIG manager config all-<profile>).'),
    })
    .describe('NVIDIA Multi-Instance GPU with the single strategy: every GPU is cut into instances of one profile.'),
  z
    .strictObject({
      mode: z.literal('time-slicing').describe('Time-slicing.'),
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
  nodesPerLeafSwitch: positiveInt()
    .optional()
    .describe('Nodes under one leaf switch (tree topology, level 1).')
    .meta({ examples: [32] }),
  leafSwitchesPerSpine: positiveInt()
    .optional()
    .describe('Leaf switches under one spine switch (tree topology, level 2).')
    .meta({ examples: [16] }),
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
  nodes: positiveInt()
    .superRefine(atMost(MAX_INT32, 'nodes', "a Slurm NodeSet's replica count (an int32)"))
    .describe('Number of nodes in the pool.'),
  acceleratorsPerNode: z.number().int().min(1).max(16).describe('Accelerators per node.'),
  cpusPerNode: positiveInt().describe('CPU cores per node.'),
  memoryGiBPerNode: positiveInt()
    .superRefine(atMost(MAX_BYTES_GIB, 'GiB', 'a memory quantity in bytes (an int64)'))
    .describe('Host memory per node, GiB.'),
  interconnect: z.enum(INTERCONNECTS).describe('Node-to-node fabric.'),
  sharing: SharingSchema.default({ mode: 'exclusive' }).describe(
    'How workloads share the GPUs: exclusive (whole GPUs), mig (every GPU cut into MIG instances of one profile) or time-slicing. Default: { mode: exclusive }.',
  ),
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
  key: nonEmpty().superRefine(domain(secretKeyProblem)).describe('Key inside the Secret.'),
});

/** A Slurm QOS, created in slurmdbd with its limits; partitions name it in `qos`. */
export const QosSchema = z.strictObject({
  priority: z.number().int().min(0).default(0).describe('Priority factor of jobs in the QOS (PriorityWeightQOS weighs it).'),
  maxWallHours: z
    .number()
    .positive()
    .max(8760)
    .optional()
    .describe('Longest wall time a job of the QOS may ask for, hours (MaxWall). Default: the partition limit.'),
  maxGpusPerUser: positiveInt().optional().describe('GPU units one user may hold at once in the QOS (MaxTRESPerUser=gres/gpu). Default: no limit.'),
  maxJobsPerUser: positiveInt().optional().describe('Jobs one user may run at once in the QOS (MaxJobsPerUser). Default: no limit.'),
});

/** An absolute path inside the Slurm pods. */
const absolutePath = () =>
  z
    .string()
    .regex(/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, { message: 'must be an absolute path such as /home, without a trailing slash' })
    .refine((p) => !p.split('/').includes('..'), { message: 'must not contain ..' });

/** Slurm on Kubernetes (Slinky). */
export const SlurmSchema = z.strictObject({
  partitions: keyedMap(PartitionSchema).describe('Partitions keyed by name.'),
  loginNodes: z.number().int().min(0).max(64).default(1).describe('Login pods for sbatch/srun users.'),
  loginService: z
    .enum(['ClusterIP', 'NodePort', 'LoadBalancer'])
    .default('ClusterIP')
    .describe("Type of the login pods' SSH Service. Default: ClusterIP, reachable only inside the cluster (a site's bastion or ingress in front).")
    .meta({ examples: ['LoadBalancer'] }),
  mounts: z
    .record(name(), absolutePath())
    .optional()
    .describe(
      'Storage tiers mounted into every slurmd and login pod, tier name to path. Default: each home, project and scratch tier of the Slurm cluster at /home, /project and /scratch.',
    )
    .meta({ examples: [{ home: '/home', scratch: '/scratch' }] }),
  nodeReserve: z
    .strictObject({
      cpus: z
        .number()
        .int()
        .min(0)
        .default(4)
        .describe('CPU cores kept for the system and node agents.')
        .meta({ examples: [8] }),
      memoryGiB: z
        .number()
        .int()
        .min(0)
        .default(32)
        .describe('Memory kept for the system and node agents, GiB.')
        .meta({ examples: [64] }),
    })
    .prefault({})
    .describe(
      "What of each Slurm node slurmd does not take: its pod requests the node's CPUs and memory less this (a Guaranteed pod), and Slurm is told the same. Default: 4 cores and 32 GiB.",
    ),
  qos: keyedMap(QosSchema).default({}).describe('QOS keyed by name, created with their limits; needs accounting.'),
  restApi: z.boolean().default(false).describe('Run slurmrestd.'),
  accounting: z
    .strictObject({
      host: nonEmpty().superRefine(domain(hostProblem)).describe('Database host for slurmdbd (MariaDB/MySQL).'),
      port: z.number().int().min(1).max(65535).default(3306).describe('TCP port of the database.'),
      database: nonEmpty().default('slurm_acct_db').describe('Database slurmdbd keeps accounting in.'),
      user: nonEmpty().describe('Database user slurmdbd signs in as.'),
      passwordSecret: SecretRefSchema.describe("Existing Secret with the database user's password; the site file never holds it."),
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
  slurm: SlurmSchema.optional().describe('Slurm on Kubernetes (Slinky): partitions over GPU pools, login pods, QOS and accounting. Default: no Slurm.'),
  kueue: KueueSchema.optional().describe(
    'Kubernetes-native queueing (Kueue) for the pools Kubernetes owns, with a queue and quota per tenant. Default: no Kueue; write kueue: {} for its defaults.',
  ),
});

export const STORAGE_ROLES = ['scratch', 'project', 'home', 'object', 'archive'] as const;

/** Storage backends a tier can use. */
export const StorageBackendSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('csi').describe('A CSI driver the site runs.'),
      provisioner: nonEmpty()
        .superRefine(domain(subdomainProblem(63, 'CSI driver name')))
        .describe('CSI driver name already installed at the site, e.g. lustre.csi.hpe.com.'),
      parameters: z
        .record(z.string(), z.string())
        .default({})
        .describe('StorageClass parameters of that driver.')
        .meta({ examples: [{ 'csi.storage.k8s.io/fstype': 'xfs' }] }),
    })
    .describe('A CSI driver the site already runs (Lustre, GPFS, WEKA, VAST …): only a StorageClass is created.'),
  z
    .strictObject({
      type: z.literal('rook-ceph').describe('Ceph run by Rook.'),
      service: z.enum(['block', 'filesystem', 'object']).describe('RBD, CephFS or RGW.'),
    })
    .describe('Ceph run by Rook inside the cluster: one Ceph cluster per Kubernetes cluster, one pool, filesystem or object store per tier.'),
  z
    .strictObject({
      type: z.literal('nfs').describe('An NFS export.'),
      server: nonEmpty().superRefine(domain(hostProblem)).describe('NFS server host name or address.'),
      share: z
        .string()
        .regex(/^\//, { message: 'must be an absolute export path such as /export/home' })
        .describe('Exported path; every volume is a sub-directory of it.'),
    })
    .describe('An NFS export, provisioned through csi-driver-nfs.'),
  z
    .strictObject({
      type: z.literal('minio').describe('A MinIO tenant.'),
      servers: z
        .number()
        .int()
        .min(1)
        .superRefine(atMost(MAX_INT32, 'servers', "the MinIO pool's server count (an int32)"))
        .default(4)
        .describe('MinIO server pods of the tenant.'),
      volumesPerServer: z
        .number()
        .int()
        .min(1)
        .default(4)
        .describe("Volumes each server gets; the tier's capacity, plus the erasure-coding parity, is spread over all of them."),
      volumeStorageClass: nonEmpty()
        .superRefine(domain(subdomainProblem(253, 'StorageClass name')))
        .optional()
        .describe("StorageClass of the MinIO server volumes, e.g. local disks through DirectPV. Default: the cluster's default StorageClass.")
        .meta({ examples: ['directpv-min-io'] }),
    })
    .describe('A MinIO tenant run by the MinIO operator inside the cluster.'),
]);

/** A storage tier. */
export const StorageTierSchema = z.strictObject({
  role: z.enum(STORAGE_ROLES).describe('scratch (deleted with its claims), project, home, archive (retained), or object (buckets).'),
  capacityTiB: z
    .number()
    .positive()
    .superRefine(atMost(MAX_BYTES_TIB, 'TiB', 'a storage quantity in bytes (an int64)'))
    .describe('Usable capacity, TiB.'),
  backend: StorageBackendSchema.describe("Where the tier's volumes come from, chosen by type: csi, rook-ceph, nfs or minio."),
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
  displayName: nonEmpty()
    .optional()
    .describe("Name of the organisation, as the description of the tenant's Slurm account. Default: the tenant's key.")
    .meta({ examples: ['Acme Robotics GmbH'] }),
  kind: z.enum(TENANT_KINDS).describe("Kind of organisation; sets how many pods, services, claims and other objects the tenant's namespaces may hold."),
  sector: z
    .enum(SECTORS)
    .optional()
    .describe('Sector the tenant works in, a label of its namespaces; healthcare turns internet egress off by default. Default: none.')
    .meta({ examples: ['healthcare'] }),
  antenna: z
    .strictObject({
      id: nonEmpty().describe('EuroHPC antenna id, e.g. be-aifa.'),
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as BE' })
        .describe('Country of the antenna, ISO 3166-1 alpha-2, e.g. BE.'),
    })
    .optional()
    .describe('Set when the tenant stands for the users of an AI factory antenna.'),
  oidcGroups: z
    .strictObject({
      admins: z.array(nonEmpty()).default([]).describe("Groups bound to the admin ClusterRole in the tenant's namespaces."),
      members: z.array(nonEmpty()).default([]).describe("Groups bound to edit: they run the tenant's workloads."),
      viewers: z
        .array(nonEmpty())
        .default([])
        .describe('Groups bound to view: read only.')
        .meta({ examples: [['acme-auditors']] }),
    })
    .describe("OIDC groups bound to admin, edit and view in the tenant's namespaces."),
  gpuQuota: keyedMap(GpuQuotaSchema).default({}).describe('Quota per GPU pool.'),
  storageQuotaTiB: keyedMap(z.number().min(0)).default({}).describe('Quota per storage tier, TiB.'),
  internetEgress: z.boolean().optional().describe('Allow egress to the internet. Default: false for healthcare, true otherwise.'),
});

/** A data lab: a curated-data workbench owned by tenants. */
export const DataLabSchema = z.strictObject({
  tenants: z.array(name()).min(1).describe('Tenants that own and may reach the lab.'),
  sector: z
    .enum(SECTORS)
    .optional()
    .describe("Sector of the lab's data, a label of its namespace; healthcare makes the lab sensitive by default. Default: none.")
    .meta({ examples: ['healthcare'] }),
  sensitive: z.boolean().optional().describe('No internet egress, data stays in the lab. Default: true for healthcare.'),
  workflowApiAccess: z
    .boolean()
    .optional()
    .describe(
      "Let workflow pods reach the API server (at the cluster's apiServer), where Argo's executor records each step's result; the workflow's user code shares their network. Default: true, false in a sensitive lab.",
    ),
  pools: z.array(name()).min(1).describe("GPU pools the lab's notebooks may use, all in one cluster; one notebook profile per pool."),
  objectTier: name().describe('Storage tier (role object) for buckets and artifacts.'),
  volumeTier: name()
    .optional()
    .describe("Storage tier for notebook home volumes and the lab database. Default: the site's home tier.")
    .meta({ examples: ['home'] }),
  gpusPerNotebook: z
    .number()
    .int()
    .min(1)
    .max(16)
    .default(1)
    .describe('GPU units each notebook gets.')
    .meta({ examples: [2] }),
  gpusPerPool: z
    .number()
    .int()
    .min(1)
    .default(8)
    .describe("GPU units the lab's notebooks may hold at once in each of its pools (its ResourceQuota).")
    .meta({ examples: [16] }),
  volumeQuotaTiB: z
    .number()
    .positive()
    .default(1)
    .describe("Storage the lab may claim on its volume tier, TiB; counted against the tier capacity with the tenants' quotas.")
    .meta({ examples: [5] }),
});

/** An image and chart mirror for sovereign or air-gapped installs. */
export const RegistryMirrorSchema = z.strictObject({
  imageRegistry: z
    .string()
    .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, { message: 'must be a registry host with optional path, e.g. registry.example.eu/mirror' })
    .superRefine(domain((v) => hostPortProblem(v.split('/')[0]), /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/))
    .describe('Registry host (and path) that mirrors every upstream image.')
    .meta({ examples: ['registry.example.eu/mirror'] }),
  chartRepository: z
    .string()
    .regex(/^(oci|https):\/\/\S+$/, { message: 'must start with oci:// or https://' })
    .superRefine(domain((v) => urlProblem(v, ['oci', 'https']), /^(oci|https):\/\/\S+$/))
    .describe('Helm repository that mirrors every chart.')
    .meta({ examples: ['oci://registry.example.eu/charts'] }),
  pullSecretName: name()
    .optional()
    .describe('Image pull Secret present in every namespace. Default: none, an anonymous mirror.')
    .meta({ examples: ['mirror-pull'] }),
  providerMirror: url(['https'])
    .refine((v) => v.endsWith('/'), { message: 'must end with a slash, as Terraform requires of a network mirror URL' })
    .optional()
    .describe(
      'Terraform provider network mirror (https, ending in /) serving the pinned kubernetes and helm providers; `aif terraform-config` writes the Terraform CLI configuration that installs them from there only.',
    )
    .meta({ examples: ['https://terraform.example.eu/providers/'] }),
});

/** Where Terraform keeps state; every backend locks. */
export const StateSchema = z.discriminatedUnion('backend', [
  z
    .strictObject({
      backend: z.literal('s3').describe('An S3-compatible bucket.'),
      bucket: nonEmpty().describe('Bucket that holds the state of every stack of the site.'),
      endpoint: url(['https', 'http']).describe('S3-compatible endpoint at the site.'),
      region: nonEmpty().default('eu-central-1').describe('Region name the S3 client sends; region checks are skipped, for S3-compatible stores.'),
      keyPrefix: nonEmpty()
        .optional()
        .describe("Prefix of each stack's state object, <prefix>/<stack>.tfstate. Default: the site id.")
        .meta({ examples: ['ai-factory/de-jaif'] }),
    })
    .describe('An S3-compatible bucket at the site, with path-style addressing and a lock file beside each state.'),
  z
    .strictObject({
      backend: z.literal('kubernetes').describe('Kubernetes Secrets.'),
      namespace: name().default('terraform-state').describe('Namespace of the state Secrets (one per stack) and their lock Leases.'),
      kubeconfigPath: nonEmpty()
        .optional()
        .describe("Kubeconfig of the cluster that keeps the state. Default: the first cluster's kubeconfig.")
        .meta({ examples: ['~/.kube/state.yaml'] }),
      context: nonEmpty()
        .optional()
        .describe("Context inside that kubeconfig. Default: the first cluster's context.")
        .meta({ examples: ['state'] }),
    })
    .describe('Secrets in a Kubernetes cluster, locked with a Lease.'),
  z
    .strictObject({ backend: z.literal('pg').describe('PostgreSQL.') })
    .describe('PostgreSQL; Terraform reads the connection string from the PG_CONN_STR environment variable, never from this file.'),
  z
    .strictObject({ backend: z.literal('local').describe('Local files.') })
    .describe('Files beside the synthesized stacks; only for sites marked development: true.'),
]);

/** Endpoints of an OpenID Connect provider, for clients that do not read its discovery document. */
export const OidcEndpointsSchema = z.strictObject({
  authorizeUrl: url(['https']).describe('Authorization endpoint.'),
  tokenUrl: url(['https']).describe('Token endpoint.'),
  userinfoUrl: url(['https']).describe('Userinfo endpoint.'),
});

/** The site's identity provider, as the API server and the data labs use it. */
/**
 * The directory Slurm's login pods use with SSSD: an LDAP directory the project writes an
 * `sssd.conf` for (anonymous bind over TLS), or the site's own `sssd.conf` in an existing
 * Secret (for bind credentials, Kerberos or FreeIPA): nothing secret is written by the project.
 */
export const DirectorySchema = z.union([
  z
    .strictObject({
      ldap: z
        .strictObject({
          uri: z
            .string()
            .regex(/^ldaps?:\/\/[^\s/]+\/?$/, { message: 'must be an LDAP URI such as ldaps://ldap.example.eu' })
            .superRefine(domain((v) => urlProblem(v, ['ldaps', 'ldap']), /^ldaps?:\/\/[^\s/]+\/?$/))
            .describe('LDAP server, ldaps:// (or ldap:// with StartTLS).'),
          searchBase: nonEmpty().describe('Search base of users and groups, e.g. dc=example,dc=eu.'),
        })
        .describe('The LDAP server and where its users and groups are.'),
    })
    .describe('An LDAP directory read with an anonymous bind; users sign in with their directory password or the SSH keys it holds.'),
  z
    .strictObject({
      sssdConfSecret: SecretRefSchema.describe('Secret in the Slurm namespace (slurm) with the whole sssd.conf.').meta({
        examples: [{ name: 'sssd-conf', key: 'sssd.conf' }],
      }),
    })
    .describe("The site's sssd.conf, kept in an existing Secret."),
]);

export const IdentitySchema = z.strictObject({
  oidcGroupPrefix: z
    .string()
    .default('oidc:')
    .describe('Prefix the API server adds to OIDC group names.')
    .meta({ examples: ['oidc:'] }),
  oidcIssuerUrl: url(['https']).optional().describe('OIDC issuer; JupyterHub in every data lab signs users in with it. Required when the site has data labs.'),
  oidcEndpoints: OidcEndpointsSchema.optional()
    .describe(
      'Authorization, token and userinfo endpoints. Default: Keycloak paths under the issuer (<issuer>/protocol/openid-connect/auth, /token, /userinfo).',
    )
    .meta({
      examples: [
        {
          authorizeUrl: 'https://login.example.eu/oauth2/authorize',
          tokenUrl: 'https://login.example.eu/oauth2/token',
          userinfoUrl: 'https://login.example.eu/oauth2/userinfo',
        },
      ],
    }),
  oidcUsernameClaim: nonEmpty()
    .default('preferred_username')
    .describe('Claim that names a user.')
    .meta({ examples: ['email'] }),
  oidcGroupsClaim: nonEmpty()
    .default('groups')
    .describe("Claim that lists a user's groups, matched against the tenants' oidcGroups.")
    .meta({ examples: ['roles'] }),
  directory: DirectorySchema.optional().describe(
    "The site's user directory, which Slurm's login pods resolve users and authenticate against with SSSD. Required when Slurm has login pods.",
  ),
  oidcIssuerCidrs: z
    .array(
      z
        .string()
        .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { message: 'must be an IPv4 CIDR such as 192.0.2.0/24' })
        .superRefine(domain(issuerCidrProblem, /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/)),
    )
    .default([])
    .describe('Public address ranges of the issuer that lab hubs must reach (TCP 443) when it is outside the private ranges. Default: none, an on-site issuer.')
    .meta({ examples: [['192.0.2.10/32']] }),
  notebookClient: z
    .strictObject({
      clientId: nonEmpty()
        .default('jupyterhub')
        .describe("OIDC client id of the labs' JupyterHub.")
        .meta({ examples: ['ai-factory-notebooks'] }),
      secret: SecretRefSchema.default({ name: 'jupyterhub-oidc', key: 'client-secret' }).describe('Secret, in every lab namespace, with the client secret.'),
    })
    .prefault({})
    .describe('The OIDC client JupyterHub uses.'),
});

/** A whole site file. */
export const SiteSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION).describe('Version of the site file format this file is written in.'),
  id: z
    .string()
    .regex(/^[a-z]{2}-[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, {
      message: 'must be "<country code>-<name>" in lower case, e.g. de-jaif',
    })
    .describe('Site id; also the prefix of every stack name and the file name.'),
  name: nonEmpty().describe("Name of the site, as published; written with the other identity fields to the ConfigMap site in each cluster's system namespace."),
  kind: z.enum(['factory', 'gigafactory']).describe('An AI factory or an AI gigafactory.'),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as DE' })
    .describe('Country of the site, ISO 3166-1 alpha-2, e.g. DE.'),
  city: nonEmpty().describe('City of the site.'),
  hostInstitution: nonEmpty().describe('Institution that hosts the site.'),
  development: z
    .boolean()
    .default(false)
    .describe('A development site may use local state.')
    .meta({ examples: [true] }),
  sources: z
    .array(url(['https', 'http']))
    .default([])
    .describe('Public sources for the facts in this file.'),
  clusters: keyedMap(ClusterSchema).describe('Kubernetes clusters, keyed by name.'),
  cells: CellLimitsSchema.prefault({}).describe('Limits of cells (clusters.<name>.cells). Default: at most 5,000 nodes per cell.'),
  gpuPools: keyedMap(GpuPoolSchema).describe('GPU node pools, keyed by name.'),
  scheduler: SchedulerSchema.describe('The schedulers of the site: slurm, kueue or both.'),
  storageTiers: keyedMap(StorageTierSchema).default({}).describe('Storage tiers, keyed by name. Default: none.'),
  dataLabs: keyedMap(DataLabSchema).default({}).describe('Data labs, keyed by name. Default: none.'),
  tenants: keyedMap(TenantSchema).default({}).describe('Tenants, keyed by name. Default: none.'),
  oversubscription: z
    .strictObject({
      gpu: z
        .number()
        .min(1)
        .default(1)
        .describe('Guaranteed GPU quotas may add up to capacity times this.')
        .meta({ examples: [1.5] }),
      storage: z
        .number()
        .min(1)
        .default(1)
        .describe('Storage quotas may add up to capacity times this.')
        .meta({ examples: [2] }),
    })
    .default({ gpu: 1, storage: 1 })
    .describe('How far quotas may add up beyond capacity. Default: not at all (1 and 1).'),
  identity: IdentitySchema.prefault({}).describe('The identity provider and user directory the site signs users in with.'),
  energy: z
    .strictObject({
      pue: z
        .number()
        .min(1)
        .max(3)
        .optional()
        .describe(
          "The site's power usage effectiveness (facility power / IT power), measured or designed; the review's facility power and annual energy use it. Default: the review's stated assumption (the 2023 industry average, 1.58).",
        )
        .meta({ examples: [1.2] }),
    })
    .optional()
    .describe("Energy facts of the site's data centre, for the review's energy figures. Default: none stated.")
    .meta({ examples: [{ pue: 1.2 }] }),
  registryMirror: RegistryMirrorSchema.optional().describe(
    'Mirror of every image and chart, for sovereign or air-gapped installs. Default: the upstream registries.',
  ),
  state: StateSchema.describe("Where Terraform keeps the state of the site's stacks; every backend locks."),
  policySuppressions: z
    .partialRecord(
      z.enum(AI_FACTORY_RULES.map((r) => r.id) as [string, ...string[]]),
      z.record(
        z.string().regex(/^(platform|workloads)(\/[A-Za-z0-9_.-]+)+$/, { message: 'must be a construct path such as workloads/Tenant-main-acme/Namespace' }),
        z.string().min(10, { message: 'must say why the finding is acceptable (at least 10 characters)' }),
      ),
    )
    .default({})
    .describe('Policy rule id to construct path (layer/...) to the reason the finding is accepted; printed on every synth.')
    .meta({ examples: [{ 'AIF-TEN-1': { 'workloads/Tenant-main-acme/Namespace': 'The tenant runs a public inference endpoint behind the site gateway.' } }] }),
  assumptions: z
    .record(z.string().min(1), nonEmpty())
    .default({})
    .describe('Field path (e.g. gpuPools.main.nodes) to why the value is a reference design, not a published fact.'),
});

/** A validated site, with defaults applied. */
export type SiteSpec = z.output<typeof SiteSchema>;
export type GpuPoolSpec = z.output<typeof GpuPoolSchema>;
export type ApiServerSpec = z.output<typeof ApiServerSchema>;
export type CephHardwareSpec = z.output<typeof CephHardwareSchema>;
export type TenantSpec = z.output<typeof TenantSchema>;
export type StorageTierSpec = z.output<typeof StorageTierSchema>;
export type DataLabSpec = z.output<typeof DataLabSchema>;
export type StateSpec = z.output<typeof StateSchema>;
export type SlurmSpec = z.output<typeof SlurmSchema>;
export type KueueSpec = z.output<typeof KueueSchema>;
export type FabricSpec = z.output<typeof FabricSchema>;
export type CellSpec = z.output<typeof CellSchema>;
export type IdentitySpec = z.output<typeof IdentitySchema>;
export type StorageBackendSpec = z.output<typeof StorageBackendSchema>;

/** JSON Schema of the site file, generated from the zod schema. */
export function siteJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SiteSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'ai-factory-cdk site file' };
}
