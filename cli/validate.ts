/**
 * `aif validate [<site>...]`: what CI runs on every change to sites/. Checks the site files
 * against the schema and cross-field rules, synthesizes every stack and runs the policy
 * pack, then prints one report: for people, as JSON, as GitHub Actions annotations or as
 * SARIF. Writes nothing outside a temporary folder.
 *
 * Exit codes: 0 when every site is valid, 1 ({@link EXIT_INVALID}) when a site file has a
 * problem or a policy is violated, 2 for bad arguments, 3 ({@link EXIT_INTERNAL_ERROR}) when
 * the run failed on a bug of ai-factory-cdk itself. No input prints a stack trace (AIF_DEBUG=1
 * does, for bugs).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  BUG,
  EXIT_CODES_TAIL,
  guarded,
  isExit,
  parseArgs,
  printExit,
  processIo,
  reportMissingSites,
  runAsMain,
  SITES_DIR_OPTION,
  sitesDirOf,
  type CommandSpec,
  type Io,
} from './args';
import { AI_FACTORY_RULES, blockingFindings, formatFindings, type Finding } from '../constructs/policies/pack';
import { EXIT_INTERNAL_ERROR, EXIT_INVALID, formatProblem, hasInternalError, renderValue, SiteValidationError, type SiteProblem } from '../site-model/problems';
import type { SiteModel } from '../site-model/resolve';
import { siteStackNames, stackName, type Layer } from '../stacks/site-stack';
import { catalogueFiles } from '../site-model/loader';
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
  /** The catalogue folder validated: policy findings are reported against its site files. */
  readonly sitesDir: string;
}

/** Report formats: for people, for tools, GitHub Actions annotations, and SARIF 2.1.0 for code-scanning tools. */
export const FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** GitHub Actions escapes a workflow command's data and properties this way. */
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProperty = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * The report in a format: `text` as printed for people; `json` with every problem, warning
 * and finding as data; `github`, one workflow-command annotation per problem and warning
 * (`::error file=…,line=…::…`), so a pull request shows each at its line; `sarif`, one
 * SARIF 2.1.0 run (see {@link sarifLog}). File names are relative to `cwd`.
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
    case 'sarif':
      return JSON.stringify(sarifLog(report, cwd), null, 2);
  }
}

/**
 * Rule ids of what is not a policy finding: a problem of a site file, a warning (it
 * validates but will not work as written, or a suppression suppresses nothing), and the
 * checker's own failure on a file.
 */
export const SARIF_PROBLEM_RULES = [
  { id: 'AIF-FILE', name: 'SiteFileProblem', text: 'The site file does not describe a valid site: the message names the field, the value and the fix.' },
  {
    id: 'AIF-FILE-WARNING',
    name: 'SiteFileWarning',
    text: 'The site file validates but will not work as written, or a policy suppression suppresses nothing.',
  },
  { id: 'AIF-INTERNAL', name: 'InternalError', text: 'ai-factory-cdk failed on this file: a bug of the tool, not a mistake in the file; please report it.' },
] as const;

/** The parts of SARIF 2.1.0 this report uses. @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly {
    readonly tool: {
      readonly driver: {
        readonly name: string;
        readonly rules: readonly {
          id: string;
          name: string;
          shortDescription: { text: string };
          fullDescription?: { text: string };
          defaultConfiguration: { level: string };
        }[];
      };
    };
    readonly results: readonly SarifResult[];
  }[];
}

/** One SARIF result: a problem, warning or policy finding at a line of a site file. */
export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning';
  readonly message: { readonly text: string };
  readonly locations: readonly {
    readonly physicalLocation: { readonly artifactLocation: { readonly uri: string }; readonly region: { readonly startLine: number } };
    readonly logicalLocations?: readonly { readonly fullyQualifiedName: string; readonly kind: string }[];
  }[];
  readonly suppressions?: readonly { readonly kind: 'external'; readonly justification: string }[];
}

/**
 * The report as a SARIF 2.1.0 log of one run, for code-scanning tools (GitHub code scanning,
 * GitLab, IDE viewers): every problem and warning at its file and line, every policy finding
 * at its site's file (line 1, with the construct path as its logical location), a suppressed
 * finding with its reason as an external suppression. A file inside `cwd` is named by its
 * path relative to `cwd`, any other by its `file:` URI.
 */
