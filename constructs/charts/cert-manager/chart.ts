/**
 * The cert-manager chart: its pin and its mirror specification.
 *
 * @see https://github.com/cert-manager/cert-manager/blob/v1.21.1/deploy/charts/cert-manager/values.yaml
 */
import { optionalReferenceImage, pullSecretRefs, type ChartDefinition } from '../chart-definition';
import { CERT_MANAGER_DEFAULT_IMAGES } from './default-images';

/**
 * The cert-manager chart (`cert-manager` v1.21.1): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/cert-manager/cert-manager/blob/v1.21.1/deploy/charts/cert-manager/values.yaml
 */
export const CERT_MANAGER_CHART: ChartDefinition = {
  ref: {
    chart: 'cert-manager',
    repository: 'oci://quay.io/jetstack/charts',
    version: 'v1.21.1',
    namespace: 'cert-manager',
    source: 'cert-manager/cert-manager @ v1.21.1 (24e33194fb39) : deploy/charts/cert-manager',
    kubeVersion: '>= 1.22.0-0',
  },
  mirror: {
    // imageRegistry (may carry a path) covers all five images unless a component sets a full
    // image.repository, which is mirrored where set.
    images: [
      { kind: 'host', path: 'imageRegistry', upstream: 'quay.io' },
      optionalReferenceImage('image.repository'),
      optionalReferenceImage('webhook.image.repository'),
      optionalReferenceImage('cainjector.image.repository'),
      optionalReferenceImage('acmesolver.image.repository'),
      optionalReferenceImage('startupapicheck.image.repository'),
    ],
    pullSecrets: [pullSecretRefs('global.imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: CERT_MANAGER_DEFAULT_IMAGES,
};
