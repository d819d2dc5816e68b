/**
 * Kubernetes and Helm providers for each cluster of a site. Constructs never create
 * providers; stacks make them here and hand each construct the pair for its cluster.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { Construct } from 'constructs';
import type { ClusterTarget } from '../constructs/core/cluster-target';
import type { SiteSpec } from '../site-model/schema';

/**
 * One provider pair per cluster. A single-cluster site gets default (unaliased) providers;
 * with several clusters every provider is aliased by cluster name, so no resource can land
 * on a cluster by accident.
 */
export function configureProviders(stack: Construct, spec: SiteSpec): ClusterTarget[] {
  const entries = Object.entries(spec.clusters);
  const aliased = entries.length > 1;
  return entries.map(([name, cluster]) => {
    const id = aliased ? `-${name}` : '';
    const alias = aliased ? { alias: name } : {};
    const kubernetes = new KubernetesProvider(stack, `Kubernetes${id}`, {
      ...alias,
      configPath: cluster.kubeconfigPath,
      configContext: cluster.context,
    });
    const helm = new HelmProvider(stack, `Helm${id}`, {
      ...alias,
      kubernetes: { configPath: cluster.kubeconfigPath, configContext: cluster.context },
    });
    return { name, kubernetes, helm };
  });
}
