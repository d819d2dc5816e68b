/**
 * `aif preflight <site> [options]`: reads every cluster of a site, changing nothing,
 * and reports per pool whether its nodes are what the site file and the deployed pool
 * descriptors say they must be:
 *
 * - nodes with the pool label and taint, against the site file's node count;
 * - the descriptor's other node labels (time-slicing and MIG configuration);
 * - the GPUs each node advertises (allocatable units of the pool's extended resource);
 * - on pools that run Slurm, the Slinky annotations that name each node's Slurm node and
 *   place it in the topology;
 * - the Node Feature Discovery labels the GPU operators select nodes by;
 * - node ownership, when the deployed descriptor states it;
 * - and the cluster's Kubernetes version against the minimum.
 *
 * Only `kubectl get` is used: the nodes, the descriptor ConfigMaps `aif-system/pool-<name>`
 * and the API server's `/version`. A pool whose descriptor is not deployed yet is checked
 * against the descriptor the site's platform stack would deploy, and what only the platform
 * stack provides (advertised GPUs, NFD labels) is then reported as pending, not as a
 * mismatch.
 *
 * Exits 0 when everything matches, 1 on any mismatch (or a cluster that cannot be read, or a
 * site that does not load), 2 for bad arguments, 3 for a bug.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 * @see https://kubernetes-sigs.github.io/node-feature-discovery/v0.19/usage/features.html
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/docs/usage/topology.md
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizedStack } from '../constructs/charts/stack-file';
import { compareKubernetes, KUBERNETES_REQUIREMENT, parseKubernetesVersion, type KubernetesMinor } from '../constructs/charts/registry';
import { POOL_LABEL } from '../constructs/gpu/gpu-node-pool';
import { SLINKY_HOSTNAME_ANNOTATION, SLINKY_TOPOLOGY_ANNOTATION, slinkyNodeAnnotations, type SlurmRenderInput } from '../constructs/scheduling/slurm/render';
import type { Kubectl } from '../rehearsal/kube';
import { stackObjects } from '../rehearsal/manifests';
import { poolDescriptors, type PoolDescriptor } from '../rehearsal/nodes';
import { loadCatalogue } from '../site-model/loader';
import { EXIT_INVALID, EXIT_USAGE, formatProblem, SiteValidationError } from '../site-model/problems';
import {
  EXIT_CODES_TAIL,
  guarded,
  isExit,
  parseArgs,
  printExit,
  processIo,
  reportMissingSites,
  runAsMain,
  SITES_DIR_OPTION,
  stringOption,
  type ArgsExit,
  type CommandSpec,
  type Io,
} from './args';
import type { ClusterModel, PoolModel, SiteModel } from '../site-model/resolve';
import { SYSTEM_NAMESPACE } from '../stacks/platform-stack';
import { addSiteStacks } from '../stacks/site';
import { memoryApp } from '../stacks/synth';

export type { Kubectl } from '../rehearsal/kube';

/**
 * NFD labels the GPU operators select GPU nodes by, by vendor; a node needs one of them set
 * to `true`. The GPU Operator deploys its operands on nodes with any of the NVIDIA ones (its
 * NFD labels PCI devices by vendor, newer NFD by class and vendor). The project's AMD
 * DeviceConfig selects `amd-gpu` (the chart's default selector), which the AMD GPU Operator's
 * NFD rule sets from PCI vendor 1002 and the device ids it supports; a plain `pci-1002` label
 * is not enough, and Instinct parts are PCI class 12, outside the GPU Operator's NFD whitelist.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/controllers/state_manager.go (gpuNodeLabels)
 * @see https://github.com/ROCm/gpu-operator/blob/v1.5.1/helm-charts-k8s/values.yaml (deviceConfig.spec.selector)
 */
export const NFD_GPU_LABELS: Readonly<Record<'NVIDIA' | 'AMD', readonly string[]>> = {
  NVIDIA: [
    'feature.node.kubernetes.io/pci-10de.present',
    'feature.node.kubernetes.io/pci-0302_10de.present',
    'feature.node.kubernetes.io/pci-0300_10de.present',
  ],
  AMD: ['feature.node.kubernetes.io/amd-gpu'],
};

/** What a mismatch is about. */
export type PreflightCheck =
  'access' | 'kubernetes-version' | 'descriptor' | 'nodes' | 'labels' | 'taint' | 'gpus' | 'slinky-hostname' | 'slinky-topology' | 'nfd' | 'owner';

/** One thing the cluster does not have as the site needs it. */
export interface Mismatch {
  readonly cluster: string;
  /** @default - none: the mismatch is about the whole cluster */
  readonly pool?: string;
  readonly check: PreflightCheck;
  /** Nodes it concerns, sorted; empty when it is about a count or the cluster. */
  readonly nodes: readonly string[];
  readonly expected: string;
  readonly found: string;
  /** How to put it right. */
  readonly fix: string;
}

/** A count of nodes that are right, out of the nodes checked. */
export interface NodeCount {
  readonly ok: number;
  readonly of: number;
}

/** What was found for one pool. */
export interface PoolPreflight {
  readonly pool: string;
  /** Where the expected labels, taint and resource come from: the deployed ConfigMap, or the site file when it is not deployed yet. */
  readonly descriptor: 'deployed' | 'site file';
  /** Nodes of the pool in the site file. */
  readonly expectedNodes: number;
  /** Nodes that carry the pool label. */
  readonly labelled: readonly string[];
  /** Nodes that carry the pool label and the pool taint. */
  readonly labelledAndTainted: number;
  /** Nodes with every other label of the descriptor. */
  readonly labels: NodeCount;
  readonly resourceName: string;
  /** Units each node must advertise. */
  readonly unitsPerNode: number;
  /** Nodes that advertise exactly `unitsPerNode`. */
  readonly gpus: NodeCount;
  /** Nodes with a valid, unique Slinky hostname and the right topology; undefined when the pool runs no Slurm. */
  readonly slinky?: NodeCount;
  /** Nodes with a vendor NFD label; undefined when the vendor has no operator. */
  readonly nfd?: NodeCount;
  /** Nodes per owner, found of expected; undefined when the descriptor states no ownership. */
  readonly owners?: Readonly<Record<string, NodeCount>>;
}

