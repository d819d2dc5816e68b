/**
 * `aif diff` and `aif deploy`: what cdktf would be run with, read from the plan without
 * running it (cdktf needs clusters, providers and a state backend).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Io } from '../../cli/args';
import { planCommand } from '../../cli/cdktf';
import { loadCatalogue } from '../../site-model/loader';
import { buildSite, fixtureText, SITES_DIR } from '../helpers';

describe('aif diff and aif deploy', () => {
  let dir: string;
  let stderr: string;
  const io = (env: NodeJS.ProcessEnv = {}): Io => ({ out: () => undefined, err: (t) => (stderr += t), env, cwd: dir });
  beforeEach(() => {
    stderr = '';
  });
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-cdktf-'));
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.mkdirSync(path.join(dir, 'other'));
    fs.writeFileSync(path.join(dir, 'sites', 'de-jaif.yaml'), fixtureText({ id: 'de-jaif' }));
    fs.writeFileSync(path.join(dir, 'other', 'xx-minimal.yaml'), fixtureText());
    // The reference gigafactory, with five cells, as a .yml file.
    fs.copyFileSync(path.join(SITES_DIR, 'eu-ref-gigafactory.yaml'), path.join(dir, 'sites', 'eu-ref-gigafactory.yml'));
    fs.writeFileSync(path.join(dir, 'cdktf.json'), '{}\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('diff: one cdktf diff per stack, platform first, with the site in SITE and the checkpoint service off', () => {
    expect(planCommand('diff', ['de-jaif'], io())).toEqual([
      { command: 'npx', args: ['--no', '--', 'cdktf', 'diff', 'de-jaif-platform'], env: { SITE: 'de-jaif', CHECKPOINT_DISABLE: '1' }, cwd: dir },
      { command: 'npx', args: ['--no', '--', 'cdktf', 'diff', 'de-jaif-workloads'], env: { SITE: 'de-jaif', CHECKPOINT_DISABLE: '1' }, cwd: dir },
    ]);
  });

  test('deploy: one cdktf deploy of both stacks; --layer, --sites-dir and the arguments after -- are passed on', () => {
    expect(planCommand('deploy', ['de-jaif'], io())).toEqual([
      {
        command: 'npx',
        args: ['--no', '--', 'cdktf', 'deploy', 'de-jaif-platform', 'de-jaif-workloads'],
        env: { SITE: 'de-jaif', CHECKPOINT_DISABLE: '1' },
        cwd: dir,
      },
    ]);
    expect(planCommand('deploy', ['xx-minimal', '--layer', 'workloads', '--sites-dir', 'other', '--', '--auto-approve', '--help'], io())).toEqual([
      {
        command: 'npx',
        args: ['--no', '--', 'cdktf', 'deploy', 'xx-minimal-workloads', '--auto-approve', '--help'],
        env: { SITE: 'xx-minimal', CHECKPOINT_DISABLE: '1', SITES_DIR: path.join(dir, 'other') },
        cwd: dir,
      },
    ]);
  });

  test('a site with cells (a .yml file): deploy names every stack the app synthesizes, in deploy order; diff one per stack', () => {
    const [giga] = loadCatalogue(SITES_DIR, 'eu-ref-gigafactory');
    const synthesized = buildSite(giga).stacks.all.map((s) => s.node.id);
    expect(synthesized).toHaveLength(12);
    expect(planCommand('deploy', ['eu-ref-gigafactory', '--', '--parallelism', '3'], io())).toMatchObject([
      { args: ['--no', '--', 'cdktf', 'deploy', ...synthesized, '--parallelism', '3'] },
    ]);
    const diff = planCommand('diff', ['eu-ref-gigafactory', '--layer', 'platform'], io());
    expect(Array.isArray(diff) && diff.map((r) => r.args.at(-1))).toEqual(synthesized.filter((s) => s.endsWith('-platform')));
  });

  test('an invalid site plans nothing: exit 1 with its problems at their lines', () => {
    fs.writeFileSync(path.join(dir, 'sites', 'xx-broken.yaml'), fixtureText({ id: 'xx-broken', gpuPools: { h100: { nodes: 0 } } }));
    expect(planCommand('deploy', ['xx-broken'], io())).toBe(1);
    expect(stderr).toMatch(/^\S*xx-broken\.yaml:\d+ gpuPools\.h100\.nodes: /m);
    fs.rmSync(path.join(dir, 'sites', 'xx-broken.yaml'));
  });

  test('SITES_DIR of the environment chooses the catalogue when --sites-dir is not given', () => {
    expect(planCommand('diff', ['xx-minimal', '--layer=platform'], io({ SITES_DIR: path.join(dir, 'other') }))).toMatchObject([
      { args: ['--no', '--', 'cdktf', 'diff', 'xx-minimal-platform'] },
    ]);
  });

  test.each([
    [['diff'], 2, /^name a site, e\.g\. de-jaif\n\nusage: aif diff <site>/],
    [['diff', 'de-jaif', 'es-1healthai'], 2, /^one site at a time, got de-jaif and es-1healthai\n/],
    [['deploy', 'de-jaif', '--layer', 'storage'], 2, /^--layer takes one of platform, workloads, got storage\n/],
    [['deploy', 'de-jiaf'], 1, /^sites\/de-jiaf\.yaml: no site "de-jiaf" in sites; did you mean de-jaif\?\n$/],
  ])('%j plans nothing: exit %d', (argv, code, message) => {
    const [verb, ...rest] = argv as ['diff' | 'deploy', ...string[]];
    expect(planCommand(verb, rest, io())).toBe(code);
    expect(stderr).toMatch(message);
  });

  test('outside the project root (no cdktf.json) it says where to run it', () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-cdktf-root-'));
    try {
      fs.mkdirSync(path.join(elsewhere, 'sites'));
      fs.writeFileSync(path.join(elsewhere, 'sites', 'de-jaif.yaml'), 'id: de-jaif\n');
      expect(planCommand('deploy', ['de-jaif'], { ...io(), cwd: elsewhere })).toBe(1);
      expect(stderr).toBe(
        `${path.join(elsewhere, 'cdktf.json')}: no such file; run aif deploy from the project root, the folder that holds cdktf.json and main.ts\n`,
      );
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('--help says what cdktf needs: cluster access, providers, state-backend credentials', () => {
    let out = '';
    expect(planCommand('diff', ['--help'], { ...io(), out: (t) => (out += t) })).toBe(0);
    expect(out).toMatch(/^usage: aif diff <site> \[options\] \[-- <cdktf diff options>\]/);
    expect(out).toMatch(/kubeconfig with the contexts its site file names/);
    expect(out).toMatch(/provider mirror/);
    expect(out).toMatch(/AWS_ACCESS_KEY_ID and\s+AWS_SECRET_ACCESS_KEY for s3, PG_CONN_STR for pg/);
  });
});
