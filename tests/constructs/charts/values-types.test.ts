/**
 * Every property path of the typed values interfaces must be a real key of its pinned chart:
 * walks `ChartValues[chart]` with the TypeScript compiler, builds a sample with every field
 * set, and runs it through the key index.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { CHART_IDS } from '../../../constructs/charts/registry';
import { unknownChartKeys } from './chart-keys';

const INDEX = path.join(__dirname, '..', '..', '..', 'constructs', 'charts', 'values.ts');

function sampleOf(checker: ts.TypeChecker, type: ts.Type, depth: number): unknown {
  if (depth > 10) return 'x';
  let t = checker.getNonNullableType(type);
  if (t.isUnion()) {
    const objects = t.types.filter((x) => (x.flags & ts.TypeFlags.Object) !== 0);
    if (objects.length === 0) return 'x';
    t = objects[0];
  }
  if (checker.isArrayType(t) || t.symbol?.name === 'ReadonlyArray') {
    const element = (t as ts.TypeReference).typeArguments?.[0];
    return element ? [sampleOf(checker, element, depth + 1)] : [];
  }
  if ((t.flags & ts.TypeFlags.Object) !== 0) {
    // Records and JsonObject are user-named or passthrough maps.
    if (checker.getIndexInfosOfType(t).length > 0) return {};
    return Object.fromEntries(checker.getPropertiesOfType(t).map((p) => [p.name, sampleOf(checker, checker.getTypeOfSymbol(p), depth + 1)]));
  }
  return 'x';
}

describe('typed values', () => {
  const program = ts.createProgram([INDEX], { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(INDEX);
  let chartValues: ts.Type | undefined;
  if (source) {
    ts.forEachChild(source, (node) => {
      if (ts.isInterfaceDeclaration(node) && node.name.text === 'ChartValues') chartValues = checker.getTypeAtLocation(node);
    });
  }

  it('finds the ChartValues map', () => {
    expect(chartValues).not.toBeUndefined();
  });

  it.each(CHART_IDS)('%s: every field of the values interface is a real key of the chart', (chart) => {
    const prop = chartValues && checker.getPropertyOfType(chartValues, chart);
    expect(prop).not.toBeUndefined();
    const sample = prop ? sampleOf(checker, checker.getTypeOfSymbol(prop), 0) : {};
    expect(typeof sample).toBe('object');
    expect(unknownChartKeys(chart, sample as object)).toEqual([]);
  });
});
