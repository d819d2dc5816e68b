import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Construct } from 'constructs';
import { ACCELERATORS, type AcceleratorModel } from './accelerators';
import type { ClusterTarget } from '../core/cluster-target';
import { unitsPerGpu, type GpuSharing } from './gpu-sharing';
import { LABEL_PREFIX, siteLabels } from '../core/labels';
import { dnsLabel } from '../core/names';
import { StackFile } from '../charts/stack-file';

/** Node label that names a node's pool. */
export const POOL_LABEL = `${LABEL_PREFIX}/pool`;

/**
 * Node label that names the scheduler owning a node: `slurm` (Slinky's slurmd pods select it)
 * or `kubernetes` (Kueue's flavors and data labs' notebook profiles select it). Node
 * provisioning sets it, as it sets {@link POOL_LABEL}; a node without it runs neither.
 */
export const OWNER_LABEL = `${LABEL_PREFIX}/owner`;

/** The schedulers that may own a node; see {@link OWNER_LABEL}. */
export type NodeOwner = 'slurm' | 'kubernetes';

/** Nodes of a pool by owner. */
export interface NodeOwnership {
  readonly slurm: number;
  readonly kubernetes: number;
}

/** Node labels that place a node in the fabric; provisioning sets them, schedulers read them. */
export const FABRIC_LABELS = {
  spine: `${LABEL_PREFIX}/spine`,
  leaf: `${LABEL_PREFIX}/leaf`,
  nvlinkDomain: `${LABEL_PREFIX}/nvlink-domain`,
  host: 'kubernetes.io/hostname',
} as const;

/**
 * The fabric of a pool as a regular structure: node `i` sits under leaf switch
 * `floor(i / nodesPerLeafSwitch)`, that leaf under spine `floor(leaf / leafSwitchesPerSpine)`,
 * and in NVLink domain `floor(i / nodesPerNvlinkDomain)`.
 */
export interface PoolFabric {
  /** Nodes under one leaf switch. @default - no switch tree */
  readonly nodesPerLeafSwitch?: number;
  /** Leaf switches under one spine switch. @default - a single level of leaves */
  readonly leafSwitchesPerSpine?: number;
  /** Nodes in one NVLink domain. @default - no NVLink domains */
  readonly nodesPerNvlinkDomain?: number;
}

/** Node-to-node fabrics. */
export type Interconnect = 'infiniband' | 'roce' | 'slingshot' | 'ethernet';

/** A Kubernetes toleration, in the shape pod specs and Helm values use. */
export interface Toleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
}

/** Aggregate capacity of a pool; `null` where the accelerator's figure is unpublished. */
export interface PoolCapacity {
  readonly nodes: number;
  readonly accelerators: number;
  /** Units Kubernetes schedules (GPUs, MIG instances or time-sliced replicas). */
  readonly schedulableUnits: number;
  readonly acceleratorMemoryGB: number | null;
  /** Dense BF16 peak of the whole pool, FLOP/s. */
  readonly bf16DenseFlops: number | null;
  /** Maximum accelerator power of the whole pool, W (accelerators only, not hosts). */
  readonly acceleratorPowerW: number | null;
}

/** Props of a {@link GpuNodePool}. */
export interface GpuNodePoolProps {
  /** Cluster the pool's nodes belong to. */
  readonly target: ClusterTarget;
  /** Site id, for labels. */
  readonly siteId: string;
  /** Pool name; part of node labels and Kubernetes names. */
  readonly poolName: string;
  /** Accelerator model id from the catalogue (`ACCELERATORS`). */
  readonly accelerator: string;
  /** Nodes in the pool. */
  readonly nodes: number;
  /** Accelerators per node. */
  readonly acceleratorsPerNode: number;
  /** CPU cores per node. */
  readonly cpusPerNode: number;
  /** Host memory per node, GiB. */
  readonly memoryGiBPerNode: number;
  /** Node-to-node fabric. */
  readonly interconnect: Interconnect;
  /** How GPUs are shared. @default - exclusive: each workload gets whole GPUs */
  readonly sharing?: GpuSharing;
  /** Switch and NVLink structure. @default - none: no topology-aware scheduling */
  readonly fabric?: PoolFabric;
  /**
   * Nodes by owner, adding up to `nodes`: Slurm owns the first `slurm` nodes by index, Kubernetes
   * workloads the rest. @default - Kubernetes owns every node
   */
  readonly ownership?: NodeOwnership;
  /**
   * Namespace for the pool's descriptor ConfigMap. Pass the namespace resource's
   * `metadata.name` (a reference) when the same stack creates it, so Terraform orders them.
   * @default 'aif-system'
   */
  readonly descriptorNamespace?: string;
}

