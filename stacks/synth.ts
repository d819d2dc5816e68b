/**
 * Synthesis of a catalogue, shared by `main.ts` (cdktf synth) and `npm run validate`:
 * validate every site file, build the stacks, run the policy pack, and only then write the
 * output, into a temporary folder that replaces the old one whole. A failure at any step
 * leaves no output at all, so nothing stale or half-written can be deployed.
 */
import { App } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { blockingFindings, type Finding } from '../constructs/policies/pack';
import { addSiteStacks, checkSitePolicies, type SiteStacks } from './site';
import { loadCatalogue } from '../site-model/loader';
import type { SiteSpec } from '../site-model/schema';

/** What a synth produced. */
export interface SynthResult {
  readonly sites: readonly SiteSpec[];
  readonly findings: readonly Finding[];
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
  /** Only this site id. @default - every site */
  readonly only?: string;
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
}

/** Removes what an earlier synth left, so a failed run never leaves deployable output. */
export function clearOutput(outdir: string): void {
  fs.rmSync(path.join(outdir, 'stacks'), { recursive: true, force: true });
  fs.rmSync(path.join(outdir, 'manifest.json'), { force: true });
}

/** Validates, builds, checks policies and writes the catalogue. Throws SiteValidationError or PolicyViolationError. */
export function synthCatalogue(options: SynthOptions): SynthResult {
  const log = options.log ?? (() => undefined);
  const sites = loadCatalogue(options.sitesDir, options.only);
  log(`validated ${sites.length} site file(s)`);
  const partial = `${options.outdir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const app = new App({ outdir: partial });
  const findings: Finding[] = [];
  const stacks: string[] = [];
  sites.forEach((spec, i) => {
    const site = addSiteStacks(app, spec);
    options.customize?.(site);
    findings.push(...checkSitePolicies(site));
    stacks.push(site.platform.node.id, site.workloads.node.id);
    log(`[${i + 1}/${sites.length}] built ${spec.id}`);
  });
  if (blockingFindings(findings).length > 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw new PolicyViolationError(findings);
  }

  try {
    app.synth();
    clearOutput(options.outdir);
    fs.mkdirSync(options.outdir, { recursive: true });
    for (const entry of fs.readdirSync(partial)) {
      fs.rmSync(path.join(options.outdir, entry), { recursive: true, force: true });
      fs.renameSync(path.join(partial, entry), path.join(options.outdir, entry));
    }
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(options.outdir, 'policy-report.json'), `${JSON.stringify(findings, null, 2)}\n`);
  log(`wrote ${stacks.length} stacks to ${options.outdir}`);
  return { sites, findings, stacks };
}
