import { deepMerge, getPath, setPath, toJsonObject } from '../../../constructs/charts/json';

describe('deepMerge', () => {
  it('merges maps and replaces lists and scalars, like Helm', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3], e: true }, d: 'y' })).toEqual({ a: { b: 1, c: [3], e: true }, d: 'y' });
  });

  it('does not modify its inputs', () => {
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { c: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});

describe('paths', () => {
  it('reads and writes dotted paths', () => {
    const obj = setPath({ a: { keep: 1 } }, 'a.b.c', 'v');
    expect(obj).toEqual({ a: { keep: 1, b: { c: 'v' } } });
    expect(getPath(obj, 'a.b.c')).toBe('v');
    expect(getPath(obj, 'a.keep.x')).toBeUndefined();
  });
});

describe('toJsonObject', () => {
  it('drops undefined fields', () => {
    expect(toJsonObject({ a: undefined, b: { c: undefined, d: 1 } })).toEqual({ b: { d: 1 } });
  });

  it('rejects values JSON cannot hold, naming the path', () => {
    expect(() => toJsonObject({ a: [{ b: () => 1 }] })).toThrow('a[0].b: a function is not plain data; Helm values must be JSON');
    expect(() => toJsonObject({ a: Infinity })).toThrow('a: Infinity is not a finite number');
  });
});
