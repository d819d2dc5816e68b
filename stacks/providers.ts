/**
 * Kubernetes and Helm providers for each cluster of a site. Constructs never create
 * providers; stacks make them here and hand each construct the pair for its cluster.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { Construct } from 'constructs';
import type { ClusterTarget } from '../constructs/core/cluster-target';
import type { ClusterModel } from '../site-model/resolve';
import { clusterScopedId } from './ids';

/**
 * One provider pair per cluster, aliased by cluster name on every site, so that no resource
 * can land on a cluster by accident and adding a cluster changes nothing of the others.
 */
export function configureProviders(stack: Construct, clusters: readonly ClusterModel[]): ClusterTarget[] {
  return clusters.map((cluster) => {
    const kubernetes = new KubernetesProvider(stack, clusterScopedId('Kubernetes', cluster.name), {
      alias: cluster.name,
      configPath: cluster.kubeconfigPath,
      configContext: cluster.context,
    });
    const helm = new HelmProvider(stack, clusterScopedId('Helm', cluster.name), {
      alias: cluster.name,
      kubernetes: { configPath: cluster.kubeconfigPath, configContext: cluster.context },
    });
    return { name: cluster.name, kubernetes, helm };
  });
}
