/**
 * `npm run validate [site]`: what CI runs on every change to sites/. Checks the site files
 * against the schema and cross-field rules, synthesizes every stack and runs the policy
 * pack, then prints one readable report. Writes nothing outside a temporary folder.
 *
 * Exit codes: 0 when every site is valid, 1 ({@link EXIT_INVALID}) when a site file has a
 * problem or a policy is violated, 70 ({@link EXIT_INTERNAL_ERROR}) when the run failed on a
 * bug of ai-factory-cdk itself. No input prints a stack trace (AIF_DEBUG=1 does, for bugs).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { blockingFindings, formatFindings, type Finding } from '../constructs/policies/pack';
import { EXIT_INTERNAL_ERROR, EXIT_INVALID, formatProblem, hasInternalError, renderValue, SiteValidationError, type SiteProblem } from '../site-model/problems';
import type { SiteModel } from '../site-model/resolve';
import { stackName, type Layer } from '../stacks/site-stack';
import { PolicyViolationError, synthCatalogue, type SynthOptions } from '../stacks/synth';

/** Outcome of a validation run. */
export interface ValidationReport {
  readonly ok: boolean;
  /** Printable report. */
  readonly text: string;
  readonly findings: readonly Finding[];
  /** Problems of the site files (empty when valid). */
  readonly problems: readonly SiteProblem[];
  /** What validates but will not work as the files read, and suppressions that suppress nothing. */
  readonly warnings: readonly SiteProblem[];
  /** Exit code of the run: 0, {@link EXIT_INVALID} or {@link EXIT_INTERNAL_ERROR}. */
  readonly exitCode: number;
}

