import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterTarget } from '../constructs/core/cluster-target';
import { configureBackend } from './backend';
import { configureProviders } from './providers';
import type { SiteSpec } from '../site-model/schema';

/** Layers of a site, deployed in this order. */
export const LAYERS = ['platform', 'workloads'] as const;
export type Layer = (typeof LAYERS)[number];

/** Name of a site's stack for a layer: `<site-id>-<layer>`. */
export function stackName(siteId: string, layer: Layer): string {
  return `${siteId}-${layer}`;
}

/**
 * Construct-id suffix of a cluster's constructs: none on a single-cluster site, so its ids
 * stay short and stable, and `-<cluster>` when a site has several.
 */
export function clusterSuffix(clusterCount: number, cluster: string): string {
  return clusterCount > 1 ? `-${cluster}` : '';
}

/**
 * A stack of one site layer: owns the backend and the per-cluster providers. Subclasses
 * map spec fields to construct props; constructs never see the site spec.
 */
export abstract class SiteStack extends TerraformStack {
  /** Providers of every cluster of the site, in site-file order. */
  readonly targets: readonly ClusterTarget[];

  protected constructor(scope: Construct, readonly spec: SiteSpec, readonly layer: Layer) {
    super(scope, stackName(spec.id, layer));
    configureBackend(this, spec, stackName(spec.id, layer));
    this.targets = configureProviders(this, spec);
  }

  /** Construct-id suffix of cluster `name`'s constructs in this stack. */
  protected suffix(name: string): string {
    return clusterSuffix(this.targets.length, name);
  }

  /** The providers of cluster `name`. */
  protected target(name: string): ClusterTarget {
    const found = this.targets.find((t) => t.name === name);
    if (!found) throw new Error(`${this.node.id}: no cluster named ${name}`);
    return found;
  }

  /** Cluster of a pool: the one it names, else the site's only cluster. */
  protected poolCluster(poolName: string): string {
    return this.spec.gpuPools[poolName].cluster ?? Object.keys(this.spec.clusters)[0];
  }
}
