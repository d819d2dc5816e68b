/**
 * Terraform `moved` blocks that carry sites deployed with ai-factory-cdk 0.1 over to the
 * stable construct ids of 0.2 without destroying anything (see UPGRADE.md); and, since 0.3, a
 * cluster's Kueue queues over to its MultiKueue manager when the cluster is split into cells.
 *
 * In 0.1 a single-cluster site's per-cluster constructs had no cluster in their ids
 * (`Tenant-acme`); since 0.2 they always do (`Tenant-main-acme`). Each resource under such a
 * construct gets a `moved` block from its 0.1 address. Terraform ignores a `moved` block
 * whose source is not in state, so the blocks are harmless on new sites, and on sites that
 * had several clusters in 0.1 (whose ids already had the cluster).
 *
 * @see https://developer.hashicorp.com/terraform/language/modules/develop/refactoring#moved-block-syntax
 */
import { TerraformResource, type TerraformStack } from 'cdktf';
// The logical-id algorithm of cdktf's default addressing scheme; Terraform addresses in
// every deployed state depend on it, so it is as stable as cdktf itself.
import { makeUniqueId } from 'cdktf/lib/private/unique';

/**
 * Adds a `moved` block to every resource below a top-level construct of `stack` that had
 * another id before (in 0.1, or before its cluster had cells).
 * @param legacyIds earlier id of each top-level construct id that changed
 */
export function addUpgradeMoves(stack: TerraformStack, legacyIds: ReadonlyMap<string, string>): void {
  if (legacyIds.size === 0) return;
  for (const construct of stack.node.findAll()) {
    if (!(construct instanceof TerraformResource)) continue;
    const components = construct.node.scopes.slice(construct.node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
    const legacy = legacyIds.get(components[0]);
    if (legacy === undefined) continue;
    construct.moveFromId(`${construct.terraformResourceType}.${makeUniqueId([legacy, ...components.slice(1)])}`);
  }
}
