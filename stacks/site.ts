import { Aspects } from 'cdktf';
import type { Construct } from 'constructs';
import { PolicyPack } from '../constructs/policies/pack';
import { PlatformStack } from './platform-stack';
import type { SiteSpec } from './spec/schema';
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
  return { platform, workloads, policies };
}

/** Runs the policy pack on every stack of a site. */
export function checkSitePolicies(stacks: SiteStacks) {
  return [stacks.platform, stacks.workloads].flatMap((s) => stacks.policies.check(s));
}
