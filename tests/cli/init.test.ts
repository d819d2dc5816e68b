/**
 * `aif init <site-id>` in this process: the files it writes, that the site file it writes
 * validates and synthesizes as it is (through `aif validate` and `aif synth` in the new
 * repository), and that it writes every file or none. The packed and installed package is
 * tested in package.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run as aif } from '../../cli/aif';
import type { Io } from '../../cli/args';
import { dependencySpec, TEMPLATE_DIR, TEMPLATE_SITE_ID } from '../../cli/init';
import { checkSiteFile } from '../../site-model/loader';
import { formatProblem } from '../../site-model/problems';

const ROOT = path.join(__dirname, '..', '..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const EXPECTED_FILES = [
  '.github/workflows/validate-sites.yml',
  '.gitignore',
  'README.md',
  'cdktf.json',
  'main.ts',
  'package.json',
  'sites/xx-new.yaml',
  'tsconfig.json',
];

/** Runs `aif` in this process, in `cwd`, without $SITES_DIR. */
async function inProcess(argv: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const { SITES_DIR: _sites, SITE: _site, ...env } = process.env;
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), env, cwd };
  const status = await aif(argv, io);
  return { status, stdout, stderr };
}

/** Every file below `dir`, relative, sorted. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('aif init', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-init-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the template site file validates as it is, without warnings, and lists its placeholders under assumptions', () => {
    const check = checkSiteFile(path.join(TEMPLATE_DIR, 'sites', `${TEMPLATE_SITE_ID}.yaml`));
    expect([...check.problems, ...(check.warnings ?? [])].map(formatProblem)).toEqual([]);
    expect(Object.keys(check.spec?.assumptions ?? {})).toEqual(
      expect.arrayContaining(['name', 'country', 'city', 'hostInstitution', 'clusters.main', 'gpuPools.h100', 'state']),
    );
  });

  test('writes a site repository whose site file validates and synthesizes with aif validate and aif synth', async () => {
    const repo = path.join(tmp, 'repo');
    const init = await inProcess(['init', 'xx-new', '--out', 'repo'], tmp);
    expect({ status: init.status, stderr: init.stderr }).toEqual({ status: 0, stderr: '' });
    expect(tree(repo)).toEqual(EXPECTED_FILES);
    expect(init.stdout).toContain('wrote repo/sites/xx-new.yaml\n');
    expect(init.stdout).toMatch(/\nnext:\n {2}cd repo\n {2}npm install\n/);

    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    // The exact version: a site deploys what it was validated with, and upgrades on purpose.
    expect(pkg.dependencies).toEqual({ 'ai-factory-cdk': VERSION });
    expect(Object.keys(pkg.devDependencies)).toEqual(['cdktf-cli', 'ts-node', 'typescript']);
    // This package's decisions on the cdktf CLI's install scripts, so that the site's npm ci does not warn either.
    expect(pkg.allowScripts).toEqual((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts: object }).allowScripts);
    const site = fs.readFileSync(path.join(repo, 'sites', 'xx-new.yaml'), 'utf8');
    expect(site).toMatch(/^id: xx-new +#/m);
    expect(site).not.toContain(TEMPLATE_SITE_ID);
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toMatch(/^# xx-new: site repository\n/);
    expect((JSON.parse(fs.readFileSync(path.join(repo, 'cdktf.json'), 'utf8')) as { app: string }).app).toBe('npx ts-node --transpile-only main.ts');

    const validate = await inProcess(['validate', '--format', 'json'], repo);
    expect(validate.status).toBe(0);
    const report = JSON.parse(validate.stdout) as { ok: boolean; problems: unknown[]; warnings: unknown[] };
    expect({ ok: report.ok, problems: report.problems, warnings: report.warnings }).toEqual({ ok: true, problems: [], warnings: [] });
    const synth = await inProcess(['synth'], repo);
    expect(synth.status).toBe(0);
    expect(fs.readdirSync(path.join(repo, 'cdktf.out', 'stacks')).sort()).toEqual(['xx-new-platform', 'xx-new-workloads']);
  }, 120_000);

  test('writes into the working directory by default, and names the tarball of --package-spec relative to the repository', async () => {
    const tarball = path.join(tmp, 'ai-factory-cdk-9.9.9.tgz');
    fs.writeFileSync(tarball, 'not read by init');
    const repo = path.join(tmp, 'here');
    fs.mkdirSync(repo);
    const init = await inProcess(['init', 'de-newai', '--package-spec', '../ai-factory-cdk-9.9.9.tgz'], repo);
    expect(init.status).toBe(0);
    expect(init.stdout).not.toContain('cd ');
    expect(tree(repo)).toEqual(EXPECTED_FILES.map((f) => f.replace('xx-new', 'de-newai')));
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['ai-factory-cdk']).toBe('file:../ai-factory-cdk-9.9.9.tgz');
  });

  test('a package spec: paths become file: relative to the repository, versions and URLs stay, a missing path is undefined', () => {
    fs.writeFileSync(path.join(tmp, 'p.tgz'), '');
    expect(dependencySpec('./p.tgz', tmp, path.join(tmp, 'a', 'b'))).toBe('file:../../p.tgz');
    expect(dependencySpec(path.join(tmp, 'p.tgz'), '/', tmp)).toBe('file:./p.tgz');
    expect(dependencySpec('^0.2.0', tmp, tmp)).toBe('^0.2.0');
    expect(dependencySpec('https://example.eu/ai-factory-cdk-0.2.0.tgz', tmp, tmp)).toBe('https://example.eu/ai-factory-cdk-0.2.0.tgz');
    expect(dependencySpec('./missing.tgz', tmp, tmp)).toBeUndefined();
  });

  test('a --package-spec path that does not exist is an error; nothing is written', async () => {
    const init = await inProcess(['init', 'xx-new', '--out', 'repo', '--package-spec', './nowhere.tgz'], tmp);
    expect(init.status).toBe(1);
    expect(init.stderr).toMatch(
      /^--package-spec \.\/nowhere\.tgz: no such file or folder \(.*nowhere\.tgz\); give the path of a tarball made by npm pack, or a version\n$/,
    );
    expect(fs.existsSync(path.join(tmp, 'repo'))).toBe(false);
  });

  test('refuses to overwrite a file that exists, naming each one, and writes nothing; --force overwrites', async () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(path.join(repo, 'sites'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'README.md'), 'mine\n');
    fs.writeFileSync(path.join(repo, 'sites', 'xx-new.yaml'), 'mine\n');
    const refused = await inProcess(['init', 'xx-new', '--out', 'repo'], tmp);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      'repo/README.md: exists already\nrepo/sites/xx-new.yaml: exists already\n\nnothing written; pass --force to overwrite them, or --out DIR for a new folder\n',
    );
    expect(tree(repo)).toEqual(['README.md', 'sites/xx-new.yaml']);
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toBe('mine\n');

    const forced = await inProcess(['init', 'xx-new', '--out', 'repo', '--force'], tmp);
    expect(forced.status).toBe(0);
    expect(tree(repo)).toEqual(EXPECTED_FILES);
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toMatch(/^# xx-new/);
  });

  test('a file that cannot be moved into place leaves the folder as it was: every file or none', async () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    // A file where the workflow's folder must go: package.json is moved first, then the
    // workflow fails (ENOTDIR), and package.json is taken back.
    fs.writeFileSync(path.join(repo, '.github'), 'a file, not a folder\n');
    fs.writeFileSync(path.join(repo, 'README.md'), 'mine\n');
    const init = await inProcess(['init', 'xx-new', '--out', 'repo', '--force'], tmp);
    expect(init.status).toBe(1);
    expect(init.stderr).toMatch(/^repo: cannot write the files \(ENOTDIR: .*\); nothing written\n$/);
    expect(fs.readdirSync(repo).sort()).toEqual(['.github', 'README.md']);
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toBe('mine\n');
  });

  test('a site id that is not <country code>-<name> is a usage error, and --out names no file', async () => {
    const bad = await inProcess(['init', 'New_Site'], tmp);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^the site id "New_Site" must be "<country code>-<name>" in lower case, e.g. de-jaif\n\nusage: aif init <site-id>/);
    const none = await inProcess(['init'], tmp);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^name a site, e.g. de-newai\n/);
    fs.writeFileSync(path.join(tmp, 'file'), '');
    const notDir = await inProcess(['init', 'xx-new', '--out', 'file'], tmp);
    expect(notDir.status).toBe(1);
    expect(notDir.stderr).toBe('file: not a folder; pass --out DIR with a new or existing folder\n');
    expect(fs.readdirSync(tmp)).toEqual(['file']);
  });
});
