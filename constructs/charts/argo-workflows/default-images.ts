/**
 * The images the Argo Workflows chart (`argo-workflows` 1.0.18) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/argoproj/argo-helm/blob/argo-workflows-1.0.18/charts/argo-workflows/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Argo Workflows chart 1.0.18, as data.
 *
 * @see https://github.com/argoproj/argo-helm/blob/argo-workflows-1.0.18/charts/argo-workflows/values.yaml
 */
export const ARGO_WORKFLOWS_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['argoproj/argo-helm @ argo-workflows-1.0.18 (4f4cc4f96056) : charts/argo-workflows/values.yaml'],
  values: {
    crds: {
      upgradeJob: {
        image: {
          repository: 'registry.k8s.io/kubectl',
          tag: 'v1.36.2',
        },
      },
    },
    controller: {
      image: {
        registry: 'quay.io',
        repository: 'argoproj/workflow-controller',
        tag: '',
      },
    },
    executor: {
      image: {
        registry: 'quay.io',
        repository: 'argoproj/argoexec',
        tag: '',
      },
    },
    server: {
      image: {
        registry: 'quay.io',
        repository: 'argoproj/argocli',
        tag: '',
      },
    },
  },
  switches: [],
};
