/**
 * The Slinky `slurm-operator` chart: its pin and its mirror specification.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm-operator/values.yaml
 */
import { pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { SLURM_OPERATOR_DEFAULT_IMAGES } from './default-images';

/**
 * The Slinky `slurm-operator` chart (`slurm-operator` 1.2.1): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm-operator/values.yaml
 */
export const SLURM_OPERATOR_CHART: ChartDefinition = {
  ref: {
    chart: 'slurm-operator',
    repository: 'oci://ghcr.io/slinkyproject/charts',
    version: '1.2.1',
    namespace: 'slinky',
    source: 'SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm-operator',
    kubeVersion: '>= 1.29.0-0',
  },
  mirror: {
    images: [
      referenceImage('operator.image.repository', 'ghcr.io/slinkyproject/slurm-operator'),
      referenceImage('webhook.image.repository', 'ghcr.io/slinkyproject/slurm-operator-webhook'),
    ],
    pullSecrets: [pullSecretRefs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: SLURM_OPERATOR_DEFAULT_IMAGES,
};
