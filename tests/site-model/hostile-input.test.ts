/**
 * Issue 14, gaps 1 to 3: a site file that tries to exhaust the parser, repeats a key or holds
 * a huge value gets a problem at its file and line, with its path, and a readable message.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkCatalogue, checkSiteText, SITE_FILE_LIMITS } from '../../site-model/loader';
import { ECHO_LIMITS, formatProblem, renderValue } from '../../site-model/problems';
import { fixtureText } from '../helpers';

const FILE = 'sites/xx-minimal.yaml';
const formatted = (text: string) => checkSiteText(text, FILE).problems.map(formatProblem);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** Nine aliases per level, nine levels: 9^9 strings once expanded. */
function billionLaughs(levels = 9): string {
  const lines = [`l0: &l0 [${Array(9).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('limits on what a site file may make the parser do', () => {
  test('an alias bomb is a problem at the alias that crosses the limit, not a crash', () => {
    const text = billionLaughs();
    let problems: string[] = [];
    expect(() => (problems = formatted(text))).not.toThrow();
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${FILE}:${lineOf(text, 'l4:')} l4\\.0: the aliases expand to more than 10,000 values, an alias bomb rather than a site, got [\\d,]+ values by this alias; `,
        ),
      ),
    ]);
  });

  test('more aliases than the limit are a problem at the first one too many', () => {
    const text = `${fixtureText()}x-anchor: &a 1\nx-uses:\n${Array.from({ length: SITE_FILE_LIMITS.maxAliases + 1 }, (_, i) => `  u${i}: *a`).join('\n')}\n`;
    expect(formatted(text)).toContainEqual(
      expect.stringMatching(new RegExp(`^${FILE}:${lineOf(text, `u${SITE_FILE_LIMITS.maxAliases}:`)} x-uses\\.u100: the file uses more than 100 aliases`)),
    );
  });

  test('an alias inside the value it names, and an alias to no anchor, are problems at their line', () => {
    expect(formatted('tenants: &t\n  acme: *t\n')).toEqual([
      `${FILE}:2 tenants.acme: the alias refers to a value that contains it, which never ends, got *t; write the value out instead of the alias`,
    ]);
    expect(formatted('name: x\ncity: *nowhere\n')).toEqual([
      `${FILE}:2 city: the alias refers to no anchor &nowhere above it, got *nowhere; define the anchor (&name) before the alias, or write the value out`,
    ]);
  });

  test.each([
    ['flow lists', `gpuPools: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 1],
    ['block maps', `gpuPools:\n${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`, 2 + SITE_FILE_LIMITS.maxDepth - 1],
    ['compact lists', `gpuPools:\n  ${'- '.repeat(20000)}x\n`, 2],
  ])('nesting deeper than the limit (%s) is a problem at the line where it crosses it', (_kind, text, line) => {
    const problems = formatted(text);
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:${line} .*: nests lists and maps more than 32 levels deep, got more than 32 levels; `)),
    ]);
  });

  test('a file larger than the limit is a problem at the line where it crosses it, read no further', () => {
    const line = `# ${'x'.repeat(1000)}\n`;
    const text = fixtureText() + line.repeat(Math.ceil(SITE_FILE_LIMITS.maxBytes / line.length) + 10);
    const crossing = text.slice(0, SITE_FILE_LIMITS.maxBytes).split('\n').length;
    expect(formatted(text)).toEqual([
      expect.stringMatching(
        new RegExp(`^${FILE}:${crossing} \\(file\\): the file is larger than 1 MiB, the most a site file may hold .*, got [\\d,]+ bytes; `),
      ),
    ]);
  });

  test('a value longer than the limit is a problem at its line, and the file is still checked past it', () => {
    const text = fixtureText({ city: 'c'.repeat(SITE_FILE_LIMITS.maxValueLength + 1), kind: 'lab' });
    expect(formatted(text)).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:${lineOf(text, 'kind:')} kind: must be one of factory, gigafactory`)),
      expect.stringMatching(new RegExp(`^${FILE}:${lineOf(text, 'city:')} city: the value is longer than 4,096 characters`)),
    ]);
  });

  test('a key that is a list or map is a problem, and Node prints no warning about it', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(formatted('? [a, b]\n: 1\n')).toEqual([
        expect.stringMatching(new RegExp(`^${FILE}:1 \\(file\\): a map key must be a name, not a list, map or alias`)),
      ]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test('a bad file among good ones: every file is reported, the good ones valid', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-hostile-'));
    try {
      fs.writeFileSync(path.join(dir, 'xx-bomb.yaml'), billionLaughs());
      fs.writeFileSync(path.join(dir, 'xx-deep.yaml'), `a: ${'['.repeat(100000)}\n`);
      fs.writeFileSync(path.join(dir, 'xx-minimal.yaml'), fixtureText());
      const checks = checkCatalogue(dir);
      expect(checks.map((c) => [path.basename(c.file), c.problems.length > 0, c.site !== undefined])).toEqual([
        ['xx-bomb.yaml', true, false],
        ['xx-deep.yaml', true, false],
        ['xx-minimal.yaml', false, true],
      ]);
      for (const p of checks.flatMap((c) => c.problems)) expect(p.line).toBeGreaterThanOrEqual(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('duplicate keys', () => {
  test('a duplicate key names its path and key, and the line of the first one', () => {
    const text = fixtureText().replace('    kind: startup\n', '    kind: startup\n    kind: sme\n');
    expect(formatted(text)).toEqual([
      `${FILE}:${lineOf(text, 'kind: sme')} tenants.acme.kind: the key kind appears twice in the same map (first at line ${lineOf(text, 'kind: startup')}), and YAML keeps only one, got "kind"; keep one kind: entry, merging what the two hold`,
    ]);
  });

  test('a top-level section given twice is named', () => {
    const text = `${fixtureText()}tenants:\n  beta: { kind: sme, oidcGroups: {} }\n`;
    expect(formatted(text)).toEqual([expect.stringMatching(new RegExp(`^${FILE}:${lineOf(text, 'beta:') - 1} tenants: the key tenants appears twice`))]);
  });

  test('keys that read the same ("1" and 1) are duplicates too', () => {
    expect(formatted('storageTiers:\n  "1": {}\n  1: {}\n')).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:3 storageTiers\\.1: the key 1 appears twice`)),
    ]);
  });
});

describe('values echoed in messages', () => {
  test('a 5 MB string is cut to a readable length and says how long it was', () => {
    expect(renderValue('x'.repeat(5_000_000))).toBe(`"${'x'.repeat(ECHO_LIMITS.value - 3)}..." (5,000,000 characters)`);
  });

  test('every message about a huge value or key stays one readable line', () => {
    const huge = 'z'.repeat(200_000);
    const text = fixtureText({ country: huge, tenants: { [huge]: { kind: 'sme', oidcGroups: {} } }, gpuPools: { h100: { accelerator: huge } } });
    const problems = formatted(text);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    for (const p of problems) expect(p.length).toBeLessThan(1500);
    expect(problems.join('\n')).toContain('(200,000 characters)');
  });

  test('numbers JSON cannot write are echoed as they are', () => {
    expect(renderValue(Number.NaN)).toBe('NaN');
    expect(renderValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(renderValue(loop)).toBe('a value that contains itself');
  });
});
