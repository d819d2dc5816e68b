import { Aspects } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { PolicyPack, suppressPolicy } from '../constructs/policies/pack';
import { SiteValidationError, type SiteProblem } from '../site-model/problems';
import type { SiteModel } from '../site-model/resolve';
import type { GpuNodePool } from '../constructs/gpu/gpu-node-pool';
import { PlatformStack } from './platform-stack';
import { WorkloadsStack } from './workloads-stack';

/** The stacks of one cell of a site. */
export interface CellStacks {
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
}

/** The stacks of one site, in deployment order, and the policy pack that checks them. */
export interface SiteStacks {
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
  /** Each cell's stacks, keyed by cell name; empty when no cluster has cells. */
  readonly cells: Readonly<Record<string, CellStacks>>;
  /** Every stack of the site: its own two, then each cell's two. */
  readonly all: readonly (PlatformStack | WorkloadsStack)[];
  readonly policies: PolicyPack;
}

/**
 * Adds every stack of a site to the app, with the policy pack applied to each. Throws a
 * SiteValidationError when a policy suppression of the site file names no construct.
 */
export function addSiteStacks(app: Construct, site: SiteModel): SiteStacks {
  // Cells first: the manager's MultiKueue reads their pools' resource names (no Terraform
  // reference, so no cell waits on the manager, nor the manager on a cell).
  const cells: Record<string, CellStacks> = {};
  const cellPools: Record<string, GpuNodePool> = {};
  for (const cell of site.cells) {
    const cellPlatform = new PlatformStack(app, cell.site, cell.name);
    cells[cell.name] = { platform: cellPlatform, workloads: new WorkloadsStack(app, cell.site, cellPlatform, cell.name) };
    for (const [name, pool] of Object.entries(cellPlatform.pools)) cellPools[name] ??= pool;
  }
  const platform = new PlatformStack(app, site);
  const workloads = new WorkloadsStack(app, site, platform, undefined, cellPools);
  for (const stack of [platform, workloads]) stack.addUpgradeMoves();
  const all = [platform, workloads, ...Object.values(cells).flatMap((c) => [c.platform, c.workloads])];
  const policies = new PolicyPack({
    imageRegistry: site.mirror?.imageRegistry,
    chartRepository: site.mirror?.chartRepository,
  });
  for (const stack of all) Aspects.of(stack).add(policies);
  const problems = applySiteSuppressions(site, { platform, workloads });
  if (problems.length > 0) throw new SiteValidationError(problems);
  return { platform, workloads, cells, all, policies };
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
  return stacks.all.flatMap((s) => stacks.policies.check(s));
}
