/**
 * Slurm configuration for one Slurm cluster run by Slinky (SchedMD's slurm-operator and
 * `slurm` chart 1.2), rendered as plain text by pure functions: no cdktf, no site spec.
 *
 * How Slinky 1.2.1 makes Slurm nodes, and what that means for the rendered files:
 * - every NodeSet pod runs `slurmd -Z --conf 'Features=<nodeset> <extraConf>'`: a dynamic node,
 *   named after the pod's hostname `<nodeset>-<ordinal>`; the operator writes
 *   `NodeSet=<nodeset> Feature=<nodeset>` into slurm.conf (and `MaxNodeCount=1024`);
 * - a NodeName line for such a name makes that slurmd exit with
 *   `fatal: Duplicated NodeName <name> in the config file`, whatever its State (CLOUD or
 *   FUTURE alike), so the deployed slurm.conf has no NodeName lines: partitions name NodeSets,
 *   and each node's GRES comes from its NodeSet's `--conf Gres=` plus gres.conf;
 * - topology.conf names nodes `<pool>-<i>` too; a dynamic node joins its switch or block when
 *   it registers with `Topology=` (Slinky's Kubernetes node annotation, Slurm 25.05 or newer,
 *   see {@link slinkyNodeAnnotations}), otherwise at the next `scontrol reconfigure`;
 * - {@link registeredNodesConf} renders the NodeName lines that the registered nodes amount
 *   to. Tests put them in front of the deployed lines to run a real slurmctld without
 *   slurmd; a Slurm cluster without Slinky (static nodes) can use them as its node lines.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/workerbuilder/worker_app.go (slurmdArgs)
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/controllerbuilder/controller_config.go (buildNodeSetConf)
 * @see https://slurm.schedmd.com/dynamic_nodes.html
 */
import { renderAccounts, limitTres } from './accounts';
import { gresConfLines, gresTypes, nodeGres } from './gres';
import { poolNodes, slurmNodeName } from './hostlist';
import { inputProblems, SlurmInputError, type SlurmPoolInput, type SlurmRenderInput } from './input';
import { planTopology, topologyPluginFor, topologyUnitOf, type TopologyPlugin } from './topology';

export * from './input';
export { gresTypeFor, nodeGres, unitsPerNode, unitTres, GPU_DEVICE_FILES } from './gres';
export { slurmNodeName, poolNodes, nodeRange } from './hostlist';
export { tenantGrpTres, limitTres } from './accounts';
export { topologyPluginFor, topologyUnitOf, ROOT_SWITCH, BLOCK_LEVELS, type TopologyPlugin } from './topology';

/**
 * `MaxNodeCount` that Slinky 1.2.1 writes into every slurm.conf. Dynamic nodes beyond it
 * cannot register, so clusters with more nodes raise it (a later value wins; slurmctld logs
 * `error: MaxNodeCount 1 specified more than once, latest value used`).
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/controllerbuilder/controller_config.go
 */
export const SLINKY_MAX_NODE_COUNT = 1024;

/** Annotation on a Kubernetes node that Slinky copies into the `Topology=` of the Slurm node running there. */
export const SLINKY_TOPOLOGY_ANNOTATION = 'topology.slinky.slurm.net/spec';
/** Annotation on a Kubernetes node that names the Slurm node of a DaemonSet-mode NodeSet pod running there. */
export const SLINKY_HOSTNAME_ANNOTATION = 'nodeset.slinky.slurm.net/hostname-override';

/** The `slurm` chart values of one NodeSet that carry Slurm configuration. */
export interface SlinkyNodeSetValues {
  /** Pods, one per node of the pool (`nodesets.<name>.replicas`). */
  readonly replicas: number;
  /** Extra `slurmd --conf` items (`nodesets.<name>.extraConfMap`). */
  readonly extraConfMap: { readonly Gres: readonly string[] };
}

