import * as path from 'path';
import { formatFindings } from './constructs/policies/pack';
import { EXIT_INTERNAL_ERROR, formatProblem, hasInternalError, SiteValidationError } from './site-model/problems';
import { PolicyViolationError, synthCatalogue } from './stacks/synth';

// Loads the site files (all, or the one named by SITE), builds each site's stacks, runs the
// policy pack and synthesizes. Any problem exits non-zero and leaves the previous output as it was.
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
try {
  const result = synthCatalogue({
    sitesDir: path.resolve(process.env.SITES_DIR ?? 'sites'),
    only: process.env.SITE || undefined,
    outdir,
    // Progress and warnings go to stdout: the cdktf CLI prints everything on stderr as [ERROR].
    log: (line) => process.stdout.write(`${line}\n`),
    // Under the cdktf CLI (which sets this variable for the app), the CLI removes stale stack folders.
    keepOrphanedStacks: process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined,
  });
  for (const w of result.warnings) process.stdout.write(`warning: ${formatProblem(w)}\n`);
  const suppressed = result.findings.filter((f) => f.suppressedBecause !== undefined || f.level === 'warning');
  if (suppressed.length > 0) process.stdout.write(`${formatFindings(suppressed)}\n`);
} catch (e) {
  // Nothing was written: the previous output stays as it was.
  if (e instanceof SiteValidationError || e instanceof PolicyViolationError) {
    process.stderr.write(`${e instanceof PolicyViolationError ? formatFindings(e.findings) : e.message}\n`);
    process.exit(e instanceof SiteValidationError && hasInternalError(e.problems) ? EXIT_INTERNAL_ERROR : 1);
  }
  // Anything else is a bug of the tool, not of the site file: its own exit code, and the trace
  // only when asked for.
  process.stderr.write(`internal error (a bug of ai-factory-cdk, please report it): ${e instanceof Error ? e.message : String(e)}\n`);
  if (process.env.AIF_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
  process.exit(EXIT_INTERNAL_ERROR);
}
