/**
 * The images the Kueue chart (`kueue` 0.19.2) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * Repositories and tags are those of the published chart: its release process rewrites the
 * staging images of the repository to registry.k8s.io/kueue/*:v0.19.2.
 *
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Kueue chart 0.19.2, as data.
 *
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/values.yaml
 */
export const KUEUE_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['kubernetes-sigs/kueue @ v0.19.2 (8eab68778fc1) : charts/kueue/values.yaml'],
  values: {
    controllerManager: {
      manager: {
        image: {
          repository: 'registry.k8s.io/kueue/kueue',
          tag: 'v0.19.2',
        },
      },
    },
    kueueViz: {
      backend: {
        image: {
          repository: 'registry.k8s.io/kueue/kueueviz-backend',
          tag: 'v0.19.2',
        },
      },
      frontend: {
        image: {
          repository: 'registry.k8s.io/kueue/kueueviz-frontend',
          tag: 'v0.19.2',
        },
      },
    },
  },
  switches: [
    {
      anyOf: {
        enableKueueViz: false,
      },
      images: ['kueueViz'],
      source: 'values.yaml enableKueueViz',
    },
  ],
};
