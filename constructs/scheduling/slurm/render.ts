/**
 * Slurm configuration for one Slurm cluster run by Slinky (SchedMD's slurm-operator and
 * `slurm` chart 1.2), rendered as plain text by pure functions: no cdktf, no site spec.
 *
 * How Slinky 1.2.1 makes Slurm nodes, and what that means for the rendered files:
 * - every NodeSet pod runs `slurmd -Z --conf 'Features=<nodeset> <extraConf>'`: a dynamic node,
 *   named after the pod's hostname (in DaemonSet mode, the node's hostname-override
 *   annotation); the operator writes `NodeSet=<nodeset> Feature=<nodeset>` and
 *   `MaxNodeCount=1024` into slurm.conf (see {@link slinkySlurmConf});
 * - a NodeName line for such a name makes that slurmd exit on Slurm 24.11 with
 *   `fatal: Duplicated NodeName <name> in the config file`, whatever its State (CLOUD or
 *   FUTURE alike), and on 26.05 turns it into that static node (`Duplicated NodeHostName`), with
 *   the line's GRES and features instead of its NodeSet's; so the deployed slurm.conf has no
 *   NodeName lines: partitions name NodeSets, and each node's GRES comes from its NodeSet's
 *   `--conf Gres=` plus gres.conf;
 * - topology.conf names nodes `<pool>-<i>` too, as a switch tree (see topology.ts): a dynamic
 *   node joins its switches when it registers with `Topology=` (Slinky's node annotation, Slurm
 *   25.05 or newer, see {@link slinkyNodeAnnotations}), otherwise at the next
 *   `scontrol reconfigure`.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/workerbuilder/worker_app.go (slurmdArgs)
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/controllerbuilder/controller_config.go (buildSlurmConf)
 * @see https://slurm.schedmd.com/dynamic_nodes.html
 */
import { renderAccounts, limitTres, qosCommands, type SlurmQosCommands } from './accounts';
import { gresConfLines, gresTypes, nodeGres } from './gres';
import type { SlurmConfMap, SlurmNodeset, SlurmValues } from '../../charts/slurm/values';
import { slurmNodeName } from './hostlist';
import { inputProblems, slurmDuration, SlurmInputError, type SlurmRenderInput } from './input';
import { planTopology, topologyPluginFor, topologyUnitOf, type TopologyPlugin } from './topology';

export * from './input';
export { gresTypeFor, nodeGres, unitsPerNode, unitTres, GPU_DEVICE_FILES } from './gres';
export { slurmNodeName, poolNodes, nodeRange } from './hostlist';
export { tenantGrpTres, limitTres, qosCommands, qosLimits, type SlurmQosCommands } from './accounts';
export { topologyPluginFor, topologyUnitOf, ROOT_SWITCH, type TopologyPlugin } from './topology';

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
  /**
   * The sacctmgr commands that create the QOS (before slurmctld starts) and set their limits
   * (once slurmctld has registered, before the accounts file is loaded); see {@link qosCommands}.
   */
  readonly qos: SlurmQosCommands;
  /** NodeSet values, keyed by pool name. */
  readonly nodeSets: Readonly<Record<string, SlinkyNodeSetValues>>;
  /** Things Slurm will not use, for operators to read. */
  readonly notes: readonly string[];
}

function header(what: string, clusterName: string): string {
  return `# ${what} for Slurm cluster ${clusterName}, rendered by ai-factory-cdk; do not edit.`;
}

