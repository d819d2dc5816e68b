/**
 * `npm run render -- <site> [--out DIR]`: writes the Slurm files the stack deploys for a site
 * (slurm.conf lines, gres.conf, topology.conf, the sacctmgr accounts file) into
 * `render.out/<site>/`, for review before a deploy. A site that runs several Slurm clusters
 * (one per Kubernetes cluster) gets one folder per cluster inside it.
 *
 * The folder is written next to its final place and renamed into it, so it is never left
 * half written; the previous render of the site is replaced.
 */
import * as fs from 'fs';
import * as path from 'path';
import { filesOf } from '../constructs/scheduling/slurm/render';
import { loadCatalogue } from '../site-model/loader';
import { formatProblem, SiteValidationError } from '../site-model/problems';

/** Options of a render run. */
export interface RenderOptions {
  /** Site id, the file name in `sitesDir` without `.yaml`. */
  readonly site: string;
  /** Catalogue folder. */
  readonly sitesDir: string;
  /** Folder that receives the files. @default render.out/<site> under the working directory */
  readonly outDir?: string;
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

const USAGE = 'usage: npm run render -- <site> [--out DIR]';

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
  if (site.slurm.length === 0) {
    return fail(
      `${file}: site ${spec.id} does not run Slurm (no scheduler.slurm), so there is nothing to render; add scheduler.slurm with a partition to render its Slurm files`,
    );
  }

  // Loading rendered the Slurm configuration once, in the site model.
  const renderings = site.slurm.map((c) => ({ cluster: c.kubernetesCluster, rendering: c.rendering }));

  const outDir = path.resolve(options.outDir ?? path.join('render.out', spec.id));
  const perCluster = renderings.length > 1;
  const entries = renderings.flatMap(({ cluster, rendering }) =>
    Object.entries(filesOf(rendering)).map(([name, text]) => ({ rel: perCluster ? path.join(cluster, name) : name, text: text })),
  );
  writeFolderAtomically(outDir, entries);

  const files = entries.map((e) => ({ path: path.join(outDir, e.rel), bytes: Buffer.byteLength(e.text) }));
  const width = Math.max(...files.map((f) => path.relative(process.cwd(), f.path).length));
  const lines = files.map((f) => `${path.relative(process.cwd(), f.path).padEnd(width)}  ${f.bytes.toLocaleString('en-US').padStart(9)} bytes`);
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

/** Parses `<site> [--out DIR]`; returns an error text for bad arguments. */
export function parseRenderArgs(argv: readonly string[]): { site: string; outDir?: string } | { help: string } | string {
  let site: string | undefined;
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') {
      outDir = argv[++i];
      if (outDir === undefined || outDir.startsWith('--')) return `--out needs a folder\n${USAGE}`;
    } else if (arg.startsWith('--out=')) {
      outDir = arg.slice('--out='.length);
    } else if (arg === '-h' || arg === '--help') {
      return { help: USAGE };
    } else if (arg.startsWith('-')) {
      return `unknown option ${arg}\n${USAGE}`;
    } else if (site === undefined) {
      site = arg;
    } else {
      return `one site at a time, got ${site} and ${arg}\n${USAGE}`;
    }
  }
  if (site === undefined) return `name a site, e.g. de-jaif\n${USAGE}`;
  return { site, ...(outDir !== undefined ? { outDir } : {}) };
}

if (require.main === module) {
  const args = parseRenderArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    process.exit(2);
  }
  if ('help' in args) {
    process.stdout.write(`${args.help}\n`);
    process.exit(0);
  }
  const report = renderSite({ ...args, sitesDir: process.env.SITES_DIR ?? path.join(__dirname, '..', 'sites') });
  (report.ok ? process.stdout : process.stderr).write(`${report.text}\n`);
  process.exit(report.ok ? 0 : 1);
}
