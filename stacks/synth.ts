/**
 * Synthesis of a catalogue, shared by `main.ts` (cdktf synth), `aif synth` and `aif validate`:
 * validate every site file, build the stacks, run the policy pack, and only then write the
 * output, into a temporary folder that replaces the old one whole. A failure at any step
 * leaves no output at all, so nothing stale or half-written can be deployed.
 */
import { App } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { blockingFindings, type Finding } from '../constructs/policies/pack';
import { addSiteStacks, checkSitePolicies, type SiteStacks } from './site';
import { checkCatalogue, internalProblem } from '../site-model/loader';
import { SiteValidationError, type SiteProblem } from '../site-model/problems';
import type { SiteModel } from '../site-model/resolve';

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
    if (written.has(name) || !keepOrphans) fs.rmSync(path.join(stacksDir, name), { recursive: true, force: true });
  }
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
    addSiteStacks(new App({ outdir, stackTraces: false }), model);
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
  const partial = `${options.outdir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const app = new App({ outdir: partial });
  const findings: Finding[] = [];
  const stacks: string[] = [];
  // Sites without problems are built even when others have some: building finds the
  // problems only stacks can show (policy suppressions that name no construct), so one run
  // reports every problem of every file.
  sites.forEach((site, i) => {
    try {
      const built = addSiteStacks(app, site);
      options.customize?.(built);
      findings.push(...checkSitePolicies(built));
      stacks.push(built.platform.node.id, built.workloads.node.id);
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
    app.synth();
    // The new output replaces the old only now that it is complete: a failed run leaves the
    // previous output as it was.
    replaceOutput(options.outdir, new Set(stacks), options.keepOrphanedStacks ?? false);
    fs.mkdirSync(path.join(options.outdir, 'stacks'), { recursive: true });
    for (const entry of fs.readdirSync(partial)) {
      // Stack folders one by one, so that the kept ones stay.
      const inner = entry === 'stacks' ? fs.readdirSync(path.join(partial, entry)).map((s) => path.join(entry, s)) : [entry];
      for (const e of inner) {
        fs.rmSync(path.join(options.outdir, e), { recursive: true, force: true });
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
