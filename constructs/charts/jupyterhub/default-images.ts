/**
 * The images the JupyterHub chart (`jupyterhub` 4.4.0) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * Tags that the repository holds as `set-by-chartpress` are set when the chart is packaged (to
 * the chart's own images' release), so they are left out here: the chart picks them.
 *
 * @see https://github.com/jupyterhub/zero-to-jupyterhub-k8s/blob/4.4.0/jupyterhub/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the JupyterHub chart 4.4.0, as data.
 *
 * @see https://github.com/jupyterhub/zero-to-jupyterhub-k8s/blob/4.4.0/jupyterhub/values.yaml
 */
export const JUPYTERHUB_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['jupyterhub/zero-to-jupyterhub-k8s @ 4.4.0 (5c5f5df75158) : jupyterhub/values.yaml'],
  values: {
    hub: {
      image: {
        name: 'quay.io/jupyterhub/k8s-hub',
      },
    },
    proxy: {
      chp: {
        image: {
          name: 'quay.io/jupyterhub/configurable-http-proxy',
          tag: '5.2.0',
        },
      },
      traefik: {
        image: {
          name: 'traefik',
          tag: 'v3.6.12',
        },
      },
      secretSync: {
        image: {
          name: 'quay.io/jupyterhub/k8s-secret-sync',
        },
      },
    },
    singleuser: {
      image: {
        name: 'quay.io/jupyterhub/k8s-singleuser-sample',
      },
      networkTools: {
        image: {
          name: 'quay.io/jupyterhub/k8s-network-tools',
        },
      },
    },
    scheduling: {
      userScheduler: {
        image: {
          name: 'registry.k8s.io/kube-scheduler',
          tag: 'v1.30.14',
        },
      },
      userPlaceholder: {
        image: {
          name: 'registry.k8s.io/pause',
          tag: '3.10.1',
        },
      },
    },
    prePuller: {
      hook: {
        image: {
          name: 'quay.io/jupyterhub/k8s-image-awaiter',
        },
      },
      pause: {
        image: {
          name: 'registry.k8s.io/pause',
          tag: '3.10.1',
        },
      },
    },
  },
  switches: [],
};
