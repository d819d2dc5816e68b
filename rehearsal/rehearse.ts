/**
 * A rehearsal of a site's deploy: for each cluster of the site (and each cell rehearsed, a
 * cluster of its own with its own stacks), a real control plane on
 * loopback with the site's nodes simulated by kwok; the site's objects applied for real,
 * platform before workloads, with server-side apply; the real Kueue controller; and the
 * behaviour checks of `checks.ts`.
 *
 * What it does not prove: no container runs (kwok only marks pods Running), NetworkPolicies
 * are stored but not enforced (there is no CNI), and charts that cannot be reached offline
 * are skipped, with the reason, apart from their CRDs, which come from a directory of CRDs.
 */
import { synthesizedStack } from '../constructs/charts/stack-file';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import type { SiteModel } from '../site-model/resolve';
import { stackName } from '../stacks/site-stack';
import { addSiteStacks } from '../stacks/site';
import { memoryApp } from '../stacks/synth';
import {
  checkCpuPodPlacement,
  checkKueue,
  checkMultiKueueManager,
  checkNodeAgents,
  checkProjectPods,
  checkQuota,
  checkResult,
  checkSlurmNodeSets,
  checkTenantPodsOffSlurmNodes,
  verdict,
  type CheckResult,
  type NodeSetPods,
} from './checks';
import { rehearsalBinaries, startControlPlane, type ControlPlane } from './control-plane';
import { Kube, objectName } from './kube';
import { startKueue, type KueueRunner } from './kueue-runner';
import { stackObjects, type HelmReleaseSpec } from './manifests';
import { clusterNodes, cpuNodes, poolDescriptors, type PoolNodes } from './nodes';
import { checkMultiKueueDispatch } from './multikueue';
import { namespaceOrderingGaps } from './ordering';

type Json = Record<string, unknown>;

/**
 * Tolerations of the GPU Operator's operands when the values set none: the pinned chart's
 * default `daemonsets.tolerations` (gpu-operator v26.7.0 values.yaml).
 */
export const GPU_OPERATOR_DEFAULT_TOLERATIONS: readonly Json[] = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];

