/**
 * `aif validate --format json|github|sarif`: the report as data for tools, as GitHub Actions
 * annotations that a pull request shows at each problem's line, and as SARIF 2.1.0 for
 * code-scanning tools.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Io } from '../../cli/args';
import { run as validateRun, type SarifLog } from '../../cli/validate';
import { fixtureText, runCommand } from '../helpers';

describe('validate --format', () => {
  let dir: string;
  const validate = (...args: string[]) => runCommand(validateRun, args, { cwd: dir, env: { SITES_DIR: path.join(dir, 'sites') } });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-format-'));
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.writeFileSync(path.join(dir, 'sites', 'xx-minimal.yaml'), fixtureText({ country: 'de', gpuPools: { h100: { nodes: 0 } } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('json: every problem as data, with its file relative to where the command runs, and its line', async () => {
    const run = await validate('--format', 'json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      exitCode: number;
      problems: { file: string; line: number; path: string; problem: string; fix: string }[];
    };
    expect(report).toMatchObject({ ok: false, exitCode: 1 });
    expect(report.problems.map((p) => [p.file, p.path])).toEqual([
      [path.join('sites', 'xx-minimal.yaml'), 'country'],
      [path.join('sites', 'xx-minimal.yaml'), 'gpuPools.h100.nodes'],
    ]);
    for (const p of report.problems) expect(p.line).toBeGreaterThan(1);
  });

  test('github: one ::error annotation per problem with file and line, and the summary', async () => {
    const run = await validate('--format=github');
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      expect.stringMatching(
        /^::error file=sites\/xx-minimal\.yaml,line=\d+,title=country::sites\/xx-minimal\.yaml:\d+ country: must be an ISO 3166-1 alpha-2 code/,
      ),
      expect.stringMatching(/^::error file=sites\/xx-minimal\.yaml,line=\d+,title=gpuPools\.h100\.nodes::/),
    ]);
    expect(lines.at(-1)).toBe('2 problem(s) in site files');
  });

  test('a format that does not exist is a usage error', async () => {
    const run = await validate('--format', 'sarif2');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^--format takes one of text, json, github, sarif, got sarif2\n/);
  });

  test('sarif: one SARIF 2.1.0 run, a result per problem at its file (relative to here) and line, under a rule the driver lists', async () => {
    const file = path.join(dir, 'sites', 'xx-minimal.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const lineOf = (line: RegExp) => text.split('\n').findIndex((l) => line.test(l)) + 1;
    let stdout = '';
    const io: Io = { out: (t) => (stdout += t), err: () => undefined, env: { SITES_DIR: path.join(dir, 'sites') }, cwd: dir };
    expect(await validateRun(['--format', 'sarif'], io)).toBe(1);
    const log = JSON.parse(stdout) as SarifLog;
    expect(log).toMatchObject({ version: '2.1.0', $schema: expect.stringMatching(/sarif-2\.1\.0/) as unknown });
    expect(log.runs).toHaveLength(1);
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe('ai-factory-cdk');
    const ruleIds = run.tool.driver.rules.map((r) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['AIF-FILE', 'AIF-FILE-WARNING', 'AIF-INTERNAL', 'AIF-TEN-1']));
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    expect(
      run.results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine]),
    ).toEqual([
      ['AIF-FILE', 'error', 'sites/xx-minimal.yaml', lineOf(/^country: de$/)],
      ['AIF-FILE', 'error', 'sites/xx-minimal.yaml', lineOf(/^ {4}nodes: 0$/)],
    ]);
    expect(lineOf(/^country: de$/)).toBeGreaterThan(1);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results[0].message.text).toMatch(/^country: must be an ISO 3166-1 alpha-2 code/);
  });

  test('json of a valid site: ok, with its warnings as data', async () => {
    fs.writeFileSync(path.join(dir, 'sites', 'xx-minimal.yaml'), fixtureText());
    const run = await validate('--format', 'json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, exitCode: 0, problems: [] });
  });
});