/** Report formats: for people, for tools, and GitHub Actions annotations. */
export const FORMATS = ['text', 'json', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** GitHub Actions escapes a workflow command's data and properties this way. */
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProperty = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * The report in a format: `text` as printed for people; `json` with every problem, warning
 * and finding as data; `github`, one workflow-command annotation per problem and warning
 * (`::error file=…,line=…::…`), so a pull request shows each at its line. File names are
 * relative to `cwd`.
 */
export function formatReport(report: ValidationReport, format: Format, cwd: string = process.cwd()): string {
  const rel = (file: string) => (path.isAbsolute(file) ? path.relative(cwd, file) : file);
  const data = (p: SiteProblem) => ({ file: rel(p.file), line: p.line, path: p.path, problem: p.problem, got: p.got, fix: p.fix });
  switch (format) {
    case 'text':
      return report.text;
    case 'json':
      return JSON.stringify(
        { ok: report.ok, exitCode: report.exitCode, problems: report.problems.map(data), warnings: report.warnings.map(data), findings: report.findings },
        null,
        2,
      );
    case 'github': {
      const annotate = (level: 'error' | 'warning', p: SiteProblem) =>
        `::${level} file=${ghProperty(rel(p.file))},line=${p.line},title=${ghProperty(p.path)}::${ghData(formatProblem({ ...p, file: rel(p.file) }))}`;
      const summary = report.text.split('\n').at(-1) ?? '';
      return [...report.problems.map((p) => annotate('error', p)), ...report.warnings.map((p) => annotate('warning', p)), summary].join('\n');
    }
  }
}

/** What a run prints when ai-factory-cdk itself failed: never a stack trace, always a bug. */
const BUG = 'this is a bug in ai-factory-cdk, not a mistake in the site files; please report it (AIF_DEBUG=1 prints the stack trace)';

/**
 * Policy suppressions of a valid site that no finding needs any more: each is a warning at
 * its line, so a suppression cannot outlive what it was written for and silently hide a
 * later finding on the same construct.
 */
export function staleSuppressions(site: SiteModel, findings: readonly Finding[]): SiteProblem[] {
  const stale: SiteProblem[] = [];
  for (const [ruleId, byPath] of Object.entries(site.spec.policySuppressions)) {
    for (const constructPath of Object.keys(byPath ?? {})) {
      const [layer, ...rest] = constructPath.split('/');
      const prefix = [stackName(site.spec.id, layer as Layer), ...rest].join('/');
      const used = findings.some((f) => f.ruleId === ruleId && (f.path === prefix || f.path.startsWith(`${prefix}/`)));
      if (used) continue;
      stale.push(
        site.source.problem(
          ['policySuppressions', ruleId, constructPath],
          `suppresses nothing: rule ${ruleId} has no finding on ${constructPath} or below it any more`,
          constructPath,
          'remove the suppression, so it cannot hide a later finding there',
          true,
        ),
      );
    }
  }
  return stale;
}

/** Validates the catalogue in `sitesDir` (or one site) and renders the report. Never throws. */
export function validateCatalogue(
  sitesDir: string,
  only?: string,
  log: (line: string) => void = () => undefined,
  customize?: SynthOptions['customize'],
): ValidationReport {
  let outdir: string | undefined;
  try {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-validate-'));
    const result = synthCatalogue({ sitesDir, only, outdir: path.join(outdir, 'out'), log, customize });
    const warnings = [...result.warnings, ...result.sites.flatMap((s) => staleSuppressions(s, result.findings))];
    const lines = result.sites.map((s) => {
      const id = s.spec.id;
      const mine = result.findings.filter((f) => f.stack.startsWith(`${id}-`));
      const suppressed = mine.filter((f) => f.suppressedBecause !== undefined).length;
      const siteWarnings = warnings.filter((w) => w.file === s.source.file).length;
      return `ok  ${id}: stacks ${id}-platform, ${id}-workloads; ${mine.length - suppressed + siteWarnings} warning(s), ${suppressed} suppressed`;
    });
    const notes = [
      ...(warnings.length > 0 ? [`\n${warnings.map((w) => `warning: ${formatProblem(w)}`).join('\n')}`] : []),
      ...(result.findings.length > 0 ? [`\n${formatFindings(result.findings)}`] : []),
    ].join('');
    return {
      ok: true,
      text: `${lines.join('\n')}${notes}\n\n${result.sites.length} site(s) valid`,
      findings: result.findings,
      problems: [],
      warnings,
      exitCode: 0,
    };
  } catch (e) {
    if (e instanceof SiteValidationError) {
      const internal = e.problems.filter((p) => p.internal === true).length;
      const summary = `${e.problems.length} problem(s) in site files${internal > 0 ? `, ${internal} of them internal error(s): ${BUG}` : ''}`;
      return {
        ok: false,
        text: `${e.problems.map(formatProblem).join('\n')}\n\n${summary}`,
        findings: [],
        problems: e.problems,
        warnings: [],
        exitCode: hasInternalError(e.problems) ? EXIT_INTERNAL_ERROR : EXIT_INVALID,
      };
    }
    if (e instanceof PolicyViolationError) {
      const errors = blockingFindings(e.findings).length;
      return {
        ok: false,
        text: `${formatFindings(e.findings)}\n\n${errors} policy violation(s)`,
        findings: e.findings,
        problems: [],
        warnings: [],
        exitCode: EXIT_INVALID,
      };
    }
    if (process.env.AIF_DEBUG) process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      text: `internal error: ${renderValue(message.split('\n')[0])}\n\n${BUG}`,
      findings: [],
      problems: [],
      warnings: [],
      exitCode: EXIT_INTERNAL_ERROR,
    };
  } finally {
    if (outdir !== undefined) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** What `npm run validate -- --help` prints. */
export const VALIDATE_USAGE = `usage: npm run validate -- [<site>] [--format text|json|github]

Checks every site file of SITES_DIR (default sites/), or the one named: schema, cross-field
rules, capacity, Slurm configuration and policy suppressions, in one run, then builds and
synthesizes the stacks into a temporary folder and runs the policy pack. Prints every problem
as <file>:<line> <path>: <problem>, got <value>; <fix>.

options:
  --format text     for people (default)
  --format json     every problem, warning and policy finding as data, files relative to here
  --format github   GitHub Actions annotations, ::error file=…,line=…::…, one per problem

exit codes: 0 valid, 1 problems in site files or policy violations, 2 bad arguments,
70 an internal error (a bug: please report it).
`;

/**
 * Runs the command: validates `argv[0]` (a site id) or every site of `SITES_DIR` (default
 * sites/), prints the report to `out` and progress to `err`, and returns the exit code.
 */
export function runValidate(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
  err: (text: string) => void,
  customize?: SynthOptions['customize'],
): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(VALIDATE_USAGE);
    return 0;
  }
  const sites: string[] = [];
  let format: Format = 'text';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = arg === '--format' ? argv[++i] : arg.startsWith('--format=') ? arg.slice('--format='.length) : undefined;
    if (arg === '--format' || arg.startsWith('--format=')) {
      if (value === undefined || !(FORMATS as readonly string[]).includes(value)) {
        err(`--format takes one of ${FORMATS.join(', ')}, got ${value ?? 'nothing'}\n${VALIDATE_USAGE}`);
        return 2;
      }
      format = value as Format;
    } else if (arg.startsWith('-')) {
      err(`unknown option ${arg}\n${VALIDATE_USAGE}`);
      return 2;
    } else {
      sites.push(arg);
    }
  }
  if (sites.length > 1) {
    err(`one site at a time, got ${sites.join(' and ')}\n${VALIDATE_USAGE}`);
    return 2;
  }
  const report = validateCatalogue(env.SITES_DIR ?? path.join(__dirname, '..', 'sites'), sites[0], (l) => err(`${l}\n`), customize);
  out(`${formatReport(report, format)}\n`);
  return report.exitCode;
}

if (require.main === module) {
  let code: number;
  try {
    code = runValidate(
      process.argv.slice(2),
      process.env,
      (t) => process.stdout.write(t),
      (t) => process.stderr.write(t),
    );
  } catch (e) {
    // validateCatalogue never throws; this is the last guard against printing a stack trace.
    process.stderr.write(`internal error: ${renderValue(e instanceof Error ? e.message : String(e))}\n${BUG}\n`);
    code = EXIT_INTERNAL_ERROR;
  }
  process.exit(code);
}