/** Options of {@link rehearseSite}. */
export interface RehearsalOptions {
  readonly site: SiteModel;
  /**
   * A directory of the pinned charts' CRDs, `<chart>/<version>/crds.yaml`, for charts that
   * cannot be reached.
   * @default - no CRDs besides those of charts rendered here: custom resources of other charts are rejected
   */
  readonly crdsDir?: string;
  /** Most simulated nodes per pool. @default - every node of the site file */
  readonly maxNodesPerPool?: number;
  /**
   * Cells rehearsed, each a control plane of its own: the first N in site-file order, or all.
   * The site's own clusters (a cell's manager among them) are always rehearsed.
   * @default 1
   */
  readonly cells?: number | 'all';
  /** A directory the run owns: per cluster, the control plane's files and logs. */
  readonly workDir: string;
  /** Leave the control planes running, and return their kubeconfigs. @default false */
  readonly keep?: boolean;
  /** Install root of the rehearsal binaries. @default - see rehearsalBinaries */
  readonly root?: string;
  /** Seconds to wait for a controller to act in a check. @default 60 */
  readonly timeoutSeconds?: number;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/** What the rehearsal did with one object. */
export interface AppliedObject {
  readonly object: string;
  readonly address: string;
  readonly error?: string;
}

/** A Helm release the rehearsal did not render, and why. */
export interface SkippedRelease {
  readonly release: string;
  readonly chart: string;
  readonly reason: string;
}

/** The rehearsal of one cluster of a site. */
export interface ClusterRehearsal {
  readonly cluster: string;
  readonly nodes: readonly { readonly pool: string; readonly simulated: number; readonly total: number }[];
  /** Untainted CPU-only nodes simulated beside the pools. */
  readonly cpuNodes: number;
  readonly crds: number;
  readonly applied: readonly AppliedObject[];
  readonly renderedReleases: readonly string[];
  readonly skippedReleases: readonly SkippedRelease[];
  readonly checks: readonly CheckResult[];
  readonly seconds: number;
  /** The admin kubeconfig, when the cluster was kept. */
  readonly kubeconfig?: string;
}

/** The rehearsal of a site. */
export interface SiteRehearsal {
  readonly site: string;
  /** The site's clusters, then the cells rehearsed. */
  readonly clusters: readonly ClusterRehearsal[];
  /** The site's cells, and those rehearsed (also in {@link clusters}). */
  readonly cells: { readonly total: number; readonly rehearsed: readonly string[] };
  /** Whether every check passed or failed as expected, and every object was accepted. */
  readonly ok: boolean;
}

/** Whether a check result fails the run: a failure, or a pass of a known defect. */
export const failsRun = (r: CheckResult): boolean => (r.knownDefect ? r.passed : !r.passed);

/**
 * A cluster left running after its checks, for a check across clusters (MultiKueue dispatch);
 * the caller stops it.
 */
interface LiveCluster {
  readonly cluster: string;
  readonly site: SiteModel;
  readonly cp: ControlPlane;
  readonly kube: Kube;
  readonly pools: readonly PoolNodes[];
  readonly objects: readonly Json[];
  /** Namespace of the cluster's Kueue; undefined without Kueue. */
  readonly kueueNamespace?: string;
  stop(): Promise<void>;
}

/** Synthesized JSON of a site's or a cell's two stacks, with their names (the prefix of their addresses). */
interface StackPair {
  readonly platform: unknown;
  readonly workloads: unknown;
  readonly platformName: string;
  readonly workloadsName: string;
}

/** Synthesized JSON of a site's two stacks, and of the stacks of each cell, by cell name. */
function synthesize(site: SiteModel): { site: StackPair; cells: Record<string, StackPair> } {
  const stacks = addSiteStacks(memoryApp(), site);
  const pair = (platform: unknown, workloads: unknown, cell?: string): StackPair => ({
    platform,
    workloads,
    platformName: stackName(site.spec.id, 'platform', cell),
    workloadsName: stackName(site.spec.id, 'workloads', cell),
  });
  return {
    site: pair(synthesizedStack(stacks.platform), synthesizedStack(stacks.workloads)),
    cells: Object.fromEntries(Object.entries(stacks.cells).map(([cell, c]) => [cell, pair(synthesizedStack(c.platform), synthesizedStack(c.workloads), cell)])),
  };
}

/** CRDs of the releases, from `<crdsDir>/<chart>/<version>/crds.yaml`, one per name. */
function crdsOf(releases: readonly HelmReleaseSpec[], crdsDir: string | undefined): Json[] {
  if (!crdsDir) return [];
  const byName = new Map<string, Json>();
  for (const r of releases) {
    const file = path.join(crdsDir, r.chart, r.version ?? '', 'crds.yaml');
    if (!fs.existsSync(file)) continue;
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as Json | null;
      const name = (crd?.metadata as { name?: string } | undefined)?.name;
      if (crd && name && !byName.has(name)) byName.set(name, crd);
    }
  }
  return [...byName.values()];
}

