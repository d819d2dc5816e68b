/**
 * The images the Node Feature Discovery chart (`node-feature-discovery` 0.19.0) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://kubernetes-sigs.github.io/node-feature-discovery/v0.19/deployment/helm.html
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Node Feature Discovery chart 0.19.0, as data.
 *
 * @see https://kubernetes-sigs.github.io/node-feature-discovery/v0.19/deployment/helm.html
 */
export const NODE_FEATURE_DISCOVERY_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['kubernetes-sigs/node-feature-discovery @ v0.19.0 (45d276ed9d3f) : deployment/helm/node-feature-discovery/values.yaml'],
  values: {
    image: {
      repository: 'registry.k8s.io/nfd/node-feature-discovery',
      tag: null,
    },
  },
  switches: [],
};
