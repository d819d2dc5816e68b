/**
 * topology.conf from the regular fabric of each pool (see {@link PoolFabric}) as one switch
 * tree (`topology/tree`): node `i` sits in NVLink domain `floor(i / nodesPerNvlinkDomain)`,
 * under leaf switch `floor(i / nodesPerLeafSwitch)`, that leaf under spine
 * `floor(leaf / leafSwitchesPerSpine)`. Each level a pool describes is one level of switches,
 * NVLink domains lowest, so Slurm packs a job into the smallest group that holds it: one NVLink
 * domain, then one leaf, then one spine.
 *
 * Why a tree and never `topology/block`, although blocks model NVLink domains: Slinky's nodes
 * are dynamic, so none exists when slurmctld starts, and the two plugins treat that differently.
 * - Slurm 24.11 `topology/block` counts a block's nodes when it reads topology.conf and exits
 *   when a block has fewer than the base block size (`fatal: Block configuration (x) children
 *   count lower than bblock_node_cnt`, or `Block not contains any nodes`); 24.11 has no other
 *   way to put a dynamic node into a block, so a block topology cannot start with Slinky.
 * - `topology/tree` starts with switches whose nodes do not exist yet: slurmctld logs one
 *   `lookup failure for node` error per missing node and
 *   `Invalid hostnames in switch configuration`, and keeps running. A dynamic node that
 *   registers later joins the switches that name it at the next `scontrol reconfigure` (24.11),
 *   or at once when it registers with `Topology=default:<lowest switch>` (25.05 and newer: the
 *   Slinky slurmd image adds it from the node annotation, see {@link topologyUnitOf}).
 *
 * Every node must sit under a switch (Slurm only spans a job over nodes joined by the tree), so a
 * pool without a fabric in a cluster that has one gets one switch named after the pool, and
 * several pools are joined under a switch named `root`.
 *
 * @see https://slurm.schedmd.com/topology.conf.html
 * @see https://slurm.schedmd.com/topology.html#dynamic_topo
 * @see https://github.com/SchedMD/slurm/blob/slurm-24-11-5-1/src/plugins/topology/block/block_record.c (block_record_validate)
 * @see https://github.com/SchedMD/slurm/blob/slurm-24-11-5-1/src/plugins/topology/tree/switch_record.c (switch_record_validate)
 */
import type { PoolFabric } from '../../gpu/gpu-node-pool';
import { bracketRange, nodeRange, poolNodes } from './hostlist';
import type { SlurmInputProblem, SlurmPoolInput } from './input';

/** Topology plugins this project renders. */
export type TopologyPlugin = 'topology/tree';

/** Name of the switch that joins the pools of a tree topology. */
export const ROOT_SWITCH = 'root';

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

/** One level of a pool's switch tree: switches `<prefix><k>`, each over `span` nodes. */
interface Level {
  readonly prefix: string;
  readonly span: number;
}

/** The switch levels of a pool, lowest first; empty without a fabric. */
function levelsOf(pool: SlurmPoolInput): Level[] {
  const f: PoolFabric | undefined = pool.fabric;
  const levels: Level[] = [];
  if (f?.nodesPerNvlinkDomain !== undefined) levels.push({ prefix: `${pool.name}-nvl`, span: f.nodesPerNvlinkDomain });
  if (f?.nodesPerLeafSwitch !== undefined) {
    levels.push({ prefix: `${pool.name}-leaf`, span: f.nodesPerLeafSwitch });
    if (f.leafSwitchesPerSpine !== undefined) levels.push({ prefix: `${pool.name}-spine`, span: f.nodesPerLeafSwitch * f.leafSwitchesPerSpine });
  }
  return levels;
}

/** The plugin for a set of pools: topology/tree when any describes a fabric. */
export function topologyPluginFor(pools: readonly SlurmPoolInput[]): TopologyPlugin | undefined {
  return pools.some((p) => levelsOf(p).length > 0) ? 'topology/tree' : undefined;
}

