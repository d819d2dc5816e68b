/**
 * The simulated nodes of a rehearsal: Node objects for every GPU pool of a cluster, with the
 * labels and taint that the pool's descriptor tells node provisioning to apply, and the
 * capacity the site file's hardware implies; plus a few untainted CPU nodes for system
 * workloads. kwok keeps them Ready and runs the pods bound to them.
 */
import { FABRIC_LABELS, type NodeOwner } from '../constructs/gpu/gpu-node-pool';
import { CPU_NODE_LABELS } from '../constructs/scheduling/kueue/kueue-queues';
import type { PoolModel, SiteModel } from '../site-model/resolve';
import { KWOK_NODE_ANNOTATION } from './control-plane';

type Json = Record<string, unknown>;

/** The label marking a rehearsal's CPU-only nodes. */
export const CPU_NODE_LABEL = 'ai-factory.eu/rehearsal-cpu-node';

/** What node provisioning must apply to a pool's nodes: the deployed descriptor `pool.json`. */
export interface PoolDescriptor {
  readonly accelerator: string;
  readonly nodes: number;
  readonly acceleratorsPerNode: number;
  /** Extended resource the pool's device plugin advertises. */
  readonly resourceName: string;
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly taint: { readonly key: string; readonly value?: string; readonly effect: string };
  readonly capacity: { readonly schedulableUnits: number };
  readonly fabric: { readonly nodesPerLeafSwitch?: number; readonly leafSwitchesPerSpine?: number; readonly nodesPerNvlinkDomain?: number } | null;
  readonly topologyLevels: readonly string[];
  /** Nodes by owner label value; Slurm's are the first by index. */
  readonly ownership: { readonly label: string; readonly nodes: { readonly slurm: number; readonly kubernetes: number } };
}

/** Options of {@link simulatedNodes}. */
export interface NodeOptions {
  /** Most nodes per pool; the rest of a large pool is left out. @default - every node */
  readonly maxNodesPerPool?: number;
}

/** Simulated nodes of one pool, and how many of the pool's nodes they stand for. */
export interface PoolNodes {
  readonly pool: string;
  /** Extended resource the pool's nodes advertise. */
  readonly resourceName: string;
  /** Units of it each node advertises. */
  readonly unitsPerNode: number;
  /** Whether the nodes advertise the RDMA resource (InfiniBand and RoCE pools). */
  readonly rdma: boolean;
  readonly nodes: readonly Json[];
  /** The owner of each simulated node, by name. */
  readonly owners: Readonly<Record<string, NodeOwner>>;
  /** Nodes of the pool in the site file. */
  readonly total: number;
}

/** RDMA resource of pools on InfiniBand or RoCE (the NicClusterPolicy's shared device plugin). */
export const RDMA_RESOURCE = 'rdma/rdma_shared_device_a';

/** Fabric labels of node `i`: leaf, spine and NVLink domain, named as Slurm's topology.conf names them. */
function fabricLabels(pool: string, i: number, fabric: PoolDescriptor['fabric'], levels: readonly string[]): Record<string, string> {
  if (!fabric) return {};
  const out: Record<string, string> = {};
  // Only the levels the deployed descriptor lists, which are the pool's FABRIC_LABELS.
  const [spineLabel, leafLabel, nvlinkLabel] = [FABRIC_LABELS.spine, FABRIC_LABELS.leaf, FABRIC_LABELS.nvlinkDomain].map((l) =>
    levels.includes(l) ? l : undefined,
  );
  if (fabric.nodesPerLeafSwitch !== undefined && leafLabel) {
    const leaf = Math.floor(i / fabric.nodesPerLeafSwitch);
    out[leafLabel] = `${pool}-leaf${leaf}`;
    if (fabric.leafSwitchesPerSpine !== undefined && spineLabel) out[spineLabel] = `${pool}-spine${Math.floor(leaf / fabric.leafSwitchesPerSpine)}`;
  }
  if (fabric.nodesPerNvlinkDomain !== undefined && nvlinkLabel) out[nvlinkLabel] = `${pool}-nvl${Math.floor(i / fabric.nodesPerNvlinkDomain)}`;
  return out;
}

function node(name: string, labels: Record<string, string>, taints: Json[], capacity: Record<string, string>): Json {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { ...labels, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    spec: { taints },
    status: { capacity, allocatable: capacity },
  };
}

/**
 * Indices of the simulated nodes of a pool: all of them, or under a cap, the first nodes of
 * each owner in proportion to its share (at least one node for an owner that has any), so that
 * both schedulers of a split pool have nodes. Slurm's nodes come first, as in the descriptor.
 */
