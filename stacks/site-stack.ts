import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterTarget } from '../constructs/core/cluster-target';
import type { SiteModel } from '../site-model/resolve';
import { configureBackend } from './backend';
import { clusterScopedId, singleClusterIdV01 } from './ids';
import { configureProviders } from './providers';
import { addUpgradeMoves } from './upgrade-moves';

/** Layers of a site, deployed in this order. */
export const LAYERS = ['platform', 'workloads'] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * Name of a site's stack for a layer: `<site-id>-<layer>`, or `<site-id>-<cell>-<layer>` for a
 * cell's (each cell has its own stacks and state, so cells deploy in parallel).
 */
export function stackName(siteId: string, layer: Layer, cell?: string): string {
  return cell === undefined ? `${siteId}-${layer}` : `${siteId}-${cell}-${layer}`;
}

/** Every stack of a site in deploy order: its own, then each cell's; a platform before its workloads. */
export function siteStackNames(site: Pick<SiteModel, 'spec' | 'cells'>, layers: readonly Layer[] = LAYERS): string[] {
  return [undefined, ...site.cells.map((c) => c.name)].flatMap((cell) => layers.map((layer) => stackName(site.spec.id, layer, cell)));
}

/** The Terraform versions every stack accepts: `moved` blocks are new in Terraform 1.5. */
export const MINIMUM_TERRAFORM = '>= 1.5.0';

/**
 * A stack of one site layer: owns the backend and the per-cluster providers. Subclasses
 * map model fields to construct props; constructs never see the site model.
 */
export abstract class SiteStack extends TerraformStack {
  /** Providers of every cluster of the site, in site-file order. */
  readonly targets: readonly ClusterTarget[];
  /** 0.1 ids of the top-level constructs whose ids changed in 0.2 (see upgrade-moves.ts). */
  private readonly legacyIds = new Map<string, string>();

  /**
   * @param site the site, or for a cell the cell's model (CellModel.site)
   * @param cell the cell these stacks deploy @default - the site's own stacks
   */
  protected constructor(
    scope: Construct,
    readonly site: SiteModel,
    readonly layer: Layer,
    readonly cell?: string,
  ) {
    super(scope, stackName(site.spec.id, layer, cell));
    configureBackend(this, site.spec, stackName(site.spec.id, layer, cell));
    // `moved` blocks (upgrade-moves.ts) need Terraform 1.5; Terraform itself refuses an older
    // version where it runs (the synth skips cdktf's check, which ran `terraform version` per stack).
    this.addOverride('terraform.required_version', MINIMUM_TERRAFORM);
    this.targets = configureProviders(this, site.clusters);
  }

  /**
   * Construct id of cluster `cluster`'s instance of `kind` (e.g. `Tenant-main-acme`); see
   * {@link clusterScopedId}. Ids of the site's first cluster also record their 0.1 form, so
   * that sites deployed as single-cluster sites upgrade by `moved` blocks.
   */
  clusterScopedId(kind: string, cluster: string, name?: string): string {
    const id = clusterScopedId(kind, cluster, name);
    // Cells are new in 0.3: their stacks had no 0.1 form to move from.
    if (this.cell === undefined && cluster === this.site.clusters[0].name) this.legacyIds.set(id, singleClusterIdV01(kind, name));
    return id;
  }

  /** Adds the `moved` blocks from 0.1 addresses; call once every construct is added. */
  addUpgradeMoves(): void {
    addUpgradeMoves(this, this.legacyIds);
  }

  /** The providers of cluster `name`. */
  target(name: string): ClusterTarget {
    const found = this.targets.find((t) => t.name === name);
    if (!found) throw new Error(`${this.node.id}: no cluster named ${name}`);
    return found;
  }
}
