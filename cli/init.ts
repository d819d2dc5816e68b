/**
 * `aif init <site-id>`: writes a ready repository for a new site, one that installs
 * ai-factory-cdk as a package instead of forking the catalogue: package.json, cdktf.json and
 * main.ts (the app cdktf runs), tsconfig.json, `sites/<site-id>.yaml` from a template that
 * validates as it is, the CI workflow, a README and .gitignore. The files come from
 * `templates/site-repository/` of the package, with `xx-example` replaced by the site id;
 * package.json is made here, as it names this package's version.
 *
 * Nothing is written when a file exists already, unless `--force`; the files are written into
 * a temporary folder beside them first and then moved into place, and a failed move puts back
 * what was there, so a run writes every file or none.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  EXIT_CODES_TAIL,
  guarded,
  isExit,
  outOption,
  parseArgs,
  printExit,
  processIo,
  runAsMain,
  stringOption,
  usageError,
  type CommandSpec,
  type Io,
} from './args';
import { PACKAGE_ROOT, packageJson } from './aif';
import { EXIT_INVALID, renderValue } from '../site-model/problems';
import { SiteSchema } from '../site-model/schema';

/** The folder of the files `aif init` writes, in the package. */
export const TEMPLATE_DIR = path.join(PACKAGE_ROOT, 'templates', 'site-repository');

/** The site id the template files are written for; `aif init` replaces it with the new one. */
export const TEMPLATE_SITE_ID = 'xx-example';

/** The development tools of a site repository, at the versions this package is tested with. */
export const SITE_DEV_DEPENDENCIES = ['cdktf-cli', 'ts-node', 'typescript'] as const;

/** The command line of `aif init`. */
export const INIT_COMMAND: CommandSpec = {
  name: 'init',
  synopsis: ['<site-id> [options]'],
  description: `Writes a ready repository for a new site into DIR: package.json (depending on this
version of ai-factory-cdk, with the cdktf CLI and ts-node), cdktf.json and main.ts (the app
cdktf synth, aif diff and aif deploy run), tsconfig.json, sites/<site-id>.yaml (a site file that
validates as it is: every placeholder is listed under its assumptions, with what to put there),
.github/workflows/validate-sites.yml (CI: validate with annotations, one synth, a review of each
site and, on a pull request, what it changes), README.md and .gitignore. Then run npm install,
edit the site file and run npx aif validate.

Nothing is written when one of the files exists already, unless --force; the files are all
written or none is.`,
  sites: { min: 1, max: 1, example: 'de-newai' },
  options: [
    outOption('folder of the new repository (default: the working directory); made when missing'),
    {
      name: 'package-spec',
      value: 'SPEC',
      needs: 'an npm package spec, e.g. 0.1.0 or ../ai-factory-cdk-0.1.0.tgz',
      help: `what package.json depends on (default: this version, exactly); a path to a
tarball or folder is written relative to DIR, as file:<path>`,
    },
    { name: 'force', help: 'overwrite files that exist' },
  ],
  exitCodes: `0 written, 1 a file exists already (without --force) or DIR cannot be written (nothing
written), ${EXIT_CODES_TAIL}`,
};

/** One file of the new repository. */
interface RepoFile {
  /** Path relative to the repository. */
  readonly path: string;
  readonly text: string;
}

/** Every file below `dir`, as paths relative to it, in a stable order. */
function filesBelow(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesBelow(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]));
}

/**
 * The dependency spec package.json names: a path (to a tarball or a folder) becomes `file:`
 * relative to the repository, as npm resolves it from there, and undefined when nothing is
 * there; anything else (a version, a range, a URL) is written as it is.
 */
export function dependencySpec(spec: string, cwd: string, repo: string): string | undefined {
  const isPath = !/^[a-z][a-z0-9+.-]*:/i.test(spec) && (/^(\.{1,2}(\/|$)|\/)/.test(spec) || spec.endsWith('.tgz'));
  if (!isPath) return spec;
  const local = path.resolve(cwd, spec);
  if (!fs.existsSync(local)) return undefined;
  const relative = path.relative(repo, local).split(path.sep).join('/');
  return `file:${relative.startsWith('.') ? relative : `./${relative}`}`;
}