/** Everything rendered for one Slurm cluster. */
export interface SlurmRendering {
  readonly clusterName: string;
  /**
   * Lines appended to slurm.conf (Slinky: `controller.extraConf`): MaxNodeCount when needed,
   * GresTypes, TopologyPlugin, partitions over NodeSets, and with accounting the lines of
   * {@link accountingConf}.
   */
  readonly slurmConf: string;
  /** Limit enforcement lines, part of {@link slurmConf} when accounting is on. @default - empty without accounting */
  readonly accountingConf: string;
  /** gres.conf for every node (`configFiles."gres.conf"`). */
  readonly gresConf: string;
  /** topology.conf (`configFiles."topology.conf"`). @default - none when no pool describes a fabric */
  readonly topologyConf?: string;
  readonly topologyPlugin?: TopologyPlugin;
  /** sacctmgr flat file. */
  readonly accounts: string;
  /** QOS named by partitions; they must exist before the accounts file is loaded. */
  readonly partitionQos: readonly string[];
  /** NodeSet values, keyed by pool name. */
  readonly nodeSets: Readonly<Record<string, SlinkyNodeSetValues>>;
  /** Never deployed with Slinky: the NodeSet and NodeName lines that the operator and the registered slurmd add. */
  readonly registeredNodesConf: string;
  /** Things Slurm will not use, for operators to read. */
  readonly notes: readonly string[];
}

/**
 * Slurm time of `hours`, rounded to whole minutes: `[days-]hours:minutes:seconds`.
 * @see https://slurm.schedmd.com/slurm.conf.html#OPT_MaxTime
 */