/** What was found in one cluster. */
export interface ClusterPreflight {
  readonly cluster: string;
  readonly kubeconfig: string;
  readonly context: string;
  /** The API server's `gitVersion`; undefined when it could not be read. */
  readonly serverVersion?: string;
  readonly minimumVersion: string;
  /** Where the minimum comes from: the site file's field, an option, or the default. */
  readonly minimumSource: string;
  readonly pools: readonly PoolPreflight[];
  /** Things that are not mismatches but worth knowing (pending operators, skipped columns). */
  readonly notes: readonly string[];
  readonly mismatches: readonly Mismatch[];
}

/** The preflight of a site. */
export interface PreflightReport {
  readonly site: string;
  /** The site file. */
  readonly file: string;
  readonly clusters: readonly ClusterPreflight[];
  /** Whether no cluster has a mismatch. */
  readonly ok: boolean;
}

/** Options of {@link preflightSite}. */
export interface PreflightOptions {
  /**
   * Minimum Kubernetes version of every cluster, `<major>.<minor>`.
   * @default - the version the site file states for the cluster (`clusters.<name>.kubernetesVersion`), never older than the stacks need ({@link KUBERNETES_REQUIREMENT})
   */
  readonly minimumKubernetesVersion?: string;
  /**
   * Kubeconfig and context to report for a cluster (what `kubectl` is run with).
   * @default - the cluster's `kubeconfigPath` and `context` in the site file
   */
  readonly target?: (cluster: ClusterModel) => { readonly kubeconfig: string; readonly context: string };
  /**
   * Where the site file sets a cluster's kubeconfig and context, for the fix of an unreadable
   * cluster: `clusters.<cluster>.cells.<cell>` for a cell.
   * @default - `clusters.<name>`
   */
  readonly clusterField?: (cluster: ClusterModel) => string;
}

/** A node as preflight reads it. */
interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
  readonly allocatable: Readonly<Record<string, string>>;
}

/**
 * Node ownership in a pool descriptor (one scheduler owns each node), read from `pool.json`'s
 * `ownership`: the label, and how many nodes carry each of its values (e.g.
 * `{ label: 'ai-factory.eu/owner', nodes: { slurm: 4, kubernetes: 4 } }`). Descriptors
 * deployed before ownership existed lack it; the site file's is checked then.
 */
interface DescriptorOwnership {
  readonly label: string;
  readonly nodes: Readonly<Record<string, number>>;
}

/** Names printed per mismatch before "and N more"; the JSON report lists every one. */
const MAX_NAMES = 10;

// ---------------------------------------------------------------------------------------
// Reading the cluster

/** One tab-separated line per node: name, then labels, annotations, taints and allocatable as JSON. */
const NODE_COLUMNS =
  '{range .items[*]}{.metadata.name}{"\\t"}{.metadata.labels}{"\\t"}{.metadata.annotations}{"\\t"}{.spec.taints}{"\\t"}{.status.allocatable}{"\\n"}{end}';

function firstLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .find((l) => l.trim() !== '') ?? 'no output'
  );
}

/**
 * Every node of the cluster, with only the fields preflight reads: a JSONPath template keeps
 * the output small on clusters of thousands of nodes (no images, conditions or managed fields).
 */
function readNodes(kubectl: Kubectl): NodeView[] | string {
  const run = kubectl(['get', 'nodes', '-o', `jsonpath=${NODE_COLUMNS}`]);
  if (run.status !== 0) return `kubectl get nodes: ${firstLine(run.stderr)}`;
  const json = <T>(text: string | undefined, empty: T): T => (text ? (JSON.parse(text) as T) : empty);
  return run.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const [name, labels, annotations, taints, allocatable] = line.split('\t');
      return {
        name,
        labels: json<Record<string, string>>(labels, {}),
        annotations: json<Record<string, string>>(annotations, {}),
        taints: json<NodeView['taints']>(taints, []),
        allocatable: json<Record<string, string>>(allocatable, {}),
      };
    });
}

