/**
 * `aif review <site>`: a review of a site before it is deployed, written as
 * `review/<site>.md` and `review/<site>.json`: capacity, scheduling, storage, software, what the
 * site must provide, deployment order and state, energy with the Energy Efficiency Directive
 * figures, and EU AI Act training compute per tenant, with an appendix of every input, formula
 * and assumption. The site's stacks are synthesized in memory, as `cdktf synth` would.
 *
 * `aif review` (or `aif review --all`) writes one table for the whole catalogue (`review/catalogue.md`
 * and `.json`).
 *
 * `aif review <site> --against <git-ref>` compares the site at a git ref with the working
 * tree, each synthesized by its own code, and writes `review/<site>.changes.md` (a pull-request
 * comment) and `.json`.
 *
 * Files are written beside their final name and renamed into place, so none is ever half
 * written. Exits 0 when the files are written, 1 for an unknown or invalid site, a git ref that
 * names no commit or a tree that does not synthesize, 2 for bad arguments, 3 for a bug.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalogue } from '../site-model/loader';
import { formatProblem, SiteValidationError } from '../site-model/problems';
import {
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
  stringOption,
  usageError,
  type ArgsExit,
  type CommandSpec,
  type Io,
} from './args';
import type { SiteModel } from '../site-model/resolve';
import {
  DEFAULT_ASSUMPTIONS,
  DEFAULT_MFU,
  DEFAULT_NODE_OVERHEAD,
  DEFAULT_PUE,
  DEFAULT_UTILIZATION,
  siteAssumptions,
  type NumericAssumption,
  type ReviewAssumptions,
} from '../review-model/assumptions';
import { changesMarkdown, changesSummary, siteChanges } from '../review-model/changes';
import { siteFacts } from '../review-model/facts';
import { catalogueMarkdown, reviewMarkdown } from '../review-model/markdown';
import { catalogueRow, reviewSite } from '../review-model/site-review';
import { modelJson, synthesizeSite } from '../review-model/synth';
import { repositoryRoot, resolveCommit, snapshotTree, TreeError, withWorktree } from '../review-model/tree';

/** Bounds of each numeric option: the lowest value, whether it is allowed, and the highest. */
const NUMERIC: Readonly<Record<string, { key: NumericAssumption; min: number; minIncluded: boolean; max?: number; what: string }>> = {
  pue: { key: 'pue', min: 1, minIncluded: true, what: 'a ratio of 1 or more, e.g. 1.2' },
  'node-overhead': { key: 'nodeOverhead', min: 0, minIncluded: true, what: 'a fraction of 0 or more, e.g. 0.3' },
  utilization: { key: 'utilization', min: 0, minIncluded: false, max: 1, what: 'a fraction above 0 and at most 1, e.g. 0.7' },
  mfu: { key: 'mfu', min: 0, minIncluded: false, max: 1, what: 'a fraction above 0 and at most 1, e.g. 0.4' },
};

/** The command line of `aif review`. */
export const REVIEW_COMMAND: CommandSpec = {
  name: 'review',
  synopsis: ['<site> [options]', '[--all] [options]', '<site> --against <git-ref> [options]'],
  description: `Writes DIR/<site>.md and DIR/<site>.json: capacity per pool and in total, who owns
which nodes, partitions, Kueue queues and each tenant's quotas, storage, charts and image
registries, the Secrets, labels, taints and annotations the site must provide, the stacks in
deploy order with their state, energy with the Energy Efficiency Directive figures, and the
training compute each tenant's quota can reach against the EU AI Act thresholds; with an
appendix of every input, formula and assumption. With no site (or --all): one table for the
whole catalogue, DIR/catalogue.md and .json.`,
  sites: { min: 0, max: 1, example: 'de-jaif', oneAtATimeHint: '; use --all for the whole catalogue' },
  options: [
    { name: 'all', help: 'one table for the whole catalogue: DIR/catalogue.md and .json (the default with no site)' },
    {
      name: 'against',
      value: 'REF',
      needs: 'a git ref, e.g. --against main',
      help: `what changes between the site at git ref REF and the working tree, each
synthesized by its own code: DIR/<site>.changes.md and .json`,
    },
    outOption('folder for the files (default: review)'),
    {
      name: 'pue',
      value: 'N',
      needs: NUMERIC.pue.what,
      help: `power usage effectiveness, for every site (default: the site file's energy.pue, else ${DEFAULT_PUE.value})`,
    },
    {
      name: 'node-overhead',
      value: 'F',
      needs: NUMERIC['node-overhead'].what,
      help: `node power besides accelerators, as a fraction of their power
(default ${DEFAULT_NODE_OVERHEAD.value})`,
    },
    {
      name: 'utilization',
      value: 'F',
      needs: NUMERIC.utilization.what,
      help: `average IT power over a year, as a fraction of the maximum
(default ${DEFAULT_UTILIZATION.value})`,
    },
    { name: 'mfu', value: 'F', needs: NUMERIC.mfu.what, help: `model FLOP utilization of training runs (default ${DEFAULT_MFU.value})` },
    SITES_DIR_OPTION,
  ],
  exitCodes: `0 the files are written, 1 an unknown or invalid site, a git ref that names no commit or a
tree that does not synthesize, ${EXIT_CODES_TAIL}`,
};