export function slurmDuration(hours: number): string {
  const minutes = Math.max(1, Math.round(hours * 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hms = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
  return d > 0 ? `${d}-${hms}` : hms;
}

function header(what: string, clusterName: string): string {
  return `# ${what} for Slurm cluster ${clusterName}, rendered by ai-factory-cdk; do not edit.`;
}

/** Renders one Slurm cluster; throws a {@link SlurmInputError} listing every problem. */
export function renderSlurm(input: SlurmRenderInput): SlurmRendering {
  const problems = inputProblems(input);
  if (problems.length > 0) throw new SlurmInputError(input.clusterName, problems);
  const topology = planTopology(input.pools, input.partitions);
  if (topology.problems.length > 0) throw new SlurmInputError(input.clusterName, topology.problems);

  const totalNodes = input.pools.reduce((sum, p) => sum + p.nodes, 0);
  const accountingConf = input.accounting
    ? [
        `AccountingStorageTRES=${limitTres(input.pools).join(',')}`,
        'AccountingStorageEnforce=associations,limits,qos,safe',
        'PriorityType=priority/multifactor',
        'PriorityWeightFairshare=10000',
      ].join('\n')
    : '';
  const slurmConf = [
    header('slurm.conf lines', input.clusterName),
    ...(totalNodes > SLINKY_MAX_NODE_COUNT ? [`MaxNodeCount=${totalNodes}`] : []),
    `GresTypes=${gresTypes(input.pools).join(',')}`,
    ...(topology.plugin ? [`TopologyPlugin=${topology.plugin}`] : []),
    ...(accountingConf ? [accountingConf] : []),
    ...input.partitions.map((p) =>
      [
        `PartitionName=${p.name}`,
        `Nodes=${p.pools.join(',')}`,
        `Default=${p.default ? 'YES' : 'NO'}`,
        `MaxTime=${slurmDuration(p.maxTimeHours)}`,
        ...(p.qos !== undefined ? [`QOS=${p.qos}`] : []),
        'State=UP',
      ].join(' '),
    ),
  ].join('\n');

  return {
    clusterName: input.clusterName,
    slurmConf: `${slurmConf}\n`,
    accountingConf,
    gresConf: `${[header('gres.conf', input.clusterName), ...input.pools.flatMap(gresConfLines)].join('\n')}\n`,
    ...(topology.plugin
      ? { topologyConf: `${[header('topology.conf', input.clusterName), ...topology.lines].join('\n')}\n`, topologyPlugin: topology.plugin }
      : {}),
    accounts: renderAccounts(input),
    partitionQos: [...new Set(input.partitions.map((p) => p.qos).filter((q): q is string => q !== undefined))].sort(),
    nodeSets: Object.fromEntries(input.pools.map((p) => [p.name, { replicas: p.nodes, extraConfMap: { Gres: nodeGres(p) } }])),
    registeredNodesConf: `${registeredNodesLines(input.pools).join('\n')}\n`,
    notes: topology.notes,
  };
}

/**
 * What Slinky adds to slurm.conf for the pools once every slurmd has registered: the
 * operator's `NodeSet=<pool> Feature=<pool>`, and one NodeName line per pool standing for its
 * dynamic nodes, with the pool's feature, GRES, CPUs and memory. No `State=`: registered
 * nodes are neither CLOUD (slurmctld would read gres.conf for them and refuse
 * `AutoDetect`) nor FUTURE (hidden from `scontrol show node`).
 */
function registeredNodesLines(pools: readonly SlurmPoolInput[]): string[] {
  return [
    '# Not deployed with Slinky: the NodeSet lines the operator writes and the nodes its slurmd pods register.',
    ...pools.flatMap((p) => [
      `NodeSet=${p.name} Feature=${p.name}`,
      `NodeName=${poolNodes(p.name, p.nodes)} Features=${p.name} Gres=${nodeGres(p).join(',')} CPUs=${p.cpusPerNode} RealMemory=${p.memoryMiBPerNode}`,
    ]),
  ];
}

/** NodeSet and NodeName lines standing for the registered nodes (see {@link SlurmRendering.registeredNodesConf}). */
export function registeredNodesConf(input: SlurmRenderInput): string {
  return renderSlurm(input).registeredNodesConf;
}

/** Names of the files the stack deploys for a Slurm cluster, and where each one goes. */
export const SLURM_FILE_TARGETS = {
  'slurm.conf': 'slurm chart value controller.extraConf (appended to the slurm.conf Slinky writes)',
  'gres.conf': 'slurm chart value configFiles."gres.conf"',
  'topology.conf': 'slurm chart value configFiles."topology.conf" (only when a pool describes a fabric)',
  'accounts.cfg': 'sacctmgr -i load file=accounts.cfg (only with slurmdbd accounting)',
} as const;

/** A deployed file name. */
export type SlurmFileName = keyof typeof SLURM_FILE_TARGETS;

/**
 * The files the stack deploys for one Slurm cluster, keyed by file name (see
 * {@link SLURM_FILE_TARGETS}); the render command writes exactly these.
 */
export function slurmFiles(input: SlurmRenderInput): Partial<Record<SlurmFileName, string>> {
  return filesOf(renderSlurm(input));
}

/** The deployed files of a rendering. */
export function filesOf(r: SlurmRendering): Partial<Record<SlurmFileName, string>> {
  return {
    'slurm.conf': r.slurmConf,
    'gres.conf': r.gresConf,
    ...(r.topologyConf !== undefined ? { 'topology.conf': r.topologyConf } : {}),
    'accounts.cfg': r.accounts,
  };
}

/**
 * The Slinky `slurm` chart 1.2.1 values that carry the rendered configuration. The stack
 * deep-merges its own values (images, resources, selectors, tolerations) over these.
 * `controller.extraConf` wins over `controller.extraConfMap` in the chart, so other
 * slurm.conf lines must be appended to this text rather than put in `extraConfMap`.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export function slinkyChartValues(r: SlurmRendering): {
  controller: { extraConf: string };
  configFiles: Record<string, string>;
  nodesets: Record<string, SlinkyNodeSetValues>;
} {
  return {
    controller: { extraConf: r.slurmConf },
    configFiles: { 'gres.conf': r.gresConf, ...(r.topologyConf !== undefined ? { 'topology.conf': r.topologyConf } : {}) },
    nodesets: { ...r.nodeSets },
  };
}

/**
 * Annotations for the Kubernetes node at position `index` of a pool, so that the Slurm node
 * running there has the right name and topology whatever pod lands on it:
 * - the hostname override names the Slurm node `<pool>-<index>` (NodeSets in DaemonSet mode;
 *   StatefulSet pods are named by ordinal, which says nothing about where they run);
 * - the topology spec `default:<leaf switch or block>` places it in topology.conf's tree or
 *   blocks when it registers (Slinky 1.2 with Slurm 25.05 or newer; with Slurm 24.11 dynamic
 *   nodes join the topology only at the next `scontrol reconfigure`).
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/docs/usage/topology.md
 */
export function slinkyNodeAnnotations(input: SlurmRenderInput, poolName: string, index: number): Record<string, string> {
  const pool = input.pools.find((p) => p.name === poolName);
  if (!pool) throw new Error(`no pool ${poolName} in Slurm cluster ${input.clusterName}`);
  if (!Number.isInteger(index) || index < 0 || index >= pool.nodes) {
    throw new Error(`pool ${poolName} has nodes 0 to ${pool.nodes - 1}, got ${index}`);
  }
  const unit = topologyUnitOf(topologyPluginFor(input.pools), pool, index);
  return {
    [SLINKY_HOSTNAME_ANNOTATION]: slurmNodeName(pool.name, index),
    ...(unit !== undefined ? { [SLINKY_TOPOLOGY_ANNOTATION]: `default:${unit}` } : {}),
  };
}
