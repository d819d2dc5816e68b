/**
 * The images the Slinky `slurm-operator` chart (`slurm-operator` 1.2.1) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm-operator/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Slinky `slurm-operator` chart 1.2.1, as data.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm-operator/values.yaml
 */
export const SLURM_OPERATOR_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm-operator/values.yaml'],
  values: {
    operator: {
      image: {
        repository: 'ghcr.io/slinkyproject/slurm-operator',
        tag: null,
        digest: null,
      },
    },
    webhook: {
      image: {
        repository: 'ghcr.io/slinkyproject/slurm-operator-webhook',
        tag: null,
        digest: null,
      },
    },
  },
  switches: [],
};
