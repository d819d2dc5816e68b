/**
 * The images the Slinky `slurm-operator-crds` chart (`slurm-operator-crds` 1.2.1) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * The chart installs CRDs only: no image.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/tree/v1.2.1/helm/slurm-operator-crds
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Slinky `slurm-operator-crds` chart 1.2.1, as data.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/tree/v1.2.1/helm/slurm-operator-crds
 */
export const SLURM_OPERATOR_CRDS_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm-operator-crds/values.yaml'],
  values: {},
  switches: [],
};
