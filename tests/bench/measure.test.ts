/**
 * The pure parts of `aif bench`: statistics, ratios, GNU time's output, tables, the JSON
 * floor and the measurement of a synth's output. No timing is asserted: the bench prints its
 * numbers, tests never judge them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BENCH_COMMAND, run as benchRun } from '../../bench/run';
import { floorCopy, formatTable, formatTargets, largest, measureOutput, minMedian, parseGnuTime, ratio, times } from '../../bench/measure';
import { synthCatalogue } from '../../stacks/synth';
import { fixtureText, runCommand } from '../helpers';

describe('bench arithmetic', () => {
  test('min and median, odd and even counts, in any order', () => {
    expect(minMedian([3, 1, 2])).toEqual({ min: 1, median: 2 });
    expect(minMedian([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5 });
    expect(minMedian([7])).toEqual({ min: 7, median: 7 });
    expect(() => minMedian([])).toThrow(/no values/);
  });

  test('a ratio is undefined when a side is missing or the base is not positive', () => {
    expect(ratio(3, 1.5)).toBe(2);
    expect(ratio(undefined, 1)).toBeUndefined();
    expect(ratio(1, 0)).toBeUndefined();
    expect(times(ratio(34.5, 1.5))).toBe('23.0x');
    expect(times(ratio(1.5, 1))).toBe('1.50x');
  });

  test("GNU time's line is read after whatever the child printed before it", () => {
    expect(parseGnuTime('some warning\n1.25 0.90 0.10 187256\n')).toEqual({ wallS: 1.25, cpuS: 1, peakRssKiB: 187256 });
    expect(parseGnuTime('Command exited with non-zero status 1\n')).toBeUndefined();
  });

  test('the real /usr/bin/time: a child that burns 0.3 s of CPU reports it, one that waits as long does not', () => {
    if (!fs.existsSync('/usr/bin/time')) return;
    const file = path.join(os.tmpdir(), `aif-bench-test-${process.pid}`);
    // 0.3 s of the child's own CPU, however busy the machine is; the idle child waits as long.
    const busy = 'const u = () => process.cpuUsage().user; const end = u() + 300000; while (u() < end);';
    const idle = 'setTimeout(() => undefined, 300);';
    const measure = (code: string) => {
      spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', file, process.execPath, '-e', code]);
      return parseGnuTime(fs.readFileSync(file, 'utf8'));
    };
    const [b, i] = [measure(busy), measure(idle)];
    fs.rmSync(file, { force: true });
    expect(b?.cpuS).toBeGreaterThanOrEqual(0.29);
    expect(b?.cpuS).toBeGreaterThan((i?.cpuS ?? 0) + 0.15);
    expect(b?.peakRssKiB).toBeGreaterThan(10_000);
  });

  test('tables pad columns, right-align numbers, and targets read met, NOT MET or not measured', () => {
    expect(
      formatTable(
        ['command', 'CPU s'],
        [
          ['synth', '3.34'],
          ['floor', '0.14'],
        ],
      ),
    ).toBe('command  CPU s\n-------  -----\nsynth     3.34\nfloor     0.14');
    expect(
      formatTargets([
        { what: 'a', measured: '1 s', met: true },
        { what: 'b', measured: '9 s', met: false },
        { what: 'c', measured: 'not run', met: undefined },
      ]),
    ).toBe('  met      a: 1 s\n  NOT MET  b: 9 s\n  not measured  c: not run');
  });
});

describe('the floor and the output measures, on a real synth', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-bench-'));
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.writeFileSync(path.join(dir, 'sites', 'xx-minimal.yaml'), fixtureText());
    synthCatalogue({ sitesDir: path.join(dir, 'sites'), outdir: path.join(dir, 'out') });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the floor writes back every file it read, the JSON the same data, in a bare node -e process', () => {
    const r = spawnSync(
      process.execPath,
      ['-e', `(${floorCopy.toString()})(process.argv[1], process.argv[2])`, path.join(dir, 'out'), path.join(dir, 'floor')],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    const files = (root: string): string[] =>
      fs.readdirSync(root, { recursive: true, withFileTypes: true }).flatMap((e) => (e.isFile() ? [path.relative(root, path.join(e.parentPath, e.name))] : []));
    const written = files(path.join(dir, 'out')).sort();
    expect(files(path.join(dir, 'floor')).sort()).toEqual(written);
    expect(written).toContain(path.join('stacks', 'xx-minimal-workloads', 'cdk.tf.json'));
    for (const f of written.filter((w) => w.endsWith('.json'))) {
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'floor', f), 'utf8'))).toEqual(JSON.parse(fs.readFileSync(path.join(dir, 'out', f), 'utf8')));
    }
  });

  test('measureOutput counts the resources of each stack and finds the Helm values as the stack folder holds them', () => {
    const stacks = measureOutput(path.join(dir, 'out'));
    expect(stacks.map((s) => s.stack)).toEqual(['xx-minimal-platform', 'xx-minimal-workloads']);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'stacks', 'xx-minimal-platform', 'cdk.tf.json'), 'utf8')) as {
      resource: Record<string, object>;
    };
    expect(stacks[0].resources).toBe(Object.values(json.resource).reduce((n, byName) => n + Object.keys(byName).length, 0));
    const values = largest(stacks, 'helm-values');
    expect(values?.address).toMatch(/^helm_release\./);
    // The values live in files beside the JSON: measured with the files, not the file() reference.
    expect(values?.bytes).toBeGreaterThan(200);
  });
});

describe('aif bench, the command', () => {
  test('--help, and --runs that is not a whole number of 1 or more', async () => {
    const cwd = os.tmpdir();
    const help = await runCommand(benchRun, ['--help'], { cwd });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: aif bench \[options\]/);
    for (const o of BENCH_COMMAND.options) expect(help.stdout).toContain(`--${o.name}`);
    const bad = await runCommand(benchRun, ['--runs', '0'], { cwd });
    expect([bad.status, bad.stderr]).toEqual([2, 'aif bench: --runs needs a whole number of runs, 1 or more, got 0\n']);
  });
});
