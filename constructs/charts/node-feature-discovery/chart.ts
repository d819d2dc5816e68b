/**
 * The Node Feature Discovery chart: its pin and its mirror specification.
 *
 * @see https://kubernetes-sigs.github.io/node-feature-discovery/v0.19/deployment/helm.html
 */
import { pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { NODE_FEATURE_DISCOVERY_DEFAULT_IMAGES } from './default-images';

/**
 * The Node Feature Discovery chart (`node-feature-discovery` 0.19.0): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://kubernetes-sigs.github.io/node-feature-discovery/v0.19/deployment/helm.html
 */
export const NODE_FEATURE_DISCOVERY_CHART: ChartDefinition = {
  ref: {
    chart: 'node-feature-discovery',
    repository: 'oci://registry.k8s.io/nfd/charts',
    version: '0.19.0',
    namespace: 'node-feature-discovery',
    source: 'kubernetes-sigs/node-feature-discovery @ v0.19.0 (45d276ed9d3f) : deployment/helm/node-feature-discovery',
    kubeVersion: null,
  },
  mirror: {
    images: [referenceImage('image.repository', 'registry.k8s.io/nfd/node-feature-discovery')],
    pullSecrets: [pullSecretRefs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: NODE_FEATURE_DISCOVERY_DEFAULT_IMAGES,
};