/** The deployed descriptor of a pool; undefined when it is not deployed; a string when it cannot be read. */
function readDescriptor(kubectl: Kubectl, pool: string): { descriptor: PoolDescriptor; raw: Record<string, unknown> } | undefined | string {
  const run = kubectl(['get', 'configmap', `pool-${pool}`, '-n', SYSTEM_NAMESPACE, '-o', 'json']);
  if (run.status !== 0) {
    if (/NotFound|not found/.test(run.stderr)) return undefined;
    return `kubectl get configmap ${SYSTEM_NAMESPACE}/pool-${pool}: ${firstLine(run.stderr)}`;
  }
  const text = (JSON.parse(run.stdout) as { data?: Record<string, string> }).data?.['pool.json'];
  if (text === undefined) return `ConfigMap ${SYSTEM_NAMESPACE}/pool-${pool} has no pool.json`;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return `pool.json of ConfigMap ${SYSTEM_NAMESPACE}/pool-${pool} is not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  return { descriptor: raw as unknown as PoolDescriptor, raw };
}

/** The API server's version, e.g. `v1.34.4`, with its major and minor; a string when it cannot be read. */
function readVersion(kubectl: Kubectl): { gitVersion: string; major: number; minor: number } | string {
  const run = kubectl(['get', '--raw', '/version']);
  if (run.status !== 0) return `kubectl get --raw /version: ${firstLine(run.stderr)}`;
  const v = JSON.parse(run.stdout) as { major?: string; minor?: string; gitVersion?: string };
  const parsed = serverMinor(v.gitVersion ?? `${v.major ?? ''}.${(v.minor ?? '').replace(/\+$/, '')}`);
  if (!parsed) return `the API server reports an unreadable version ${JSON.stringify(v)}`;
  return { gitVersion: v.gitVersion ?? `v${parsed.major}.${parsed.minor}`, ...parsed };
}

/** A server's version as major and minor: `v1.34.4`, and vendor builds such as `v1.30.2-gke.1200` or `v1.29.3+k3s1`. */
export function serverMinor(gitVersion: string): KubernetesMinor | undefined {
  return parseKubernetesVersion(gitVersion.trim().replace(/[-+].*$/, ''));
}

// ---------------------------------------------------------------------------------------
// What the site expects

/**
 * The descriptors the site's platform stack deploys, by cluster and pool: synthesized from
 * the site model, so that a pool not deployed yet is checked against exactly what will be.
 */
export function expectedDescriptors(site: SiteModel): Map<string, Map<string, PoolDescriptor>> {
  const stacks = addSiteStacks(memoryApp(), site);
  const platform = stackObjects(synthesizedStack(stacks.platform), `${site.spec.id}-platform`);
  const out = new Map<string, Map<string, PoolDescriptor>>();
  for (const c of site.clusters) {
    out.set(c.name, poolDescriptors(platform.manifests.filter((m) => m.cluster === c.name).map((m) => m.manifest as Record<string, unknown>)));
  }
  return out;
}

/**
 * The minimum Kubernetes version of a cluster, and where it comes from: the version the site
 * file says the cluster runs (`clusters.<name>.kubernetesVersion`, which validation checks the
 * pinned charts against), and never older than the charts' own floor.
 */
export function minimumKubernetesVersion(site: SiteModel, cluster: string, override?: string): { version: string; source: string } {
  if (override !== undefined) return { version: override, source: 'option' };
  const required = KUBERNETES_REQUIREMENT;
  const stated = parseKubernetesVersion(site.spec.clusters[cluster]?.kubernetesVersion ?? '');
  if (stated && compareKubernetes(stated, required.minor) > 0) {
    return { version: `${stated.major}.${stated.minor}`, source: `clusters.${cluster}.kubernetesVersion in ${site.source.file}` };
  }
  return { version: required.version, source: `the stacks need it: ${required.neededBy}` };
}

/** Which nodes of a pool get which owner: Slurm's are the first by index (GpuNodePool). */
function ownerPlan(pool: string, nodes: Readonly<Record<string, number>>): string {
  const slurm = nodes.slurm ?? 0;
  const kubernetes = nodes.kubernetes ?? 0;
  const range = (from: number, count: number) => (count === 1 ? `${pool}-${from}` : `${pool}-${from} to ${pool}-${from + count - 1}`);
  const parts = [
    ...(slurm > 0 ? [`slurm on ${slurm} node(s) (${range(0, slurm)} by Slurm name)`] : []),
    ...(kubernetes > 0 ? [`kubernetes on ${kubernetes} node(s)${slurm > 0 ? ` (${range(slurm, kubernetes)})` : ''}`] : []),
  ];
  return `label ${parts.join(' and ')}`;
}

function ownershipOf(raw: Record<string, unknown> | undefined): DescriptorOwnership | undefined {
  const o = raw?.ownership as { label?: unknown; nodes?: unknown } | undefined;
  if (!o || typeof o.label !== 'string' || typeof o.nodes !== 'object' || o.nodes === null) return undefined;
  const nodes = Object.entries(o.nodes as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number');
  return { label: o.label, nodes: Object.fromEntries(nodes) };
}

// ---------------------------------------------------------------------------------------
// Checks

const taintText = (t: { key: string; value?: string; effect: string }): string =>
  `${t.key}${t.value !== undefined && t.value !== '' ? `=${t.value}` : ''}:${t.effect}`;

/** How to put a mismatch right: a text, or one made from the nodes it concerns. */
type Fix = string | ((nodes: readonly string[]) => string);

/** A mismatch as a check reports it, before nodes are grouped. */
type Finding = Omit<Mismatch, 'cluster' | 'nodes' | 'fix'> & { readonly fix: Fix };

/** Collects mismatches, one per distinct (pool, check, expected, found), listing the nodes that share it. */
class Mismatches {
  private readonly groups = new Map<string, { m: Finding; nodes: string[] }>();
  constructor(private readonly cluster: string) {}

  add(m: Finding, node?: string): void {
    const key = JSON.stringify([m.pool, m.check, m.expected, m.found, typeof m.fix === 'string' ? m.fix : '']);
    const g = this.groups.get(key) ?? { m, nodes: [] };
    if (node !== undefined) g.nodes.push(node);
    this.groups.set(key, g);
  }

  list(): Mismatch[] {
    return [...this.groups.values()].map(({ m, nodes }) => {
      const sorted = [...nodes].sort(byNodeName);
      return { cluster: this.cluster, ...m, nodes: sorted, fix: typeof m.fix === 'string' ? m.fix : m.fix(sorted) };
    });
  }
}

/** Node names in natural order, so that `h100-10` follows `h100-9`. */
const byNodeName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

interface PoolContext {
  readonly site: SiteModel;
  readonly cluster: ClusterModel;
  readonly pool: PoolModel;
  readonly descriptor: PoolDescriptor;
  readonly deployed: boolean;
  readonly ownership?: DescriptorOwnership;
  readonly nodes: readonly NodeView[];
  readonly mismatches: Mismatches;
  readonly notes: string[];
}

function checkPool(ctx: PoolContext): PoolPreflight {
  const { site, pool, descriptor: d, nodes, mismatches } = ctx;
  const add = (m: Omit<Finding, 'pool'>, node?: string) => mismatches.add({ pool: pool.name, ...m }, node);
  const where = `${site.source.file}:${site.source.lineOf(['gpuPools', pool.name, 'nodes'])} gpuPools.${pool.name}.nodes`;
  const descriptorName = `${SYSTEM_NAMESPACE}/pool-${pool.name}`;
  const provisioning = `have the site's node provisioning apply what descriptor ${descriptorName} lists`;
  const selector = `${POOL_LABEL}=${pool.name}`;

  // Nodes: the pool label selects them; the site file says how many there must be.
  const labelled = nodes.filter((n) => n.labels[POOL_LABEL] === pool.name).sort((a, b) => byNodeName(a.name, b.name));
  const expectedNodes = pool.spec.nodes;
  if (labelled.length !== expectedNodes) {
    const names = labelled.length === 0 ? 'none' : `${labelled.length}: ${namesText(labelled.map((n) => n.name))}`;
    add({
      check: 'nodes',
      expected: `${expectedNodes} node(s) labelled ${selector} (${where})`,
      found: names,
      fix:
        labelled.length < expectedNodes
          ? `provision the missing ${expectedNodes - labelled.length} node(s) and ${provisioning}, or set ${where} to ${labelled.length}`
          : `remove the label from the ${labelled.length - expectedNodes} extra node(s) (kubectl label node <node> ${POOL_LABEL}-), or set ${where} to ${labelled.length}`,
    });
  }
  const strays = nodes.filter((n) => n.labels[POOL_LABEL] !== pool.name && n.taints.some((t) => t.key === d.taint.key && t.value === d.taint.value));
  for (const n of strays) {
    add(
      {
        check: 'labels',
        expected: `label ${selector} on every node with the pool's taint ${taintText(d.taint)}`,
        found: n.labels[POOL_LABEL] === undefined ? 'the taint without the label' : `the taint with label ${POOL_LABEL}=${n.labels[POOL_LABEL]}`,
        fix: (names) =>
          `label the node(s) into the pool (kubectl label node ${names.join(' ')} ${selector} --overwrite) or remove the taint (kubectl taint node ${names.join(' ')} ${d.taint.key}-)`,
      },
      n.name,
    );
  }

  // Taint.
  let labelledAndTainted = 0;
  for (const n of labelled) {
    const t = n.taints.filter((x) => x.key === d.taint.key);
    if (t.length === 1 && t[0].value === d.taint.value && t[0].effect === d.taint.effect) {
      labelledAndTainted++;
      continue;
    }
    add(
      {
        check: 'taint',
        expected: taintText(d.taint),
        found: t.length === 0 ? `no ${d.taint.key} taint` : t.map(taintText).join(', '),
        fix: (names) => {
          // A taint is identified by key and effect: --overwrite changes the value, other effects must go.
          const removals = t.filter((x) => x.effect !== d.taint.effect).map((x) => `${x.key}:${x.effect}-`);
          return `${provisioning}; by hand: kubectl taint node ${nodeArgs(names, selector)} ${[...removals, taintText(d.taint)].join(' ')} --overwrite`;
        },
      },
      n.name,
    );
  }

  // The descriptor's other labels: time-slicing and MIG configuration.
  const otherLabels = Object.entries(d.nodeLabels).filter(([k]) => k !== POOL_LABEL);
  let labelsOk = 0;
  for (const n of labelled) {
    const wrong = otherLabels.filter(([k, v]) => n.labels[k] !== v);
    if (wrong.length === 0) labelsOk++;
    for (const [k, v] of wrong) {
      add(
        {
          check: 'labels',
          expected: `${k}=${v}`,
          found: n.labels[k] === undefined ? `no ${k} label` : `${k}=${n.labels[k]}`,
          fix: (names) => `${provisioning}; by hand: kubectl label node ${nodeArgs(names, selector)} ${k}=${v} --overwrite`,
        },
        n.name,
      );
    }
  }

  // GPUs advertised: allocatable units of the pool's extended resource.
  // From the site model: a deployed descriptor that differs is reported as drift, and the site file is the target.
  const unitsPerNode = pool.spec.acceleratorsPerNode * pool.unitsPerAccelerator;
  let gpusOk = 0;
  const gpusPending: string[] = [];
  for (const n of labelled) {
    const raw = n.allocatable[d.resourceName];
    const found = raw === undefined ? undefined : Number(raw);
    if (found === unitsPerNode) {
      gpusOk++;
    } else if (!ctx.deployed && (found === undefined || found === 0)) {
      gpusPending.push(n.name);
    } else {
      add(
        {
          check: 'gpus',
          expected: `${unitsPerNode} ${d.resourceName} allocatable per node`,
          found: raw === undefined ? `no ${d.resourceName}` : `${raw}`,
          fix:
            `check the node's GPUs (${pool.accelerator.vendor === 'AMD' ? 'rocm-smi' : 'nvidia-smi'}), its driver, and the device plugin pod on it` +
            (otherLabels.length > 0 ? ` (and its ${otherLabels.map(([k]) => k).join(', ')} label)` : '') +
            `; if the hardware differs from the site file, fix gpuPools.${pool.name}.acceleratorsPerNode or sharing`,
        },
        n.name,
      );
    }
  }
  if (gpusPending.length > 0) {
    ctx.notes.push(
      `pool ${pool.name}: ${gpusPending.length} node(s) advertise no ${d.resourceName} yet; the device plugin comes with the platform stack, which is not deployed`,
    );
  }

  // Slinky annotations on nodes of a pool that runs Slurm.
  const slurmInput = pool.slurm ? ctx.cluster.slurm?.input : undefined;
  const slurmNodes = ctx.ownership?.nodes.slurm !== undefined ? labelled.filter((n) => n.labels[ctx.ownership?.label ?? ''] === 'slurm') : labelled;
  const slinky = slurmInput ? checkSlinky(slurmInput, pool, slurmNodes, add) : undefined;

  // NFD labels the GPU operator selects nodes by.
  const vendor = pool.accelerator.vendor;
  let nfd: NodeCount | undefined;
  if (vendor === 'NVIDIA' || vendor === 'AMD') {
    const wanted = NFD_GPU_LABELS[vendor];
    let ok = 0;
    const pending: string[] = [];
    for (const n of labelled) {
      if (wanted.some((l) => n.labels[l] === 'true')) ok++;
      else if (!ctx.deployed) pending.push(n.name);
      else {
        add(
          {
            check: 'nfd',
            expected: wanted.length === 1 ? `${wanted[0]}=true` : `one of ${wanted.map((l) => `${l}=true`).join(', ')}`,
            found: 'none',
            fix: `the NFD worker labels the node: check that an nfd-worker pod runs on it (it must tolerate ${taintText(d.taint)}) and sees an ${vendor} PCI device`,
          },
          n.name,
        );
      }
    }
    if (pending.length > 0) {
      ctx.notes.push(`pool ${pool.name}: ${pending.length} node(s) have no NFD GPU label yet; NFD comes with the platform stack, which is not deployed`);
    }
    nfd = { ok, of: labelled.length };
  }

  // Ownership, when the descriptor states it.
  let owners: Record<string, NodeCount> | undefined;
  if (ctx.ownership) {
    const { label, nodes: wanted } = ctx.ownership;
    owners = {};
    for (const [owner, count] of Object.entries(wanted)) {
      const found = labelled.filter((n) => n.labels[label] === owner).length;
      owners[owner] = { ok: found, of: count };
      // With nodes missing or extra, the nodes check says so; the owners cannot add up then.
      if (found !== count && labelled.length === expectedNodes) {
        add({
          check: 'owner',
          expected: `${count} node(s) labelled ${label}=${owner}`,
          found: `${found}`,
          fix: `${provisioning}: ${ownerPlan(pool.name, wanted)}; by hand: kubectl label node <node> ${label}=<owner> --overwrite`,
        });
      }
    }
    for (const n of labelled.filter((x) => x.labels[label] === undefined || wanted[x.labels[label]] === undefined)) {
      add(
        {
          check: 'owner',
          expected: `${label}=${Object.keys(wanted).join(' or ')}`,
          found: n.labels[label] === undefined ? `no ${label} label` : `${label}=${n.labels[label]}`,
          fix: (names) => `${provisioning}; by hand: kubectl label node ${names.length === 1 ? names[0] : '<node>'} ${label}=<owner> --overwrite`,
        },
        n.name,
      );
    }
  }

  return {
    pool: pool.name,
    descriptor: ctx.deployed ? 'deployed' : 'site file',
    expectedNodes,
    labelled: labelled.map((n) => n.name),
    labelledAndTainted,
    labels: { ok: labelsOk, of: labelled.length },
    resourceName: d.resourceName,
    unitsPerNode,
    gpus: { ok: gpusOk, of: labelled.length },
    ...(slinky ? { slinky } : {}),
    ...(nfd ? { nfd } : {}),
    ...(owners ? { owners } : {}),
  };
}