/** Renders one Slurm cluster; throws a {@link SlurmInputError} listing every problem. */
export function renderSlurm(input: SlurmRenderInput): SlurmRendering {
  const problems = inputProblems(input);
  if (problems.length > 0) throw new SlurmInputError(input.clusterName, problems);
  const topology = planTopology(input.pools);
  if (topology.problems.length > 0) throw new SlurmInputError(input.clusterName, topology.problems);

  const totalNodes = input.pools.reduce((sum, p) => sum + p.nodes, 0);
  const accountingConf = input.accounting
    ? [
        `AccountingStorageTRES=${limitTres(input.pools).join(',')}`,
        'AccountingStorageEnforce=associations,limits,qos,safe',
        'PriorityType=priority/multifactor',
        'PriorityWeightFairshare=10000',
        // A QOS's Priority counts only with a weight; without QOS priorities the line changes nothing.
        ...((input.qos ?? []).some((q) => (q.priority ?? 0) > 0) ? ['PriorityWeightQOS=10000'] : []),
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
    qos: qosCommands(input),
    nodeSets: Object.fromEntries(input.pools.map((p) => [p.name, { replicas: p.nodes, extraConfMap: { Gres: nodeGres(p) } }])),
    notes: topology.notes,
  };
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
 * - the topology spec `default:<lowest switch>` (its NVLink domain, leaf or pool switch) places
 *   it in topology.conf's tree when it registers: Slinky's slurmd image passes it as
 *   `--conf Topology=`, and the operator sets it again through slurmrestd when one runs (Slurm
 *   25.05 or newer; Slurm 24.11 knows no node `Topology=`, and its dynamic nodes join the switches that
 *   name them at the next `scontrol reconfigure`).
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

/** Where the `slurm` chart is installed: the names Slinky derives the controller's address from. */
export interface SlinkyRelease {
  /** Helm release name. */
  readonly releaseName: string;
  /** Namespace of the release. */
  readonly namespace: string;
}

/**
 * The `slurm` chart 1.2.1 defaults that decide slurm.conf lines: NodeSets are enabled and make
 * no partition of their own; the chart's example partition `all` is disabled.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
const SLINKY_CHART_DEFAULTS: SlurmValues = {
  nodesetDefaults: { enabled: true, partition: { enabled: false, config: null, configMap: {} } },
  partitions: { all: { enabled: false, nodesets: ['ALL'], config: null, configMap: { Default: 'YES', MaxTime: 'UNLIMITED' } } },
};

type Json = unknown;

/** Helm's merge of values: maps merge key by key, anything else replaces, `null` removes a key. */
function helmMerge(base: Json, over: Json): Json {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null || Array.isArray(over)) return over;
  const out: Record<string, Json> = { ...(base as Record<string, Json>) };
  for (const [k, v] of Object.entries(over as Record<string, Json>)) {
    if (v === null) delete out[k];
    else out[k] = k in out ? helmMerge(out[k], v) : v;
  }
  return out;
}

/** Sorted map keys, as Go templates range over maps. */
const sortedKeys = (m: object | undefined): string[] => Object.keys(m ?? {}).sort();

/** The chart's `slurm._toList`: `Key=v1,v2` for every non-empty value, keys sorted. */
function toList(map: SlurmConfMap | undefined): string[] {
  const items: string[] = [];
  for (const key of sortedKeys(map)) {
    const v = map![key];
    const empty = v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0);
    if (!empty) items.push(`${key}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  }
  return items;
}

/** `slurm.fullname` of the chart (no nameOverride or fullnameOverride). */
function chartFullname(release: SlinkyRelease): string {
  const name = release.releaseName.includes('slurm') ? release.releaseName : `${release.releaseName}-slurm`;
  return name.slice(0, 63).replace(/-+$/, '');
}

/** The NodeSets the chart creates, keyed by name, each merged over `nodesetDefaults`. */
function enabledNodeSets(values: SlurmValues): [string, SlurmNodeset][] {
  const defaults = helmMerge(SLINKY_CHART_DEFAULTS.nodesetDefaults, values.nodesetDefaults ?? {}) as SlurmNodeset;
  return sortedKeys(values.nodesets)
    .map((name) => [name, helmMerge(defaults, values.nodesets![name] ?? {}) as SlurmNodeset] as [string, SlurmNodeset])
    .filter(([, n]) => n.enabled !== false);
}

/**
 * The chart's `slurm.controller.extraConf`, as the operator reads it from the Controller's
 * `extraConf: |-`: the lines of `controller.extraConf` (else of `controller.extraConfMap`),
 * then one line per enabled chart partition; trailing line breaks are stripped by `|-`.
 */
function controllerExtraConf(values: SlurmValues): string {
  const lines = values.controller?.extraConf ? values.controller.extraConf.split('\n') : toList(values.controller?.extraConfMap);
  const nodeSets = ['ALL', ...enabledNodeSets(values).map(([name]) => name)];
  const partitions = helmMerge(SLINKY_CHART_DEFAULTS.partitions, values.partitions ?? {}) as Record<string, NonNullable<SlurmValues['partitions']>[string]>;
  for (const name of sortedKeys(partitions)) {
    const part = partitions[name];
    const members = [...new Set(part.nodesets ?? [])].sort();
    if (members.length === 0) throw new Error(`partition \`${name}\` must contain at least one NodeSet (or ALL).`);
    if (part.enabled !== true) continue;
    const missing = members.find((m) => !nodeSets.includes(m));
    if (missing !== undefined) throw new Error(`partition \`${name}\` is referencing nodeset \`${missing}\` that does not exist or is disabled.`);
    const config = part.config ? [part.config] : toList(part.configMap);
    lines.push([`PartitionName=${name}`, `Nodes=${members.join(',')}`, config.join(' ')].join(' '));
  }
  return lines.join('\n').replace(/\n+$/, '');
}

