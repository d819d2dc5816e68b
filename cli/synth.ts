/**
 * `aif synth [<site>...] [--out DIR]`: validates the sites named (none: every site), builds
 * their stacks, runs the policy pack and writes the Terraform JSON into `DIR` (default
 * cdktf.out/), in this process, without the cdktf CLI. The new output replaces the old one
 * only once it is complete, so a failed or misspelt run leaves the previous output as it was,
 * and any sequence of synths of any sites succeeds.
 *
 * Progress goes to stderr, one line per site and no spinner; warnings and suppressed
 * findings go to stdout. `main.ts` stays the app `cdktf synth`, `diff` and `deploy` run.
 */
import * as path from 'path';
import {
  BUG,
  EXIT_CODES_TAIL,
  guarded,
  isExit,
  outOption,
  parseArgs,
  printExit,
  processIo,
  reportMissingSites,
  runAsMain,
  SITES_DIR_OPTION,
  sitesDirOf,
  stringOption,
  type CommandSpec,
  type Io,
} from './args';
import { formatFindings } from '../constructs/policies/pack';
import { EXIT_INTERNAL_ERROR, EXIT_INVALID, formatProblem, hasInternalError, SiteValidationError } from '../site-model/problems';
import { PolicyViolationError, synthCatalogue } from '../stacks/synth';

/** Output folder of `aif synth` when `--out` is not given: where `cdktf` reads and writes. */
export const DEFAULT_SYNTH_OUT = 'cdktf.out';

/** The command line of `aif synth`. */
export const SYNTH_COMMAND: CommandSpec = {
  name: 'synth',
  synopsis: ['[<site>...] [options]'],
  description: `Validates the sites named, or every site of the catalogue, builds their stacks
(<site>-platform and <site>-workloads), runs the policy pack and writes the Terraform JSON, one
folder per stack, with policy-report.json. The new output replaces the previous one only once
it is complete: a run that fails (an invalid or misspelt site, a policy violation) leaves the
previous output as it was. Progress goes to stderr, one line per site.`,
  sites: { min: 0, max: Infinity, example: 'de-jaif' },
  options: [outOption(`folder of the output (default: ${DEFAULT_SYNTH_OUT}, which cdktf diff and deploy read)`), SITES_DIR_OPTION],
  exitCodes: `0 written, 1 problems in site files, policy violations or a site that does not exist
(nothing written), ${EXIT_CODES_TAIL}`,
  notes: 'With no site named, $SITE (as `cdktf synth` reads it) names one, when set.',
};

function synthWith(argv: readonly string[], io: Io): number {
  const parsed = parseArgs(SYNTH_COMMAND, argv);
  if (isExit(parsed)) return printExit(io, parsed);
  const sitesDir = sitesDirOf(parsed, io);
  // `SITE=<id> npm run synth` keeps working as it did when npm run synth ran cdktf synth.
  const sites = parsed.sites.length > 0 ? parsed.sites : io.env.SITE ? [io.env.SITE] : [];
  const missing = reportMissingSites(io, sitesDir, sites);
  if (missing !== undefined) return missing;
  const outdir = path.resolve(io.cwd, stringOption(parsed, 'out') ?? DEFAULT_SYNTH_OUT);
  try {
    const result = synthCatalogue({ sitesDir, only: sites.length > 0 ? sites : undefined, outdir, log: (line) => io.err(`${line}\n`) });
    for (const w of result.warnings) io.out(`warning: ${formatProblem(w)}\n`);
    const reported = result.findings.filter((f) => f.suppressedBecause !== undefined || f.level === 'warning');
    if (reported.length > 0) io.out(`${formatFindings(reported)}\n`);
    return 0;
  } catch (e) {
    // Nothing was written: the previous output stays as it was.
    if (e instanceof PolicyViolationError) {
      io.err(`${formatFindings(e.findings)}\n\n${e.message}; nothing written\n`);
      return EXIT_INVALID;
    }
    if (e instanceof SiteValidationError) {
      const internal = hasInternalError(e.problems);
      io.err(`${e.problems.map(formatProblem).join('\n')}\n\n${e.problems.length} problem(s) in site files; nothing written${internal ? `\n${BUG}` : ''}\n`);
      return internal ? EXIT_INTERNAL_ERROR : EXIT_INVALID;
    }
    throw e;
  }
}

/** `aif synth`: exit 0 when the output is written. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => synthWith(argv, io));
}

if (require.main === module) runAsMain(run);