/**
 * A pool of identical GPU nodes, modelled as one aggregate: a pool of 10,000 nodes costs
 * the same single descriptor object as a pool of 10.
 *
 * Nodes join a pool by carrying {@link nodeLabels} and the {@link taint}; workloads reach it
 * with {@link nodeSelector} and {@link tolerations}. The descriptor ConfigMap
 * `pool-<name>` tells node provisioning which labels and taint to apply.
 *
 * @see https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/gpu-sharing.html
 */
export class GpuNodePool extends Construct {
  readonly poolName: string;
  readonly model: AcceleratorModel;
  readonly nodes: number;
  readonly acceleratorsPerNode: number;
  readonly cpusPerNode: number;
  readonly memoryGiBPerNode: number;
  readonly interconnect: Interconnect;
  readonly sharing: GpuSharing;
  readonly fabric?: PoolFabric;
  /** Nodes by owner; see {@link OWNER_LABEL}. */
  readonly ownership: NodeOwnership;
  /** Cluster the pool belongs to. */
  readonly target: ClusterTarget;
  /** Name of the time-slicing entry in the device-plugin config, when time-sliced. */
  readonly devicePluginConfigName?: string;
  /** MIG manager config (from the GPU Operator's default mig-parted config) when cut with MIG. */
  readonly migConfigName?: string;

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    const model = ACCELERATORS[props.accelerator];
    const problems: string[] = [];
    if (!model) problems.push(`accelerator ${props.accelerator} is not in the catalogue`);
    if (!Number.isInteger(props.nodes) || props.nodes < 1) problems.push(`nodes must be a whole number >= 1, got ${props.nodes}`);
    if (!Number.isInteger(props.acceleratorsPerNode) || props.acceleratorsPerNode < 1) {
      problems.push(`acceleratorsPerNode must be a whole number >= 1, got ${props.acceleratorsPerNode}`);
    }
    const sharing = props.sharing ?? { mode: 'exclusive' };
    if (model && sharing.mode === 'mig' && !model.migCapable) problems.push(`${model.id} does not support MIG; use exclusive or time-slicing`);
    const ownership = props.ownership ?? { slurm: 0, kubernetes: props.nodes };
    const counts = [ownership.slurm, ownership.kubernetes];
    if (props.ownership && (counts.some((n) => !Number.isInteger(n) || n < 0) || ownership.slurm + ownership.kubernetes !== props.nodes)) {
      problems.push(`ownership must give each of the ${props.nodes} nodes one owner, got slurm ${ownership.slurm} and kubernetes ${ownership.kubernetes}`);
    }
    if (problems.length > 0) throw new Error(`GpuNodePool ${props.poolName}: ${problems.join('; ')}`);

    this.poolName = dnsLabel(props.poolName);
    this.model = model;
    this.nodes = props.nodes;
    this.acceleratorsPerNode = props.acceleratorsPerNode;
    this.cpusPerNode = props.cpusPerNode;
    this.memoryGiBPerNode = props.memoryGiBPerNode;
    this.interconnect = props.interconnect;
    this.sharing = sharing;
    this.fabric = props.fabric;
    this.ownership = { slurm: ownership.slurm, kubernetes: ownership.kubernetes };
    this.target = props.target;
    if (sharing.mode === 'time-slicing') this.devicePluginConfigName = this.poolName;
    if (sharing.mode === 'mig') this.migConfigName = `all-${sharing.profile}`;

