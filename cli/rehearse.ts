/**
 * `aif rehearse <site> [options]`: rehearses a site's deploy on a real Kubernetes
 * control plane on loopback, with the site's nodes simulated (see rehearsal/rehearse.ts).
 * Prints a table of checks; exits 0 when every check passes or fails as expected, 1 when one
 * fails (or a known defect passes unexpectedly, or the site does not load), 2 for bad
 * arguments, 3 for a bug.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCatalogue } from '../site-model/loader';
import { EXIT_INVALID, formatProblem, SiteValidationError } from '../site-model/problems';
import {
  EXIT_CODES_TAIL,
  guarded,
  isExit,
  parseArgs,
  printExit,
  processIo,
  reportMissingSites,
  runAsMain,
  SITES_DIR_OPTION,
  stringOption,
  usageError,
  type ArgsExit,
  type CommandSpec,
  type Io,
} from './args';
import { formatRehearsal, rehearsalJson, rehearseSite } from '../rehearsal/rehearse';

/** The command line of `aif rehearse`. */
export const REHEARSE_COMMAND: CommandSpec = {
  name: 'rehearse',
  synopsis: ['<site> [options]'],
  description: `Starts a real kube-apiserver, controller manager, scheduler and Kueue on 127.0.0.1 for each
cluster of the site, and for the first cell (--cells) of a cluster split into cells;
simulates its nodes with kwok, applies the site's objects with server-side apply and checks
what the cluster does with them.`,
  sites: { min: 1, max: 1, example: 'es-1healthai' },
  options: [
    {
      name: 'crds',
      value: 'DIR',
      needs: 'a path',
      help: 'CRDs of the pinned charts, as <chart>/<version>/crds.yaml\n(charts themselves cannot be reached offline)',
    },
    { name: 'max-nodes-per-pool', value: 'N', needs: 'a whole number of at least 1', help: 'simulate at most N nodes of each pool (default: all)' },
    {
      name: 'cells',
      value: 'all|N',
      needs: 'all or a whole number of at least 1',
      help: 'rehearse every cell, or the first N in site-file order, each on its own\ncontrol plane (default 1: each cell costs a control plane and Kueue, 1.5-2 minutes)',
    },
    { name: 'timeout', value: 'SECONDS', needs: 'a whole number of at least 1', help: 'how long a check waits for a controller (default 60)' },
    { name: 'work-dir', value: 'DIR', needs: 'a path', help: "where each cluster's files and logs go (default: a new temp dir)" },
    { name: 'json', value: 'FILE', needs: 'a path', help: 'also write the report as JSON' },
    { name: 'keep', help: 'leave the control planes running and print their kubeconfigs' },
    SITES_DIR_OPTION,
  ],
  exitCodes: `0 every check passes or fails as expected, 1 a check fails (or a known defect passes
unexpectedly), the rehearsal cannot run (binaries missing, a control plane that does not
start) or a site that does not exist or load, ${EXIT_CODES_TAIL}`,
  notes: `Binaries come from AIF_REHEARSAL_ROOT (default /opt/aif-rehearsal); install them with
bash .ci/install-rehearsal.sh.`,
};

/** Parsed arguments. */
export interface RehearseArgs {
  readonly site: string;
  readonly crdsDir?: string;
  readonly maxNodesPerPool?: number;
  /** @default 1 */
  readonly cells?: number | 'all';
  readonly timeoutSeconds?: number;
  readonly workDir?: string;
  readonly json?: string;
  readonly keep: boolean;
  /** @default - $SITES_DIR, else sites/ */
  readonly sitesDir?: string;
}