export function simulatedIndices(ownership: PoolDescriptor['ownership']['nodes'], cap?: number): number[] {
  const total = ownership.slurm + ownership.kubernetes;
  if (cap === undefined || cap >= total) return Array.from({ length: total }, (_, i) => i);
  const share = (n: number) => (n === 0 ? 0 : Math.min(n, Math.max(1, Math.round((cap * n) / total))));
  const slurm = Math.min(share(ownership.slurm), cap - (ownership.kubernetes > 0 ? 1 : 0));
  const kubernetes = Math.min(share(ownership.kubernetes), cap - slurm);
  return [...Array.from({ length: slurm }, (_, i) => i), ...Array.from({ length: kubernetes }, (_, i) => ownership.slurm + i)];
}

/** Nodes of one pool from its descriptor and the site model's hardware figures. */
export function poolNodes(pool: PoolModel, descriptor: PoolDescriptor, options: NodeOptions = {}): PoolNodes {
  const unitsPerNode = descriptor.capacity.schedulableUnits / descriptor.nodes;
  const rdma = pool.spec.interconnect === 'infiniband' || pool.spec.interconnect === 'roce';
  const capacity: Record<string, string> = {
    cpu: String(pool.spec.cpusPerNode),
    memory: `${pool.spec.memoryGiBPerNode}Gi`,
    pods: '250',
    'ephemeral-storage': '1Ti',
    [descriptor.resourceName]: String(unitsPerNode),
    ...(rdma ? { [RDMA_RESOURCE]: '63' } : {}),
  };
  const taint = { key: descriptor.taint.key, value: descriptor.taint.value, effect: descriptor.taint.effect };
  const { label, nodes: owned } = descriptor.ownership;
  const indices = simulatedIndices(owned, options.maxNodesPerPool);
  const ownerOf = (i: number): NodeOwner => (i < owned.slurm ? 'slurm' : 'kubernetes');
  const nodes = indices.map((i) =>
    node(
      `${pool.name}-${i}`,
      {
        ...descriptor.nodeLabels,
        [label]: ownerOf(i),
        ...fabricLabels(pool.name, i, descriptor.fabric, descriptor.topologyLevels),
      },
      [taint],
      capacity,
    ),
  );
  const owners = Object.fromEntries(indices.map((i) => [`${pool.name}-${i}`, ownerOf(i)]));
  return { pool: pool.name, resourceName: descriptor.resourceName, unitsPerNode, rdma, nodes, owners, total: descriptor.nodes };
}

/**
 * Untainted CPU-only nodes, where system pods and CPU-only tenant pods belong. They carry the
 * CPU-node labels that Kueue's `cpu` flavor selects, as a site's CPU nodes must.
 */
export function cpuNodes(count = 2): Json[] {
  return Array.from({ length: count }, (_, i) =>
    node(`cpu-${i}`, { ...CPU_NODE_LABELS, [CPU_NODE_LABEL]: 'true' }, [], { cpu: '64', memory: '256Gi', pods: '250', 'ephemeral-storage': '1Ti' }),
  );
}

/** The pool descriptors a synthesized platform stack deploys in one cluster, by pool name. */
export function poolDescriptors(manifests: readonly Json[]): Map<string, PoolDescriptor> {
  const out = new Map<string, PoolDescriptor>();
  for (const m of manifests) {
    const meta = m.metadata as { name?: string; labels?: Record<string, string> } | undefined;
    const data = m.data as Record<string, string> | undefined;
    if (m.kind !== 'ConfigMap' || !meta?.name?.startsWith('pool-') || data?.['pool.json'] === undefined) continue;
    out.set(meta.name.slice('pool-'.length), JSON.parse(data['pool.json']) as PoolDescriptor);
  }
  return out;
}

/** Every simulated node of one cluster of a site. */
export function clusterNodes(site: SiteModel, cluster: string, descriptors: ReadonlyMap<string, PoolDescriptor>, options: NodeOptions = {}): PoolNodes[] {
  const pools = site.clusters.find((c) => c.name === cluster)?.pools ?? [];
  return pools.map((name) => {
    const descriptor = descriptors.get(name);
    if (!descriptor) throw new Error(`cluster ${cluster}: the platform stack deploys no descriptor ConfigMap pool-${name}, so its nodes cannot be provisioned`);
    return poolNodes(site.pools[name], descriptor, options);
  });
}