/** Parsed arguments. */
export interface ReviewArgs {
  /** Site id; undefined with `--all`. */
  readonly site?: string;
  readonly all: boolean;
  /** Git ref to compare against. @default - no comparison */
  readonly against?: string;
  /** Output folder. @default 'review' */
  readonly out: string;
  readonly assumptions: ReviewAssumptions;
  /** Whether `--pue` was given: it then wins over each site file's `energy.pue`. @default false */
  readonly pueGiven?: boolean;
  /** Catalogue folder given on the command line. @default - $SITES_DIR, else sites/ */
  readonly sitesDir?: string;
}

/** Parses the command line; returns the text to print (usage or an error) with its exit code instead when it does not describe a run. */
export function parseReviewArgs(argv: readonly string[]): ReviewArgs | ArgsExit {
  const parsed = parseArgs(REVIEW_COMMAND, argv);
  if (isExit(parsed)) return parsed;
  const bad = (text: string) => usageError(REVIEW_COMMAND, text);
  const assumptions: Record<NumericAssumption, number> = { ...DEFAULT_ASSUMPTIONS };
  for (const [name, bounds] of Object.entries(NUMERIC)) {
    const v = stringOption(parsed, name);
    if (v === undefined) continue;
    const n = Number(v);
    const low = bounds.minIncluded ? n >= bounds.min : n > bounds.min;
    if (!Number.isFinite(n) || !low || (bounds.max !== undefined && n > bounds.max)) return bad(`--${name} needs ${bounds.what}, got ${v}`);
    assumptions[bounds.key] = n;
  }
  const site = parsed.sites[0];
  const against = stringOption(parsed, 'against');
  const sitesDir = stringOption(parsed, 'sites-dir');
  if (parsed.options.all === true && site !== undefined) return bad(`--all reviews every site; drop ${site}, or drop --all`);
  if (site === undefined && against !== undefined) return bad('--against compares one site; name it instead of --all');
  return {
    ...(site !== undefined ? { site } : {}),
    all: site === undefined,
    ...(against !== undefined ? { against } : {}),
    out: stringOption(parsed, 'out') ?? 'review',
    assumptions,
    pueGiven: stringOption(parsed, 'pue') !== undefined,
    ...(sitesDir !== undefined ? { sitesDir } : {}),
  };
}

/** Writes files so that each appears whole: all are written beside their names first, then renamed. */
export function writeFilesAtomically(files: readonly { readonly path: string; readonly text: string }[]): void {
  const written: { tmp: string; final: string }[] = [];
  try {
    for (const f of files) {
      fs.mkdirSync(path.dirname(f.path), { recursive: true });
      const tmp = `${f.path}.tmp-${process.pid}`;
      written.push({ tmp, final: f.path });
      fs.writeFileSync(tmp, f.text);
    }
    for (const w of written) fs.renameSync(w.tmp, w.final);
  } finally {
    for (const w of written) fs.rmSync(w.tmp, { force: true });
  }
}

/** What a run of the command did. */
export interface ReviewOutcome {
  readonly exit: 0 | 1 | 2;
  /** What to print on stdout (exit 0) or stderr. */
  readonly text: string;
  /** Files written. */
  readonly files: readonly string[];
}