/** The package.json of a site repository. */
export function sitePackageJson(siteId: string, dependency: string): string {
  const own = packageJson();
  const dev = own.devDependencies ?? {};
  const devDependencies = Object.fromEntries(SITE_DEV_DEPENDENCIES.map((name) => [name, dev[name] ?? 'latest']));
  const pkg = {
    name: `${siteId}-site`,
    version: '0.1.0',
    private: true,
    description: `Site files of ${siteId}, deployed with ${own.name}`,
    engines: { node: '>=20' },
    scripts: { validate: 'aif validate', synth: 'aif synth', review: 'aif review' },
    dependencies: { [own.name]: dependency },
    devDependencies,
    // npm's decisions on the dependencies' install scripts, as this package made them (the
    // cdktf CLI's node-pty ships its binaries and only checks them): no warning at npm ci.
    ...(own.allowScripts ? { allowScripts: own.allowScripts } : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Every file of a new site repository for `siteId`. */
export function siteRepositoryFiles(siteId: string, dependency: string): RepoFile[] {
  const templated = filesBelow(TEMPLATE_DIR).map((rel) => ({
    // npm never packs a file named .gitignore, so the template holds it as gitignore.
    path: (rel === 'gitignore' ? '.gitignore' : rel).split(TEMPLATE_SITE_ID).join(siteId).split(path.sep).join('/'),
    text: fs.readFileSync(path.join(TEMPLATE_DIR, rel), 'utf8').split(TEMPLATE_SITE_ID).join(siteId),
  }));
  return [{ path: 'package.json', text: sitePackageJson(siteId, dependency) }, ...templated];
}

/**
 * Moves the staged files into place, one rename each; when one fails, the files already moved
 * are removed and what they replaced is put back, then the error is rethrown.
 */
function moveIntoPlace(staging: string, repo: string, files: readonly RepoFile[]): void {
  const backups = path.join(staging, '.replaced');
  const done: { target: string; backup?: string }[] = [];
  try {
    files.forEach((f, i) => {
      const target = path.join(repo, f.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      let backup: string | undefined;
      if (fs.existsSync(target)) {
        fs.mkdirSync(backups, { recursive: true });
        backup = path.join(backups, String(i));
        fs.renameSync(target, backup);
      }
      done.push({ target, ...(backup !== undefined ? { backup } : {}) });
      fs.renameSync(path.join(staging, f.path), target);
    });
  } catch (e) {
    for (const d of done.reverse()) {
      fs.rmSync(d.target, { force: true });
      if (d.backup !== undefined) fs.renameSync(d.backup, d.target);
    }
    throw e;
  }
}

function initWith(argv: readonly string[], io: Io): number {
  const parsed = parseArgs(INIT_COMMAND, argv);
  if (isExit(parsed)) return printExit(io, parsed);
  const siteId = parsed.sites[0];
  const idCheck = SiteSchema.shape.id.safeParse(siteId);
  if (!idCheck.success) {
    return printExit(io, usageError(INIT_COMMAND, `the site id ${renderValue(siteId)} ${idCheck.error.issues[0]?.message ?? 'is not valid'}`));
  }
  const repo = path.resolve(io.cwd, stringOption(parsed, 'out') ?? '.');
  const shown = (rel: string) => path.relative(io.cwd, path.join(repo, rel)) || '.';
  if (fs.existsSync(repo) && !fs.statSync(repo).isDirectory()) {
    io.err(`${shown('.')}: not a folder; pass --out DIR with a new or existing folder\n`);
    return EXIT_INVALID;
  }
  const spec = stringOption(parsed, 'package-spec');
  const dependency = spec === undefined ? packageJson().version : dependencySpec(spec, io.cwd, repo);
  if (dependency === undefined) {
    io.err(`--package-spec ${spec}: no such file or folder (${path.resolve(io.cwd, spec ?? '')}); give the path of a tarball made by npm pack, or a version\n`);
    return EXIT_INVALID;
  }
  const files = siteRepositoryFiles(siteId, dependency);
  const existing = files.filter((f) => fs.existsSync(path.join(repo, f.path)));
  if (existing.length > 0 && parsed.options.force !== true) {
    io.err(
      `${existing.map((f) => `${shown(f.path)}: exists already`).join('\n')}\n\nnothing written; pass --force to overwrite ${existing.length === 1 ? 'it' : 'them'}, or --out DIR for a new folder\n`,
    );
    return EXIT_INVALID;
  }
  try {
    fs.mkdirSync(repo, { recursive: true });
  } catch (e) {
    io.err(`${shown('.')}: cannot make the folder (${(e as NodeJS.ErrnoException).code ?? String(e)}); nothing written\n`);
    return EXIT_INVALID;
  }
  // Staged inside the repository, so that every move is a rename on one file system.
  const staging = fs.mkdtempSync(path.join(repo, '.aif-init-'));
  try {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(staging, f.path)), { recursive: true });
      fs.writeFileSync(path.join(staging, f.path), f.text);
    }
    moveIntoPlace(staging, repo, files);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    io.err(`${shown('.')}: cannot write the files (${code}: ${(e as Error).message}); nothing written\n`);
    return EXIT_INVALID;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const cd = path.relative(io.cwd, repo);
  io.out(
    `${files.map((f) => `wrote ${shown(f.path)}`).join('\n')}

next:
${cd ? `  cd ${cd}\n` : ''}  npm install
  edit sites/${siteId}.yaml (its assumptions list every placeholder)
  npx aif validate
`,
  );
  return 0;
}

/** `aif init`: exit 0 when the repository is written. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => initWith(argv, io));
}

if (require.main === module) runAsMain(run);
