/**
 * Synthesis of a catalogue, shared by `main.ts` (cdktf synth), `aif synth` and `aif validate`:
 * validate every site file, build the stacks, run the policy pack, and only then write the
 * output, into a temporary folder that replaces the old one whole. A failure at any step
 * leaves no output at all, so nothing stale or half-written can be deployed.
 */
import { App, type AppConfig } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { keepResolveUntilSynth, resolvedStack } from '../constructs/charts/stack-file';
import { describeSize, objectSizes, oversized, SAFE_OBJECT_BYTES, type ObjectSize } from '../constructs/policies/object-size';
import { blockingFindings, type Finding } from '../constructs/policies/pack';
import { addSiteStacks, checkSitePolicies, type SiteStacks } from './site';
import { checkCatalogue, internalProblem } from '../site-model/loader';
import { SiteValidationError, type SiteProblem } from '../site-model/problems';
import type { SiteModel } from '../site-model/resolve';
import type { SiteSpec } from '../site-model/schema';

/** What a synth produced. */
export interface SynthResult {
  readonly sites: readonly SiteModel[];
  readonly findings: readonly Finding[];
  /** What validates but will not work as the site files read. */
  readonly warnings: readonly SiteProblem[];
  /** Stack names written, empty when nothing was written. */
  readonly stacks: readonly string[];
}

/** Raised when error-level policy findings stop a synth. */
export class PolicyViolationError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    super(`${blockingFindings(findings).length} policy violation(s)`);
    this.name = 'PolicyViolationError';
  }
}

export interface SynthOptions {
  readonly sitesDir: string;
  /** Only this site id, or these. @default - every site */
  readonly only?: string | readonly string[];
  /** Output folder. */
  readonly outdir: string;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
  /**
   * Escape hatch: changes a site's stacks after they are built and before the policy pack
   * runs, for host sites that embed ai-factory-cdk in their own app.
   * @default - no changes
   */
  readonly customize?: (site: SiteStacks) => void;
  /**
   * Leave stack folders of an earlier synth that this one does not write. The cdktf CLI
   * removes them itself after the app has run, and fails on one that is already gone.
   * @default false - they are removed
   */
  readonly keepOrphanedStacks?: boolean;
}

/**
 * Makes room for a new synth's output: the manifest, and the stack folders it writes, go;
 * other stack folders go too unless they are to be kept (see {@link SynthOptions.keepOrphanedStacks}).
 */
function replaceOutput(outdir: string, written: ReadonlySet<string>, keepOrphans: boolean): void {
  fs.rmSync(path.join(outdir, 'manifest.json'), { force: true });
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir)) return;
  for (const name of fs.readdirSync(stacksDir)) {
    if (written.has(name) || !keepOrphans) removeTree(path.join(stacksDir, name));
  }
}

/**
 * Removes a file, or a folder with everything in it; nothing when there is none. What
 * `fs.rmSync(target, { recursive: true, force: true })` does (a link is removed, not
 * followed), with one call per entry below `target`: Node's version examines each entry
 * (`lstat`) and first tries to remove each folder before emptying it, and a synth replaces
 * some 850 of them.
 */
function removeTree(target: string): void {
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (stat === undefined) return;
  if (stat.isDirectory()) removeFolder(target);
  else fs.unlinkSync(target);
}

/** Removes a folder (not a link to one) and everything in it. */
function removeFolder(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const inner = path.join(dir, entry.name);
    if (entry.isDirectory()) removeFolder(inner);
    else fs.unlinkSync(inner);
  }
  fs.rmdirSync(dir);
}

/** Whether stack traces were asked for (`AIF_DEBUG=1`): cdktf records where each token and annotation was made. */
export function debugTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.AIF_DEBUG === '1';
}

