/**
 * The one argument parser every `aif` command uses: what a command line means, and how each
 * mistake reads.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkSites, guarded, parseArgs, usage, type CommandSpec, type Io } from '../../cli/args';

const SPEC: CommandSpec = {
  name: 'demo',
  synopsis: ['[<site>...] [options]'],
  description: 'A command for the tests.',
  sites: { min: 0, max: Infinity, example: 'de-jaif' },
  options: [
    { name: 'format', value: 'FORMAT', needs: 'one of text, json', choices: ['text', 'json'], help: 'how to print\nsecond line' },
    { name: 'out', value: 'DIR', needs: 'a folder', help: 'where to write' },
    { name: 'keep', help: 'a switch' },
  ],
  passThrough: true,
  exitCodes: '0 fine, 2 bad arguments.',
  notes: 'A note.',
};

describe('parseArgs', () => {
  test('sites in order without repeats, options in both forms, a switch, and what follows --', () => {
    expect(parseArgs(SPEC, ['b', '--out', 'x', 'a', '--format=json', 'b', '--keep', '--', '--auto-approve', 'c'])).toEqual({
      sites: ['b', 'a'],
      options: { out: 'x', format: 'json', keep: true },
      rest: ['--auto-approve', 'c'],
    });
    expect(parseArgs(SPEC, [])).toEqual({ sites: [], options: {}, rest: [] });
  });

  test('--help and -h win over any mistake before --, and print the usage with exit 0', () => {
    for (const argv of [['--help'], ['--nope', '-h'], ['x', '--out']]) {
      const r = parseArgs(SPEC, [...argv, '--help']);
      expect('exit' in r && [r.exit, r.text.split('\n')[0]]).toEqual([0, 'usage: aif demo [<site>...] [options]']);
    }
    // After --, --help belongs to the wrapped tool.
    expect(parseArgs(SPEC, ['a', '--', '--help'])).toEqual({ sites: ['a'], options: {}, rest: ['--help'] });
  });

  test.each([
    [['--fromat', 'json'], 'unknown option --fromat; did you mean --format?'],
    [['-x'], 'unknown option -x'],
    [['--out'], '--out needs a folder'],
    [['--out', '--keep'], '--out needs a folder'],
    [['--out='], '--out needs a folder'],
    [['--format', 'xml'], '--format takes one of text, json, got xml'],
    [['--keep=yes'], '--keep takes no value, got "yes"'],
  ])('%j is a usage error (exit 2): %s, then the usage', (argv, message) => {
    const r = parseArgs(SPEC, argv);
    expect('exit' in r && [r.exit, r.text.split('\n\n')[0], r.text.split('\n\n')[1].split('\n')[0]]).toEqual([
      2,
      message,
      'usage: aif demo [<site>...] [options]',
    ]);
  });

  test('a command that takes no site, one site, or nothing after --', () => {
    const none: CommandSpec = { ...SPEC, sites: undefined, passThrough: false };
    const one: CommandSpec = { ...SPEC, sites: { min: 1, max: 1, example: 'es-1healthai', oneAtATimeHint: '; review them one by one' } };
    const first = (r: ReturnType<typeof parseArgs>) => ('exit' in r ? [r.exit, r.text.split('\n')[0]] : r);
    expect(first(parseArgs(none, ['de-jaif']))).toEqual([2, 'aif demo takes no site, got de-jaif']);
    expect(first(parseArgs(none, ['--', 'x']))).toEqual([2, 'aif demo passes nothing on, so -- is not allowed here']);
    expect(first(parseArgs(one, []))).toEqual([2, 'name a site, e.g. es-1healthai']);
    expect(first(parseArgs(one, ['a', 'b']))).toEqual([2, 'one site at a time, got a and b; review them one by one']);
    expect(parseArgs(one, ['a', 'a'])).toEqual({ sites: ['a'], options: {}, rest: [] });
  });

  test('the usage lists every option with its value, continuation lines indented, -h last, then exit codes and notes', () => {
    expect(usage(SPEC)).toBe(
      [
        'usage: aif demo [<site>...] [options]',
        '',
        'A command for the tests.',
        '',
        'options:',
        '  --format FORMAT  how to print',
        '                   second line',
        '  --out DIR        where to write',
        '  --keep           a switch',
        '  -h, --help       this text',
        '',
        'exit codes: 0 fine, 2 bad arguments.',
        '',
        'A note.',
      ].join('\n'),
    );
  });
});

describe('checkSites', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-args-'));
    fs.mkdirSync(path.join(dir, 'sites'));
    for (const id of ['de-jaif', 'es-1healthai']) fs.writeFileSync(path.join(dir, 'sites', `${id}.yaml`), 'id: x\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a site that exists is fine; a misspelt one gets the closest id, a path its id, and a folder that is missing says how to name one', () => {
    const sites = path.join(dir, 'sites');
    expect(checkSites(sites, ['de-jaif'], dir)).toEqual([]);
    expect(checkSites(sites, ['de-jiaf', 'sites/es-1healthai.yaml', 'zz-unknown-site-name'], dir)).toEqual([
      'sites/de-jiaf.yaml: no site "de-jiaf" in sites; did you mean de-jaif?',
      'sites/sites/es-1healthai.yaml.yaml: no site "sites/es-1healthai.yaml" in sites; name the site by its id: es-1healthai',
      'sites/zz-unknown-site-name.yaml: no site "zz-unknown-site-name" in sites; use one of: de-jaif, es-1healthai',
    ]);
    expect(checkSites(path.join(dir, 'nope'), [], dir)).toEqual([
      'nope: no such folder of site files; pass --sites-dir DIR or set SITES_DIR, or run from the folder that holds sites/',
    ]);
  });
});

describe('guarded', () => {
  const capture = (env: NodeJS.ProcessEnv = {}) => {
    const io = { out: '', err: '' };
    return { io, sink: { out: (t: string) => (io.out += t), err: (t: string) => (io.err += t), env, cwd: '/' } satisfies Io };
  };
  const boom = () => {
    throw new TypeError("Cannot read properties of undefined (reading 'x')");
  };

  test('a throw is an internal error: exit 3, a line asking to report it, no stack trace', () => {
    const { io, sink } = capture();
    expect(guarded(sink, boom)).toBe(3);
    expect(io.err).toBe(
      `internal error: "Cannot read properties of undefined (reading 'x')"\nthis is a bug in ai-factory-cdk, not a mistake in the site files; please report it (AIF_DEBUG=1 prints the stack trace)\n`,
    );
  });

  test('a rejected promise too; AIF_DEBUG=1 adds the stack trace', async () => {
    const { io, sink } = capture({ AIF_DEBUG: '1' });
    await expect(guarded(sink, () => Promise.reject(new Error('late')))).resolves.toBe(3);
    expect(io.err).toMatch(/^internal error: "late"\n.*please report it.*\nError: late\n\s+at /);
  });

  test('a result passes through', async () => {
    const { sink } = capture();
    expect(guarded(sink, () => 1)).toBe(1);
    await expect(guarded(sink, () => Promise.resolve(0))).resolves.toBe(0);
  });
});
