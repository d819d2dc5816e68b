import { Aspects } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { PolicyPack, suppressPolicy } from '../constructs/policies/pack';
import { SiteValidationError, type SiteProblem } from '../site-model/problems';
import { PlatformStack } from './platform-stack';
import type { SiteSpec } from '../site-model/schema';
import { WorkloadsStack } from './workloads-stack';

/** The stacks of one site, in deployment order, and the policy pack that checks them. */
export interface SiteStacks {
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
  readonly policies: PolicyPack;
}

/** Adds every stack of a site to the app, with the policy pack applied to each. */
export function addSiteStacks(app: Construct, spec: SiteSpec): SiteStacks {
  const platform = new PlatformStack(app, spec);
  const workloads = new WorkloadsStack(app, spec, platform);
  const policies = new PolicyPack({
    imageRegistry: spec.registryMirror?.imageRegistry,
    chartRepository: spec.registryMirror?.chartRepository,
  });
  for (const stack of [platform, workloads]) Aspects.of(stack).add(policies);
  applySiteSuppressions(spec, { platform, workloads });
  return { platform, workloads, policies };
}

/**
 * Applies the site file's `policySuppressions`. A path names a construct below a layer's
 * stack, e.g. `workloads/Tenant-acme/Namespace`; one that names nothing is an error, so a
 * suppression can never silently outlive what it was written for.
 */
function applySiteSuppressions(spec: SiteSpec, stacks: { platform: Construct; workloads: Construct }): void {
  const problems: SiteProblem[] = [];
  for (const [ruleId, byPath] of Object.entries(spec.policySuppressions)) {
    for (const [constructPath, reason] of Object.entries(byPath ?? {})) {
      const [layer, ...rest] = constructPath.split('/');
      let scope: IConstruct | undefined = stacks[layer as 'platform' | 'workloads'];
      for (const id of rest) scope = scope?.node.tryFindChild(id);
      if (scope) {
        suppressPolicy(scope, ruleId, reason);
        continue;
      }
      problems.push({
        file: `sites/${spec.id}.yaml`,
        line: 1,
        path: `policySuppressions.${ruleId}.${constructPath}`,
        problem: 'names no construct of the site',
        got: JSON.stringify(constructPath),
        fix: 'use a path printed in a finding, without the site id prefix (e.g. workloads/Tenant-acme/Namespace)',
      });
    }
  }
  if (problems.length > 0) throw new SiteValidationError(problems);
}

/** Runs the policy pack on every stack of a site. */
export function checkSitePolicies(stacks: SiteStacks) {
  return [stacks.platform, stacks.workloads].flatMap((s) => stacks.policies.check(s));
}
