/**
 * Rules of the site as a whole: state backend and assumptions. (Policy suppressions are
 * checked by the schema for their form, and against the built stacks for what they name.)
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
}
