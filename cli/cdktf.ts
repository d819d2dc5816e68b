/**
 * `aif diff <site>` and `aif deploy <site>`: the cdktf CLI on one site's stacks, with the
 * site named on the command line like every other command (cdktf reads it from $SITE), the
 * HashiCorp checkpoint service disabled, and the arguments after `--` passed on to cdktf.
 *
 * What is run is planned first ({@link planCdktf}) and only then spawned, so the plan can be
 * read without running cdktf. cdktf itself runs `main.ts`, which synthesizes the site again.
 *
 * @see https://developer.hashicorp.com/terraform/cdktf/cli-reference/commands
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  EXIT_CODES_TAIL,
  guarded,
  isExit,
  parseArgs,
  printExit,
  reportMissingSites,
  SITES_DIR_OPTION,
  sitesDirOf,
  stringOption,
  type CommandSpec,
  type Io,
  type ParsedArgs,
} from './args';
import { loadCatalogue } from '../site-model/loader';
import { EXIT_INVALID, formatProblem, SiteValidationError } from '../site-model/problems';
import type { SiteModel } from '../site-model/resolve';
import { LAYERS, siteStackNames, type Layer } from '../stacks/site-stack';

/** What both commands need before they can reach anything. */
const NEEDS = `needs:
  - the cdktf CLI (cdktf-cli, run through npx) and Terraform 1.10 or newer on the PATH
    (OpenTofu 1.10 or newer with TERRAFORM_BINARY_NAME=tofu);
  - cdktf.json and main.ts in the working directory (the project root);
  - access to each cluster of the site: a kubeconfig with the contexts its site file names
    (clusters.<name>.kubeconfigPath and context);
  - the Terraform providers, from the public registry or, air-gapped, from a provider mirror
    configured in the Terraform CLI configuration (TF_CLI_CONFIG_FILE, provider_installation);
  - credentials for the site's state backend in the environment: AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY for s3, PG_CONN_STR for pg, the kubeconfig for kubernetes.
cdktf runs with SITE=<site>, CHECKPOINT_DISABLE=1 and, with --sites-dir, SITES_DIR=<dir>.`;

const layerOption = (what: string) => ({
  name: 'layer',
  value: 'LAYER',
  needs: `one of ${LAYERS.join(', ')}`,
  choices: LAYERS,
  help: `only the stack <site>-LAYER (default: ${what})`,
});

/** The command line of `aif diff`. */
export const DIFF_COMMAND: CommandSpec = {
  name: 'diff',
  synopsis: ['<site> [options] [-- <cdktf diff options>]'],
  description: `Shows Terraform's plan for the site's stacks against the live clusters and the state
backend: cdktf diff <site>-platform, then cdktf diff <site>-workloads (the workloads plan reads
the CRDs the platform stack installs, so on an empty cluster it can only plan once the platform
stack is deployed). A site with cells diffs each cell's stacks after the site's own
(<site>-<cell>-platform, <site>-<cell>-workloads). Changes nothing.`,
  sites: { min: 1, max: 1, example: 'de-jaif' },
  options: [layerOption('both, platform first'), SITES_DIR_OPTION],
  passThrough: true,
  exitCodes: `0 planned, 1 a site that does not exist or cdktf failed (its own exit code),
${EXIT_CODES_TAIL}`,
  notes: NEEDS,
};

/** The command line of `aif deploy`. */
export const DEPLOY_COMMAND: CommandSpec = {
  name: 'deploy',
  synopsis: ['<site> [options] [-- <cdktf deploy options, e.g. --auto-approve>]'],
  description: `Deploys the site: cdktf deploy <site>-platform <site>-workloads, which applies the
platform stack (operators and their CRDs) first, then plans and applies the workloads stack.
A site with cells deploys every cell's stacks in the same run; they depend on nothing outside
their cell, so cdktf applies cells in parallel (-- --parallelism N bounds it). cdktf asks
before it applies anything unless --auto-approve is passed after --.`,
  sites: { min: 1, max: 1, example: 'de-jaif' },
  options: [layerOption('both, platform first'), SITES_DIR_OPTION],
  passThrough: true,
  exitCodes: `0 deployed, 1 a site that does not exist or cdktf failed (its own exit code),
${EXIT_CODES_TAIL}`,
  notes: NEEDS,
};