/**
 * Slinky annotations: each node names a distinct Slurm node `<pool>-<i>`, `i` below the
 * pool's node count, and carries the topology spec of that index when the Slurm cluster has
 * a topology.
 */
function checkSlinky(input: SlurmRenderInput, pool: PoolModel, nodes: readonly NodeView[], add: (m: Omit<Finding, 'pool'>, node?: string) => void): NodeCount {
  const pattern = new RegExp(`^${pool.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(0|[1-9][0-9]*)$`);
  const range = `${pool.name}-0 to ${pool.name}-${pool.spec.nodes - 1}`;
  const claimed = new Map<number, string[]>();
  const indexOf = new Map<string, number>();
  for (const n of nodes) {
    const m = pattern.exec(n.annotations[SLINKY_HOSTNAME_ANNOTATION] ?? '');
    const i = m ? Number(m[1]) : undefined;
    if (i === undefined || i >= pool.spec.nodes) continue;
    indexOf.set(n.name, i);
    claimed.set(i, [...(claimed.get(i) ?? []), n.name]);
  }
  const free = Array.from({ length: pool.spec.nodes }, (_, i) => i).filter((i) => !claimed.has(i));
  const annotateCommand = (node: string, i: number): string =>
    `kubectl annotate node ${node} --overwrite ${Object.entries(slinkyNodeAnnotations(input, pool.name, i))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`;

  // A free name for each node without one: its own `<pool>-<i>` when its Kubernetes name is that and free, else the next free one.
  const unnamed = nodes.filter((n) => !indexOf.has(n.name));
  const left = [...free];
  const suggested = new Map<string, number>();
  for (const n of unnamed) {
    const own = pattern.exec(n.name);
    const i = own ? left.indexOf(Number(own[1])) : -1;
    if (i >= 0) suggested.set(n.name, left.splice(i, 1)[0]);
  }
  for (const n of unnamed) {
    if (suggested.has(n.name)) continue;
    const next = left.shift();
    if (next !== undefined) suggested.set(n.name, next);
  }
  const freeText = free.length > 0 ? ` (free: ${namesText(free.map((i) => `${pool.name}-${i}`))})` : '';
  const placement =
    slinkyNodeAnnotations(input, pool.name, 0)[SLINKY_TOPOLOGY_ANNOTATION] !== undefined ? ', the one that matches its place in the fabric,' : '';
  for (const n of unnamed) {
    const value = n.annotations[SLINKY_HOSTNAME_ANNOTATION];
    add(
      {
        check: 'slinky-hostname',
        expected: `${SLINKY_HOSTNAME_ANNOTATION} naming a distinct Slurm node ${range}`,
        found: value === undefined ? 'no annotation' : `${SLINKY_HOSTNAME_ANNOTATION}=${value}`,
        fix: (names) => {
          const commands = names.slice(0, MAX_NAMES).flatMap((name) => {
            const i = suggested.get(name);
            return i === undefined ? [] : [annotateCommand(name, i)];
          });
          return `have node provisioning annotate each node with a Slurm node name${placement} that no other node has${freeText}${commands.length > 0 ? `, e.g. ${commands.join('; ')}` : ''}`;
        },
      },
      n.name,
    );
  }

  let ok = 0;
  for (const n of nodes) {
    const i = indexOf.get(n.name);
    if (i === undefined) continue;
    const sharing = claimed.get(i) ?? [];
    if (sharing.length > 1) {
      add(
        {
          check: 'slinky-hostname',
          expected: `a Slurm node name on one node only`,
          found: `${SLINKY_HOSTNAME_ANNOTATION}=${pool.name}-${i} on ${sharing.length} nodes`,
          fix: `give all but one of them a free name${free.length > 0 ? ` (free: ${namesText(free.map((x) => `${pool.name}-${x}`))})` : ''}`,
        },
        n.name,
      );
      continue;
    }
    const wantedTopology = slinkyNodeAnnotations(input, pool.name, i)[SLINKY_TOPOLOGY_ANNOTATION];
    const topology = n.annotations[SLINKY_TOPOLOGY_ANNOTATION];
    if (wantedTopology !== undefined && topology !== wantedTopology) {
      add(
        {
          check: 'slinky-topology',
          expected: `${SLINKY_TOPOLOGY_ANNOTATION}=${wantedTopology} (Slurm node ${pool.name}-${i})`,
          found: topology === undefined ? 'no annotation' : `${SLINKY_TOPOLOGY_ANNOTATION}=${topology}`,
          fix: annotateCommand(n.name, i),
        },
        n.name,
      );
      continue;
    }
    ok++;
  }
  return { ok, of: nodes.length };
}

