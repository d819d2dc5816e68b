/**
 * `npm run bench`: synth time and resource counts. Speed targets live here, not in tests.
 */
import { Testing } from 'cdktf';
import * as path from 'path';
import { addSiteStacks } from '../stacks/site';
import { loadCatalogue } from '../stacks/spec/loader';

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

function countResources(json: string): number {
  const parsed = JSON.parse(json) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(parsed.resource ?? {}).reduce((n, rs) => n + Object.keys(rs).length, 0);
}

const sitesDir = path.join(__dirname, '..', 'sites');
const load = timed(() => loadCatalogue(sitesDir));
console.log(`load+validate ${load.value.length} site files: ${load.ms.toFixed(0)} ms`);

let total = 0;
const rows: string[] = [];
const all = timed(() => {
  for (const spec of load.value) {
    const app = Testing.app();
    const stacks = addSiteStacks(app, spec);
    const counts = [stacks.platform, stacks.workloads].map((s) => countResources(Testing.synth(s)));
    total += counts[0] + counts[1];
    rows.push(`  ${spec.id.padEnd(28)} platform ${String(counts[0]).padStart(4)}  workloads ${String(counts[1]).padStart(4)}`);
  }
});
console.log(rows.join('\n'));
console.log(`synth catalogue: ${all.ms.toFixed(0)} ms for ${total} resources (${(all.ms / Math.max(total, 1)).toFixed(2)} ms/resource)`);