/** One process to run. */
export interface PlannedRun {
  readonly command: string;
  readonly args: readonly string[];
  /** Variables set on top of the caller's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/**
 * The cdktf runs of `aif diff|deploy` for a parsed command line: one `cdktf diff` per stack
 * (cdktf diffs one stack at a time), one `cdktf deploy` of every stack (cdktf orders them by
 * their dependencies). `npx --no --` runs the project's own cdktf, never a downloaded one, and passes every argument after it to cdktf.
 */
function planCdktf(verb: 'diff' | 'deploy', parsed: ParsedArgs, io: Io, site: Pick<SiteModel, 'spec' | 'cells'>): PlannedRun[] {
  const layer = stringOption(parsed, 'layer') as Layer | undefined;
  // The site's own stacks, then each cell's: independent of each other, so one cdktf deploy
  // applies them in parallel (cdktf's --parallelism), each platform before its workloads.
  const stacks = siteStackNames(site, layer === undefined ? LAYERS : [layer]);
  const sitesDir = stringOption(parsed, 'sites-dir');
  const env = {
    SITE: site.spec.id,
    CHECKPOINT_DISABLE: '1',
    ...(sitesDir !== undefined ? { SITES_DIR: path.resolve(io.cwd, sitesDir) } : {}),
  };
  const cdktf = (stackArgs: readonly string[]): PlannedRun => ({
    command: 'npx',
    args: ['--no', '--', 'cdktf', verb, ...stackArgs, ...parsed.rest],
    env,
    cwd: io.cwd,
  });
  return verb === 'diff' ? stacks.map((s) => cdktf([s])) : [cdktf(stacks)];
}

/** The planned runs of a command line, or the exit code of a command line that plans none. */
export function planCommand(verb: 'diff' | 'deploy', argv: readonly string[], io: Io): PlannedRun[] | number {
  const parsed = parseArgs(verb === 'diff' ? DIFF_COMMAND : DEPLOY_COMMAND, argv);
  if (isExit(parsed)) return printExit(io, parsed);
  const missing = reportMissingSites(io, sitesDirOf(parsed, io), parsed.sites);
  if (missing !== undefined) return missing;
  if (!fs.existsSync(path.join(io.cwd, 'cdktf.json'))) {
    io.err(`${path.join(io.cwd, 'cdktf.json')}: no such file; run aif ${verb} from the project root, the folder that holds cdktf.json and main.ts\n`);
    return EXIT_INVALID;
  }
  // The site's stacks come from its model, cells included; an invalid site stops here, at its lines.
  let site: SiteModel;
  try {
    [site] = loadCatalogue(sitesDirOf(parsed, io), parsed.sites[0]);
  } catch (e) {
    if (!(e instanceof SiteValidationError)) throw e;
    io.err(`${e.problems.map(formatProblem).join('\n')}\n`);
    return EXIT_INVALID;
  }
  return planCdktf(verb, parsed, io, site);
}

/** Runs the planned processes one after another, with the terminal; stops at the first that fails. */
function execute(runs: readonly PlannedRun[], io: Io): number {
  for (const r of runs) {
    io.err(
      `${Object.entries(r.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')} ${r.command} ${r.args.join(' ')}\n`,
    );
    const result = spawnSync(r.command, r.args, { cwd: r.cwd, env: { ...io.env, ...r.env }, stdio: 'inherit' });
    if (result.error) {
      const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
      io.err(`${missing ? `${r.command} not found; install Node.js 20 or newer with npm` : result.error.message}\n`);
      return EXIT_INVALID;
    }
    if (result.status !== 0) return result.status ?? EXIT_INVALID;
  }
  return 0;
}

/** `aif diff` or `aif deploy`. */
export function runCdktf(verb: 'diff' | 'deploy', argv: readonly string[], io: Io): number | Promise<number> {
  return guarded(io, () => {
    const plan = planCommand(verb, argv, io);
    return typeof plan === 'number' ? plan : execute(plan, io);
  });
}