/**
 * The lowest switch of node `index` of `pool`: its NVLink domain, else its leaf switch, else the
 * pool's own switch; undefined when the cluster has no topology. It is the `<unit>` of the
 * node's `Topology=default:<unit>` (`default` is the name Slurm gives the topology read from
 * topology.conf), which Slurm 25.05 and newer accept only for a lowest-level switch.
 *
 * @see https://slurm.schedmd.com/topology.html#dynamic_topo
 */
export function topologyUnitOf(plugin: TopologyPlugin | undefined, pool: SlurmPoolInput, index: number): string | undefined {
  if (plugin === undefined) return undefined;
  const lowest = levelsOf(pool)[0];
  return lowest === undefined ? pool.name : `${lowest.prefix}${Math.floor(index / lowest.span)}`;
}

/** Renders the topology of a cluster (pools are assumed to have passed the input checks). */
export function planTopology(pools: readonly SlurmPoolInput[]): TopologyPlan {
  if (topologyPluginFor(pools) === undefined) return { lines: [], notes: [], problems: [] };
  const lines: string[] = [];
  const tops: string[] = [];
  const problems: SlurmInputProblem[] = [];
  for (const pool of pools) {
    const p = pool.name;
    const f = pool.fabric;
    if (f?.nodesPerNvlinkDomain !== undefined && f.nodesPerLeafSwitch !== undefined && f.nodesPerLeafSwitch % f.nodesPerNvlinkDomain !== 0) {
      problems.push({
        path: ['pools', p, 'fabric', 'nodesPerLeafSwitch'],
        problem: `splits NVLink domains of ${f.nodesPerNvlinkDomain} nodes over two leaf switches; a switch tree needs each domain under one leaf`,
        got: f.nodesPerLeafSwitch,
        fix: `make nodesPerLeafSwitch a multiple of nodesPerNvlinkDomain (${f.nodesPerNvlinkDomain})`,
      });
      continue;
    }
    const levels = levelsOf(pool);
    if (levels.length === 0) {
      // No fabric known: one switch over the whole pool keeps its nodes schedulable.
      lines.push(`SwitchName=${p} Nodes=${poolNodes(p, pool.nodes)}`);
      tops.push(p);
      continue;
    }
    levels.forEach((level, depth) => {
      const count = Math.ceil(pool.nodes / level.span);
      for (let k = 0; k < count; k++) {
        const first = k * level.span;
        const last = Math.min(pool.nodes, (k + 1) * level.span) - 1;
        const below = levels[depth - 1];
        const children =
          below === undefined
            ? `Nodes=${nodeRange(p, first, last)}`
            : `Switches=${bracketRange(below.prefix, Math.floor(first / below.span), Math.floor(last / below.span))}`;
        lines.push(`SwitchName=${level.prefix}${k} ${children}`);
      }
    });
    const top = levels[levels.length - 1];
    const topCount = Math.ceil(pool.nodes / top.span);
    if (topCount > 1) {
      lines.push(`SwitchName=${p} Switches=${bracketRange(top.prefix, 0, topCount - 1)}`);
      tops.push(p);
    } else {
      tops.push(`${top.prefix}0`);
    }
  }
  if (tops.length > 1) lines.push(`SwitchName=${ROOT_SWITCH} Switches=${tops.join(',')}`);
  return { plugin: 'topology/tree', lines, notes: [], problems: [...problems, ...duplicateNames(lines)] };
}

function duplicateNames(lines: readonly string[]): SlurmInputProblem[] {
  const seen = new Set<string>();
  const problems: SlurmInputProblem[] = [];
  for (const line of lines) {
    const name = /^SwitchName=(\S+)/.exec(line)?.[1];
    if (name === undefined) continue;
    if (seen.has(name)) {
      problems.push({
        path: ['pools'],
        problem: `two switches would be named ${name}`,
        got: name,
        fix: `rename the pool whose name ends like a switch name (${ROOT_SWITCH}, <pool>-nvl<k>, <pool>-leaf<k>, <pool>-spine<k>)`,
      });
    }
    seen.add(name);
  }
  return problems;
}