export function sarifLog(report: ValidationReport, cwd: string = process.cwd()): SarifLog {
  const rules = [
    ...SARIF_PROBLEM_RULES.map((r) => ({
      id: r.id,
      name: r.name,
      shortDescription: { text: r.text },
      defaultConfiguration: { level: r.id === 'AIF-FILE-WARNING' ? 'warning' : 'error' },
    })),
    ...AI_FACTORY_RULES.map((r) => ({
      id: r.id,
      name: r.id.replace(/-/g, ''),
      shortDescription: { text: r.info },
      fullDescription: { text: r.explanation },
      defaultConfiguration: { level: r.level },
    })),
  ];
  const uri = (file: string) => {
    const abs = path.resolve(cwd, file);
    const rel = path.relative(cwd, abs);
    return rel.startsWith('..') || path.isAbsolute(rel) ? pathToFileURL(abs).href : encodeURI(rel.split(path.sep).join('/'));
  };
  const at = (file: string, line: number) => ({ physicalLocation: { artifactLocation: { uri: uri(file) }, region: { startLine: Math.max(1, line) } } });
  const index = (id: string) => rules.findIndex((r) => r.id === id);
  const problem = (p: SiteProblem, ruleId: string, level: 'error' | 'warning'): SarifResult => ({
    ruleId,
    ruleIndex: index(ruleId),
    level,
    message: { text: `${p.path || '(file)'}: ${p.problem}, got ${p.got}; ${p.fix}` },
    locations: [at(p.file, p.line)],
  });
  // A stack is <site>-<layer> or <site>-<cell>-<layer>: its site is the longest site id it starts with.
  const files = catalogueFiles(report.sitesDir).sort((a, b) => b.length - a.length);
  const siteFile = (stack: string) => files.find((f) => stack.startsWith(`${path.basename(f).replace(/\.ya?ml$/, '')}-`)) ?? report.sitesDir;
  const finding = (f: Finding): SarifResult => ({
    ruleId: f.ruleId,
    ruleIndex: index(f.ruleId),
    level: f.level,
    message: { text: [`${f.info} (${f.path})`, ...f.details.map((d) => `- ${d}`), `why: ${f.explanation}`].join('\n') },
    locations: [{ ...at(siteFile(f.stack), 1), logicalLocations: [{ fullyQualifiedName: f.path, kind: 'resource' }] }],
    ...(f.suppressedBecause !== undefined ? { suppressions: [{ kind: 'external' as const, justification: f.suppressedBecause }] } : {}),
  });
  const results = [
    ...report.problems.map((p) => problem(p, p.internal === true ? 'AIF-INTERNAL' : 'AIF-FILE', 'error')),
    ...report.warnings.map((p) => problem(p, 'AIF-FILE-WARNING', 'warning')),
    ...report.findings.map(finding),
  ];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'ai-factory-cdk', rules } }, results }],
  };
}

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

/** Validates the catalogue in `sitesDir` (or only the sites named) and renders the report. Never throws. */
export function validateCatalogue(
  sitesDir: string,
  only?: string | readonly string[],
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
      return `ok  ${id}: stacks ${siteStackNames(s).join(', ')}; ${mine.length - suppressed + siteWarnings} warning(s), ${suppressed} suppressed`;
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
      sitesDir,
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
        sitesDir,
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
        sitesDir,
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
      sitesDir,
    };
  } finally {
    if (outdir !== undefined) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The command line of `aif validate`. */
export const VALIDATE_COMMAND: CommandSpec = {
  name: 'validate',
  synopsis: ['[<site>...] [options]'],
  description: `Checks the site files named, or every site file of the catalogue: schema, cross-field
rules, capacity, Slurm configuration and policy suppressions, in one run (a site named is still
compared with every other file), then builds and synthesizes the stacks into a temporary folder
and runs the policy pack. Prints every problem as <file>:<line> <path>: <problem>, got <value>;
<fix>. Writes nothing.`,
  sites: { min: 0, max: Infinity, example: 'de-jaif' },
  options: [
    {
      name: 'format',
      value: 'FORMAT',
      needs: `one of ${FORMATS.join(', ')}`,
      choices: FORMATS,
      help: `text: for people (default)
json: every problem, warning and policy finding as data
github: GitHub Actions annotations, ::error file=…,line=…::…, one per problem
sarif: SARIF 2.1.0, for code scanning (e.g. github/codeql-action/upload-sarif)
File names are relative to the working directory.`,
    },
    SITES_DIR_OPTION,
  ],
  exitCodes: `0 valid, 1 problems in site files or policy violations (or a site that does not exist),
${EXIT_CODES_TAIL}`,
};

/**
 * Runs the command with the given streams and environment: validates the sites named in
 * `argv` (none: every site of `--sites-dir`, else $SITES_DIR, else sites/), prints the report
 * to `out` and progress to `err`, and returns the exit code.
 */
export function runValidate(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
  err: (text: string) => void,
  customize?: SynthOptions['customize'],
): number {
  return validateWith(argv, { out, err, env, cwd: process.cwd() }, customize);
}

function validateWith(argv: readonly string[], io: Io, customize?: SynthOptions['customize']): number {
  const parsed = parseArgs(VALIDATE_COMMAND, argv);
  if (isExit(parsed)) return printExit(io, parsed);
  const sitesDir = sitesDirOf(parsed, io);
  const missing = reportMissingSites(io, sitesDir, parsed.sites);
  if (missing !== undefined) return missing;
  const format = (parsed.options.format ?? 'text') as Format;
  const report = validateCatalogue(sitesDir, parsed.sites.length > 0 ? parsed.sites : undefined, (l) => io.err(`${l}\n`), customize);
  io.out(`${formatReport(report, format, io.cwd)}\n`);
  return report.exitCode;
}

/** `aif validate`: exit 0 when every site named is valid. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => validateWith(argv, io));
}

if (require.main === module) runAsMain(run);
