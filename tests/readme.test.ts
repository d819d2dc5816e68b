import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { checkSiteText } from '../site-model/loader';
import { formatProblem } from '../site-model/problems';
import { synthSite } from './helpers';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  test('the minimal site file example is valid and synthesizes', () => {
    const block = /```yaml\n(# yaml-language-server[\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBeDefined();
    const check = checkSiteText(block ?? '', 'sites/xx-example.yaml');
    expect(check.problems.map(formatProblem)).toEqual([]);
    const { platform, workloads } = synthSite(check.spec!);
    expect(Object.keys(platform.resource).length).toBeGreaterThan(0);
    expect(Object.keys(workloads.resource).length).toBeGreaterThan(0);
  });

  test('names the two quick-start commands that CI runs', () => {
    expect(README).toContain('npm ci && npm run synth');
    expect(README).toContain('npm ci && npm test');
    expect(fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8')).toMatch(/^npm ci --no-audit --no-fund\n[\s\S]*^npm test 2>&1/m);
  });

  test("the install step prints no npm warning about dependencies' install scripts: package.json decides each", () => {
    // npm 11 skips dependencies' install scripts that package.json's allowScripts does not
    // name, and ends npm ci with a warning listing them; this is npm's own list.
    const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout.trim() }).toEqual({ status: 0, stdout: 'No packages with unreviewed install scripts.' });
  });

  test('the layout table names every source folder, and every folder it names exists', () => {
    const ROOT = path.join(__dirname, '..');
    const layout = README.slice(README.indexOf('## Layout'), README.indexOf('## Contributing'));
    const named = [...layout.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    for (const entry of named) expect({ entry, exists: fs.existsSync(path.join(ROOT, entry)) }).toEqual({ entry, exists: true });
    // Folders that hold code; a folder of folders (constructs/scheduling) stands for its children.
    const codeFolders = (dir: string): string[] => {
      const entries = fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true });
      if (entries.some((e) => e.isFile())) return [dir];
      return entries.filter((e) => e.isDirectory()).flatMap((e) => codeFolders(`${dir}/${e.name}`));
    };
    const constructs = fs.readdirSync(path.join(ROOT, 'constructs')).flatMap((d) => codeFolders(`constructs/${d}`));
    const folders = ['cli', 'site-model', 'stacks', 'sites', 'tests', 'bench', ...constructs];
    for (const folder of folders) expect({ folder, named: named.includes(`${folder}/`) }).toEqual({ folder, named: true });
  });

  test('npm test runs the type checker, the formatter check and the linter before jest, as the Contributing section says', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const steps = pkg.scripts.test.split(' && ');
    expect(steps.map((s) => s.split(' ')[0])).toEqual(['tsc', 'prettier', 'eslint', 'jest']);
    expect(steps[0]).toMatch(/^tsc --noEmit -p \. /);
    expect(steps[1]).toMatch(/^prettier --check .* \.$/);
    expect(steps[2]).toMatch(/^eslint .* \.$/);
    expect(README).toMatch(/`npm test` type-checks, checks formatting \(Prettier\) and lints \(ESLint/);
    // The caches the Contributing section describes, where it says they are.
    expect(steps[0]).toContain('--incremental --tsBuildInfoFile node_modules/.cache/');
    expect(steps[1]).toContain('--cache');
    expect(steps[2]).toMatch(/--cache --cache-strategy content --cache-location node_modules\/\.cache\//);
    expect(README).toMatch(/keep caches under\s+`node_modules\/\.cache\/`/);
  });
});
