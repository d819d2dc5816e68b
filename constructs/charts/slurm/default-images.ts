/**
 * The images the Slinky `slurm` chart (`slurm` 1.2.1) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Slinky `slurm` chart 1.2.1, as data.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export const SLURM_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm/values.yaml'],
  values: {
    controller: {
      slurmctld: {
        image: {
          repository: 'ghcr.io/slinkyproject/slurmctld',
          tag: '26.05-ubuntu26.04',
          digest: null,
        },
      },
      reconfigure: {
        image: {
          repository: 'ghcr.io/slinkyproject/slurmctld',
          tag: '26.05-ubuntu26.04',
          digest: null,
        },
      },
      logfile: {
        image: {
          repository: 'docker.io/library/alpine',
          tag: 'latest',
          digest: null,
        },
      },
    },
    restapi: {
      slurmrestd: {
        image: {
          repository: 'ghcr.io/slinkyproject/slurmrestd',
          tag: '26.05-ubuntu26.04',
          digest: null,
        },
      },
    },
    accounting: {
      slurmdbd: {
        image: {
          repository: 'ghcr.io/slinkyproject/slurmdbd',
          tag: '26.05-ubuntu26.04',
          digest: null,
        },
      },
    },
    loginsetDefaults: {
      login: {
        image: {
          repository: 'ghcr.io/slinkyproject/login',
          tag: '26.05-ubuntu26.04',
          digest: null,
        },
      },
      initconf: {
        image: {
          repository: 'docker.io/library/alpine',
          tag: 'latest',
          digest: null,
        },
      },
    },
    nodesetDefaults: {
      slurmd: {
        image: {
          repository: 'ghcr.io/slinkyproject/slurmd',
          tag: '26.05-ubuntu26.04',
          digest: null,
        },
      },
      logfile: {
        image: {
          repository: 'docker.io/library/alpine',
          tag: 'latest',
          digest: null,
        },
      },
    },
  },
  switches: [],
};
