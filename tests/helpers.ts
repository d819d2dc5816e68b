/**
 * Test helpers: build sites from the minimal fixture plus a patch, synthesize stacks to
 * parsed JSON once, and query resources by type and name.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseDocument, stringify } from 'yaml';
import { synthesizedStack } from '../constructs/charts/stack-file';
import type { GpuNodePoolProps } from '../constructs/gpu/gpu-node-pool';
import type { ChartId } from '../constructs/charts/registry';
import type { ChartValues } from '../constructs/charts/values';
import type { ClusterTarget } from '../constructs/core/cluster-target';
import { addSiteStacks, type SiteStacks } from '../stacks/site';
import { checkSiteText } from '../site-model/loader';
import { formatProblem } from '../site-model/problems';
import { resolveSite, type SiteModel } from '../site-model/resolve';
import type { SiteSpec } from '../site-model/schema';
import { memoryApp } from '../stacks/synth';

export const FIXTURE = path.join(__dirname, 'fixtures', 'xx-minimal.yaml');
export const SITES_DIR = path.join(__dirname, '..', 'sites');

type Json = Record<string, unknown>;

/** Deep-merges `patch` into `base`; `null` in the patch deletes a key. */
export function merge(base: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (typeof patch !== 'object' || Array.isArray(patch) || typeof base !== 'object' || base === null || Array.isArray(base)) return patch;
  const out: Json = { ...(base as Json) };
  for (const [k, v] of Object.entries(patch as Json)) {
    const merged = merge(out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

let fixture: unknown;

/** YAML text of the minimal fixture with a patch applied (the fixture is read and parsed once; merge copies what it changes). */
export function fixtureText(patch: unknown = {}): string {
  fixture ??= parse(fs.readFileSync(FIXTURE, 'utf8'));
  return stringify(merge(fixture, patch));
}

/** Problems (formatted) of the fixture with a patch applied. */
export function problemsOf(patch: unknown, file = 'sites/xx-minimal.yaml'): string[] {
  return checkSiteText(fixtureText(patch), file).problems.map(formatProblem);
}

/**
 * YAML text of the reference gigafactory with half its inference pool given to a Slurm
 * partition of its own, so that it runs a Slurm cluster in each of its two Kubernetes clusters.
 * Its training cluster is one cluster again, without the cells of the catalogue's file (whose
 * Slurm clusters are one per cell: tests/site-model/cells.test.ts).
 */
export function gigafactoryWithSlurmInference(): string {
  const doc = parseDocument(fs.readFileSync(path.join(SITES_DIR, 'eu-ref-gigafactory.yaml'), 'utf8'));
  doc.deleteIn(['clusters', 'training', 'cells']);
  doc.deleteIn(['assumptions', 'clusters.training.cells']);
  doc.setIn(['gpuPools', 'inference', 'owner'], doc.createNode({ slurm: 256, kubernetes: 256 }));
  doc.setIn(['scheduler', 'slurm', 'partitions', 'inference'], doc.createNode({ pools: ['inference'], maxTimeHours: 24 }));
  return doc.toString();
}

/** The 19 EuroHPC AI factories selected in 2024-2025 (EuroHPC JU announcements). */
export const AI_FACTORIES = [
  'fi-lumi-ai-factory',
  'de-hammerhai',
  'it-it4lia',
  'lu-meluxina-ai',
  'se-mimer',
  'es-bsc-ai-factory',
  'gr-pharos',
  'at-ai-at',
  'bg-brain-plus-plus',
  'fr-ai2f',
  'de-jaif',
  'pl-piast-ai',
  'si-slaif',
  'cz-czai',
  'lt-litai',
  'nl-nlaif',
  'pl-gaia-ai-factory',
  'ro-ro-ai-factory',
  'es-1healthai',
];

/** The reference gigafactory of the catalogue. */
export const REFERENCE_GIGAFACTORY = 'eu-ref-gigafactory';

/**
 * The catalogue's own sites. Tests of the catalogue's facts check these only: a site an
 * operator adds to sites/ is checked by validation like any other, and never breaks them.
 */
export const CATALOGUE = [...AI_FACTORIES, REFERENCE_GIGAFACTORY];

/** Ceph hardware for a test cluster with rook-ceph tiers: ample for any test's tiers. */
export const TEST_CEPH = {
  nodes: { label: 'ai-factory.eu/storage=ceph', count: 10 },
  devices: { filter: '^nvme[0-9]+n1$' },
  devicesPerNode: 24,
  deviceSizeTiB: 27.94,
} as const;

/**
 * A patch of the fixture's `clusters:` into two clusters, `a` and `b`, each with Ceph
 * hardware; the fixture's `main` goes.
 */
export const TWO_TEST_CLUSTERS = {
  a: { kubeconfigPath: '~/.kube/a', context: 'a', ceph: TEST_CEPH },
  b: { kubeconfigPath: '~/.kube/b', context: 'b', ceph: TEST_CEPH },
  main: null,
} as const;

/** A valid site spec: the fixture with a patch applied. Throws with the problems otherwise. */
export function siteSpec(patch: unknown = {}): SiteSpec {
  const check = checkSiteText(fixtureText(patch), 'sites/xx-minimal.yaml');
  if (!check.spec) throw new Error(check.problems.map(formatProblem).join('\n'));
  return check.spec;
}

/** The resolved model of a valid site: the fixture with a patch applied. Throws with the problems otherwise. */
export function siteModel(patch: unknown = {}): SiteModel {
  const check = checkSiteText(fixtureText(patch), 'sites/xx-minimal.yaml');
  if (!check.site) throw new Error(check.problems.map(formatProblem).join('\n'));
  return check.site;
}

/** A site model, resolving a spec when given one. */
export function asModel(site: SiteSpec | SiteModel): SiteModel {
  return 'source' in site ? site : resolveSite(site);
}

/** Synthesized Terraform JSON of a stack, with the files it reads (Helm values, pool descriptors) inlined. */
export interface SynthJson {
  readonly terraform: Json & { backend: Record<string, Json> };
  readonly provider: Record<string, Json[]>;
  readonly resource: Record<string, Record<string, Json>>;
}

/** Builds a site's stacks in a fresh test app. */
export function buildSite(site: SiteSpec | SiteModel): { app: App; stacks: SiteStacks } {
  const app = memoryApp();
  return { app, stacks: addSiteStacks(app, asModel(site)) };
}

/** Synthesizes one stack to parsed JSON. */
export function synthJson(stack: TerraformStack): SynthJson {
  return synthesizedStack(stack) as unknown as SynthJson;
}

/** Synthesizes both stacks of a site. */
export function synthSite(site: SiteSpec | SiteModel): { platform: SynthJson; workloads: SynthJson; stacks: SiteStacks } {
  const { stacks } = buildSite(site);
  return { platform: synthJson(stacks.platform), workloads: synthJson(stacks.workloads), stacks };
}

/** Resources of one type, as a list. */
export function resources(json: SynthJson, type: string): Json[] {
  return Object.values(json.resource[type] ?? {});
}

/** The one resource of `type` whose metadata.name (and namespace, if given) match. */
export function resourceNamed(json: SynthJson, type: string, name: string, namespace?: string): Json {
  const found = resources(json, type).filter((r) => {
    const meta = (r.metadata ?? {}) as Json;
    const rName = meta.name ?? r.name;
    return rName === name && (namespace === undefined || meta.namespace === namespace || r.namespace === namespace);
  });
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}${namespace ? ` in ${namespace}` : ''}, found ${found.length}`);
  return found[0];
}

/** Count of resources of every type in a stack. */
export function resourceCounts(json: SynthJson): Record<string, number> {
  return Object.fromEntries(Object.entries(json.resource ?? {}).map(([t, rs]) => [t, Object.keys(rs).length]));
}

/** The Helm values a stack gives a release, typed as the pinned chart's values. */
export function releaseValues<C extends ChartId>(json: SynthJson, chart: C, releaseName: string = chart): ChartValues[C] {
  const release = resources(json, 'helm_release').find((r) => r.name === releaseName);
  if (!release) throw new Error(`no helm_release named ${releaseName}`);
  return parse((release.values as string[])[0]) as ChartValues[C];
}

/**
 * A fresh stack, with Kubernetes and Helm providers for one cluster, for construct tests: build
 * the construct into it, then {@link synthJson} once per `describe`. Its app synthesizes in
 * memory; pass an App with an output folder to run `app.synth()`.
 */
export function testStack(name = 'test', clusterName = 'main', app: App = memoryApp()): { stack: TerraformStack; target: ClusterTarget } {
  const stack = new TerraformStack(app, name);
  const kubernetes = new KubernetesProvider(stack, 'Kubernetes', {});
  const helm = new HelmProvider(stack, 'Helm', {});
  return { stack, target: { name: clusterName, kubernetes, helm } };
}

/** The message a function throws; fails when it does not throw. */
export function thrownBy(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected the function to throw, but it returned');
}

/**
 * Builds a fixture once, in a `beforeAll` of the enclosing `describe`, and returns a getter
 * for its tests: one stack per `describe`, synthesized once, that every test queries.
 */
export function builtOnce<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  beforeAll(() => {
    built = { value: build() };
  });
  return () => {
    if (!built) throw new Error('the fixture is built in beforeAll; call the getter inside a test');
    return built.value;
  };
}

/** Required props of a 4-node H100 pool on InfiniBand, for construct tests; override what a test exercises. */
export const H100_POOL: Omit<GpuNodePoolProps, 'target'> = {
  siteId: 'xx-test',
  poolName: 'h100',
  accelerator: 'nvidia-h100-sxm',
  nodes: 4,
  acceleratorsPerNode: 8,
  cpusPerNode: 112,
  memoryGiBPerNode: 2048,
  interconnect: 'infiniband',
};

/** What a command run in this process printed and returned, named as `spawnSync` names them. */
export interface CommandRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs an `aif` command's `run(argv, io)` in this process, with the working folder and
 * environment a spawned command would have (AIF_DEBUG unset unless given): the same code path
 * as the command line after its module loads, without starting Node and ts-node again.
 */
export async function runCommand(
  run: (argv: readonly string[], io: import('../cli/args').Io) => number | Promise<number>,
  argv: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  const status = await run(argv, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    env: { ...process.env, AIF_DEBUG: '', ...options.env },
    cwd: options.cwd,
  });
  return { status, stdout, stderr };
}
