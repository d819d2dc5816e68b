import type { TerraformProvider } from 'cdktf';

/**
 * The Kubernetes cluster a construct deploys to: the providers a stack configured for it.
 * Constructs receive this and pass the providers to every resource, so a site with several
 * clusters places each resource explicitly.
 */
export interface ClusterTarget {
  /** Cluster name from the site file. */
  readonly name: string;
  /** Provider for `kubernetes_*` resources. */
  readonly kubernetes: TerraformProvider;
  /** Provider for `helm_release` resources. */
  readonly helm: TerraformProvider;
}
