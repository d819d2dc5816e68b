/**
 * The synth's fast paths against what they stand in for, on random data: the values YAML
 * writer against the `yaml` package's `stringify` with the same options, `jsonCopy` against
 * the JSON round trip, and the resolve that skips plain data against cdktf's own resolve, with
 * tokens of every kind mixed into the data. Each must give the same text or data to the byte;
 * a `yaml` or cdktf upgrade that changes what they write fails here.
 */
import { Fn, TerraformLocal, TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { jsonCopy, type JsonObject } from '../../../constructs/charts/json';
import { valuesYaml } from '../../../constructs/charts/pinned-chart';
import { synthesizedStack } from '../../../constructs/charts/stack-file';
import { memoryApp } from '../../../stacks/synth';

/** Strings YAML treats specially, mixed into random text. */
const TRICKY = [
  '',
  ' ',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  '~',
  'null',
  'true',
  '0x1F',
  '0o17',
  '1e3',
  '.inf',
  '-.5',
  '12:30:00',
  '2026-12-01',
  '<<',
  '- item',
  'key: value',
  '# comment',
  '&anchor',
  '*alias',
  '!tag',
  '%YAML',
  '---',
  '...',
  '@at',
  '`tick',
  '"quoted"',
  "'single'",
  'a\nb',
  'trailing \n',
  '\n leading',
  'tab\there',
  'line\n\n\nend\n\n',
  '{flow}',
  '[list]',
  'x'.repeat(200),
  '\u00e9\u4e2d\ud83d\ude00',
];

const text = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii' }) },
  fc.constantFrom(...TRICKY),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e21, 1e-7, 0.1));

/** Plain JSON data with tricky strings for keys and values. */
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('valuesYaml', () => {
  const options = { version: '1.1', blockQuote: 'literal', lineWidth: 0 } as const;

  test("writes what yaml's stringify writes with the same options, for any map of JSON data", () => {
    fc.assert(
      fc.property(fc.dictionary(text, json, { maxKeys: 6 }), (values) => {
        expect(valuesYaml(values as JsonObject)).toBe(stringify(values, options));
      }),
      { numRuns: 400 },
    );
  });

  test('and for the shapes Helm values take: nested maps, lists of maps, empty collections, multi-line scripts', () => {
    const values = {
      image: { repository: 'registry.example.eu/x', tag: 'v1.2.3' },
      empty: {},
      none: [],
      list: [{ name: 'a', args: ['--x', '-y'] }, [], {}, [1, [2, [3]]]],
      script: '#!/bin/sh\nset -eu\necho "${X}"\n',
      yes: 'no',
      '<<': { merge: true },
    };
    expect(valuesYaml(values)).toBe(stringify(values, options));
  });
});

describe('jsonCopy', () => {
  test('gives what JSON.parse(JSON.stringify(v)) gives', () => {
    const withHoles = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        json,
        fc.constantFrom(undefined, NaN, Infinity, -0),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(text, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(withHoles, (v) => {
        if (v === undefined) return;
        expect(jsonCopy(v)).toStrictEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 400 },
    );
  });
});

/** A leaf of the resolve test's data: plain, or a token of some kind made from the stack's source locals. */
type Leaf =
  | { readonly plain: unknown }
  | { readonly token: 'string' | 'number' | 'list' | 'join' | 'embedded' | 'map'; readonly text: string }
  | { readonly undefined: true };

const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  { weight: 4, arbitrary: json.map((plain) => ({ plain })) },
  fc.record({ token: fc.constantFrom('string', 'number', 'list', 'join', 'embedded', 'map'), text }),
  fc.constant({ undefined: true as const }),
);

type Tree = Leaf | { readonly list: Tree[] } | { readonly map: [string | { tokenKey: string }, Tree][] };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('tree'), { maxLength: 4 }).map((list) => ({ list })),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            { weight: 5, arbitrary: text },
            text.map((tokenKey) => ({ tokenKey })),
          ),
          tie('tree'),
        ),
        { maxLength: 4 },
      )
      .map((map) => ({ map })),
  ),
})).tree;

describe('the resolve that skips plain data (constructs/charts/stack-file.ts)', () => {
  test("resolves a stack's data to what cdktf's own resolve gives, tokens of every kind included", () => {
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), (trees) => {
        const stack = new TerraformStack(memoryApp(), 'fast-path');
        const str = new TerraformLocal(stack, 'str', 'x').asString;
        const num = new TerraformLocal(stack, 'num', 1).asNumber;
        const list = new TerraformLocal(stack, 'list', ['a']).asList;
        const map = new TerraformLocal(stack, 'map', { k: 'v' }).asAnyMap;
        const build = (t: Tree): unknown => {
          if ('plain' in t) return t.plain;
          if ('undefined' in t) return undefined;
          if ('list' in t) return t.list.map(build);
          if ('map' in t) {
            return Object.fromEntries(t.map.map(([k, v]) => [typeof k === 'string' ? k : `${k.tokenKey}${str}`, build(v)]));
          }
          switch (t.token) {
            case 'string':
              return str;
            case 'number':
              return num;
            case 'list':
              return list;
            case 'join':
              return Fn.join(',', list);
            case 'embedded':
              return `${t.text}${str}${t.text}${num}`;
            case 'map':
              return map;
          }
        };
        trees.forEach((t, i) => new TerraformLocal(stack, `local${i}`, build(t)));
        // cdktf's own resolve (Testing.synth calls the stack's toTerraform), then the fast path.
        const own = JSON.parse(Testing.synth(stack)) as unknown;
        expect(synthesizedStack(stack)).toEqual(own);
      }),
      { numRuns: 150 },
    );
  });
});