/**
 * Options of the App a synth writes with: no stack traces in annotations (unless
 * {@link debugTraces}), and cdktf's own validations left to {@link validateApp}, which runs
 * them before the synth. cdktf adds, at synth time, a check to every stack with `moved` blocks
 * (those of `stacks/upgrade-moves.ts`) that runs `terraform version` in a child process, once
 * per stack and synth: 40 processes for the catalogue. The Terraform version is the
 * deployment's concern (`aif preflight` checks the tools), not the synth's.
 */
export function synthAppOptions(outdir: string, env: NodeJS.ProcessEnv = process.env): AppConfig {
  return { outdir, stackTraces: debugTraces(env), skipValidation: true };
}

/**
 * An App for synthesis in memory (`synthesizedStack`, `Testing.synth`), with the options of
 * the real synth, that leaves nothing on disk. cdktf's App makes its output folder, and a
 * `stacks` folder in it, when it is constructed; a synth in memory never writes there, so the
 * folder is removed as soon as the App exists. (cdktf's `Testing.app()` makes a
 * `cdktf.outdir.*` folder in the temp folder at every call and never removes it.)
 */
export function memoryApp(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-memory-app-'));
  try {
    return new App(synthAppOptions(outdir));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** cdktf's construct validations (a provider for every resource, …), as `app.synth()` would run them; throws on the first failure. */
export function validateApp(app: App): void {
  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`cdktf validation failed:\n  ${errors.join('\n  ')}`);
}

/**
 * Runs `fn` without cdktf's token stack traces, unless {@link debugTraces}. cdktf captures a
 * full stack trace (no depth limit) for every token it creates, into a plain object, in case
 * resolving the token fails later; that is a tenth of a synth's CPU. While `fn` runs,
 * `Error.captureStackTrace` leaves objects that are not errors without a trace (cdktf then
 * records an empty one); errors keep theirs.
 *
 * @see https://v8.dev/docs/stack-trace-api
 * @see https://github.com/hashicorp/terraform-cdk/blob/main/packages/cdktf/lib/tokens/private/stack-trace.ts
 */
export function withoutTokenTraces<T>(fn: () => T, env: NodeJS.ProcessEnv = process.env): T {
  if (debugTraces(env)) return fn();
  const restore = disableTokenTraces();
  try {
    return fn();
  } finally {
    restore();
  }
}

/**
 * Leaves objects that are not errors without a stack trace from now on (see
 * {@link withoutTokenTraces}), for a whole process (the test runner's setup); returns what
 * restores `Error.captureStackTrace`.
 */
function disableTokenTraces(): () => void {
  const capture = Object.getOwnPropertyDescriptor(Error, 'captureStackTrace');
  const original = Error.captureStackTrace.bind(Error);
  Error.captureStackTrace = (target: object, constructorOpt?: Parameters<typeof Error.captureStackTrace>[1]): void => {
    if (target instanceof Error) original(target, constructorOpt);
  };
  return () => {
    if (capture) Object.defineProperty(Error, 'captureStackTrace', capture);
  };
}

/**
 * The size guard: a problem for each Kubernetes object, Helm values or Helm release Secret of
 * a site's stacks over {@link SAFE_OBJECT_BYTES} (half of the 1 MiB Kubernetes limit, see
 * `object-size.ts`), at the site-file field that makes it large. Reads each stack's resolve
 * that the policy pack made, so it costs no resolve of its own.
 */
export function sizeProblems(site: SiteModel, built: SiteStacks): SiteProblem[] {
  return built.all.flatMap((stack) =>
    oversized(objectSizes(resolvedStack(stack) as Parameters<typeof objectSizes>[0], SAFE_OBJECT_BYTES)).map((size) => sizeProblem(site, stack.node.id, size)),
  );
}

/** The pool a large object grows with: of the pools in Slurm partitions (for Slurm's release) or of all, the one with the most fabric blocks. */
function growingPool(site: SiteModel, slurm: boolean): [string, SiteSpec['gpuPools'][string]] | undefined {
  const inSlurm = new Set(Object.values(site.spec.scheduler?.slurm?.partitions ?? {}).flatMap((p) => p.pools));
  const pools = Object.entries(site.spec.gpuPools).filter(([name]) => !slurm || inSlurm.size === 0 || inSlurm.has(name));
  const blocks = ([, p]: [string, SiteSpec['gpuPools'][string]]) => p.nodes / (p.fabric?.nodesPerNvlinkDomain ?? 1);
  return pools.sort((a, b) => blocks(b) - blocks(a))[0];
}

function sizeProblem(site: SiteModel, stack: string, size: ObjectSize): SiteProblem {
  const limit = `${SAFE_OBJECT_BYTES / 1024} KiB (half of the 1 MiB Kubernetes limit, headroom for what the API server and Helm add and for growth)`;
  const what = `${describeSize(size)} in stack ${stack}, over ${limit}`;
  // Slinky's slurm chart renders Slurm's configuration, which lists every NVLink domain.
  const slurm = size.chart === 'slurm';
  const pool = growingPool(site, slurm);
  if (pool === undefined) return site.source.problem(['id'], what, stack, 'split the site into smaller clusters (clusters.<name>.cells)');
  const [name, spec] = pool;
  const domain = spec.fabric?.nodesPerNvlinkDomain;
  const split = `or split the pool over cells of fewer nodes (clusters.${spec.cluster ?? Object.keys(site.spec.clusters)[0]}.cells, cells.maxNodes) so each cluster's objects stay small`;
  if (slurm && domain !== undefined) {
    return site.source.problem(
      ['gpuPools', name, 'fabric', 'nodesPerNvlinkDomain'],
      `${what}: Slurm's configuration lists every NVLink domain (${Math.ceil(spec.nodes / domain).toLocaleString('en')} domains of ${domain} node(s) in pool ${name})`,
      domain,
      `state the real NVLink domain size (an NVL72 rack is 18 nodes of 4 GPUs) ${split}`,
    );
  }
  return site.source.problem(
    ['gpuPools', name, 'nodes'],
    `${what}: its size grows with the nodes of pool ${name}`,
    spec.nodes,
    `use fewer nodes per cluster: ${split}`,
  );
}

/**
 * The policy-suppression problems of a site model resolved from a file that has other
 * problems: its stacks are built in an app of their own, never synthesized, and only what
 * the suppressions say is kept (anything else the build finds, the file's problems explain).
 */
function suppressionProblems(model: SiteModel): SiteProblem[] {
  // An App makes its output folder when created, so it gets a throwaway one.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-suppressions-'));
  try {
    addSiteStacks(new App(synthAppOptions(outdir)), model);
    return [];
  } catch (e) {
    return e instanceof SiteValidationError ? e.problems.filter((p) => p.path.startsWith('policySuppressions.')) : [];
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Validates, builds, checks policies and writes the catalogue. Throws SiteValidationError
 * (problems of site files, including the checker's own failures on a file, marked `internal`)
 * or PolicyViolationError.
 */
export function synthCatalogue(options: SynthOptions): SynthResult {
  return withoutTokenTraces(() => synthCatalogueTraced(options));
}

function synthCatalogueTraced(options: SynthOptions): SynthResult {
  const log = options.log ?? (() => undefined);
  // Each site named is checked against every other file of the catalogue, once.
  const only = typeof options.only === 'string' ? [options.only] : options.only;
  const checks = only === undefined ? checkCatalogue(options.sitesDir) : [...new Set(only)].flatMap((id) => checkCatalogue(options.sitesDir, id));
  const problems: SiteProblem[] = checks.flatMap((c) => c.problems);
  // A file with problems whose valid parts still resolve is built too, in an app of its own
  // that is never synthesized: its policy suppressions are checked in the same run.
  for (const check of checks) {
    // Only suppressions need the stacks; a file without any is not built.
    if (!check.partial || Object.keys(check.partial.spec.policySuppressions).length === 0) continue;
    // A model resolved without its Slurm configuration (which does not render) has no Slurm
    // constructs: suppressions that may name one are left for the run after the fix.
    const withoutSlurm =
      check.partial.slurm.length === 0 && typeof check.raw?.scheduler === 'object' && check.raw.scheduler !== null && 'slurm' in check.raw.scheduler;
    problems.push(...suppressionProblems(check.partial).filter((p) => !(withoutSlurm && /slurm/i.test(p.path))));
  }
  const sites = checks.flatMap((c) => (c.site ? [c.site] : []));
  const warnings = checks.flatMap((c) => c.warnings ?? []);
  if (problems.length === 0) log(`validated ${checks.length} site file(s)`);
  // An output folder whose parent does not exist is made with its parents; a failed run
  // takes away what it made.
  const madeParent = fs.mkdirSync(path.dirname(path.resolve(options.outdir)), { recursive: true });
  try {
    return buildAndWrite(options, sites, problems, warnings, log);
  } catch (e) {
    if (madeParent !== undefined) fs.rmSync(madeParent, { recursive: true, force: true });
    throw e;
  }
}

/** Builds the stacks of `sites`, checks them and writes them to `options.outdir` (see {@link synthCatalogue}). */
function buildAndWrite(options: SynthOptions, sites: SiteModel[], problems: SiteProblem[], warnings: SiteProblem[], log: (line: string) => void): SynthResult {
  const partial = `${options.outdir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const app = new App(synthAppOptions(partial));
  const findings: Finding[] = [];
  const stacks: string[] = [];
  // Sites without problems are built even when others have some: building finds the
  // problems only stacks can show (policy suppressions that name no construct), so one run
  // reports every problem of every file.
  sites.forEach((site, i) => {
    try {
      const built = addSiteStacks(app, site);
      options.customize?.(built);
      // Nothing changes the stacks from here to the write: the pack's resolve is written.
      for (const stack of built.all) keepResolveUntilSynth(stack);
      findings.push(...checkSitePolicies(built));
      problems.push(...sizeProblems(site, built));
      stacks.push(...built.all.map((s) => s.node.id));
      if (problems.length === 0) log(`[${i + 1}/${sites.length}] built ${site.spec.id}`);
    } catch (e) {
      // A site that validates must build: anything else is a bug, reported against its file
      // so the run still reports every other file.
      problems.push(...(e instanceof SiteValidationError ? e.problems : [internalProblem(site.source.file, e)]));
    }
  });
  if (problems.length > 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    // By file, then line: the order an operator fixes them in.
    throw new SiteValidationError([...problems].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1)));
  }
  if (blockingFindings(findings).length > 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw new PolicyViolationError(findings);
  }

  try {
    validateApp(app);
    // Each stack is resolved once more for writing: the policy pack's resolve is reused (see stack-file.ts).
    app.synth();
    // The new output replaces the old only now that it is complete: a failed run leaves the
    // previous output as it was.
    replaceOutput(options.outdir, new Set(stacks), options.keepOrphanedStacks ?? false);
    fs.mkdirSync(path.join(options.outdir, 'stacks'), { recursive: true });
    for (const entry of fs.readdirSync(partial)) {
      // Stack folders one by one, so that the kept ones stay.
      const inner = entry === 'stacks' ? fs.readdirSync(path.join(partial, entry)).map((s) => path.join(entry, s)) : [entry];
      for (const e of inner) {
        removeTree(path.join(options.outdir, e));
        fs.renameSync(path.join(partial, e), path.join(options.outdir, e));
      }
    }
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(options.outdir, 'policy-report.json'), `${JSON.stringify(findings, null, 2)}\n`);
  log(`wrote ${stacks.length} stacks to ${options.outdir}`);
  return { sites, findings, warnings, stacks };
}
