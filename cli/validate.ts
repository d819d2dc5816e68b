/**
 * `npm run validate [site]`: what CI runs on every change to sites/. Checks the site files
 * against the schema and cross-field rules, synthesizes every stack and runs the policy
 * pack, then prints one readable report. Exits 1 when anything is wrong; writes nothing
 * outside a temporary folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { blockingFindings, formatFindings, type Finding } from '../constructs/policies/pack';
import { formatProblem, SiteValidationError } from '../site-model/problems';
import { PolicyViolationError, synthCatalogue, type SynthOptions } from '../stacks/synth';

/** Outcome of a validation run. */
export interface ValidationReport {
  readonly ok: boolean;
  /** Printable report. */
  readonly text: string;
  readonly findings: readonly Finding[];
}

/** Validates the catalogue in `sitesDir` (or one site) and renders the report. */
export function validateCatalogue(
  sitesDir: string,
  only?: string,
  log: (line: string) => void = () => undefined,
  customize?: SynthOptions['customize'],
): ValidationReport {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-validate-'));
  try {
    const result = synthCatalogue({ sitesDir, only, outdir: path.join(outdir, 'out'), log, customize });
    const lines = result.sites.map((s) => {
      const id = s.spec.id;
      const mine = result.findings.filter((f) => f.stack.startsWith(`${id}-`));
      const suppressed = mine.filter((f) => f.suppressedBecause !== undefined).length;
      const siteWarnings = result.warnings.filter((w) => w.file === s.source.file).length;
      return `ok  ${id}: stacks ${id}-platform, ${id}-workloads; ${mine.length - suppressed + siteWarnings} warning(s), ${suppressed} suppressed`;
    });
    const warnings = result.warnings.map((w) => `warning: ${formatProblem(w)}`);
    const notes = [
      ...(warnings.length > 0 ? [`\n${warnings.join('\n')}`] : []),
      ...(result.findings.length > 0 ? [`\n${formatFindings(result.findings)}`] : []),
    ].join('');
    return { ok: true, text: `${lines.join('\n')}${notes}\n\n${result.sites.length} site(s) valid`, findings: result.findings };
  } catch (e) {
    if (e instanceof SiteValidationError) {
      return { ok: false, text: `${e.problems.map(formatProblem).join('\n')}\n\n${e.problems.length} problem(s) in site files`, findings: [] };
    }
    if (e instanceof PolicyViolationError) {
      const errors = blockingFindings(e.findings).length;
      return { ok: false, text: `${formatFindings(e.findings)}\n\n${errors} policy violation(s)`, findings: e.findings };
    }
    throw e;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const only = process.argv[2];
  const report = validateCatalogue(process.env.SITES_DIR ?? path.join(__dirname, '..', 'sites'), only, (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(`${report.text}\n`);
  process.exit(report.ok ? 0 : 1);
}
