/**
 * topology.conf from the regular fabric of each pool (see {@link PoolFabric}): node `i` under
 * leaf switch `floor(i / nodesPerLeafSwitch)`, that leaf under spine
 * `floor(leaf / leafSwitchesPerSpine)`, and in NVLink domain `floor(i / nodesPerNvlinkDomain)`.
 *
 * Slurm 24.11 runs one topology plugin per cluster and reads one topology.conf (several
 * topologies, in topology.yaml, came with 25.05). The plugin is chosen per cluster:
 * - `topology/block` when any pool has NVLink domains: one block per domain. Pools without
 *   NVLink domains are left out of the blocks; Slurm schedules their partitions without
 *   topology (it only applies block placement when a job's candidate nodes include block
 *   nodes), so a partition must not mix both kinds of pool.
 * - `topology/tree` when pools have leaf switches but none has NVLink domains. Every node
 *   must sit under a switch (jobs only span nodes joined by the switch tree), so a pool
 *   without a switch tree gets one switch named after the pool, and several pools are
 *   joined under a switch named `root`.
 * - no plugin (Slurm's default, topology/flat) when no pool describes a fabric.
 *
 * @see https://slurm.schedmd.com/topology.conf.html
 * @see https://slurm.schedmd.com/topology.html
 */
import type { PoolFabric } from '../../gpu/gpu-node-pool';
import { bracketRange, nodeRange, poolNodes } from './hostlist';
import type { SlurmInputProblem, SlurmPartitionInput, SlurmPoolInput } from './input';

/** Topology plugins this project renders. */
export type TopologyPlugin = 'topology/tree' | 'topology/block';

/** Name of the switch that joins the pools of a tree topology. */
export const ROOT_SWITCH = 'root';

/**
 * Aggregation levels of topology/block, as multiples of the base block size. Slurm's
 * default when `BlockSizes` is absent is the same five levels, but based on the node count of
 * the first block; writing them out bases them on the smallest NVLink domain instead.
 */
export const BLOCK_LEVELS = [1, 2, 4, 8, 16] as const;

/** The topology of one Slurm cluster. */
export interface TopologyPlan {
  /** @default - none: Slurm's default topology/flat */
  readonly plugin?: TopologyPlugin;
  /** topology.conf lines; empty without a plugin. */
  readonly lines: readonly string[];
  /** What Slurm ignores of the fabrics, for operators to read. */
  readonly notes: readonly string[];
  /** Problems that make the topology unusable. */
  readonly problems: readonly SlurmInputProblem[];
}

const leafSize = (f?: PoolFabric) => f?.nodesPerLeafSwitch;
const domainSize = (f?: PoolFabric) => f?.nodesPerNvlinkDomain;

/** The topology plugin a cluster with these pools uses, if any. */
export function topologyPluginFor(pools: readonly SlurmPoolInput[]): TopologyPlugin | undefined {
  if (pools.some((p) => domainSize(p.fabric) !== undefined)) return 'topology/block';
  if (pools.some((p) => leafSize(p.fabric) !== undefined)) return 'topology/tree';
  return undefined;
}

/**
 * The topology unit of node `index` of `pool`: its leaf switch (tree), its block (block), or
 * undefined when the pool takes no part in the cluster's topology. With Slurm 25.05 or newer
 * this is the `<unit>` of a dynamic node's `Topology=default:<unit>`.
 *
 * @see https://slurm.schedmd.com/topology.html#dynamic_topo
 */
export function topologyUnitOf(plugin: TopologyPlugin | undefined, pool: SlurmPoolInput, index: number): string | undefined {
  const f = pool.fabric;
  if (plugin === 'topology/block') {
    const d = domainSize(f);
    return d === undefined ? undefined : `${pool.name}-nvl${Math.floor(index / d)}`;
  }
  if (plugin === 'topology/tree') {
    const l = leafSize(f);
    return l === undefined ? pool.name : `${pool.name}-leaf${Math.floor(index / l)}`;
  }
  return undefined;
}

/** Renders the topology of a cluster (pools are assumed to have passed the input checks). */
export function planTopology(pools: readonly SlurmPoolInput[], partitions: readonly SlurmPartitionInput[]): TopologyPlan {
  const plugin = topologyPluginFor(pools);
  if (plugin === 'topology/block') return blockPlan(pools, partitions);
  if (plugin === 'topology/tree') return treePlan(pools);
  return { lines: [], notes: [], problems: [] };
}