/** Objects of the Kueue chart, rendered by helm with the release's values; webhook configurations are left to the Kueue runner. */
function renderKueue(cp: ControlPlane, release: HelmReleaseSpec, workDir: string): Json[] {
  const valuesFile = path.join(workDir, `${release.name}-values.yaml`);
  fs.writeFileSync(valuesFile, release.values.join('\n---\n'));
  const helm = cp.binaries.helm;
  const run = spawnSync(
    helm,
    ['template', release.name, cp.binaries.kueueChart, '--namespace', release.namespace, '--kube-version', 'v1.34.4', '--skip-crds', '-f', valuesFile],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.status !== 0) throw new Error(`helm template ${release.name}: ${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as Json | null)
    .filter((o): o is Json => o !== null && typeof o === 'object')
    .filter((o) => !['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'CustomResourceDefinition'].includes(String(o.kind)))
    .map((o) => ({ ...o, metadata: { ...(o.metadata as Json), namespace: (o.metadata as Json).namespace ?? release.namespace } }));
}

/** The values documents of a release, parsed, in the order Helm merges them; `T` is the part a caller reads. */
function valuesOf<T>(release: HelmReleaseSpec): T[] {
  return release.values.map((doc) => parseYaml(doc) as T | null).filter((v): v is T => v !== null);
}

/** The Kueue Configuration a Kueue release gives its manager. */
function kueueManagerConfig(release: HelmReleaseSpec): string {
  for (const values of valuesOf<{ managerConfig?: { controllerManagerConfigYaml?: string } }>(release)) {
    const config = values.managerConfig?.controllerManagerConfigYaml;
    if (config) return config;
  }
  throw new Error(`${release.address}: no managerConfig.controllerManagerConfigYaml in its values`);
}

/** The tolerations the project gives the GPU Operator's operands. */
function nodeAgentTolerations(releases: readonly HelmReleaseSpec[]): Json[] {
  const gpu = releases.find((r) => r.chart === 'gpu-operator');
  if (!gpu) return [];
  for (const values of valuesOf<{ daemonsets?: { tolerations?: Json[] } }>(gpu)) {
    if (values.daemonsets?.tolerations) return values.daemonsets.tolerations;
  }
  return [...GPU_OPERATOR_DEFAULT_TOLERATIONS];
}

/** What the slurm chart's values give each NodeSet's pods, from the Slurm release of a cluster (the values the stack writes per NodeSet). */
function slurmNodeSets(releases: readonly HelmReleaseSpec[]): NodeSetPods[] {
  const out: NodeSetPods[] = [];
  for (const release of releases.filter((r) => r.chart === 'slurm')) {
    type NodeSetValues = {
      podSpec?: { nodeSelector?: Record<string, string>; tolerations?: Json[] };
      slurmd?: { resources?: Json };
      logfile?: { resources?: Json };
    };
    for (const values of valuesOf<{ nodesets?: Record<string, NodeSetValues> }>(release)) {
      for (const [nodeSet, v] of Object.entries(values.nodesets ?? {})) {
        out.push({
          nodeSet,
          nodeSelector: v.podSpec?.nodeSelector ?? {},
          tolerations: v.podSpec?.tolerations ?? [],
          resources: v.slurmd?.resources ?? {},
          logfileResources: v.logfile?.resources ?? {},
        });
      }
    }
  }
  return out;
}

/** Applies objects one by one, in order, recording the API server's answer to each. */
function applyAll(kube: Kube, objects: readonly { manifest: Json; address: string }[]): AppliedObject[] {
  return objects.map(({ manifest, address }) => {
    const r = kube.apply(manifest);
    return { object: objectName(manifest), address, ...(r.ok ? {} : { error: r.error }) };
  });
}

/** Waits until every CRD named is Established. */
async function established(kube: Kube, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await kube.waitFor(`CRD ${name} to be Established`, () => {
      const crd = kube.get<{ status?: { conditions?: { type: string; status: string }[] } }>('crd', name);
      return crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });
  }
}

/**
 * Rehearses one cluster: `site` is the site, or for a cell the cell's model (CellModel.site),
 * whose one cluster is the cell; `stacks` are the stacks that deploy it.
 */
async function rehearseCluster(
  options: RehearsalOptions,
  site: SiteModel,
  cluster: string,
  stacks: StackPair,
  hold = false,
): Promise<{ rehearsal: ClusterRehearsal; live?: LiveCluster }> {
  const t0 = Date.now();
  const say = (line: string) => options.log?.(`[${site.spec.id}/${cluster} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
  const platform = stackObjects(stacks.platform, stacks.platformName);
  const workloads = stackObjects(stacks.workloads, stacks.workloadsName);
  const here = <T extends { cluster: string }>(xs: readonly T[]) => xs.filter((x) => x.cluster === cluster);
  const platformObjects = here(platform.manifests);
  const workloadObjects = here(workloads.manifests);
  const releases = [...here(platform.helmReleases), ...here(workloads.helmReleases)];

  const checks: CheckResult[] = [];
  const check = (id: string, passed: boolean, detail: string) => checks.push(checkResult(cluster, id, passed, detail));
  const gaps = [...namespaceOrderingGaps(stacks.platform), ...namespaceOrderingGaps(stacks.workloads)];
  check(
    'namespace-ordering',
    gaps.length === 0,
    gaps.length === 0
      ? 'every namespaced object waits for the namespace its stack creates'
      : `${gaps.length} object(s) may be created before their namespace: ${gaps.map((g) => g.address).join(', ')}`,
  );

  const descriptors = poolDescriptors(platformObjects.map((o) => o.manifest));
  const pools: PoolNodes[] = clusterNodes(site, cluster, descriptors, { maxNodesPerPool: options.maxNodesPerPool });

  const workDir = path.join(options.workDir, cluster);
  fs.mkdirSync(workDir, { recursive: true });
  say('starting the control plane');
  const cp = await startControlPlane({ root: options.root, workDir, log: say });
  let kueue: KueueRunner | undefined;
  let held = false;
  const stop = async () => {
    await kueue?.stop();
    await cp.stop();
  };
  try {
    const kube = new Kube((args, stdin) => cp.kubectl(args, stdin));
    const crds = crdsOf(releases, options.crdsDir);
    say(`applying ${crds.length} CRDs of the pinned charts`);
    const crdApplied = applyAll(
      kube,
      crds.map((c) => ({ manifest: c, address: 'crd' })),
    );
    await established(
      kube,
      crdApplied.filter((a) => !a.error).map((a) => a.object.split('/').pop() ?? ''),
    );

    const cpu = cpuNodes();
    const nodes = [...cpu, ...pools.flatMap((p) => p.nodes)];
    say(`creating ${nodes.length} simulated nodes (${pools.map((p) => `${p.pool}: ${p.nodes.length} of ${p.total}`).join(', ')})`);
    for (const n of nodes) {
      const r = kube.apply(n);
      if (!r.ok) throw new Error(`node ${objectName(n)}: ${r.error}`);
    }

    say(`applying ${platformObjects.length} objects of the platform stack`);
    const applied = [...crdApplied, ...applyAll(kube, platformObjects)];

    const rendered: string[] = [];
    let kueueNamespace: string | undefined;
    const skipped: SkippedRelease[] = [];
    for (const release of releases) {
      if (release.chart === 'kueue') {
        // helm install --create-namespace makes a plain namespace, as the release asks.
        if (release.createNamespace) {
          applied.push(
            ...applyAll(kube, [{ manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: release.namespace } }, address: release.address }]),
          );
        }
        const objects = renderKueue(cp, release, workDir);
        say(`rendered the ${release.name} chart: ${objects.length} objects`);
        applied.push(
          ...applyAll(
            kube,
            objects.map((o) => ({ manifest: o, address: release.address })),
          ),
        );
        rendered.push(release.name);
        kueueNamespace = release.namespace;
        kueue = await startKueue(cp, { managerConfig: kueueManagerConfig(release), namespace: release.namespace, releaseName: release.name, log: say });
      } else {
        skipped.push({
          release: `${release.namespace}/${release.name}`,
          chart: `${release.chart} ${release.version ?? ''}`.trim(),
          reason: 'no chart repository can be reached; its CRDs come from the CRD directory',
        });
      }
    }

    say(`applying ${workloadObjects.length} objects of the workloads stack`);
    applied.push(...applyAll(kube, workloadObjects));
    const rejected = applied.filter((a) => a.error);
    check(
      'objects-accepted',
      rejected.length === 0,
      rejected.length === 0
        ? `${applied.length} objects accepted`
        : `${rejected.length} of ${applied.length} rejected: ${rejected.map((r) => `${r.object}: ${r.error}`).join(' | ')}`,
    );

    const ctx = {
      kube,
      site,
      cluster,
      pools,
      nodeAgentTolerations: nodeAgentTolerations(releases),
      objects: [...platformObjects, ...workloadObjects].map((o) => o.manifest as Json),
      timeoutSeconds: options.timeoutSeconds,
      log: say,
      impersonating: (user: string, groups: readonly string[]) =>
        new Kube((args, stdin) => cp.kubectl(['--as', user, ...groups.flatMap((g) => ['--as-group', g]), ...args], stdin)),
    };
    say('checking node agents');
    checks.push(await checkNodeAgents(ctx));
    say("checking Pod Security of the project's pods");
    checks.push(...(await checkProjectPods(ctx)));
    say('checking quotas');
    checks.push(...checkQuota(ctx));
    if (kueue && (site.clusters.find((c) => c.name === cluster)?.cells.length ?? 0) > 0) {
      // A MultiKueue manager sends every tenant pod, CPU-only ones too, to a cell.
      say('checking that the MultiKueue manager holds tenant pods for a cell');
      checks.push(...(await checkMultiKueueManager(ctx)));
    } else {
      say('checking CPU-only placement');
      checks.push(await checkCpuPodPlacement(ctx));
    }
    const nodeSets = slurmNodeSets(releases);
    if (nodeSets.length > 0) {
      say("checking that Slurm's NodeSets hold the nodes Slurm owns");
      checks.push(...(await checkSlurmNodeSets(ctx, nodeSets)));
      say("checking that a tenant's own pods stay off the nodes Slurm owns");
      checks.push(...(await checkTenantPodsOffSlurmNodes(ctx)));
    }
    if (kueue) {
      say('checking Kueue admission');
      checks.push(...(await checkKueue(ctx, 'default')));
    }
    const rehearsal: ClusterRehearsal = {
      cluster,
      nodes: pools.map((p) => ({ pool: p.pool, simulated: p.nodes.length, total: p.total })),
      cpuNodes: cpu.length,
      crds: crds.length,
      applied,
      renderedReleases: rendered,
      skippedReleases: skipped,
      checks,
      seconds: (Date.now() - t0) / 1000,
      ...(options.keep ? { kubeconfig: cp.kubeconfig } : {}),
    };
    if (!hold) return { rehearsal };
    held = true;
    return { rehearsal, live: { cluster, site, cp, kube, pools, objects: ctx.objects, kueueNamespace, stop } };
  } finally {
    if (!options.keep && !held) await stop();
  }
}