/** Options of {@link runReview}. */
export interface RunOptions {
  readonly sitesDir: string;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
  /** Folder the output folder is relative to. @default process.cwd() */
  readonly cwd?: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function loadSites(sitesDir: string, site?: string): SiteModel[] | ReviewOutcome {
  try {
    return loadCatalogue(sitesDir, site);
  } catch (e) {
    if (!(e instanceof SiteValidationError)) throw e;
    return { exit: 1, text: `${e.problems.map(formatProblem).join('\n')}\n\n${e.problems.length} problem(s) in site files`, files: [] };
  }
}

function reviewOne(site: SiteModel, args: ReviewArgs, outDir: string, log: (line: string) => void): ReviewOutcome {
  log(`synthesizing ${site.spec.id} in memory`);
  const built = synthesizeSite(site);
  const review = reviewSite(site, built, siteAssumptions(site, args.assumptions, args.pueGiven === true));
  const base = path.join(outDir, site.spec.id);
  const files = [
    { path: `${base}.md`, text: reviewMarkdown(review) },
    { path: `${base}.json`, text: json(review) },
  ];
  writeFilesAtomically(files);
  const t = review.capacity.total;
  const lines = [
    `${site.spec.id}: ${t.accelerators.toLocaleString('en-US')} accelerators, ${review.scheduling.tenants.length} tenant(s), ${review.deployment.stacks.length} stack(s), ${review.beforeDeploy.secrets.length} Secret(s) to create`,
    ...review.aiAct.flags.map((f) => `AI Act: ${f}`),
    ...review.deployment.findings.blocking.map((f) => `policy: ${f}`),
    ...files.map((f) => `wrote ${f.path}`),
  ];
  return { exit: 0, text: lines.join('\n'), files: files.map((f) => f.path) };
}

function reviewCatalogue(sites: readonly SiteModel[], args: ReviewArgs, outDir: string, log: (line: string) => void): ReviewOutcome {
  const rows = sites.map((site, i) => {
    log(`[${i + 1}/${sites.length}] ${site.spec.id}`);
    return catalogueRow(siteFacts({ site: site.spec.id, model: modelJson(site), stacks: [] }), siteAssumptions(site, args.assumptions, args.pueGiven === true));
  });
  const base = path.join(outDir, 'catalogue');
  const files = [
    { path: `${base}.md`, text: catalogueMarkdown(rows, args.assumptions) },
    { path: `${base}.json`, text: json({ assumptions: args.assumptions, sites: rows }) },
  ];
  writeFilesAtomically(files);
  return { exit: 0, text: [`${rows.length} site(s)`, ...files.map((f) => `wrote ${f.path}`)].join('\n'), files: files.map((f) => f.path) };
}

function reviewAgainst(site: SiteModel, ref: string, sitesDir: string, outDir: string, log: (line: string) => void): ReviewOutcome {
  try {
    const root = repositoryRoot(sitesDir);
    const relSites = path.relative(root, fs.realpathSync(sitesDir));
    if (relSites.startsWith('..') || path.isAbsolute(relSites)) {
      return { exit: 1, text: `the catalogue ${sitesDir} is outside the git repository at ${root}, so it has no version at ${ref}`, files: [] };
    }
    const commit = resolveCommit(root, ref);
    const now = snapshotTree(root, site.spec.id, { sitesDir: relSites, log, label: 'working tree' });
    if (!now) return { exit: 1, text: `${path.join(sitesDir, `${site.spec.id}.yaml`)} is not in the working tree of ${root}`, files: [] };
    log(`checking out ${ref} (${commit.slice(0, 12)}) in a temporary worktree`);
    const before = withWorktree(root, commit, (tree) => snapshotTree(tree, site.spec.id, { sitesDir: relSites, log, label: ref }));
    const changes = siteChanges(before, now, { ref, commit });
    const base = path.join(outDir, `${site.spec.id}.changes`);
    const files = [
      { path: `${base}.md`, text: changesMarkdown(changes) },
      { path: `${base}.json`, text: json(changes) },
    ];
    writeFilesAtomically(files);
    return { exit: 0, text: [...changesSummary(changes), ...files.map((f) => `wrote ${f.path}`)].join('\n'), files: files.map((f) => f.path) };
  } catch (e) {
    if (e instanceof TreeError) return { exit: 1, text: e.message, files: [] };
    throw e;
  }
}

/** Runs the command for parsed arguments. Never throws for a bad site or ref: the outcome says why. */
export function runReview(args: ReviewArgs, options: RunOptions): ReviewOutcome {
  const log = options.log ?? (() => undefined);
  const outDir = path.resolve(options.cwd ?? process.cwd(), args.out);
  const sites = loadSites(options.sitesDir, args.all ? undefined : args.site);
  if (!Array.isArray(sites)) return sites;
  if (args.all) return reviewCatalogue(sites, args, outDir, log);
  log(`loaded ${sites[0].source.file}`);
  if (args.against !== undefined) return reviewAgainst(sites[0], args.against, options.sitesDir, outDir, log);
  return reviewOne(sites[0], args, outDir, log);
}

function reviewWith(argv: readonly string[], io: Io): number {
  const args = parseReviewArgs(argv);
  if (isExit(args)) return printExit(io, args);
  const sitesDir = path.resolve(io.cwd, args.sitesDir ?? (io.env.SITES_DIR || 'sites'));
  const missing = reportMissingSites(io, sitesDir, args.site !== undefined ? [args.site] : []);
  if (missing !== undefined) return missing;
  const outcome = runReview(args, { sitesDir, cwd: io.cwd, log: (line) => io.err(`${line}\n`) });
  (outcome.exit === 0 ? io.out : io.err)(`${outcome.text}\n`);
  return outcome.exit;
}

/** `aif review`: exit 0 when the files are written. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => reviewWith(argv, io));
}

if (require.main === module) runAsMain(run);
