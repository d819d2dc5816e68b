import type { Construct } from 'constructs';
import { PlatformStack } from './platform-stack';
import type { SiteSpec } from './spec/schema';
import { WorkloadsStack } from './workloads-stack';

/** The stacks of one site, in deployment order. */
export interface SiteStacks {
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
}

/** Adds every stack of a site to the app. */
export function addSiteStacks(app: Construct, spec: SiteSpec): SiteStacks {
  const platform = new PlatformStack(app, spec);
  const workloads = new WorkloadsStack(app, spec, platform);
  return { platform, workloads };
}
