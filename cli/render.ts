/**
 * `aif render [<site>...] [--out DIR]`: writes the Slurm files the stack deploys for a site
 * (slurm.conf lines, gres.conf, topology.conf, the sacctmgr accounts file) into
 * `render.out/<site>/`, for review before a deploy. A site that runs several Slurm clusters
 * (one per Kubernetes cluster, and one per cell of a cluster with cells) gets one folder per
 * cluster or cell inside it.
 *
 * The folder is written next to its final place and renamed into it, so it is never left
 * half written; the previous render of the site is replaced.
 */
import * as fs from 'fs';
import * as path from 'path';
import { filesOf } from '../constructs/scheduling/slurm/render';
import { loadCatalogue } from '../site-model/loader';
import { EXIT_INVALID, formatProblem, SiteValidationError } from '../site-model/problems';
import type { SiteModel, SlurmClusterModel } from '../site-model/resolve';
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
  sitesDirOf,
  stringOption,
  type CommandSpec,
  type Io,
} from './args';

/** Options of a render run. */
export interface RenderOptions {
  /** Site id, the file name in `sitesDir` without `.yaml`. */
  readonly site: string;
  /** Catalogue folder. */
  readonly sitesDir: string;
  /** Folder that receives the files. @default render.out/<site> under the working directory */
  readonly outDir?: string;
  /** Working directory: a relative `outDir` and the paths the report prints are relative to it. @default process.cwd() */
  readonly cwd?: string;
}

/** One file written. */
export interface RenderedFile {
  readonly path: string;
  readonly bytes: number;
}

/** Outcome of a render run. */
export interface RenderReport {
  readonly ok: boolean;
  /** Printable report: the files and their sizes, or every problem. */
  readonly text: string;
  readonly files: readonly RenderedFile[];
}

/**
 * Every Slurm cluster of a site: those of its Kubernetes clusters, then each cell's (in the
 * cell's model; its Kubernetes cluster is the cell).
 */
export function slurmClustersOf(site: SiteModel): SlurmClusterModel[] {
  return [...site.slurm, ...site.cells.flatMap((c) => c.site.slurm)];
}

/** Renders one site's Slurm files into a folder. Never throws for a bad site: the report says why. */
export function renderSite(options: RenderOptions): RenderReport {
  const fail = (text: string): RenderReport => ({ ok: false, text, files: [] });
  let site;
  try {
    [site] = loadCatalogue(options.sitesDir, options.site);
  } catch (e) {
    if (e instanceof SiteValidationError) return fail(`${e.problems.map(formatProblem).join('\n')}\n\n${e.problems.length} problem(s) in site files`);
    throw e;
  }
  const file = path.join(options.sitesDir, `${options.site}.yaml`);
  const spec = site.spec;
  const slurm = slurmClustersOf(site);
  if (slurm.length === 0) {
    return fail(
      `${file}: site ${spec.id} does not run Slurm (no scheduler.slurm), so there is nothing to render; add scheduler.slurm with a partition to render its Slurm files`,
    );
  }

  // Loading rendered the Slurm configuration once, in the site model.
  const renderings = slurm.map((c) => ({ cluster: c.kubernetesCluster, rendering: c.rendering }));

  const cwd = options.cwd ?? process.cwd();
  const outDir = path.resolve(cwd, options.outDir ?? path.join('render.out', spec.id));
  const perCluster = renderings.length > 1;
  const entries = renderings.flatMap(({ cluster, rendering }) =>
    Object.entries(filesOf(rendering)).map(([name, text]) => ({ rel: perCluster ? path.join(cluster, name) : name, text: text })),
  );
  writeFolderAtomically(outDir, entries);

  const files = entries.map((e) => ({ path: path.join(outDir, e.rel), bytes: Buffer.byteLength(e.text) }));
  const width = Math.max(...files.map((f) => path.relative(cwd, f.path).length));
  const lines = files.map((f) => `${path.relative(cwd, f.path).padEnd(width)}  ${f.bytes.toLocaleString('en-US').padStart(9)} bytes`);
  const notes = renderings.flatMap(({ cluster, rendering }) => rendering.notes.map((n) => `note: cluster ${cluster}: ${n}`));
  const summary = renderings
    .map(
      ({ cluster, rendering }) =>
        `Slurm cluster ${rendering.clusterName} (Kubernetes cluster ${cluster}): ${Object.keys(rendering.nodeSets).length} NodeSet(s), topology ${rendering.topologyPlugin ?? 'none'}`,
    )
    .join('\n');
  return { ok: true, text: [summary, ...lines, ...notes].join('\n'), files };
}

/** Writes `entries` into a fresh folder beside `dir`, then swaps it into place. */
function writeFolderAtomically(dir: string, entries: readonly { rel: string; text: string }[]): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    fs.chmodSync(tmp, 0o755); // mkdtemp makes it private; the render is for reading
    for (const e of entries) {
      fs.mkdirSync(path.dirname(path.join(tmp, e.rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, e.rel), e.text);
    }
    let old: string | undefined;
    if (fs.existsSync(dir)) {
      old = `${tmp}.old`;
      fs.renameSync(dir, old);
    }
    fs.renameSync(tmp, dir);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The command line of `aif render`. */
export const RENDER_COMMAND: CommandSpec = {
  name: 'render',
  synopsis: ['[<site>...] [options]'],
  description: `Writes the Slurm files the stacks deploy for each site named, or for every site that runs
Slurm: slurm.conf lines, gres.conf, topology.conf and the sacctmgr accounts file, into
DIR/<site>/ (one folder per Slurm cluster inside it, named after its Kubernetes cluster or
cell, when the site runs several), for review
before a deploy. Each folder is written beside its final place and renamed into it, so it is
never left half written; the previous render of the site is replaced.`,
  sites: { min: 0, max: Infinity, example: 'de-jaif' },
  options: [outOption('folder of the <site>/ folders (default: render.out)'), SITES_DIR_OPTION],
  exitCodes: `0 written, 1 a site that does not exist, is invalid or runs no Slurm (when named),
${EXIT_CODES_TAIL}`,
};

function renderWith(argv: readonly string[], io: Io): number {
  const parsed = parseArgs(RENDER_COMMAND, argv);
  if (isExit(parsed)) return printExit(io, parsed);
  const sitesDir = sitesDirOf(parsed, io);
  const missing = reportMissingSites(io, sitesDir, parsed.sites);
  if (missing !== undefined) return missing;
  const outDir = path.resolve(io.cwd, stringOption(parsed, 'out') ?? 'render.out');
  let sites = parsed.sites;
  if (sites.length === 0) {
    // Every site that runs Slurm; the catalogue must load as a whole first.
    try {
      sites = loadCatalogue(sitesDir)
        .filter((s) => slurmClustersOf(s).length > 0)
        .map((s) => s.spec.id);
    } catch (e) {
      if (!(e instanceof SiteValidationError)) throw e;
      io.err(`${e.problems.map(formatProblem).join('\n')}\n\n${e.problems.length} problem(s) in site files\n`);
      return EXIT_INVALID;
    }
  }
  let failed = false;
  sites.forEach((site, i) => {
    io.err(`[${i + 1}/${sites.length}] rendering ${site}\n`);
    const report = renderSite({ site, sitesDir, outDir: path.join(outDir, site), cwd: io.cwd });
    (report.ok ? io.out : io.err)(`${report.text}\n`);
    failed ||= !report.ok;
  });
  return failed ? EXIT_INVALID : 0;
}

/** `aif render`: exit 0 when every site's files are written. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => renderWith(argv, io));
}

if (require.main === module) runAsMain(run);
