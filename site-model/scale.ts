/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- parsed YAML and synthesized JSON are untyped */
/**
 * The reference gigafactory at another size, for the benchmark (`bench/run.ts`): its pools
 * scaled to a number of accelerators in whole fabric blocks (NVL72 racks), its largest cluster
 * split into cells of at most `maxNodesPerCell` nodes, and, past the {@link MAX_CELLS_PER_MANAGER}
 * cells one MultiKueue manager lists, into several such clusters. Tenants' GPU quotas scale with
 * their pools. Everything else (storage, identity, Slurm QOS) stays as the reference file has it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify, parse } from 'yaml';
import { MAX_CELLS_PER_MANAGER } from '../constructs/scheduling/kueue/multikueue';
import { DEFAULT_MAX_NODES_PER_CELL, fabricBlockNodes, splitAmounts, splitInProportion } from './cells';
import type { FabricSpec } from './schema';
import { PACKAGE_ROOT } from './package-root';

/** Options of {@link scaledSiteSpec}. */
export interface ScaledSiteOptions {
  /** Site file scaled. @default - sites/eu-ref-gigafactory.yaml of this repository */
  readonly file?: string;
  /** Most nodes per cell. @default 5000 */
  readonly maxNodesPerCell?: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REFERENCE = path.join(PACKAGE_ROOT, 'sites', 'eu-ref-gigafactory.yaml');

/** Accelerators of a pool as the site file states it. */
const acceleratorsOf = (pool: Json): number => pool.nodes * pool.acceleratorsPerNode;

/** A quota scaled by `ratio`, rounded down, its maximum at least its guarantee and 1. */
function scaleQuota(q: { guaranteed: number; max: number }, ratio: number): { guaranteed: number; max: number } {
  const guaranteed = Math.floor(q.guaranteed * ratio);
  return { guaranteed, max: Math.max(guaranteed, 1, Math.floor(q.max * ratio)) };
}

/**
 * The site file (as parsed YAML) of the reference gigafactory at about `accelerators`
 * accelerators: every pool's nodes scaled by the same ratio to whole fabric blocks (at least
 * one); the pool with the most nodes is split over cells of the smallest count that holds it,
 * in clusters of at most {@link MAX_CELLS_PER_MANAGER} cells (`training`, `training-2`, …,
 * each with a pool of the same name); tenants' quotas scaled with their pool's units.
 */
export function scaledSiteSpec(accelerators: number, options: ScaledSiteOptions = {}): Json {
  if (!Number.isFinite(accelerators) || accelerators < 1) throw new Error(`scaledSiteSpec: accelerators must be 1 or more, got ${accelerators}`);
  const maxNodes = options.maxNodesPerCell ?? DEFAULT_MAX_NODES_PER_CELL;
  const site: Json = parse(fs.readFileSync(options.file ?? REFERENCE, 'utf8'));
  const pools: Record<string, Json> = site.gpuPools;
  const reference = Object.values(pools).reduce((sum, p) => sum + acceleratorsOf(p), 0);
  const ratio = accelerators / reference;
  const [bigName, big] = Object.entries(pools).reduce((a, b) => (b[1].nodes > a[1].nodes ? b : a));
  const unitsBefore: Record<string, number> = Object.fromEntries(Object.entries(pools).map(([n, p]) => [n, acceleratorsOf(p)]));

  for (const pool of Object.values(pools)) {
    const block = fabricBlockNodes(pool.fabric as FabricSpec | undefined);
    const blocks = Math.max(1, Math.round((pool.nodes * ratio) / block));
    if (typeof pool.owner === 'object') {
      const kubernetes = Math.round((blocks * pool.owner.kubernetes) / pool.nodes) * block;
      pool.owner = { slurm: blocks * block - kubernetes, kubernetes };
    }
    pool.nodes = blocks * block;
  }

  // The largest pool's cluster becomes managers of cells, at most MAX_CELLS_PER_MANAGER each.
  const block = fabricBlockNodes(big.fabric as FabricSpec | undefined);
  const blocksPerCell = Math.floor(maxNodes / block);
  if (blocksPerCell < 1) throw new Error(`scaledSiteSpec: a fabric block of ${block} nodes is larger than a cell of ${maxNodes}`);
  const totalBlocks = big.nodes / block;
  const cellCount = Math.ceil(totalBlocks / blocksPerCell);
  const managers = Math.ceil(cellCount / MAX_CELLS_PER_MANAGER);
  const cellsPerManager = splitInProportion(cellCount, new Array<number>(managers).fill(1));
  const managerBlocks = splitInProportion(totalBlocks, cellsPerManager);
  const baseCluster: string = big.cluster;
  const clusterTemplate: Json = site.clusters[baseCluster];
  const ownerTemplate = big.owner;
  const poolNames = cellsPerManager.map((_, m) => (m === 0 ? bigName : `${bigName}-${m + 1}`));
  let cellIndex = 0;
  cellsPerManager.forEach((cells, m) => {
    const cluster = m === 0 ? baseCluster : `${baseCluster}-${m + 1}`;
    const nodes = managerBlocks[m] * block;
    const c: Json = m === 0 ? clusterTemplate : { ...clusterTemplate, kubeconfigPath: `~/.kube/${site.id}-${cluster}.yaml`, context: `${site.id}-${cluster}` };
    if (m !== 0) delete c.ceph;
    c.cells = Object.fromEntries(
      Array.from({ length: cells }, () => {
        cellIndex += 1;
        const cell = `${baseCluster}-c${String(cellIndex).padStart(2, '0')}`;
        return [cell, { kubeconfigPath: `~/.kube/${site.id}-${cell}.yaml`, context: `${site.id}-${cell}` }];
      }),
    );
    site.clusters[cluster] = c;
    const pool: Json = { ...big, cluster, nodes };
    if (typeof ownerTemplate === 'object') {
      const kubernetes = Math.round((managerBlocks[m] * ownerTemplate.kubernetes) / big.nodes) * block;
      pool.owner = { slurm: nodes - kubernetes, kubernetes };
    }
    pools[poolNames[m]] = pool;
  });
  site.cells = { maxNodes };

  // Partitions over the split pool: one per manager, as a partition runs in one cluster.
  for (const [name, partition] of Object.entries<Json>(site.scheduler?.slurm?.partitions ?? {})) {
    if (!partition.pools.includes(bigName)) continue;
    poolNames.slice(1).forEach((p, i) => {
      site.scheduler.slurm.partitions[`${name}-${i + 2}`] = { ...partition, pools: [p], default: false };
    });
  }

  for (const tenant of Object.values<Json>(site.tenants ?? {})) {
    for (const [pool, q] of Object.entries<{ guaranteed: number; max: number }>({ ...tenant.gpuQuota })) {
      const scaled = scaleQuota(
        q,
        acceleratorsOf(pools[pool === bigName ? poolNames[0] : pool]) === 0 ? 0 : unitsAfter(pools, pool, poolNames, bigName) / unitsBefore[pool],
      );
      if (pool !== bigName) {
        tenant.gpuQuota[pool] = scaled;
        continue;
      }
      const parts = splitAmounts(
        scaled,
        poolNames.map((p) => acceleratorsOf(pools[p])),
      );
      poolNames.forEach((p, i) => {
        if (parts[i].max > 0) tenant.gpuQuota[p] = { guaranteed: parts[i].guaranteed, max: Math.max(1, parts[i].max) };
      });
    }
  }
  site.assumptions = {
    ...site.assumptions,
    [`gpuPools.${bigName}.nodes`]: `Benchmark: the reference gigafactory scaled to about ${accelerators} accelerators in whole fabric blocks, split into ${cellCount} cells of at most ${maxNodes} nodes`,
  };
  return site;
}

/** Units of `pool` after scaling: for the split pool, all its parts together. */
function unitsAfter(pools: Record<string, Json>, pool: string, poolNames: readonly string[], bigName: string): number {
  return pool === bigName ? poolNames.reduce((sum, p) => sum + acceleratorsOf(pools[p]), 0) : acceleratorsOf(pools[pool]);
}

/** {@link scaledSiteSpec} as site-file text, for `checkSiteText` or a file in a sites folder. */
export function scaledSiteText(accelerators: number, options: ScaledSiteOptions = {}): string {
  return stringify(scaledSiteSpec(accelerators, options), { lineWidth: 0 });
}

/** Accelerators of a site file as parsed YAML: the sum over its pools. */
export function siteAccelerators(site: Json): number {
  return Object.values<Json>(site.gpuPools).reduce((sum, p) => sum + acceleratorsOf(p), 0);
}
