/**
 * Slurm hostlist expressions for the regular names this project uses: `<prefix>-<i>` nodes and
 * `<prefix><k>` switches and blocks. Everything is written as ranges, so a pool of 10,000 nodes
 * costs one expression, never one entry per node.
 *
 * @see https://slurm.schedmd.com/slurm.conf.html#SECTION_NODE-CONFIGURATION (hostlist expressions)
 */

/**
 * Slurm node name of node `index` of a pool. Slinky names the Slurm node of a NodeSet pod
 * after the pod's hostname, `<nodeset>-<ordinal>` (with the chart's default `ordinalPadding: 0`).
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/templates/nodeset/nodeset-cr.yaml (pod hostname `<key>-`)
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/controller/nodeset/utils/utils.go (initIdentity, GetSlurmNodeName)
 */
export function slurmNodeName(pool: string, index: number): string {
  return `${pool}-${index}`;
}

/** `<prefix>[<from>-<last>]`, or `<prefix><from>` for one item; `last` is inclusive. */
export function bracketRange(prefix: string, from: number, last: number): string {
  if (last < from) throw new Error(`empty range ${prefix}[${from}-${last}]`);
  return from === last ? `${prefix}${from}` : `${prefix}[${from}-${last}]`;
}

/** Node names `<pool>-<from>` to `<pool>-<last>` (inclusive) as one hostlist expression. */
export function nodeRange(pool: string, from: number, last: number): string {
  return bracketRange(`${pool}-`, from, last);
}

/** Every node of a pool of `nodes` nodes. */
export function poolNodes(pool: string, nodes: number): string {
  return nodeRange(pool, 0, nodes - 1);
}

/** Device files `/dev/<stem><first>` to `<stem><first + count - 1>` (e.g. `/dev/nvidia[0-7]`). */
export function deviceRange(stem: string, first: number, count: number): string {
  return bracketRange(stem, first, first + count - 1);
}
