/**
 * Rules of the site as a whole: state backend, assumptions, and the provenance of hardware
 * figures. (Policy suppressions are checked by the schema for their form, and against the
 * built stacks for what they name.)
 */
import type { RuleContext } from './context';

function hasPath(raw: unknown, dotted: string): boolean {
  let current: unknown = raw;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !(key in current)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}

/** Checks the site-wide sections of a site file. */
export function siteWideRules(ctx: RuleContext): void {
  const { spec, raw } = ctx;
  if (spec.state?.backend === 'local' && spec.development !== true) {
    ctx.add(['state', 'backend'], 'local state is only allowed on a development site', 'local', 'use s3, kubernetes or pg, or set development: true');
  }
  for (const key of Object.keys(spec.assumptions ?? {})) {
    if (!hasPath(raw, key))
      ctx.add(['assumptions', key], 'names a field that the file does not have', key, 'use the dotted path of an existing field, e.g. gpuPools.main.nodes');
  }
  provenanceRules(ctx);
}

/** The hardware figures of a pool that a site citing its sources must source or assume. */
export const HARDWARE_FIELDS = ['accelerator', 'nodes', 'acceleratorsPerNode'] as const;

/** A comment that sources the value on its line: a URL, or `fact` and where it is stated. */
const SOURCED = /https?:\/\/|^\s*fact\b/;

/**
 * No hardware figure is presented as fact without a source: in a site that lists `sources:`
 * (every catalogue site does, and so does a copy of one), each pool's accelerator, node count
 * and accelerators per node carries its source in a comment on its line, or is listed under
 * `assumptions` (the field, its pool, or `gpuPools`). A warning, not an error: the file
 * still describes deployable hardware, but a reader would take a guess for a published fact.
 * A site that lists no sources describes its operator's own hardware and claims no published
 * facts: the rule does not apply to it.
 */
function provenanceRules(ctx: RuleContext): void {
  const { raw } = ctx;
  const sources = Array.isArray(raw.sources) ? raw.sources : [];
  const assumptions = raw.assumptions && typeof raw.assumptions === 'object' && !Array.isArray(raw.assumptions) ? Object.keys(raw.assumptions) : [];
  if (sources.length === 0) return;
  const pools = raw.gpuPools && typeof raw.gpuPools === 'object' && !Array.isArray(raw.gpuPools) ? (raw.gpuPools as Record<string, unknown>) : {};
  for (const [pool, spec] of Object.entries(pools)) {
    if (!spec || typeof spec !== 'object') continue;
    for (const field of HARDWARE_FIELDS) {
      if (!(field in spec)) continue;
      const sourced = SOURCED.test(ctx.source.commentOf(['gpuPools', pool, field]));
      const assumed = assumptions.some((a) => a === `gpuPools.${pool}.${field}` || a === `gpuPools.${pool}` || a === 'gpuPools');
      if (sourced || assumed) continue;
      ctx.warn(
        ['gpuPools', pool, field],
        'is presented as a fact without a source: this site lists sources, so each hardware figure carries its source in a comment on its line or is listed under assumptions',
        (spec as Record<string, unknown>)[field],
        `add a comment "# https://<source>" (or "# fact: <where it is stated>") after the value, or add assumptions: { gpuPools.${pool}.${field}: <why this value> }`,
      );
    }
  }
}