/** Compares the deployed descriptor with the one the site file gives; one mismatch per field that differs. */
function descriptorDrift(pool: string, deployed: PoolDescriptor, expected: PoolDescriptor, site: SiteModel): Finding[] {
  const fields: [string, (d: PoolDescriptor) => unknown][] = [
    ['nodes', (d) => d.nodes],
    ['acceleratorsPerNode', (d) => d.acceleratorsPerNode],
    ['resourceName', (d) => d.resourceName],
    ['nodeLabels', (d) => sortedObject(d.nodeLabels)],
    ['taint', (d) => d.taint && taintText(d.taint)],
    ['capacity.schedulableUnits', (d) => d.capacity?.schedulableUnits],
  ];
  return fields
    .filter(([, get]) => JSON.stringify(get(deployed)) !== JSON.stringify(get(expected)))
    .map(([field, get]) => ({
      pool,
      check: 'descriptor' as const,
      expected: `${field} ${JSON.stringify(get(expected))} (the site file)`,
      found: `${JSON.stringify(get(deployed))} in the deployed ${SYSTEM_NAMESPACE}/pool-${pool}`,
      fix: `deploy the platform stack (SITE=${site.spec.id} npx cdktf deploy ${site.spec.id}-platform), or revert the site file; nodes are checked against the deployed descriptor`,
    }));
}

