import { Aspects } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { PolicyPack, suppressPolicy } from '../constructs/policies/pack';
import { SiteValidationError, type SiteProblem } from '../site-model/problems';
import type { SiteModel } from '../site-model/resolve';
import { PlatformStack } from './platform-stack';
import { WorkloadsStack } from './workloads-stack';

/** The stacks of one site, in deployment order, and the policy pack that checks them. */
export interface SiteStacks {
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
  readonly policies: PolicyPack;
}

/**
 * Adds every stack of a site to the app, with the policy pack applied to each. Throws a
 * SiteValidationError when a policy suppression of the site file names no construct.
 */
export function addSiteStacks(app: Construct, site: SiteModel): SiteStacks {
  const platform = new PlatformStack(app, site);
  const workloads = new WorkloadsStack(app, site, platform);
  for (const stack of [platform, workloads]) stack.addUpgradeMoves();
  const policies = new PolicyPack({
    imageRegistry: site.mirror?.imageRegistry,
    chartRepository: site.mirror?.chartRepository,
  });
  for (const stack of [platform, workloads]) Aspects.of(stack).add(policies);
  const problems = applySiteSuppressions(site, { platform, workloads });
  if (problems.length > 0) throw new SiteValidationError(problems);
  return { platform, workloads, policies };
}

/**
 * Applies the site file's `policySuppressions` and returns the problems: a path names a
 * construct below a layer's stack, e.g. `workloads/Tenant-main-acme/Namespace`; one that
 * names nothing is an error, so a suppression can never silently outlive what it was
 * written for. Problems point at the suppression's line in the site file.
 */
function applySiteSuppressions(site: SiteModel, stacks: { platform: Construct; workloads: Construct }): SiteProblem[] {
  const problems: SiteProblem[] = [];
  for (const [ruleId, byPath] of Object.entries(site.spec.policySuppressions)) {
    for (const [constructPath, reason] of Object.entries(byPath ?? {})) {
      const [layer, ...rest] = constructPath.split('/');
      let scope: IConstruct | undefined = layer === 'platform' || layer === 'workloads' ? stacks[layer] : undefined;
      for (const id of rest) scope = scope?.node.tryFindChild(id);
      if (scope) {
        suppressPolicy(scope, ruleId, reason);
        continue;
      }
      problems.push(
        site.source.problem(
          ['policySuppressions', ruleId, constructPath],
          'names no construct of the site',
          constructPath,
          'use a path printed in a finding, without the site id prefix (e.g. workloads/Tenant-main-acme/Namespace)',
          true,
        ),
      );
    }
  }
  return problems;
}

/** Runs the policy pack on every stack of a site. */
export function checkSitePolicies(stacks: SiteStacks) {
  return [stacks.platform, stacks.workloads].flatMap((s) => stacks.policies.check(s));
}
