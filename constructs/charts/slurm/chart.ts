/**
 * The Slinky `slurm` chart: its pin and its mirror specification.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
import { optionalReferenceImage, pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import type { ImageRef } from '../common-values';
import { SLURM_DEFAULT_IMAGES } from './default-images';

/**
 * The image of the chart's helper containers (the slurmctld and slurmd `logfile` sidecars and
 * the login `initconf` init container), pinned: the chart defaults all three to
 * `docker.io/library/alpine:latest`, which policy AIF-IMG-1 rejects. Alpine 3.24.1, the newest
 * release in the Docker official images' `library/alpine` manifest (docker-library/official-images
 * edde679d57, 2026-08-06). Set it as `controller.logfile.image`, `nodesetDefaults.logfile.image`
 * and `loginsetDefaults.initconf.image`.
 *
 * @see https://github.com/docker-library/official-images/blob/edde679d57/library/alpine
 */
export const SLURM_HELPER_IMAGE: ImageRef = { repository: 'docker.io/library/alpine', tag: '3.24.1' };

/**
 * The Slinky `slurm` chart (`slurm` 1.2.1): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export const SLURM_CHART: ChartDefinition = {
  ref: {
    chart: 'slurm',
    repository: 'oci://ghcr.io/slinkyproject/charts',
    version: '1.2.1',
    namespace: 'slurm',
    source: 'SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm',
    kubeVersion: '>= 1.29.0-0',
  },
  mirror: {
    images: [
      referenceImage('controller.slurmctld.image.repository', 'ghcr.io/slinkyproject/slurmctld'),
      referenceImage('controller.reconfigure.image.repository', 'ghcr.io/slinkyproject/slurmctld'),
      referenceImage('controller.logfile.image.repository', 'docker.io/library/alpine'),
      referenceImage('restapi.slurmrestd.image.repository', 'ghcr.io/slinkyproject/slurmrestd'),
      referenceImage('accounting.slurmdbd.image.repository', 'ghcr.io/slinkyproject/slurmdbd'),
      referenceImage('loginsetDefaults.login.image.repository', 'ghcr.io/slinkyproject/login'),
      referenceImage('loginsetDefaults.initconf.image.repository', 'docker.io/library/alpine'),
      referenceImage('nodesetDefaults.slurmd.image.repository', 'ghcr.io/slinkyproject/slurmd'),
      referenceImage('nodesetDefaults.logfile.image.repository', 'docker.io/library/alpine'),
      // Entries inherit the defaults above; only images an entry overrides need rewriting.
      optionalReferenceImage('nodesets.*.slurmd.image.repository'),
      optionalReferenceImage('nodesets.*.logfile.image.repository'),
      optionalReferenceImage('loginsets.*.login.image.repository'),
      optionalReferenceImage('loginsets.*.initconf.image.repository'),
    ],
    pullSecrets: [pullSecretRefs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: SLURM_DEFAULT_IMAGES,
};
