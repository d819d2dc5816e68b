/**
 * Issue 14, gaps 1 and 6 to 9, end to end through `npm run validate`: one run reports every
 * problem of every file (schema, Slurm and suppressions together), checks sites against each
 * other, warns for suppressions that suppress nothing and for unsourced hardware figures, and
 * never prints a stack trace: a bug of its own exits 3 and says so.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run as validateCommand, runValidate, validateCatalogue } from '../../cli/validate';
import { EXIT_INTERNAL_ERROR, EXIT_INVALID } from '../../site-model/problems';
import { TEST_ACCOUNTING } from '../constructs/scheduling/slurm/slurm-helpers';
import { fixtureText, runCommand } from '../helpers';

const ROOT = path.join(__dirname, '..', '..');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
/** A stack frame as Node prints it. */
const STACK_FRAME = /^\s+at .+[(:]\d+/m;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-one-run-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
/** Report lines that name a file of the run. */
const problemLines = (text: string) => text.split('\n').filter((l) => l.startsWith(dir) || l.startsWith(`warning: ${dir}`));

describe('one run, every problem', () => {
  test('a schema problem, a Slurm problem and a dangling suppression of one file come out together, each at its line', () => {
    const text = fixtureText({
      kind: 'lab',
      gpuPools: { h100: { nodes: 6, fabric: { nodesPerNvlinkDomain: 2, nodesPerLeafSwitch: 3 }, owner: 'slurm' } },
      scheduler: { kueue: null, slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } }, accounting: TEST_ACCOUNTING } },
      policySuppressions: { 'AIF-TEN-2': { 'workloads/Tenant-nobody': 'no such tenant any more' } },
    });
    const file = write('xx-minimal.yaml', text);
    const report = validateCatalogue(dir);
    expect(report.exitCode).toBe(EXIT_INVALID);
    expect(problemLines(report.text)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:${lineOf(text, 'kind: lab')} kind: must be one of factory, gigafactory`)),
      expect.stringMatching(new RegExp(`^${file}:${lineOf(text, 'nodesPerLeafSwitch: 3')} gpuPools\\.h100\\.fabric\\.nodesPerLeafSwitch: `)),
      `${file}:${lineOf(text, 'workloads/Tenant-nobody')} policySuppressions.AIF-TEN-2.workloads/Tenant-nobody: names no construct of the site, got "workloads/Tenant-nobody"; use a path printed in a finding, without the site id prefix (e.g. workloads/Tenant-main-acme/Namespace)`,
    ]);
  });

  test('a dangling suppression written through an alias points at its own line in its own file', () => {
    const text = `${fixtureText()}x-reason: &why no such tenant any more\npolicySuppressions:\n  AIF-TEN-2:\n    workloads/Tenant-nobody: *why\n`;
    const file = write('xx-minimal.yaml', text);
    expect(problemLines(validateCatalogue(dir).text)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:${lineOf(text, 'x-reason:')} x-reason: is not a field`)),
      expect.stringMatching(
        new RegExp(`^${file}:${lineOf(text, 'workloads/Tenant-nobody')} policySuppressions\\.AIF-TEN-2\\.workloads/Tenant-nobody: names no construct`),
      ),
    ]);
  });
});

describe('checks across sites', () => {
  test('two sites on one cluster (same kubeconfig and context) are rejected, each naming the other', () => {
    const a = write('xx-minimal.yaml', fixtureText());
    const b = write('xx-second.yaml', fixtureText({ id: 'xx-second', clusters: { main: { kubeconfigPath: '$HOME/.kube/config' } } }));
    const line = lineOf(fixtureText(), 'context: minimal');
    const report = validateCatalogue(dir);
    expect(report.exitCode).toBe(EXIT_INVALID);
    expect(problemLines(report.text)).toEqual([
      `${a}:${line} clusters.main.context: targets the same cluster (kubeconfig ~/.kube/config, context minimal) as clusters.main of ${b}:${line}: both would install the same Helm releases and namespaces there, got "minimal"; give each site its own cluster (kubeconfig and context), or describe both in one site file`,
      `${b}:${line} clusters.main.context: targets the same cluster (kubeconfig $HOME/.kube/config, context minimal) as clusters.main of ${a}:${line}: both would install the same Helm releases and namespaces there, got "minimal"; give each site its own cluster (kubeconfig and context), or describe both in one site file`,
    ]);
  });

  test('the same kubeconfig with another context is another cluster', () => {
    write('xx-minimal.yaml', fixtureText());
    write('xx-second.yaml', fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }));
    expect(validateCatalogue(dir).ok).toBe(true);
  });

  test('validating one site still checks it against the others', () => {
    write('xx-minimal.yaml', fixtureText());
    write('xx-second.yaml', fixtureText({ id: 'xx-second' }));
    const report = validateCatalogue(dir, 'xx-second');
    expect(problemLines(report.text)).toEqual([
      expect.stringMatching(/xx-second\.yaml:\d+ clusters\.main\.context: targets the same cluster .* as clusters\.main of .*xx-minimal\.yaml:\d+/),
    ]);
  });

  test('two sites with the same id are rejected, each naming the other', () => {
    const a = write('xx-minimal.yaml', fixtureText());
    const b = write('xx-minimal.yml', fixtureText({ clusters: { main: { context: 'other' } } }));
    const line = lineOf(fixtureText(), 'id: xx-minimal');
    const report = validateCatalogue(dir);
    expect(report.exitCode).toBe(EXIT_INVALID);
    expect(problemLines(report.text)).toEqual([
      `${a}:${line} id: is also the id of ${b}:${line}: the two would write the same stacks (xx-minimal-platform, xx-minimal-workloads) and state, got "xx-minimal"; give each site its own id and file name`,
      `${b}:${line} id: is also the id of ${a}:${line}: the two would write the same stacks (xx-minimal-platform, xx-minimal-workloads) and state, got "xx-minimal"; give each site its own id and file name`,
    ]);
  });
});

