/**
 * A site as the code of a source tree synthesizes it: the tree at a git ref (checked out with
 * `git worktree add --detach`), or the working tree now. Each tree runs its own code, so a
 * comparison shows what that code deployed, not what today's code makes of an old site file:
 *
 * - the stacks come from the tree's `main.ts`, as `cdktf synth` runs it (`SITE`, `SITES_DIR`
 *   and `CDKTF_OUTDIR` select the site, the catalogue and a temporary output folder);
 * - the resolved model comes from the tree's `site-model/loader.ts`, serialized to JSON.
 *
 * The tree gets the current checkout's `node_modules` through a symlink. Nothing is written
 * into a tree but that symlink (in a worktree this module made), and every temporary folder
 * and worktree is removed whatever happens.
 *
 * @see https://git-scm.com/docs/git-worktree
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSynthesizedStack } from '../constructs/charts/stack-file';
import type { SiteSnapshot, StackSnapshot } from './snapshot';
import { deployOrder } from './snapshot';

/** Raised when a tree cannot be checked out or synthesized; the message says why. */
export class TreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TreeError';
  }
}

/** How long one synthesis of a tree may take. */
const SYNTH_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * The script that writes a tree's resolved model as JSON: plain JavaScript, run with node,
 * which loads the tree's TypeScript through its ts-node (transpile only) and its own tsconfig.
 */
const MODEL_SCRIPT = `'use strict';
const fs = require('fs');
const path = require('path');
const [tree, sitesDir, site, out] = process.argv.slice(2);
require(require.resolve('ts-node', { paths: [tree] })).register({ transpileOnly: true, project: path.join(tree, 'tsconfig.json') });
let result;
try {
  // This project's own tree has the loader's sources; a site repository has the package's.
  let loaderPath;
  try {
    loaderPath = require.resolve(path.join(tree, 'site-model', 'loader'));
  } catch {
    loaderPath = require.resolve('ai-factory-cdk/dist/site-model/loader', { paths: [tree] });
  }
  const loader = require(loaderPath);
  const [model] = loader.loadCatalogue(sitesDir, site);
  const { source, ...rest } = model;
  result = { model: rest };
} catch (e) {
  const problems = e && Array.isArray(e.problems) ? e.problems.map((p) => p.file + ':' + p.line + ' ' + p.path + ': ' + p.problem) : [];
  result = problems.length > 0 ? { problems: problems.join('\\n') } : { error: String((e && e.message) || e) };
}
fs.writeFileSync(out, JSON.stringify(result));
`;

