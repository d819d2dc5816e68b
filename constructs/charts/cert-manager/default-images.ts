/**
 * The images the cert-manager chart (`cert-manager` v1.21.1) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * Images are composed in the templates from `imageRegistry`, `imageNamespace` and each
 * component's `image.name`, tagged with the chart's appVersion.
 *
 * @see https://github.com/cert-manager/cert-manager/blob/v1.21.1/deploy/charts/cert-manager/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the cert-manager chart v1.21.1, as data.
 *
 * @see https://github.com/cert-manager/cert-manager/blob/v1.21.1/deploy/charts/cert-manager/values.yaml
 */
export const CERT_MANAGER_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['cert-manager/cert-manager @ v1.21.1 (24e33194fb39) : deploy/charts/cert-manager/values.yaml'],
  values: {
    imageRegistry: 'quay.io',
  },
  switches: [],
};
