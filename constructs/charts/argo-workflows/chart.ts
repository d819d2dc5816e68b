/**
 * The Argo Workflows chart: its pin and its mirror specification.
 *
 * @see https://github.com/argoproj/argo-helm/blob/argo-workflows-1.0.18/charts/argo-workflows/values.yaml
 */
import { pullSecretRefs, referenceImage, registryImage, type ChartDefinition } from '../chart-definition';
import { ARGO_WORKFLOWS_DEFAULT_IMAGES } from './default-images';

/**
 * The Argo Workflows chart (`argo-workflows` 1.0.18): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/argoproj/argo-helm/blob/argo-workflows-1.0.18/charts/argo-workflows/values.yaml
 */
export const ARGO_WORKFLOWS_CHART: ChartDefinition = {
  ref: {
    chart: 'argo-workflows',
    repository: 'https://argoproj.github.io/argo-helm',
    version: '1.0.18',
    namespace: 'argo',
    source: 'argoproj/argo-helm @ argo-workflows-1.0.18 (4f4cc4f96056) : charts/argo-workflows',
    kubeVersion: null,
  },
  mirror: {
    images: [
      referenceImage('crds.upgradeJob.image.repository', 'registry.k8s.io/kubectl'),
      registryImage('controller.image', 'quay.io', 'argoproj/workflow-controller'),
      registryImage('executor.image', 'quay.io', 'argoproj/argoexec'),
      registryImage('server.image', 'quay.io', 'argoproj/argocli'),
    ],
    // Workflow pods pull argoexec under the workflow service account.
    pullSecrets: [
      pullSecretRefs('images.pullSecrets'),
      pullSecretRefs('crds.upgradeJob.imagePullSecrets'),
      pullSecretRefs('workflow.serviceAccount.pullSecrets'),
    ],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: ARGO_WORKFLOWS_DEFAULT_IMAGES,
};