function sortedObject(o: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

/** Node names for a kubectl command, or the pool's selector when they are many. */
function nodeArgs(names: readonly string[], selector: string): string {
  return names.length <= MAX_NAMES ? names.join(' ') : `-l ${selector}`;
}

function namesText(names: readonly string[]): string {
  return names.length <= MAX_NAMES ? names.join(', ') : `${names.slice(0, MAX_NAMES).join(', ')} and ${names.length - MAX_NAMES} more`;
}

// ---------------------------------------------------------------------------------------
// The preflight

/** Checks one cluster of a site with `kubectl` (only `get`). */
export function preflightCluster(
  site: SiteModel,
  cluster: ClusterModel,
  kubectl: Kubectl,
  expected: ReadonlyMap<string, PoolDescriptor>,
  options: PreflightOptions = {},
): ClusterPreflight {
  const target = options.target?.(cluster) ?? { kubeconfig: cluster.kubeconfigPath, context: cluster.context };
  const minimum = minimumKubernetesVersion(site, cluster.name, options.minimumKubernetesVersion);
  const mismatches = new Mismatches(cluster.name);
  const notes: string[] = [];
  const base = {
    cluster: cluster.name,
    kubeconfig: target.kubeconfig,
    context: target.context,
    minimumVersion: minimum.version,
    minimumSource: minimum.source,
  };
  const unreadable = (what: string): ClusterPreflight => {
    mismatches.add({
      check: 'access',
      expected: `read access to cluster ${cluster.name} (get nodes, get configmaps in ${SYSTEM_NAMESPACE}, /version)`,
      found: what,
      fix: `check ${options.clusterField?.(cluster) ?? `clusters.${cluster.name}`}.kubeconfigPath and context in ${site.source.file} (or pass --kubeconfig and --context), that the API server is reachable, and that the credentials may read nodes and ${SYSTEM_NAMESPACE} ConfigMaps`,
    });
    return { ...base, pools: [], notes, mismatches: mismatches.list() };
  };

  const version = readVersion(kubectl);
  if (typeof version === 'string') return unreadable(version);
  const min = parseKubernetesVersion(minimum.version);
  if (min && compareKubernetes(version, min) < 0) {
    mismatches.add({
      check: 'kubernetes-version',
      expected: `Kubernetes ${minimum.version} or newer (${minimum.source})`,
      found: version.gitVersion,
      fix: `upgrade the cluster's control plane and nodes to ${minimum.version} or newer before deploying`,
    });
  }
  const stated = parseKubernetesVersion(site.spec.clusters[cluster.name]?.kubernetesVersion ?? '');
  if (stated && compareKubernetes(version, stated) > 0) {
    notes.push(
      `the cluster runs ${version.gitVersion} but clusters.${cluster.name}.kubernetesVersion is ${stated.major}.${stated.minor} (the default when unset); state the version it runs so that validation checks the pinned charts against it`,
    );
  }
  const nodes = readNodes(kubectl);
  if (typeof nodes === 'string') return unreadable(nodes);

  const pools: PoolPreflight[] = [];
  const ownerColumn: boolean[] = [];
  for (const name of cluster.pools) {
    const deployed = readDescriptor(kubectl, name);
    if (typeof deployed === 'string') return unreadable(deployed);
    const wanted = expected.get(name);
    if (!wanted) throw new Error(`cluster ${cluster.name}: the platform stack deploys no descriptor for pool ${name}`);
    if (deployed) {
      for (const m of descriptorDrift(name, deployed.descriptor, wanted, site)) mismatches.add(m);
    } else {
      notes.push(`pool ${name}: descriptor ${SYSTEM_NAMESPACE}/pool-${name} is not deployed yet; checked against the site file`);
    }
    const ownership = ownershipOf(deployed?.raw ?? (wanted as unknown as Record<string, unknown>));
    ownerColumn.push(ownership !== undefined);
    pools.push(
      checkPool({
        site,
        cluster,
        pool: site.pools[name],
        descriptor: deployed?.descriptor ?? wanted,
        deployed: deployed !== undefined,
        ...(ownership ? { ownership } : {}),
        nodes,
        mismatches,
        notes,
      }),
    );
  }
  if (!ownerColumn.some((x) => x)) notes.push('owner: not checked, no pool descriptor states node ownership');

  // Nodes labelled for a pool this cluster does not have.
  const known = new Set(cluster.pools);
  for (const n of nodes) {
    const p = n.labels[POOL_LABEL];
    if (p === undefined || known.has(p)) continue;
    const elsewhere = site.pools[p]?.cluster;
    mismatches.add(
      {
        pool: p,
        check: 'nodes',
        expected: `${POOL_LABEL} naming a pool of cluster ${cluster.name} (${cluster.pools.join(', ') || 'none'})`,
        found: elsewhere ? `${POOL_LABEL}=${p}, a pool of cluster ${elsewhere}` : `${POOL_LABEL}=${p}, which is not a pool of ${site.spec.id}`,
        fix: `relabel or drain the node, or add gpuPools.${p} to ${site.source.file}`,
      },
      n.name,
    );
  }
  return { ...base, serverVersion: version.gitVersion, pools, notes, mismatches: mismatches.list() };
}

/**
 * Checks every cluster of a site, and every cell of a cluster split into cells, reading it with
 * `kubectl(cluster)` (only `get`: nodes, the descriptor ConfigMaps and `/version`). Never
 * changes the cluster.
 */
export function preflightSite(site: SiteModel, kubectl: (cluster: ClusterModel) => Kubectl, options: PreflightOptions = {}): PreflightReport {
  const expected = expectedDescriptors(site);
  const own = site.clusters.map((c) => preflightCluster(site, c, kubectl(c), expected.get(c.name) ?? new Map(), options));
  // Each cell is a cluster of its own, checked against the cell's own stacks.
  const clusters = [
    ...own,
    ...site.cells.flatMap(
      (cell) => preflightSite(cell.site, kubectl, { ...options, clusterField: () => `clusters.${cell.cluster}.cells.${cell.name}` }).clusters,
    ),
  ];
  return { site: site.spec.id, file: site.source.file, clusters, ok: clusters.every((c) => c.mismatches.length === 0) };
}

// ---------------------------------------------------------------------------------------
// Output

const count = (c: NodeCount | undefined): string => (c === undefined ? '-' : `${c.ok}/${c.of}`);

/** The report as a table per cluster, then every mismatch with its fix. */
export function formatPreflight(r: PreflightReport): string {
  const lines: string[] = [];
  for (const c of r.clusters) {
    const version = c.serverVersion === undefined ? 'version unknown' : `Kubernetes ${c.serverVersion}`;
    lines.push(`${r.site} / cluster ${c.cluster} (context ${c.context} of ${c.kubeconfig}): ${version}, minimum ${c.minimumVersion} (${c.minimumSource})`);
    if (c.pools.length > 0) {
      const withOwners = c.pools.some((p) => p.owners !== undefined);
      const header = ['pool', 'descriptor', 'nodes (label+taint)', 'labels', 'GPUs per node', 'Slinky', 'NFD', ...(withOwners ? ['owner'] : [])];
      const rows = c.pools.map((p) => [
        p.pool,
        p.descriptor,
        `${p.labelledAndTainted}/${p.expectedNodes}`,
        count(p.labels),
        `${count(p.gpus)} with ${p.unitsPerNode} ${p.resourceName}`,
        count(p.slinky),
        count(p.nfd),
        ...(withOwners
          ? [
              p.owners
                ? Object.entries(p.owners)
                    // An owner with no node to have and none found says nothing.
                    .filter(([, n]) => n.ok > 0 || n.of > 0)
                    .map(([o, n]) => `${o} ${n.ok}/${n.of}`)
                    .join(', ')
                : '-',
            ]
          : []),
      ]);
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
      for (const row of [header, ...rows]) lines.push(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`.trimEnd());
    }
    for (const n of c.notes) lines.push(`  note: ${n}`);
    for (const m of c.mismatches) {
      const nodes = m.nodes.length === 0 ? '' : ` ${m.nodes.length === 1 ? 'node' : 'nodes'} ${namesText(m.nodes)}:`;
      lines.push(`  MISMATCH ${c.cluster}${m.pool ? `/${m.pool}` : ''} ${m.check}:${nodes} expected ${m.expected}, found ${m.found}; fix: ${m.fix}`);
    }
  }
  const all = r.clusters.flatMap((c) => c.mismatches);
  const pools = r.clusters.reduce((n, c) => n + c.pools.length, 0);
  lines.push(
    all.length === 0
      ? `${pools} pool(s) in ${r.clusters.length} cluster(s): everything matches`
      : `${pools} pool(s) in ${r.clusters.length} cluster(s): ${all.length} mismatch(es)`,
  );
  return lines.join('\n');
}

/** The report as JSON, for CI. */
export function preflightJson(r: PreflightReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------
// Command line

/** The command line of `aif preflight`. */
export const PREFLIGHT_COMMAND: CommandSpec = {
  name: 'preflight',
  synopsis: ['<site> [options]'],
  description: `Reads every cluster of the site (kubectl get only, nothing is changed) and reports, per
pool: nodes with the pool label and taint against the site file, the descriptor's other
labels, GPUs advertised, Slinky annotations on Slurm pools, NFD labels, node ownership, and
the cluster's Kubernetes version.`,
  sites: { min: 1, max: 1, example: 'es-1healthai' },
  options: [
    {
      name: 'kubeconfig',
      value: 'FILE',
      needs: 'a path',
      help: `kubeconfig to use instead of clusters.<name>.kubeconfigPath
(single-cluster sites only)`,
    },
    { name: 'context', value: 'NAME', needs: 'a context name', help: 'context to use instead of clusters.<name>.context\n(single-cluster sites only)' },
    { name: 'json', value: 'FILE', needs: 'a path', help: 'also write the report as JSON' },
    SITES_DIR_OPTION,
  ],
  exitCodes: `0 everything matches, 1 any mismatch, a cluster that cannot be read or a site that
does not exist or load, ${EXIT_CODES_TAIL}`,
  notes: 'kubectl comes from $KUBECTL, else the PATH.',
};

/** Parsed arguments. */
export interface PreflightArgs {
  readonly site: string;
  /** @default - the site file's kubeconfigPath */
  readonly kubeconfig?: string;
  /** @default - the site file's context */
  readonly context?: string;
  /** @default - no JSON report */
  readonly json?: string;
  /** @default - $SITES_DIR, else sites/ */
  readonly sitesDir?: string;
}

/** Parses the command line; returns the text to print (usage or an error) with its exit code instead when it does not describe a run. */
export function parsePreflightArgs(argv: readonly string[]): PreflightArgs | ArgsExit {
  const parsed = parseArgs(PREFLIGHT_COMMAND, argv);
  if (isExit(parsed)) return parsed;
  const opt = (name: string, key: keyof PreflightArgs) => {
    const v = stringOption(parsed, name);
    return v !== undefined ? { [key]: v } : {};
  };
  return { site: parsed.sites[0], ...opt('kubeconfig', 'kubeconfig'), ...opt('context', 'context'), ...opt('json', 'json'), ...opt('sites-dir', 'sitesDir') };
}

/** `~/x` as a path in the home directory. */
export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** kubectl against one kubeconfig and context, read-only by construction of its callers. */
export function kubectlWith(kubeconfig: string, context: string, bin = process.env.KUBECTL || 'kubectl'): Kubectl {
  return (args) => {
    if (!fs.existsSync(kubeconfig)) return { status: 1, stdout: '', stderr: `kubeconfig ${kubeconfig} does not exist` };
    const r = spawnSync(bin, ['--kubeconfig', kubeconfig, '--context', context, '--request-timeout=60s', ...args], {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 1024,
      timeout: 300_000,
    });
    if (r.error) {
      const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
      return { status: -1, stdout: '', stderr: missing ? `${bin} not found; install kubectl or set KUBECTL to its path` : r.error.message };
    }
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
}

/**
 * The kubeconfig and context `kubectl` uses for each cluster: the site file's, or the
 * command line's for a single-cluster site; an error text when the overrides are ambiguous.
 */
export function clusterTargets(
  site: SiteModel,
  args: Pick<PreflightArgs, 'kubeconfig' | 'context'>,
): ((cluster: ClusterModel) => { kubeconfig: string; context: string }) | string {
  const names = [...site.clusters.map((c) => c.name), ...site.cells.map((c) => c.name)];
  if ((args.kubeconfig !== undefined || args.context !== undefined) && names.length > 1) {
    return `site ${site.spec.id} has ${names.length} clusters and cells (${names.join(', ')}), so --kubeconfig and --context would be ambiguous; set clusters.<name>.kubeconfigPath and context in ${site.source.file} instead`;
  }
  return (c) => ({ kubeconfig: expandHome(args.kubeconfig ?? c.kubeconfigPath), context: args.context ?? c.context });
}

function preflightWith(argv: readonly string[], io: Io): number {
  const args = parsePreflightArgs(argv);
  if (isExit(args)) return printExit(io, args);
  const sitesDir = path.resolve(io.cwd, args.sitesDir ?? (io.env.SITES_DIR || 'sites'));
  const missing = reportMissingSites(io, sitesDir, [args.site]);
  if (missing !== undefined) return missing;
  let site: SiteModel;
  try {
    [site] = loadCatalogue(sitesDir, args.site);
  } catch (e) {
    if (!(e instanceof SiteValidationError)) throw e;
    io.err(`${e.problems.map(formatProblem).join('\n')}\n`);
    return EXIT_INVALID;
  }
  const target = clusterTargets(site, args);
  if (typeof target === 'string') {
    io.err(`${target}\n`);
    return EXIT_USAGE;
  }
  const report = preflightSite(
    site,
    (c) => {
      const t = target(c);
      return kubectlWith(t.kubeconfig, t.context);
    },
    { target },
  );
  io.out(`${formatPreflight(report)}\n`);
  if (args.json) fs.writeFileSync(path.resolve(io.cwd, args.json), preflightJson(report));
  return report.ok ? 0 : EXIT_INVALID;
}

/** `aif preflight`: exit 0 when every cluster matches the site. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => preflightWith(argv, io));
}

if (require.main === module) runAsMain(run);
