/**
 * Every command answers `--help` with its usage, exit 0, and does nothing else: no site is
 * validated, no schema rewritten, no benchmark run, no file written, no process started (so
 * no cdktf, kubectl or network). Unknown commands and options are usage errors, exit 2.
 */
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run as aif, SUBCOMMANDS } from '../../cli/aif';
import type { Io } from '../../cli/args';

const ROOT = path.join(__dirname, '..', '..');

/** Runs `aif` in this process with captured output, in `cwd`. */
async function inProcess(argv: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), env: { ...process.env, SITES_DIR: path.join(ROOT, 'sites') }, cwd };
  const status = await aif(argv, io);
  return { status, stdout, stderr };
}

describe('aif <command> --help', () => {
  let cwd: string;
  let previousCwd: string;
  const spawned: string[] = [];
  beforeAll(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-help-'));
    // Commands that write relative to the process's folder would write here.
    previousCwd = process.cwd();
    process.chdir(cwd);
    for (const fn of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync'] as const) {
      // The module object itself (not this file's namespace copy), as the commands call it.
      jest.spyOn(jest.requireActual<typeof childProcess>('child_process'), fn).mockImplementation(((command: string) => {
        spawned.push(command);
        throw new Error(`--help started ${command}`);
      }) as never);
    }
  });
  afterAll(() => {
    jest.restoreAllMocks();
    process.chdir(previousCwd);
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  test('the list of commands', () => {
    expect(Object.keys(SUBCOMMANDS)).toEqual([
      'validate',
      'synth',
      'diff',
      'deploy',
      'render',
      'review',
      'preflight',
      'rehearse',
      'terraform-config',
      'schema',
      'bench',
      'init',
    ]);
  });

  test.each(Object.keys(SUBCOMMANDS))('aif %s --help prints its usage, exits 0, writes nothing and starts nothing', async (name) => {
    const schemaBefore = fs.statSync(path.join(ROOT, 'sites', 'site.schema.json')).mtimeMs;
    for (const argv of [
      [name, '--help'],
      [name, '-h'],
      ['help', name],
    ]) {
      const run = await inProcess(argv, cwd);
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      expect(run.stdout).toMatch(new RegExp(`^usage: (aif|npm run) ${name}\\b`));
    }
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(spawned).toEqual([]);
    expect(fs.statSync(path.join(ROOT, 'sites', 'site.schema.json')).mtimeMs).toBe(schemaBefore);
  });

  test.each(Object.keys(SUBCOMMANDS))('aif %s --frmat is a usage error (exit 2) that names the option, never a site name', async (name) => {
    const run = await inProcess([name, '--frmat'], cwd);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^unknown (option|argument) --frmat/);
    expect(run.stdout).toBe('');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('aif --help lists every command; aif alone, an unknown command or option is a usage error', async () => {
    const help = await inProcess(['--help'], cwd);
    expect(help.status).toBe(0);
    for (const name of Object.keys(SUBCOMMANDS)) expect(help.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
    const none = await inProcess([], cwd);
    expect({ status: none.status, stdout: none.stdout }).toEqual({ status: 2, stdout: '' });
    expect(none.stderr).toMatch(/^usage: aif <command>/);
    const typo = await inProcess(['valdate'], cwd);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/^unknown command valdate; did you mean validate\?\n\nusage: aif/);
    expect((await inProcess(['--frob'], cwd)).stderr).toMatch(/^unknown option --frob\n/);
  });
});

describe('the entry points, as processes', () => {
  // The compiled CLI, as the package's bin and the npm scripts run it; jest's global setup
  // (tests/global-setup.js) compiles dist/ as `npm run compile` does.

  test('aif --help, aif validate --help, and a module run on its own (node dist/cli/validate.js --frmat), in an empty folder', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-help-spawn-'));
    try {
      const spawn = (...args: string[]) => childProcess.spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000 });
      const top = spawn(path.join(ROOT, 'dist', 'cli', 'aif.js'), '--help');
      expect([top.status, top.stdout.split('\n')[0], top.stderr]).toEqual([0, 'usage: aif <command> [<site>...] [options]', '']);
      const sub = spawn(path.join(ROOT, 'dist', 'cli', 'aif.js'), 'validate', '--help');
      expect([sub.status, sub.stdout.split('\n')[0], sub.stderr]).toEqual([0, 'usage: aif validate [<site>...] [options]', '']);
      const direct = spawn(path.join(ROOT, 'dist', 'cli', 'validate.js'), '--frmat');
      expect([direct.status, direct.stderr.split('\n')[0]]).toEqual([2, 'unknown option --frmat; did you mean --format?']);
      expect(fs.readdirSync(cwd)).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
