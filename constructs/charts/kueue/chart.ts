/**
 * The Kueue chart: its pin and its mirror specification.
 *
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/values.yaml
 */
import { pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { KUEUE_DEFAULT_IMAGES } from './default-images';

/**
 * The Kueue chart (`kueue` 0.19.2): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from. The defaults
 * are the published chart's: its in-repo staging images are rewritten to registry.k8s.io at
 * packaging.
 *
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/values.yaml
 */
export const KUEUE_CHART: ChartDefinition = {
  ref: {
    chart: 'kueue',
    repository: 'oci://registry.k8s.io/kueue/charts',
    version: '0.19.2',
    namespace: 'kueue-system',
    source: 'kubernetes-sigs/kueue @ v0.19.2 (8eab68778fc1) : charts/kueue',
    kubeVersion: null,
  },
  mirror: {
    images: [
      referenceImage('controllerManager.manager.image.repository', 'registry.k8s.io/kueue/kueue'),
      referenceImage('kueueViz.backend.image.repository', 'registry.k8s.io/kueue/kueueviz-backend'),
      referenceImage('kueueViz.frontend.image.repository', 'registry.k8s.io/kueue/kueueviz-frontend'),
    ],
    pullSecrets: [
      pullSecretRefs('controllerManager.imagePullSecrets'),
      pullSecretRefs('kueueViz.backend.imagePullSecrets'),
      pullSecretRefs('kueueViz.frontend.imagePullSecrets'),
    ],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: KUEUE_DEFAULT_IMAGES,
};
