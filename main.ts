import * as path from 'path';
import { formatFindings } from './constructs/policies/pack';
import { formatProblem, SiteValidationError } from './site-model/problems';
import { clearOutput, PolicyViolationError, synthCatalogue } from './stacks/synth';

// Loads the site files (all, or the one named by SITE), builds each site's stacks, runs the
// policy pack and synthesizes. Any problem exits non-zero and leaves no output behind.
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
try {
  const result = synthCatalogue({
    sitesDir: process.env.SITES_DIR ?? path.join(__dirname, 'sites'),
    only: process.env.SITE || undefined,
    outdir,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const w of result.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  const suppressed = result.findings.filter((f) => f.suppressedBecause !== undefined || f.level === 'warning');
  if (suppressed.length > 0) process.stderr.write(`${formatFindings(suppressed)}\n`);
} catch (e) {
  if (e instanceof SiteValidationError || e instanceof PolicyViolationError) {
    clearOutput(outdir);
    process.stderr.write(`${e instanceof PolicyViolationError ? formatFindings(e.findings) : e.message}\n`);
    process.exit(1);
  }
  throw e;
}
