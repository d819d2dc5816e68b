/**
 * The CI workflows parse as YAML, run on changes to everything a site's output depends on,
 * and every `aif` command they run is a real subcommand whose `--help` lists each option
 * used: the site repository's (the template `aif init` writes, run for real in
 * package.test.ts) and the example of this project's own fork, which runs aif through the npm
 * scripts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { run as aif, SUBCOMMANDS } from '../../cli/aif';
import type { Io } from '../../cli/args';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPTS = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

interface Workflow {
  readonly on: Record<string, { readonly paths?: readonly string[]; readonly branches?: readonly string[] }>;
  readonly jobs: Record<string, { readonly steps: readonly { readonly run?: string }[] }>;
}

const WORKFLOWS = {
  'site repository': path.join(ROOT, 'templates', 'site-repository', '.github', 'workflows', 'validate-sites.yml'),
  project: path.join(ROOT, '.github', 'workflows', 'validate-sites.yml'),
};

const read = (file: string) => parse(fs.readFileSync(file, 'utf8')) as Workflow;

/** Shell words of a command, quotes removed; `$(...)` and "..." stay one word. */
function words(command: string): string[] {
  return [...command.matchAll(/"\$\([^)]*\)"|\$\([^)]*\)|"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+/g)].map((m) => m[0].replace(/^["']|["']$/g, ''));
}

/**
 * The aif command lines of a `run:` script: `npx [--no] [--] aif <command> ...`, or
 * `npm run [--silent] <script> -- ...` where the script runs `node dist/cli/aif.js <command>`.
 */
function aifCommands(script: string): string[][] {
  return script
    .split(/\n|;|&&|\|\||\bdo\b|\bthen\b/)
    .map((c) => words(c.trim()))
    .flatMap((w): string[][] => {
      const npx = w.indexOf('npx');
      if (npx >= 0) {
        const rest = w.slice(npx + 1).filter((x, i, all) => !(i < all.indexOf('aif') && x.startsWith('-')));
        return rest[0] === 'aif' ? [rest.slice(1)] : [];
      }
      const npm = w.indexOf('npm');
      if (npm >= 0 && w[npm + 1] === 'run') {
        const [name, ...args] = w.slice(npm + 2).filter((x) => x !== '--silent');
        const body = SCRIPTS[name] ?? '';
        const sub = /node dist\/cli\/aif\.js(?: (\S+))?$/.exec(body);
        if (!sub) return [];
        return [[...(sub[1] ? [sub[1]] : []), ...args.filter((a) => a !== '--')]];
      }
      return [];
    });
}

async function helpOf(command: string): Promise<string> {
  let stdout = '';
  const io: Io = { out: (t) => (stdout += t), err: () => undefined, env: {}, cwd: ROOT };
  expect(await aif([command, '--help'], io)).toBe(0);
  return stdout;
}

describe.each(Object.entries(WORKFLOWS))('the %s workflow', (_kind, file) => {
  const workflow = read(file);
  const scripts = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run !== undefined ? [s.run] : [])));

  test('runs on pushes to main and on pull requests that touch a site file, the package, cdktf.json or main.ts', () => {
    const needed = ['sites/**', 'package.json', 'package-lock.json', 'cdktf.json', 'main.ts'];
    for (const trigger of ['push', 'pull_request']) {
      const paths = workflow.on[trigger].paths ?? [];
      expect({ trigger, missing: needed.filter((p) => !paths.includes(p)) }).toEqual({ trigger, missing: [] });
    }
    expect(workflow.on.push.branches).toEqual(['main']);
  });

  test('validates with annotations, synthesizes once, reviews, and compares a pull request with its base', () => {
    const commands = scripts.flatMap(aifCommands);
    expect(commands.filter((c) => c[0] === 'validate')).toEqual([['validate', '--format', 'github']]);
    expect(commands.filter((c) => c[0] === 'synth')).toEqual([['synth', '--out', 'cdktf.out']]);
    const reviews = commands.filter((c) => c[0] === 'review');
    expect(reviews.some((c) => c.includes('--against') && c[c.indexOf('--against') + 1] === 'origin/$BASE_REF')).toBe(true);
    expect(reviews.every((c) => c[c.indexOf('--out') + 1] === 'review')).toBe(true);
  });

  test('every aif command it runs exists, and its --help lists each option used', async () => {
    const commands = scripts.flatMap(aifCommands);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const [command, ...args] of commands) {
      expect({ command, exists: Object.hasOwn(SUBCOMMANDS, command) }).toEqual({ command, exists: true });
      const help = await helpOf(command);
      for (const option of args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0])) {
        expect({ command, option, listed: new RegExp(`^ {2}${option}\\b`, 'm').test(help) }).toEqual({ command, option, listed: true });
      }
    }
  });
});

test('the parser of run lines finds aif behind npx and behind the npm scripts, and nothing else', () => {
  expect(aifCommands('npx --no aif validate --format github')).toEqual([['validate', '--format', 'github']]);
  expect(aifCommands('for f in x; do npx aif review "$(basename "$f" .yaml)" --out review || exit 1; done')).toEqual([
    ['review', '$(basename "$f" .yaml)', '--out', 'review'],
  ]);
  expect(aifCommands('npm run --silent synth -- --out cdktf.out')).toEqual([['synth', '--out', 'cdktf.out']]);
  expect(aifCommands('npm ci --no-audit\nnpx cdktf synth\nnpm run lint')).toEqual([]);
});
