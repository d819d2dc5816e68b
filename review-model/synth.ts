/**
 * Synthesizes a site in memory for its review: its stacks (as `cdktf synth` would write them,
 * policy pack included), a {@link SiteSnapshot} of them, and each resource as the policy rules
 * see it. The only cdktf-specific code of the review.
 *
 * @see https://developer.hashicorp.com/terraform/cdktf/test/unit-tests
 */
import { TerraformResource, type TerraformStack } from 'cdktf';
import { synthesizedStack } from '../constructs/charts/stack-file';
import type { Finding } from '../constructs/policies/pack';
import type { ResourceView } from '../constructs/policies/rule';
import type { SiteModel } from '../site-model/resolve';
import { addSiteStacks, checkSitePolicies, type SiteStacks } from '../stacks/site';
import { memoryApp, withoutTokenTraces } from '../stacks/synth';
import { deployOrder, type SiteSnapshot, type TerraformJson } from './snapshot';

/** A site built and synthesized in memory. */
export interface BuiltSite {
  readonly stacks: SiteStacks;
  readonly snapshot: SiteSnapshot;
  /** Every resource with its construct and configuration, by Terraform address, per stack name. */
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, ResourceView>>;
  /** The policy pack's findings, suppressed ones included. */
  readonly findings: readonly Finding[];
}

/** The model as plain JSON: what a tree's own code writes for a snapshot (no source, no classes). */
export function modelJson(site: SiteModel): unknown {
  const { source: _source, ...rest } = site;
  return JSON.parse(JSON.stringify(rest)) as unknown;
}

function resourceViews(stack: TerraformStack, json: TerraformJson): Map<string, ResourceView> {
  const out = new Map<string, ResourceView>();
  for (const c of stack.node.findAll()) {
    if (!TerraformResource.isTerraformResource(c)) continue;
    const name = stack.getLogicalId(c);
    out.set(`${c.terraformResourceType}.${name}`, {
      type: c.terraformResourceType,
      path: c.node.path,
      construct: c,
      config: json.resource?.[c.terraformResourceType]?.[name] ?? {},
    });
  }
  return out;
}

/** Builds and synthesizes every stack of a site in memory; throws what building throws. */
export function synthesizeSite(site: SiteModel): BuiltSite {
  // As a synth: no cdktf token stack traces unless AIF_DEBUG=1 (a tenth of the CPU).
  return withoutTokenTraces(() => synthesizeTraced(site));
}

function synthesizeTraced(site: SiteModel): BuiltSite {
  const stacks = addSiteStacks(memoryApp(), site);
  const built = stacks.all.map((stack) => ({
    stack,
    name: stack.node.id,
    dependencies: stack.dependencies.map((d) => d.node.id),
    json: synthesizedStack(stack),
  }));
  const ordered = deployOrder(built);
  return {
    stacks,
    snapshot: { site: site.spec.id, model: modelJson(site), stacks: ordered.map(({ name, dependencies, json }) => ({ name, dependencies, json })) },
    resources: new Map(ordered.map((b) => [b.name, resourceViews(b.stack, b.json)])),
    findings: checkSitePolicies(stacks),
  };
}
