/**
 * A one-site check reads the other files of the catalogue for what the site may not share
 * (its id, its clusters), and parses only those that can declare one of its strings: a file
 * that writes the same context or id through a YAML escape is still parsed and found.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkCatalogue } from '../../site-model/loader';
import { formatProblem } from '../../site-model/problems';
import { fixtureText } from '../helpers';

describe('one site checked against the others', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-cross-one-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const second = (text: string) => fs.writeFileSync(path.join(dir, 'xx-second.yaml'), text);
  const problems = () => checkCatalogue(dir, 'xx-minimal').flatMap((c) => c.problems.map(formatProblem));

  test.each([
    ['plain', 'context: minimal'],
    ['double-quoted with an escape', 'context: "minim\\x61l"'],
    ['single-quoted', "context: 'minimal'"],
  ])('a context written %s in another file is the same cluster', (_how, line) => {
    fs.writeFileSync(path.join(dir, 'xx-minimal.yaml'), fixtureText());
    second(fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }).replace(/context: second/, line));
    expect(problems()).toEqual([
      expect.stringMatching(/xx-minimal\.yaml:\d+ clusters\.main\.context: targets the same cluster .* as clusters\.main of .*xx-second\.yaml:\d+/),
    ]);
  });

  test('an id written through an escape in another file is the same id', () => {
    fs.writeFileSync(path.join(dir, 'xx-minimal.yaml'), fixtureText());
    second(fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }).replace(/^id: xx-second$/m, 'id: "xx-minim\\u0061l"'));
    expect(problems()).toEqual([expect.stringMatching(/xx-minimal\.yaml:\d+ id: is also the id of .*xx-second\.yaml:\d+/)]);
  });

  test('a file that shares nothing adds no problem, and one that does not parse is its own run’s problem', () => {
    fs.writeFileSync(path.join(dir, 'xx-minimal.yaml'), fixtureText());
    second('id: [unclosed\n');
    expect(problems()).toEqual([]);
    second(fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }));
    expect(problems()).toEqual([]);
  });
});
