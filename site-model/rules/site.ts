/** Rules of the site as a whole: state backend, assumptions and policy suppressions. */
import type { RuleContext } from './context';

/** Layers a policy suppression path can start with: the stacks of a site. */
export const SUPPRESSION_LAYERS = ['platform', 'workloads'] as const;

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
    if (!hasPath(raw, key)) ctx.add(['assumptions', key], 'names a field that the file does not have', key, 'use the dotted path of an existing field, e.g. gpuPools.main.nodes');
  }
  // Whether the rest of a suppression path names a construct is only known once the
  // stacks are built (see stacks/site.ts); the layer can be checked here, with the rest.
  for (const [ruleId, byPath] of Object.entries(spec.policySuppressions ?? {})) {
    for (const constructPath of Object.keys(byPath ?? {})) {
      const layer = constructPath.split('/')[0];
      if (!(SUPPRESSION_LAYERS as readonly string[]).includes(layer)) {
        ctx.problems.push(
          ctx.source.problem(
            ['policySuppressions', ruleId, constructPath],
            `must start with the layer of a stack (${SUPPRESSION_LAYERS.join(' or ')})`,
            constructPath,
            'use a path printed in a finding, without the site id prefix (e.g. workloads/Tenant-main-acme/Namespace)',
            true,
          ),
        );
      }
    }
  }
}