/** Keys whose values Slinky merges with its own (`BuildMergedConfig`). */
function mergedConfig(extraConf: string, own: Readonly<Record<string, readonly string[]>>): string[] {
  const set: Record<string, string> = {};
  let pending = '';
  for (const raw of extraConf.split('\n')) {
    const line = raw
      .replace(/\r$/, '')
      .replace(/#.*/, '')
      .replace(/[ \t]+$/, '');
    if (line === '') continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1);
      continue;
    }
    const logical = (pending + line).trim();
    pending = '';
    const eq = logical.indexOf('=');
    if (eq < 0) continue;
    const key = logical.slice(0, eq).trim();
    const val = logical.slice(eq + 1).trim();
    if (key !== '' && val !== '' && !/[ \n]/.test(val)) set[key.toLowerCase()] = val;
  }
  const out: string[] = [];
  for (const key of Object.keys(own).sort()) {
    const val = set[key.toLowerCase()];
    if (val === undefined) continue;
    const merged = new Set(own[key]);
    const seen = new Set(own[key].map((v) => v.split('=')[0].toLowerCase()));
    for (const v of val.split(',')) {
      const k = v.split('=')[0].toLowerCase();
      if (v === '' || seen.has(k)) continue;
      merged.add(v.toLowerCase());
      seen.add(k);
    }
    out.push(`${key}=${[...merged].sort().join(',')}`);
  }
  return out;
}

/**
 * The slurm.conf that Slinky 1.2.1 writes for a release of the `slurm` chart with these values:
 * the chart turns the values into Controller and NodeSet resources, and the operator's
 * `buildSlurmConf` writes, in this order, the general settings (with `MaxNodeCount=1024`),
 * logging, auth and plugins, accounting, Prolog/Epilog lines (the NVIDIA DCGM scripts when
 * `vendor.nvidia.dcgm.enabled`), one `NodeSet=<name> Feature=<name>` line per NodeSet (sorted,
 * plus a partition line for a NodeSet with `partition.enabled`), then `controller.extraConf`
 * with the chart's enabled partitions, and last the merged `SlurmctldParameters`, `AuthInfo`
 * or `AuthAltParameters` when extraConf sets one of them. It is what `slurmctld` reads; the
 * project controls only the extraConf part ({@link SlurmRendering.slurmConf}).
 *
 * Covers the values this project sets; chart keys it never sets (name overrides, JWKS, the
 * chart's own prolog and epilog scripts, an external controller) are not modelled.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/controllerbuilder/controller_config.go (buildSlurmConf, buildNodeSetConf)
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/common/const.go
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/templates/controller/_helpers.tpl (slurm.controller.extraConf)
 */