describe('suppressions that suppress nothing', () => {
  test('are a warning naming them at their line; the site stays valid', () => {
    const text = fixtureText({ policySuppressions: { 'AIF-TEN-2': { 'workloads/Tenant-main-acme': 'quota enforced by the site admission webhook' } } });
    const file = write('xx-minimal.yaml', text);
    const report = validateCatalogue(dir);
    expect(report.ok).toBe(true);
    expect(report.text).toMatch(/^ok {2}xx-minimal: .*; 1 warning\(s\), 0 suppressed\n/);
    expect(problemLines(report.text)).toEqual([
      `warning: ${file}:${lineOf(text, 'workloads/Tenant-main-acme')} policySuppressions.AIF-TEN-2.workloads/Tenant-main-acme: suppresses nothing: rule AIF-TEN-2 has no finding on workloads/Tenant-main-acme or below it any more, got "workloads/Tenant-main-acme"; remove the suppression, so it cannot hide a later finding there`,
    ]);
  });
});

describe('hardware figures without a source', () => {
  test('validate warns for each figure of a site that cites sources, at its line; a site that cites nothing is not asked', () => {
    const text = fixtureText({ sources: ['https://example.eu/press-release'] }).replace('nodes: 4', 'nodes: 4 # https://example.eu/press-release');
    const file = write('xx-minimal.yaml', text);
    const report = validateCatalogue(dir);
    expect(report.ok).toBe(true);
    expect(problemLines(report.text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: ${file}:${lineOf(text, 'accelerator: nvidia-h100-sxm')} gpuPools\\.h100\\.accelerator: is presented as a fact without a source: `,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^warning: ${file}:${lineOf(text, 'acceleratorsPerNode: 8')} gpuPools\\.h100\\.acceleratorsPerNode: is presented as a fact without a source: .*, got 8; add a comment "# https://<source>"`,
        ),
      ),
    ]);
    fs.writeFileSync(file, fixtureText());
    expect(problemLines(validateCatalogue(dir).text)).toEqual([]);
  });

  test('an assumption covers a figure', () => {
    write(
      'xx-minimal.yaml',
      fixtureText({ sources: ['https://example.eu/press-release'], assumptions: { 'gpuPools.h100': 'Reference design: not yet procured' } }),
    );
    expect(problemLines(validateCatalogue(dir).text)).toEqual([]);
  });
});

describe('no stack trace, ever', () => {
  test('a bug while building a site is an internal error of that file: exit 3, says it is a bug, other files still reported', () => {
    write('xx-minimal.yaml', fixtureText());
    const broken = write('xx-second.yaml', fixtureText({ id: 'xx-second', kind: 'lab', clusters: { main: { context: 'second' } } }));
    let out = '';
    const code = runValidate(
      [],
      { SITES_DIR: dir },
      (t) => (out += t),
      () => undefined,
      () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
    );
    expect(code).toBe(EXIT_INTERNAL_ERROR);
    expect(EXIT_INTERNAL_ERROR).toBe(3);
    expect(out).toMatch(
      new RegExp(
        `${dir}/xx-minimal\\.yaml:1 \\(file\\): internal error: the checker failed on this file, which is a bug in ai-factory-cdk, not a mistake in the file, got "Cannot read properties of undefined \\(reading 'x'\\)"`,
      ),
    );
    expect(out).toContain(`${broken}:`);
    expect(out).toMatch(/this is a bug in ai-factory-cdk, not a mistake in the site files; please report it/);
    expect(out).not.toMatch(STACK_FRAME);
  });

  test('the command reports an alias bomb, a deep file and an invalid one in one run, exit 1, no stack trace', async () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    write('xx-bomb.yaml', `${laughs}\n`);
    write('xx-deep.yaml', `id: ${'['.repeat(200000)}\n`);
    write('xx-minimal.yaml', fixtureText({ kind: 'lab' }));
    const run = await runCommand(validateCommand, [], { cwd: ROOT, env: { SITES_DIR: dir } });
    expect(run.status).toBe(EXIT_INVALID);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(STACK_FRAME);
    expect(problemLines(run.stdout).map((l) => path.basename(l.split(':')[0]))).toEqual(['xx-bomb.yaml', 'xx-deep.yaml', 'xx-minimal.yaml']);
  });
});