    // Computed here, so that what the descriptor checks (a MIG profile's size) fails at construction.
    const descriptor = JSON.stringify(
      {
        accelerator: model.id,
        nodes: this.nodes,
        acceleratorsPerNode: this.acceleratorsPerNode,
        resourceName: this.resourceName,
        nodeLabels: this.nodeLabels,
        taint: this.taint,
        capacity: this.capacity,
        fabric: this.fabric ?? null,
        topologyLevels: this.topologyLevels,
        // Which nodes carry which owner label: Slurm's are the first by index.
        ownership: { label: OWNER_LABEL, nodes: { ...this.ownership }, slurmNodes: 'first' },
      },
      null,
      2,
    );
    new ConfigMapV1(this, 'Descriptor', {
      provider: props.target.kubernetes,
      metadata: {
        name: `pool-${this.poolName}`,
        namespace: props.descriptorNamespace ?? 'aif-system',
        labels: siteLabels(props.siteId, { [POOL_LABEL]: this.poolName }),
      },
      data: {
        // A file beside the stack's JSON, so a change of the pool is a change of lines in a diff.
        'pool.json': new StackFile(this, 'DescriptorFile', {
          path: `pools/${this.poolName}.json`,
          content: () => descriptor,
        }).reference,
      },
    });
  }

  /**
   * Node labels of the fabric levels, widest first, ending with the host name; empty when
   * the pool has no fabric. Kueue's Topology uses them as its levels.
   */
  get topologyLevels(): string[] {
    const f = this.fabric;
    if (!f) return [];
    return [
      ...(f.leafSwitchesPerSpine !== undefined ? [FABRIC_LABELS.spine] : []),
      ...(f.nodesPerLeafSwitch !== undefined ? [FABRIC_LABELS.leaf] : []),
      ...(f.nodesPerNvlinkDomain !== undefined ? [FABRIC_LABELS.nvlinkDomain] : []),
      FABRIC_LABELS.host,
    ];
  }

  /** Units one GPU advertises: 1, the MIG instances, or the time-slicing replicas. */
  get unitsPerAccelerator(): number {
    return unitsPerGpu(this.model.id, this.sharing);
  }

  /**
   * Extended resource workloads request. Time-sliced GPUs are renamed to `<resource>.shared`
   * and MIG instances use the mixed strategy's `nvidia.com/mig-<profile>`, so quotas never
   * mix whole GPUs with slices.
   */
  get resourceName(): string {
    if (this.sharing.mode === 'mig') return `nvidia.com/mig-${this.sharing.profile}`;
    if (this.sharing.mode === 'time-slicing') return `${this.model.resourceName}.shared`;
    return this.model.resourceName;
  }

  /** Labels each node of the pool must carry. */
  get nodeLabels(): Record<string, string> {
    const labels: Record<string, string> = { [POOL_LABEL]: this.poolName };
    if (this.devicePluginConfigName) labels['nvidia.com/device-plugin.config'] = this.devicePluginConfigName;
    if (this.migConfigName) labels['nvidia.com/mig.config'] = this.migConfigName;
    return labels;
  }

  /** Taint that keeps other workloads off the pool's nodes. */
  get taint(): Toleration {
    return { key: POOL_LABEL, operator: 'Equal', value: this.poolName, effect: 'NoSchedule' };
  }

  /** Node selector for the workloads of one owner on this pool: its nodes of the pool. */
  nodeSelectorFor(owner: NodeOwner): Record<string, string> {
    return { [POOL_LABEL]: this.poolName, [OWNER_LABEL]: owner };
  }

  /** Units on the nodes one scheduler owns. */
  unitsOwnedBy(owner: NodeOwner): number {
    return this.ownership[owner] * this.acceleratorsPerNode * this.unitsPerAccelerator;
  }

  /** Tolerations for workloads of this pool: the pool taint and the vendor's GPU taint. */
  get tolerations(): Toleration[] {
    return [this.taint, { key: this.model.resourceName, operator: 'Exists', effect: 'NoSchedule' }];
  }

  /**
   * Tolerations of a node agent (a DaemonSet that must run on every node of this pool:
   * device plugins, feature discovery, CSI node plugins, exporters): the pool taint and the
   * vendor's GPU taint. Agents that serve several pools take {@link GpuNodePool.nodeAgentTolerations}.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  get nodeAgentTolerations(): Toleration[] {
    return this.tolerations;
  }

  /**
   * The one list of tolerations that every node agent of a cluster gets: each pool's
   * {@link nodeAgentTolerations}, in pool order, without duplicates (pools of one vendor share
   * its GPU taint). A DaemonSet that tolerates it is scheduled on every node of every pool.
   * Helm replaces a list in values rather than merging it, so charts append it to their own
   * default tolerations where those matter.
   * @param pools the GPU pools of one cluster
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  static nodeAgentTolerations(pools: readonly GpuNodePool[]): Toleration[] {
    const seen = new Set<string>();
    const all: Toleration[] = [];
    for (const toleration of pools.flatMap((p) => p.nodeAgentTolerations)) {
      const key = JSON.stringify([toleration.key, toleration.operator, toleration.value ?? '', toleration.effect]);
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(toleration);
    }
    return all;
  }

  /** Units the pool schedules in total. */
  get schedulableUnits(): number {
    return this.nodes * this.acceleratorsPerNode * this.unitsPerAccelerator;
  }

  /** CPU cores that come with one schedulable unit. */
  get cpusPerUnit(): number {
    return this.cpusPerNode / (this.acceleratorsPerNode * this.unitsPerAccelerator);
  }

  /** Host memory (GiB) that comes with one schedulable unit. */
  get memoryGiBPerUnit(): number {
    return this.memoryGiBPerNode / (this.acceleratorsPerNode * this.unitsPerAccelerator);
  }

  /** Aggregate capacity, for quotas, schedulers and reports. */
  get capacity(): PoolCapacity {
    const accelerators = this.nodes * this.acceleratorsPerNode;
    const times = (per: number | null) => (per === null ? null : per * accelerators);
    return {
      nodes: this.nodes,
      accelerators,
      schedulableUnits: this.schedulableUnits,
      acceleratorMemoryGB: times(this.model.memoryGB),
      bf16DenseFlops: this.model.bf16DenseTflops === null ? null : this.model.bf16DenseTflops * 1e12 * accelerators,
      acceleratorPowerW: times(this.model.maxPowerW),
    };
  }
}
