/**
 * The Zero to JupyterHub chart: its pin and its mirror specification.
 *
 * @see https://github.com/jupyterhub/zero-to-jupyterhub-k8s/blob/4.4.0/jupyterhub/values.yaml
 */
import { optionalReferenceImage, pullSecretNames, referenceImage, type ChartDefinition } from '../chart-definition';
import { JUPYTERHUB_DEFAULT_IMAGES } from './default-images';

/**
 * The Zero to JupyterHub chart (`jupyterhub` 4.4.0): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/jupyterhub/zero-to-jupyterhub-k8s/blob/4.4.0/jupyterhub/values.yaml
 */
export const JUPYTERHUB_CHART: ChartDefinition = {
  ref: {
    chart: 'jupyterhub',
    repository: 'https://hub.jupyter.org/helm-chart/',
    version: '4.4.0',
    namespace: 'jupyterhub',
    source: 'jupyterhub/zero-to-jupyterhub-k8s @ 4.4.0 (5c5f5df75158) : jupyterhub',
    kubeVersion: '>=1.28.0-0',
  },
  mirror: {
    images: [
      referenceImage('hub.image.name', 'quay.io/jupyterhub/k8s-hub'),
      referenceImage('proxy.chp.image.name', 'quay.io/jupyterhub/configurable-http-proxy'),
      referenceImage('proxy.traefik.image.name', 'traefik'),
      referenceImage('proxy.secretSync.image.name', 'quay.io/jupyterhub/k8s-secret-sync'),
      referenceImage('singleuser.image.name', 'quay.io/jupyterhub/k8s-singleuser-sample'),
      referenceImage('singleuser.networkTools.image.name', 'quay.io/jupyterhub/k8s-network-tools'),
      referenceImage('scheduling.userScheduler.image.name', 'registry.k8s.io/kube-scheduler'),
      referenceImage('scheduling.userPlaceholder.image.name', 'registry.k8s.io/pause'),
      referenceImage('prePuller.hook.image.name', 'quay.io/jupyterhub/k8s-image-awaiter'),
      referenceImage('prePuller.pause.image.name', 'registry.k8s.io/pause'),
      optionalReferenceImage('prePuller.extraImages.*.name'),
    ],
    pullSecrets: [pullSecretNames('imagePullSecrets')],
    blockers: [],
    notMirrored: {
      'singleuser.profileList[].kubespawner_override.image': "notebook images chosen per profile are the caller's; pass mirrorImage() results",
    },
  },
  defaultImages: JUPYTERHUB_DEFAULT_IMAGES,
};