function treePlan(pools: readonly SlurmPoolInput[]): TopologyPlan {
  const lines: string[] = [];
  const tops: string[] = [];
  for (const pool of pools) {
    const p = pool.name;
    const l = leafSize(pool.fabric);
    if (l === undefined) {
      // No switch tree known: one switch over the whole pool keeps its nodes schedulable.
      lines.push(`SwitchName=${p} Nodes=${poolNodes(p, pool.nodes)}`);
      tops.push(p);
      continue;
    }
    const leaves = Math.ceil(pool.nodes / l);
    for (let k = 0; k < leaves; k++) {
      lines.push(`SwitchName=${p}-leaf${k} Nodes=${nodeRange(p, k * l, Math.min(pool.nodes, (k + 1) * l) - 1)}`);
    }
    let top = { prefix: `${p}-leaf`, count: leaves };
    const s = pool.fabric?.leafSwitchesPerSpine;
    if (s !== undefined) {
      const spines = Math.ceil(leaves / s);
      for (let j = 0; j < spines; j++) {
        lines.push(`SwitchName=${p}-spine${j} Switches=${bracketRange(`${p}-leaf`, j * s, Math.min(leaves, (j + 1) * s) - 1)}`);
      }
      top = { prefix: `${p}-spine`, count: spines };
    }
    if (top.count > 1) {
      lines.push(`SwitchName=${p} Switches=${bracketRange(top.prefix, 0, top.count - 1)}`);
      tops.push(p);
    } else {
      tops.push(`${top.prefix}0`);
    }
  }
  if (tops.length > 1) lines.push(`SwitchName=${ROOT_SWITCH} Switches=${tops.join(',')}`);
  return { plugin: 'topology/tree', lines, notes: [], problems: duplicateNames(lines, 'SwitchName') };
}

function blockPlan(pools: readonly SlurmPoolInput[], partitions: readonly SlurmPartitionInput[]): TopologyPlan {
  const lines: string[] = [];
  const notes: string[] = [];
  const problems: SlurmInputProblem[] = [];
  const blockPools = pools.filter((p) => domainSize(p.fabric) !== undefined);
  const base = Math.min(...blockPools.map((p) => domainSize(p.fabric)!));
  for (const pool of pools) {
    const d = domainSize(pool.fabric);
    if (d === undefined) {
      if (leafSize(pool.fabric) !== undefined) {
        notes.push(
          `pool ${pool.name}: its switch tree is not used; the cluster runs topology/block for the NVLink domains of ${blockPools.map((p) => p.name).join(', ')}, and Slurm 24.11 runs one topology plugin per cluster`,
        );
      }
      continue;
    }
    const blocks = Math.ceil(pool.nodes / d);
    const last = pool.nodes - (blocks - 1) * d;
    if (last < base) {
      problems.push({
        path: ['pools', pool.name, 'fabric', 'nodesPerNvlinkDomain'],
        problem: `${pool.nodes} nodes leave a last NVLink domain of ${last} nodes, fewer than the base block size ${base} (topology/block refuses a block smaller than BlockSizes[0])`,
        got: d,
        fix: `make the node count a multiple of ${d}`,
      });
    }
    for (let k = 0; k < blocks; k++) {
      lines.push(`BlockName=${pool.name}-nvl${k} Nodes=${nodeRange(pool.name, k * d, Math.min(pool.nodes, (k + 1) * d) - 1)}`);
    }
  }
  lines.push(`BlockSizes=${BLOCK_LEVELS.map((m) => m * base).join(',')}`);
  for (const part of partitions) {
    const inBlocks = part.pools.filter((n) => blockPools.some((p) => p.name === n));
    if (inBlocks.length > 0 && inBlocks.length < part.pools.length) {
      const outside = part.pools.filter((n) => !inBlocks.includes(n));
      problems.push({
        path: ['partitions', part.name, 'pools'],
        problem: `mixes pools with NVLink domains (${inBlocks.join(', ')}) and without (${outside.join(', ')}); topology/block would only place its jobs on the block nodes`,
        got: part.pools,
        fix: `split the partition or give ${outside.join(', ')} an NVLink fabric`,
      });
    }
  }
  return { plugin: 'topology/block', lines, notes, problems: [...problems, ...duplicateNames(lines, 'BlockName')] };
}

function duplicateNames(lines: readonly string[], key: 'SwitchName' | 'BlockName'): SlurmInputProblem[] {
  const seen = new Set<string>();
  const problems: SlurmInputProblem[] = [];
  for (const line of lines) {
    const name = new RegExp(`^${key}=(\\S+)`).exec(line)?.[1];
    if (name === undefined) continue;
    if (seen.has(name)) {
      problems.push({
        path: ['pools'],
        problem: `two ${key === 'SwitchName' ? 'switches' : 'blocks'} would be named ${name}`,
        got: name,
        fix: `rename the pool whose name ends like a switch or block name (${ROOT_SWITCH}, <pool>-leaf<k>, <pool>-spine<k>, <pool>-nvl<k>)`,
      });
    }
    seen.add(name);
  }
  return problems;
}