function lastLines(text: string, n = 15): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, [...args], { cwd, env, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, timeout: SYNTH_TIMEOUT_MS });
  if (r.error) throw new TreeError(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new TreeError(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}:\n${lastLines(r.stderr || r.stdout)}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Options of {@link snapshotTree}. */
export interface TreeOptions {
  /** The catalogue folder, relative to the tree's root. @default 'sites' */
  readonly sitesDir?: string;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
  /** What the tree is, for messages, e.g. `HEAD~1` or `the working tree`. @default the tree's path */
  readonly label?: string;
}

/**
 * The site as the tree's own code synthesizes it; undefined when the tree has no site file for
 * it. Throws a {@link TreeError} when the tree's code fails on it.
 */
export function snapshotTree(tree: string, site: string, options: TreeOptions = {}): SiteSnapshot | undefined {
  const label = options.label ?? tree;
  const sitesDir = path.join(tree, options.sitesDir ?? 'sites');
  if (!fs.existsSync(path.join(sitesDir, `${site}.yaml`))) return undefined;
  let tsNodeBin: string;
  try {
    tsNodeBin = require.resolve('ts-node/dist/bin.js', { paths: [tree] });
  } catch {
    throw new TreeError(`${label}: ts-node is not installed in ${path.join(tree, 'node_modules')}; run npm ci`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-review-synth-'));
  try {
    options.log?.(`${label}: resolving ${site} with its own loader`);
    fs.writeFileSync(path.join(tmp, 'model.js'), MODEL_SCRIPT);
    const modelFile = path.join(tmp, 'model.json');
    run(process.execPath, [path.join(tmp, 'model.js'), tree, sitesDir, site, modelFile], tree);
    const written = JSON.parse(fs.readFileSync(modelFile, 'utf8')) as { model?: unknown; problems?: string; error?: string };
    if (written.problems !== undefined) throw new TreeError(`${label}: ${site} does not load:\n${lastLines(written.problems)}`);
    // Code without the loader this script knows (another layout): its stacks are still compared.
    const modelError = written.error?.split('\n')[0];
    if (modelError !== undefined) options.log?.(`${label}: its resolved model cannot be read (${modelError}); comparing its stacks only`);

    options.log?.(`${label}: synthesizing ${site} with its own main.ts`);
    const outdir = path.join(tmp, 'cdktf.out');
    run(process.execPath, [tsNodeBin, '--transpile-only', 'main.ts'], tree, {
      ...process.env,
      SITE: site,
      SITES_DIR: sitesDir,
      CDKTF_OUTDIR: outdir,
      CHECKPOINT_DISABLE: '1',
    });
    // A main.ts that ignores CDKTF_OUTDIR writes cdktf.out in its own tree.
    const synthesized = [outdir, path.join(tree, 'cdktf.out')].find((d) => fs.existsSync(path.join(d, 'manifest.json')));
    if (synthesized === undefined) throw new TreeError(`${label}: its main.ts wrote no manifest.json for ${site}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(synthesized, 'manifest.json'), 'utf8')) as {
      stacks?: Record<string, { name?: string; dependencies?: string[]; synthesizedStackPath?: string }>;
    };
    const stacks = Object.entries(manifest.stacks ?? {}).map(([name, s]): StackSnapshot => ({
      name: s.name ?? name,
      dependencies: s.dependencies ?? [],
      // With the files beside it (Helm values) inlined: what Terraform reads.
      json: readSynthesizedStack(path.join(synthesized, s.synthesizedStackPath ?? path.join('stacks', name, 'cdk.tf.json'))),
    }));
    return { site, model: written.model ?? {}, ...(modelError !== undefined ? { modelError } : {}), stacks: deployOrder(stacks) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The commit a ref names in `repo`; throws a {@link TreeError} for a ref git does not know. */
export function resolveCommit(repo: string, ref: string): string {
  const r = spawnSync('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { encoding: 'utf8' });
  if (r.error) throw new TreeError(`git: ${r.error.message}`);
  if (r.status !== 0) throw new TreeError(`${ref} names no commit of the repository at ${repo}; use a branch, tag or commit, e.g. main or HEAD~1`);
  return r.stdout.trim();
}

/** The root of the git work tree that holds `dir`; throws a {@link TreeError} outside one. */
export function repositoryRoot(dir: string): string {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new TreeError(`${dir} is not inside a git work tree, so there is no ref to compare against`);
  return r.stdout.trim();
}

/**
 * Runs `fn` in a detached worktree of `repo` at `commit`, with the node_modules of `repo`
 * linked in, and removes the worktree afterwards, also when `fn` throws.
 */
export function withWorktree<T>(repo: string, commit: string, fn: (tree: string) => T): T {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-review-ref-'));
  const tree = path.join(parent, 'tree');
  try {
    run('git', ['-C', repo, 'worktree', 'add', '--quiet', '--detach', tree, commit], repo);
    const modules = path.join(repo, 'node_modules');
    if (fs.existsSync(modules) && !fs.existsSync(path.join(tree, 'node_modules')))
      fs.symlinkSync(fs.realpathSync(modules), path.join(tree, 'node_modules'), 'dir');
    return fn(tree);
  } finally {
    spawnSync('git', ['-C', repo, 'worktree', 'remove', '--force', tree], { encoding: 'utf8' });
    fs.rmSync(parent, { recursive: true, force: true });
    spawnSync('git', ['-C', repo, 'worktree', 'prune'], { encoding: 'utf8' });
  }
}