/** The cells a rehearsal covers: the first `cells` of the site's, or all of them. */
export function cellsToRehearse(site: SiteModel, cells: number | 'all' = 1): string[] {
  const names = site.cells.map((c) => c.name);
  return cells === 'all' ? names : names.slice(0, cells);
}

/**
 * Rehearses every cluster of a site, one after the other, then the cells chosen by
 * {@link RehearsalOptions.cells}, each on a control plane of its own with its own stacks.
 * A manager of cells is rehearsed last of the site's clusters and left running while its
 * first rehearsed cell is; with both up, {@link checkMultiKueueDispatch} wires them as an
 * operator would and checks the dispatch (reported with the manager's checks). Both stop then.
 */
export async function rehearseSite(options: RehearsalOptions): Promise<SiteRehearsal> {
  rehearsalBinaries(options.root); // fail early, naming what to install
  const { site } = options;
  const stacks = synthesize(site);
  const rehearsed = cellsToRehearse(site, options.cells);
  const byCluster = new Map<string, ClusterRehearsal>();
  const cellsDone = new Set<string>();
  const managers = site.clusters.filter((c) => c.cells.length > 0);
  for (const cluster of site.clusters.filter((c) => c.cells.length === 0)) {
    byCluster.set(cluster.name, (await rehearseCluster(options, site, cluster.name, stacks.site)).rehearsal);
  }
  for (const cluster of managers) {
    const first = site.cells.find((c) => c.cluster === cluster.name && rehearsed.includes(c.name));
    const manager = await rehearseCluster(options, site, cluster.name, stacks.site, first !== undefined);
    let checks = manager.rehearsal.checks;
    let worker: Awaited<ReturnType<typeof rehearseCluster>> | undefined;
    try {
      if (first) {
        worker = await rehearseCluster(options, first.site, first.name, stacks.cells[first.name], true);
        byCluster.set(first.name, worker.rehearsal);
        cellsDone.add(first.name);
        const m = manager.live;
        const w = worker.live;
        if (m?.kueueNamespace && w?.kueueNamespace) {
          const t0 = Date.now();
          const say = (line: string) => options.log?.(`[${site.spec.id}/${m.cluster}+${w.cluster} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
          say('checking MultiKueue dispatch from the manager to the cell, both running');
          const caPem = fs.readFileSync(w.cp.caFile, 'utf8');
          const token = (namespace: string, account: string): string => {
            const r = w.cp.kubectl(['create', 'token', account, '-n', namespace, '--duration=1h']);
            if (r.status !== 0) throw new Error(`kubectl create token ${account} in ${w.cluster}: ${r.stderr.trim()}`);
            return r.stdout.trim();
          };
          const dispatch = await checkMultiKueueDispatch(
            { cluster: m.cluster, kube: m.kube, site: m.site, kueueNamespace: m.kueueNamespace, objects: m.objects },
            { cluster: w.cluster, kube: w.kube, site: w.site, kueueNamespace: w.kueueNamespace, server: w.cp.server, caPem, token, pools: w.pools },
            { localQueue: 'default', timeoutSeconds: options.timeoutSeconds, log: say },
          );
          checks = [...checks, ...dispatch];
          say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        }
      }
    } finally {
      if (!options.keep) {
        await worker?.live?.stop();
        await manager.live?.stop();
      }
    }
    byCluster.set(cluster.name, { ...manager.rehearsal, checks });
  }
  for (const cell of site.cells.filter((c) => rehearsed.includes(c.name) && !cellsDone.has(c.name))) {
    byCluster.set(cell.name, (await rehearseCluster(options, cell.site, cell.name, stacks.cells[cell.name])).rehearsal);
  }
  // Reported in site-file order: the site's clusters, then the cells.
  const clusters = [...site.clusters.map((c) => c.name), ...site.cells.map((c) => c.name)].flatMap((name) => {
    const r = byCluster.get(name);
    return r ? [r] : [];
  });
  return {
    site: site.spec.id,
    clusters,
    cells: { total: site.cells.length, rehearsed },
    ok: clusters.every((c) => !c.checks.some(failsRun)),
  };
}

/** The report of a rehearsal, as a table a person reads. */
export function formatRehearsal(r: SiteRehearsal): string {
  const lines: string[] = [];
  for (const c of r.clusters) {
    lines.push(`${r.site} / cluster ${c.cluster}: ${c.seconds.toFixed(1)} s`);
    lines.push(`  nodes: ${c.nodes.map((n) => `${n.pool} ${n.simulated} of ${n.total}`).join(', ')}, plus ${c.cpuNodes} CPU nodes`);
    lines.push(`  applied: ${c.crds} CRDs, ${c.applied.length - c.crds} objects; charts rendered: ${c.renderedReleases.join(', ') || 'none'}`);
    for (const s of c.skippedReleases) lines.push(`  skipped ${s.release} (${s.chart}): ${s.reason}`);
    const width = Math.max(...c.checks.map((k) => k.id.length));
    for (const k of c.checks) {
      const v = verdict(k) === 'expected failure' ? `expected failure (issue ${k.knownDefect?.issue})` : verdict(k);
      lines.push(`  ${k.id.padEnd(width)}  ${v.padEnd(28)} ${k.detail}`);
    }
  }
  if (r.cells.total > 0) {
    lines.push(
      `cells rehearsed: ${r.cells.rehearsed.length} of ${r.cells.total}${r.cells.rehearsed.length < r.cells.total ? ' (--cells all rehearses every cell)' : ''}`,
    );
  }
  const all = r.clusters.flatMap((c) => c.checks);
  const failing = all.filter(failsRun).length;
  const expected = all.filter((k) => k.knownDefect && !k.passed).length;
  lines.push(`${all.length} checks: ${all.length - failing - expected} passed, ${expected} expected failure(s), ${failing} failed`);
  return lines.join('\n');
}

/** The report as JSON, for CI. */
export function rehearsalJson(r: SiteRehearsal): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