/** Parses the command line; returns the text to print (usage or an error) instead when it does not describe a run. */
export function parseRehearseArgs(argv: readonly string[]): RehearseArgs | ArgsExit {
  const parsed = parseArgs(REHEARSE_COMMAND, argv);
  if (isExit(parsed)) return parsed;
  const whole = (name: string): number | ArgsExit | undefined => {
    const v = stringOption(parsed, name);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isInteger(n) && n >= 1 ? n : usageError(REHEARSE_COMMAND, `--${name} needs a whole number of at least 1, got ${v}`);
  };
  const maxNodesPerPool = whole('max-nodes-per-pool');
  if (typeof maxNodesPerPool === 'object') return maxNodesPerPool;
  const timeoutSeconds = whole('timeout');
  if (typeof timeoutSeconds === 'object') return timeoutSeconds;
  const cells = stringOption(parsed, 'cells') === 'all' ? 'all' : whole('cells');
  if (typeof cells === 'object') return usageError(REHEARSE_COMMAND, `--cells needs all or a whole number of at least 1, got ${stringOption(parsed, 'cells')}`);
  const opt = <K extends keyof RehearseArgs>(key: K, value: RehearseArgs[K] | undefined) => (value !== undefined ? { [key]: value } : {});
  return {
    site: parsed.sites[0],
    ...opt('crdsDir', stringOption(parsed, 'crds')),
    ...opt('maxNodesPerPool', maxNodesPerPool),
    ...opt('cells', cells),
    ...opt('timeoutSeconds', timeoutSeconds),
    ...opt('workDir', stringOption(parsed, 'work-dir')),
    ...opt('json', stringOption(parsed, 'json')),
    keep: parsed.options.keep === true,
    ...opt('sitesDir', stringOption(parsed, 'sites-dir')),
  };
}

async function rehearseWith(argv: readonly string[], io: Io): Promise<number> {
  const args = parseRehearseArgs(argv);
  if (isExit(args)) return printExit(io, args);
  const sitesDir = path.resolve(io.cwd, args.sitesDir ?? (io.env.SITES_DIR || 'sites'));
  const missing = reportMissingSites(io, sitesDir, [args.site]);
  if (missing !== undefined) return missing;
  let site;
  try {
    [site] = loadCatalogue(sitesDir, args.site);
  } catch (e) {
    if (!(e instanceof SiteValidationError)) throw e;
    io.err(`${e.problems.map(formatProblem).join('\n')}\n`);
    return EXIT_INVALID;
  }
  const crdsDir = args.crdsDir !== undefined ? path.resolve(io.cwd, args.crdsDir) : undefined;
  if (crdsDir !== undefined && !fs.existsSync(crdsDir)) {
    io.err(`--crds ${args.crdsDir}: no such directory\n`);
    return EXIT_INVALID;
  }
  const workDir = args.workDir !== undefined ? path.resolve(io.cwd, args.workDir) : fs.mkdtempSync(path.join(os.tmpdir(), `aif-rehearsal-${site.spec.id}-`));
  let report;
  try {
    report = await rehearseSite({
      site,
      workDir,
      crdsDir,
      maxNodesPerPool: args.maxNodesPerPool,
      cells: args.cells,
      timeoutSeconds: args.timeoutSeconds,
      keep: args.keep,
      log: (line) => io.err(`${line}\n`),
    });
  } catch (e) {
    // What stops a rehearsal is mostly its machine (binaries missing, a control plane that
    // does not start, a chart helm cannot template): a failed run, with its reason, not a bug.
    io.err(`rehearsal failed: ${e instanceof Error ? e.message : String(e)}\nlogs: ${workDir}\n`);
    if (io.env.AIF_DEBUG && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT_INVALID;
  }
  io.out(`${formatRehearsal(report)}\n`);
  if (args.json) fs.writeFileSync(path.resolve(io.cwd, args.json), rehearsalJson(report));
  if (args.keep) {
    for (const c of report.clusters) io.out(`cluster ${c.cluster} left running: export KUBECONFIG=${c.kubeconfig ?? ''}\n`);
  } else if (args.workDir === undefined && report.ok) {
    fs.rmSync(workDir, { recursive: true, force: true });
  } else {
    io.out(`logs: ${workDir}\n`);
  }
  return report.ok ? 0 : EXIT_INVALID;
}

/** `aif rehearse`: exit 0 when every check passes or fails as expected. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => rehearseWith(argv, io));
}

if (require.main === module) runAsMain(run);
