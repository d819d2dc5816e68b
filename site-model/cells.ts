/**
 * Cells (issue 17): a cluster too large for one Kubernetes control plane is split into cells,
 * each a cluster of its own. These pure functions place a cluster's pools in its cells and
 * split counts over them; {@link resolveSite} calls them once and the rules call them to
 * report a split that cannot be made.
 *
 * Upstream Kubernetes is tested up to 5,000 nodes per cluster:
 * @see https://github.com/kubernetes/community/blob/master/sig-scalability/configs-and-limits/thresholds.md
 */
import type { NodeOwnership } from '../constructs/gpu/gpu-node-pool';
import type { FabricSpec } from './schema';

/** Most nodes in one cell (and in a cluster without cells) when the site file says nothing. */
export const DEFAULT_MAX_NODES_PER_CELL = 5000;

/** Greatest common divisor. */
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** Least common multiple. */
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/**
 * Nodes of a pool's smallest whole unit that a cell boundary must not cut: its scalable unit
 * (the nodes under one spine), else one leaf switch, else one NVLink domain; the least common
 * multiple of the levels it declares, so that no level is cut. One node without a fabric.
 */
export function fabricBlockNodes(fabric: FabricSpec | undefined): number {
  if (!fabric) return 1;
  const leaf = fabric.nodesPerLeafSwitch;
  const levels = [
    fabric.nodesPerNvlinkDomain,
    leaf,
    leaf !== undefined && fabric.leafSwitchesPerSpine !== undefined ? leaf * fabric.leafSwitchesPerSpine : undefined,
  ];
  return levels.filter((n): n is number => n !== undefined).reduce(lcm, 1);
}

/**
 * Splits `total` into whole parts in proportion to `weights`, adding up exactly to `total`
 * (largest remainder; ties go to the earlier part). All-zero weights give all zeros, or
 * everything to the first part when `total` is not zero.
 */
export function splitInProportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] += 1;
    left -= 1;
  }
  return parts;
}

/** A pool of a cluster with cells, as {@link placeInCells} reads it. */
export interface CellPoolInput {
  readonly name: string;
  readonly nodes: number;
  /** Nodes of one block that stays whole ({@link fabricBlockNodes}). */
  readonly blockNodes: number;
  readonly ownership: NodeOwnership;
}

/** A pool's part in one cell. */
export interface CellPoolPart {
  readonly pool: string;
  readonly nodes: number;
  /** Nodes by owner in the cell: Slurm's come first by index, as in a whole pool. */
  readonly ownership: NodeOwnership;
}

/** Where a cluster's pools go: each cell's parts, in the order of the cells and pools given. */
export type CellPlacement = Readonly<Record<string, readonly CellPoolPart[]>>;

/** Blocks of each pool per cell, or undefined when a block fits in no cell. */
function packBlocks(pools: readonly CellPoolInput[], cells: number, maxNodes: number): number[][] | undefined {
  const load = new Array<number>(cells).fill(0);
  const blocks = pools.map(() => new Array<number>(cells).fill(0));
  // Largest blocks first, each to the least-loaded cell with room: the cells come out even,
  // and a cell never gets a part of a block.
  const order = pools.map((p, i) => ({ p, i })).sort((a, b) => b.p.blockNodes - a.p.blockNodes || a.i - b.i);
  for (const { p, i } of order) {
    for (let b = 0; b < p.nodes / p.blockNodes; b++) {
      let best = -1;
      for (let c = 0; c < cells; c++) if (load[c] + p.blockNodes <= maxNodes && (best < 0 || load[c] < load[best])) best = c;
      if (best < 0) return undefined;
      load[best] += p.blockNodes;
      blocks[i][best] += 1;
    }
  }
  return blocks;
}

/**
 * Places the pools of a cluster in its cells: whole blocks only, at most `maxNodes` nodes per
 * cell, the cells as even as the blocks allow, every node in exactly one cell. Each cell's
 * part of a pool has the pool's owners in proportion (whole blocks of each; the rules require
 * a split pool's owners to be whole blocks). Returns the placement, or the fewest cells that
 * would hold the pools.
 */
export function placeInCells(pools: readonly CellPoolInput[], cells: readonly string[], maxNodes: number): { placement: CellPlacement } | { needed: number } {
  const blocks = packBlocks(pools, cells.length, maxNodes);
  if (!blocks) {
    const most = pools.reduce((sum, p) => sum + p.nodes, 0);
    let needed = cells.length + 1;
    while (needed < most && !packBlocks(pools, needed, maxNodes)) needed++;
    return { needed };
  }
  const placement: Record<string, CellPoolPart[]> = Object.fromEntries(cells.map((c) => [c, []]));
  pools.forEach((p, i) => {
    const kubernetesBlocks = splitInProportion(Math.round(p.ownership.kubernetes / p.blockNodes), blocks[i]);
    cells.forEach((cell, c) => {
      const nodes = blocks[i][c] * p.blockNodes;
      if (nodes === 0) return;
      const kubernetes = kubernetesBlocks[c] * p.blockNodes;
      placement[cell].push({ pool: p.name, nodes, ownership: { slurm: nodes - kubernetes, kubernetes } });
    });
  });
  return { placement };
}

/** A guarantee and a maximum. */
export interface Amounts {
  readonly guaranteed: number;
  readonly max: number;
}

/**
 * Splits a quota over parts in proportion to `weights` (each cell's nodes of the owner), so
 * that the guarantees add up exactly to the guarantee and the maxima to the maximum, and no
 * part's maximum is below its guarantee.
 */
export function splitAmounts(quota: Amounts, weights: readonly number[]): Amounts[] {
  const guaranteed = splitInProportion(quota.guaranteed, weights);
  const extra = splitInProportion(quota.max - quota.guaranteed, weights);
  return guaranteed.map((g, i) => ({ guaranteed: g, max: g + extra[i] }));
}
