/**
 * The package as a site repository gets it: `npm pack` of this project (its prepack script
 * compiles dist/), `aif init` of a new site from the unpacked tarball, `npm install` in the new
 * repository (which installs the tarball as its dependency), and then the commands of the
 * repository's CI workflow, run as GitHub Actions runs them (bash -eo pipefail), on a pull
 * request that changes the site. One pack and one install per run.
 *
 * `aif init` runs the tarball's own files (its compiled CLI and its templates) with this
 * project's node_modules on NODE_PATH for its dependencies, at the exact versions its
 * package.json pins: an `npm install` of the tarball into a folder of its own only for that
 * would cost as much CPU again. That the installed package and its `aif` command work, with
 * the dependencies npm installs for it, is shown in the site repository.
 *
 * Installs prefer the npm cache (`--prefer-offline`): after `npm ci` of this project the
 * cache holds every tarball, and npm reads only the package documents it lacks from the
 * registry. The site repository is installed without its development tools (`--omit=dev`:
 * the cdktf CLI alone is over 600 MB); ts-node and typescript, which its main.ts needs, are
 * linked from this project's node_modules at the versions its package.json pins for them.
 *
 * `npx --no aif`, as users type it, runs in the workflow's steps and for `aif help`; the other
 * commands run the installed `node_modules/.bin/aif` itself (through its `#!` line, as npx
 * does), since npx loads npm first: over a CPU-second a call.
 */
import { spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { SITE_DEV_DEPENDENCIES } from '../../cli/init';

const ROOT = path.join(__dirname, '..', '..');
const OWN = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; devDependencies: Record<string, string> };
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** Runs a command and fails with its output when it exits non-zero. */
function sh(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const r = spawnSync(command, [...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Like {@link sh}, and how long it took in seconds. */
function timed(label: string, timings: string[], fn: () => SpawnSyncReturns<string>): SpawnSyncReturns<string> {
  const start = process.hrtime.bigint();
  const r = fn();
  timings.push(`${label} ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)} s`);
  return r;
}

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
}

describe('the packed package, installed into a site repository', () => {
  let tmp: string;
  let tarball: string;
  let site: string;
  const timings: string[] = [];
  /** A clean environment: no catalogue or site of this project leaks into the commands. */
  const env: NodeJS.ProcessEnv = { SITES_DIR: undefined, SITE: undefined, CHECKPOINT_DISABLE: '1', npm_config_update_notifier: 'false' };

  beforeAll(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aif-package-')));
    const packed = timed('npm pack (prepack compiles dist/)', timings, () => sh('npm', ['pack', '--silent', '--pack-destination', tmp], ROOT, env));
    tarball = path.join(tmp, packed.stdout.trim().split('\n').at(-1) ?? '');
    const unpacked = path.join(tmp, 'unpacked');
    fs.mkdirSync(unpacked);
    sh('tar', ['-xzf', tarball, '-C', unpacked], tmp, env);
    // Only this command sees NODE_PATH: what runs in the site repository finds its own node_modules or nothing.
    const init = path.join(unpacked, 'package', 'dist', 'cli', 'aif.js');
    sh(process.execPath, [init, 'init', 'xx-new', '--package-spec', tarball, '--out', 'site'], tmp, { ...env, NODE_PATH: path.join(ROOT, 'node_modules') });
    site = path.join(tmp, 'site');
    timed('npm install in the site repository (--omit=dev)', timings, () => sh('npm', ['install', ...NPM_FLAGS, '--omit=dev'], site, env));
    for (const dev of ['ts-node', 'typescript']) fs.symlinkSync(path.join(ROOT, 'node_modules', dev), path.join(site, 'node_modules', dev), 'dir');
    fs.symlinkSync(path.join('..', 'ts-node', 'dist', 'bin.js'), path.join(site, 'node_modules', '.bin', 'ts-node'));
  }, 300_000);

  /** The installed `aif` of the site repository, run as npx runs it (through its `#!` line), without npx. */
  const aif = (...args: string[]) => sh(path.join(site, 'node_modules', '.bin', 'aif'), args, site, env);

  afterAll(() => {
    process.stderr.write(`package test timings: ${timings.join('; ')}\n`);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the tarball holds the compiled code with its types, the templates, the catalogue and docs; no tests, no stale output', () => {
    const files = sh('tar', ['-tzf', tarball], tmp)
      .stdout.trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/main.js', 'dist/cli/aif.js', 'dist/cli/init.js']) {
      expect({ f, packed: files.includes(f) }).toEqual({ f, packed: true });
    }
    expect(files).toEqual(expect.arrayContaining(['sites/site.schema.json', 'sites/de-jaif.yaml', 'docs/site-file.md', 'UPGRADE.md']));
    expect(files).toEqual(expect.arrayContaining(['templates/site-repository/.github/workflows/validate-sites.yml', 'templates/site-repository/gitignore']));
    // Nothing of tests/ ships.
    expect(files.filter((f) => f.startsWith('tests/'))).toEqual([]);
    expect(
      files.filter((f) => f.endsWith('.tsbuildinfo') || f.endsWith('.test.js') || (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('templates/'))),
    ).toEqual([]);
    // A compiled file whose source is gone would ship; delete dist/ and pack again.
    const stale = files.filter(
      (f) => f.startsWith('dist/') && f.endsWith('.js') && !fs.existsSync(path.join(ROOT, f.replace(/^dist\//, '').replace(/\.js$/, '.ts'))),
    );
    expect(stale).toEqual([]);
  });

  test('the installed aif: help, --version and the package.json init wrote', () => {
    // npm linked the command to the package it installed from the tarball.
    expect(fs.realpathSync(path.join(site, 'node_modules', '.bin', 'aif'))).toBe(path.join(site, 'node_modules', OWN.name, 'dist', 'cli', 'aif.js'));
    const help = aif('--help');
    expect(help.stdout).toMatch(/^usage: aif <command>/);
    expect(help.stdout).toMatch(/^ {2}init +write a ready site repository for a new site$/m);
    // As the README shows it: npx reads --help and --version itself unless they follow --; `aif help` needs no --.
    expect(sh('npx', ['--no', 'aif', 'help'], site, env).stdout).toBe(help.stdout);
    expect(aif('init', '--help').stdout).toMatch(/^usage: aif init <site-id> \[options\]/);
    expect(aif('help', 'validate').stdout).toMatch(/^usage: aif validate /);
    expect(aif('--version').stdout).toBe(`${OWN.version}\n`);
    const pkg = JSON.parse(fs.readFileSync(path.join(site, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.dependencies).toEqual({ [OWN.name]: `file:../${path.basename(tarball)}` });
    expect(pkg.devDependencies).toEqual(Object.fromEntries(SITE_DEV_DEPENDENCIES.map((d) => [d, OWN.devDependencies[d]])));
  });

  test('aif validate in the new repository: its site file is valid as written', () => {
    // That it synthesizes too: the workflow's synth step below.
    expect(aif('validate').stdout).toMatch(/^ok {2}xx-new: stacks xx-new-platform, xx-new-workloads; 0 warning\(s\), 0 suppressed$/m);
  });

  test("the public API with its types: a TypeScript app of the site's own builds its stacks", () => {
    fs.writeFileSync(
      path.join(site, 'api-check.ts'),
      `import { App } from 'cdktf';
import { addSiteStacks, checkSiteFile, loadCatalogue, type SiteModel, type SiteStacks } from 'ai-factory-cdk';
const check = checkSiteFile('sites/xx-new.yaml');
if (check.problems.length > 0 || check.site?.spec.id !== 'xx-new') throw new Error('xx-new does not load');
const app = new App({ outdir: 'api-out', stackTraces: false });
const sites: SiteModel[] = loadCatalogue('sites');
const stacks: SiteStacks[] = sites.map((s) => addSiteStacks(app, s));
if (stacks.map((s) => s.platform.node.id + ' ' + s.workloads.node.id).join() !== 'xx-new-platform xx-new-workloads') throw new Error('stacks');
app.synth();
`,
    );
    try {
      // Type-checks against dist/index.d.ts as installed, strict, as the site's tsconfig.json does.
      const tsc = path.join(site, 'node_modules', 'typescript', 'bin', 'tsc');
      sh(
        process.execPath,
        [tsc, '--noEmit', '--strict', '--skipLibCheck', '--esModuleInterop', '--module', 'commonjs', '--target', 'ES2022', 'api-check.ts'],
        site,
        env,
      );
      sh(path.join(site, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'api-check.ts'], site, env);
      expect(fs.readdirSync(path.join(site, 'api-out', 'stacks')).sort()).toEqual(['xx-new-platform', 'xx-new-workloads']);
    } finally {
      for (const f of ['api-check.ts', 'api-out']) fs.rmSync(path.join(site, f), { recursive: true, force: true });
    }
  });

  test("cdktf.json's app (main.ts) synthesizes the site as cdktf synth runs it", () => {
    const { app } = JSON.parse(fs.readFileSync(path.join(site, 'cdktf.json'), 'utf8')) as { app: string };
    const out = path.join(tmp, 'app-out');
    // cdktf runs the app through a shell in the project folder, with the output folder in CDKTF_OUTDIR.
    const r = sh('bash', ['-c', app], site, { ...env, CDKTF_OUTDIR: out });
    expect(r.stdout).toMatch(/\[1\/1\] built xx-new\n/);
    expect(Object.keys((JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { stacks: object }).stacks).sort()).toEqual([
      'xx-new-platform',
      'xx-new-workloads',
    ]);
  });

  test("the repository's CI workflow, run on a pull request that changes the site: validate, synth, review, change report", () => {
    const git = (...args: string[]) =>
      sh('git', args, site, { ...env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.eu', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.eu' });
    git('init', '--quiet', '--initial-branch', 'main');
    git('add', '-A');
    // .gitignore keeps node_modules/ and outputs out of the repository.
    expect(git('ls-files').stdout.trim().split('\n').sort()).toEqual([
      '.github/workflows/validate-sites.yml',
      '.gitignore',
      'README.md',
      'cdktf.json',
      'main.ts',
      'package-lock.json',
      'package.json',
      'sites/xx-new.yaml',
      'tsconfig.json',
    ]);
    git('commit', '--quiet', '-m', 'xx-new');
    sh('git', ['init', '--quiet', '--bare', path.join(tmp, 'origin.git')], tmp, env);
    git('remote', 'add', 'origin', path.join(tmp, 'origin.git'));
    git('push', '--quiet', 'origin', 'main');
    git('checkout', '--quiet', '-b', 'more-nodes');
    const file = path.join(site, 'sites', 'xx-new.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^( {4}nodes:) 4$/m, '$1 6'));
    git('commit', '--quiet', '-am', 'six nodes');

    const workflow = parse(fs.readFileSync(path.join(site, '.github', 'workflows', 'validate-sites.yml'), 'utf8')) as {
      jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
    };
    const job = workflow.jobs.validate;
    const github: Record<string, string> = { 'github.base_ref': 'main', 'github.event_name': 'pull_request' };
    const expand = (text: string) => text.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_m, name: string) => github[name] ?? '');
    const summary = path.join(tmp, 'step-summary.md');
    // The steps' temp folder: what they leave in it is checked below.
    const stepTmp = path.join(tmp, 'step-tmp');
    fs.mkdirSync(stepTmp);
    const ran: string[] = [];
    for (const step of job.steps) {
      if (step.run === undefined) continue;
      // The repository is installed above, from the same package.json.
      if (step.run.startsWith('npm ci')) continue;
      if (step.if !== undefined && step.if !== "github.event_name == 'pull_request'") throw new Error(`a condition this test cannot evaluate: ${step.if}`);
      const stepEnv = Object.fromEntries(Object.entries({ ...job.env, ...step.env }).map(([k, v]) => [k, expand(String(v))]));
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run)], {
        cwd: site,
        env: { ...process.env, ...env, ...stepEnv, GITHUB_STEP_SUMMARY: summary, TMPDIR: stepTmp },
        encoding: 'utf8',
      });
      expect({ step: step.name ?? step.run, status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
        step: step.name ?? step.run,
        status: 0,
        stderr: '',
      });
      ran.push(step.run.split(' ').slice(0, 4).join(' '));
    }
    expect(ran.length).toBe(4);
    // Validate, synth, review and the change report (with its worktree of the base) clean up after
    // themselves; what stays is ts-node's own compile cache of TypeScript (the base's main.ts).
    expect(fs.readdirSync(stepTmp).filter((f) => !/^v8-compile-cache-\d+$/.test(f))).toEqual([]);
    expect(fs.readdirSync(path.join(site, 'cdktf.out', 'stacks')).sort()).toEqual(['xx-new-platform', 'xx-new-workloads']);
    for (const stack of ['xx-new-platform', 'xx-new-workloads']) {
      const json = JSON.parse(fs.readFileSync(path.join(site, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, unknown> };
      expect({ stack, resources: Object.keys(json.resource ?? {}).length > 0 }).toEqual({ stack, resources: true });
    }
    expect(fs.readdirSync(path.join(site, 'review')).sort()).toEqual(['xx-new.changes.json', 'xx-new.changes.md', 'xx-new.json', 'xx-new.md']);
    const changes = fs.readFileSync(path.join(site, 'review', 'xx-new.changes.md'), 'utf8');
    expect(changes).toMatch(/^## xx-new: changes since `origin\/main`/);
    expect(changes).toContain('`data["pool.json"].nodes`: `4` → `6`');
    // The base tree's resolved model is read through the installed package: capacity is compared too.
    expect(changes).not.toContain('not compared');
    expect(fs.readFileSync(summary, 'utf8')).toBe(changes);
  }, 120_000);

  test('aif validate --format github in the repository: an annotation at the file and line, relative to it', () => {
    const bad = path.join(site, 'sites', 'xx-bad.yaml');
    const text = fs
      .readFileSync(path.join(site, 'sites', 'xx-new.yaml'), 'utf8')
      .replace(/^id: xx-new/m, 'id: xx-bad')
      .replace(/^country: DE/m, 'country: de');
    const line = text.split('\n').findIndex((l) => l.startsWith('country:')) + 1;
    fs.writeFileSync(bad, text);
    try {
      const r = spawnSync(path.join(site, 'node_modules', '.bin', 'aif'), ['validate', '--format', 'github'], {
        cwd: site,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(
        `::error file=sites/xx-bad.yaml,line=${line},title=country::sites/xx-bad.yaml:${line} country: must be an ISO 3166-1 alpha-2 code`,
      );
    } finally {
      fs.rmSync(bad);
    }
  });
});
