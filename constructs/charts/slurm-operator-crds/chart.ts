/**
 * The Slinky `slurm-operator-crds` chart: its pin and its mirror specification.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/tree/v1.2.1/helm/slurm-operator-crds
 */
import type { ChartDefinition } from '../chart-definition';
import { SLURM_OPERATOR_CRDS_DEFAULT_IMAGES } from './default-images';

/**
 * The Slinky `slurm-operator-crds` chart (1.2.1): where it is installed from. It installs the
 * Slinky CustomResourceDefinitions only, so there is nothing to mirror.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/tree/v1.2.1/helm/slurm-operator-crds
 */
export const SLURM_OPERATOR_CRDS_CHART: ChartDefinition = {
  ref: {
    chart: 'slurm-operator-crds',
    repository: 'oci://ghcr.io/slinkyproject/charts',
    version: '1.2.1',
    namespace: 'slinky',
    source: 'SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm-operator-crds',
    kubeVersion: null,
  },
  mirror: {
    // The chart installs CustomResourceDefinitions only: no images, no pull Secrets.
    images: [],
    pullSecrets: [],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: SLURM_OPERATOR_CRDS_DEFAULT_IMAGES,
};
