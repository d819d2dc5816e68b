import { deepMerge, type JsonObject } from './json';
import type { ChartId } from './registry';
import type { PinnedChart } from './pinned-chart';

/**
 * Makes part of a release's Helm values lazy: `produce` runs at synth time and its result
 * is merged over the chart's values (maps merge, lists replace), so entries that other
 * constructs add after the chart was created (a tier's Ceph pool, a lab's bucket) still
 * reach Helm. The values keep the chart's YAML form (`valuesYaml`), in its values file; `produce` must not return images,
 * since the mirror rewrite already ran on `chart.values`.
 *
 * @see https://developer.hashicorp.com/terraform/cdktf/concepts/tokens
 */
export function renderValuesLazily<C extends ChartId>(chart: PinnedChart<C>, produce: () => JsonObject): void {
  chart.produceValuesAtSynth(() => deepMerge(chart.values, produce()));
}
