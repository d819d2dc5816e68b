/**
 * Rules of cells (`clusters.<name>.cells`, `cells.maxNodes`): the cells can hold their
 * cluster's pools in whole fabric blocks, cell names are unique, a split pool's owners are
 * whole blocks, data labs stay out of cells; and a warning for a cluster without cells that is
 * larger than a cell may be.
 */
import { DEFAULT_MAX_NODES_PER_CELL, fabricBlockNodes } from '../cells';
import { clusterCellPlacement, poolCluster } from '../resolve';
import { MAX_CELLS_PER_MANAGER } from '../../constructs/scheduling/kueue/multikueue';
import type { RuleContext } from './context';

/** Checks the cells of a site file. */
export function cellRules(ctx: RuleContext): void {
  const { spec } = ctx;
  const clusters = spec.clusters ?? {};
  const clusterNames = Object.keys(clusters);
  const maxNodes = spec.cells?.maxNodes ?? DEFAULT_MAX_NODES_PER_CELL;
  const pools = spec.gpuPools ?? {};

  const seen = new Map<string, string>(clusterNames.map((c) => [c, `cluster ${c}`]));
  for (const [cluster, c] of Object.entries(clusters)) {
    for (const cell of Object.keys(c.cells ?? {})) {
      const other = seen.get(cell);
      if (other !== undefined) {
        ctx.add(
          ['clusters', cluster, 'cells', cell],
          `has the name of ${other}; a cell is a cluster, with stacks <site>-<cell>-platform and -workloads, so its name must be unique in the site`,
          cell,
          `rename the cell, e.g. ${cluster}-${cell}`,
        );
      }
      seen.set(cell, `cell ${cell} of cluster ${cluster}`);
    }
  }

  for (const [cluster, c] of Object.entries(clusters)) {
    const own = Object.entries(pools).filter(([, p]) => poolCluster(p, clusterNames) === cluster);
    const nodes = own.reduce((sum, [, p]) => sum + p.nodes, 0);
    if (!c.cells) {
      if (nodes > maxNodes) {
        ctx.warn(
          ['clusters', cluster],
          `holds ${nodes.toLocaleString('en')} GPU nodes, more than the ${maxNodes.toLocaleString('en')} one Kubernetes cluster is tested with (sig-scalability thresholds: 5,000 nodes)`,
          ctx.described(`${nodes} nodes`),
          `split it into cells: add clusters.${cluster}.cells with ${Math.ceil(nodes / maxNodes)} or more cells, each with its kubeconfigPath and context`,
        );
      }
      continue;
    }
    const declared = Object.keys(c.cells).length;
    if (declared > MAX_CELLS_PER_MANAGER) {
      ctx.add(
        ['clusters', cluster, 'cells'],
        `has ${declared} cells, more than the ${MAX_CELLS_PER_MANAGER} worker clusters one MultiKueueConfig lists (Kueue 0.19 CRD, spec.clusters maxItems)`,
        ctx.described(`${declared} cells`),
        `split the cluster's pools over several clusters with cells, at most ${MAX_CELLS_PER_MANAGER} each`,
      );
    }
    for (const [name, p] of own) {
      const block = fabricBlockNodes(p.fabric);
      if (p.nodes % block !== 0) {
        ctx.add(
          ['gpuPools', name, 'nodes'],
          `is not a whole number of the pool's fabric blocks of ${block} nodes, which cells of cluster ${cluster} never split`,
          p.nodes,
          `use a multiple of ${block}, e.g. ${Math.max(block, p.nodes - (p.nodes % block))}`,
        );
      }
      const owner = p.owner;
      // A cut NVLink domain is reported by the pool rules already; this is for larger blocks.
      const domain = p.fabric?.nodesPerNvlinkDomain ?? 1;
      if (owner !== undefined && typeof owner === 'object' && owner.slurm % domain === 0 && (owner.slurm % block !== 0 || owner.kubernetes % block !== 0)) {
        ctx.add(
          ['gpuPools', name, 'owner'],
          `splits a fabric block of ${block} nodes between Slurm and Kubernetes; in cluster ${cluster}, whose cells get whole blocks, each owner must have whole blocks`,
          owner,
          `give each owner a multiple of ${block} nodes, e.g. slurm: ${owner.slurm - (owner.slurm % block)}`,
        );
      }
    }
    if (own.some(([, p]) => p.nodes % fabricBlockNodes(p.fabric) !== 0)) continue;
    const placed = clusterCellPlacement({ clusters, gpuPools: pools, cells: { maxNodes }, scheduler: spec.scheduler, dataLabs: spec.dataLabs }, cluster);
    if (placed && 'needed' in placed) {
      ctx.add(
        ['clusters', cluster, 'cells'],
        `cannot hold the ${nodes.toLocaleString('en')} nodes of cluster ${cluster} in whole fabric blocks at most ${maxNodes.toLocaleString('en')} nodes per cell: they need ${placed.needed} cells, the file declares ${declared}`,
        ctx.described(`${declared} cells`),
        `add ${placed.needed - declared} more cells under clusters.${cluster}.cells, or raise cells.maxNodes`,
      );
    }
    for (const [lab, l] of Object.entries(spec.dataLabs ?? {})) {
      const inCells = l.pools.filter((p) => pools[p] !== undefined && poolCluster(pools[p], clusterNames) === cluster);
      if (inCells.length > 0) {
        ctx.add(
          ['dataLabs', lab, 'pools'],
          `names pools of cluster ${cluster}, whose nodes are in its cells; a lab runs in one cluster and cannot follow jobs across cells`,
          inCells,
          'use pools of a cluster without cells',
        );
      }
    }
  }
}