export function slinkySlurmConf(release: SlinkyRelease, values: SlurmValues): string {
  const fullname = chartFullname(release);
  const clusterName = values.clusterName || `${release.namespace}_${fullname}`;
  const controller = `${fullname}-controller`;
  const own = {
    SlurmctldParameters: ['enable_configless', 'reconfig_on_restart'],
    AuthInfo: ['use_client_ids'],
    AuthAltParameters: ['jwt_key=/etc/slurm/jwt.key'],
  };
  const section = (title: string) => ['#', `### ${title} ###`];
  const lines = [
    ...section('GENERAL'),
    `ClusterName=${clusterName}`,
    'SlurmUser=slurm',
    `SlurmctldHost=${controller}-0(${controller}.${release.namespace})`,
    'SlurmctldPort=6817',
    `StateSaveLocation=/var/spool/slurmctld/${clusterName}`,
    'SlurmdUser=root',
    'SlurmdPort=6818',
    'SlurmdSpoolDir=/var/spool/slurmd',
    `MaxNodeCount=${SLINKY_MAX_NODE_COUNT}`,
    ...section('LOGGING'),
    'SlurmctldLogFile=/var/log/slurm/slurmctld.log',
    'SlurmSchedLogFile=/var/log/slurm/slurmctld.log',
    'SlurmdLogFile=/var/log/slurm/slurmd.log',
    ...section('PLUGINS & PARAMETERS'),
    'AuthType=auth/slurm',
    'CredType=cred/slurm',
    'AuthAltTypes=auth/jwt',
    `AuthAltParameters=${own.AuthAltParameters.join(',')}`,
    `AuthInfo=${own.AuthInfo.join(',')}`,
    `SlurmctldParameters=${own.SlurmctldParameters.join(',')}`,
    ...(values.controller?.metrics?.enabled ? ['MetricsType=metrics/openmetrics'] : []),
    ...section('ACCOUNTING'),
    ...(values.accounting?.enabled
      ? ['AccountingStorageType=accounting_storage/slurmdbd', `AccountingStorageHost=${fullname}-accounting`, 'AccountingStoragePort=6819']
      : ['AccountingStorageType=accounting_storage/none']),
  ];
  const dcgm = values.vendor?.nvidia?.dcgm;
  if (dcgm?.enabled) {
    const priority = dcgm.scriptPriority ?? '90';
    lines.push(...section('PROLOG & EPILOG'), `Prolog=prolog-${priority}-dcgm.sh`, `Epilog=epilog-${priority}-dcgm.sh`);
  }
  const nodeSets = enabledNodeSets(values);
  if (nodeSets.length > 0) {
    lines.push(...section('NODESET & PARTITION'));
    for (const [name, n] of nodeSets) {
      lines.push(`NodeSet=${name} Feature=${name}`);
      if (n.partition?.enabled) {
        const config = n.partition.config ? n.partition.config : toList(n.partition.configMap).join(' ');
        lines.push([`PartitionName=${name}`, `Nodes=${name}`, config].join(' '));
      }
    }
  }
  const extraConf = controllerExtraConf(values);
  if (extraConf !== '') lines.push(...section('EXTRA CONFIG'), extraConf);
  const merged = mergedConfig(extraConf, own);
  if (merged.length > 0) lines.push(...section('MERGED CONFIG'), ...merged);
  return `${lines.join('\n')}\n`;
}

/**
 * The `--conf` argument Slinky 1.2.1 gives the slurmd of the pods of NodeSet `nodeSet` of the
 * chart values, without the single quotes the operator wraps it in: `Features=<nodeset>` plus the NodeSet's `extraConf` (else its
 * `extraConfMap`) items, keys title-cased, `Feature`/`Features` merged, sorted. Slinky's slurmd
 * image appends `Topology=<node annotation>` when the node has one, and `CoreSpecCount=` /
 * `MemSpecLimit=` when the pod has CPU or memory limits.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/workerbuilder/worker_app.go (slurmdConfArgs)
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/templates/nodeset/_helpers.tpl (slurm.worker.extraConf)
 */
export function slinkySlurmdConf(values: SlurmValues, nodeSet: string): string {
  const nodeset = enabledNodeSets(values).find(([name]) => name === nodeSet)?.[1];
  if (nodeset === undefined) throw new Error(`the slurm chart values enable no NodeSet ${nodeSet}`);
  const items = nodeset.extraConf ? nodeset.extraConf.split(' ') : toList(nodeset.extraConfMap);
  const conf = new Map<string, string>([['Features', nodeSet]]);
  for (const item of items.filter((i) => i !== '')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`malformed --conf item: ${item}`);
    let key = item.slice(0, 1).toUpperCase() + item.slice(1, eq).toLowerCase();
    if (key === 'Feature') key = 'Features';
    const prev = conf.get(key);
    conf.set(key, prev === undefined ? item.slice(eq + 1) : `${prev},${item.slice(eq + 1)}`);
  }
  return [...conf]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(' ');
}
