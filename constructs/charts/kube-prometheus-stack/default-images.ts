/**
 * The images the kube-prometheus-stack chart (`kube-prometheus-stack` 88.5.3) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the kube-prometheus-stack chart 88.5.3, as data.
 *
 * @see https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/values.yaml
 */
export const KUBE_PROMETHEUS_STACK_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: [
    'prometheus-community/helm-charts @ kube-prometheus-stack-88.5.3 (ea930baeebeb) : charts/kube-prometheus-stack/values.yaml',
    'grafana-community/helm-charts @ grafana-12.11.1 (864f77946836) : charts/grafana/values.yaml (as grafana)',
    'prometheus-community/helm-charts @ kube-state-metrics-8.4.0 (1982f1c58289) : charts/kube-state-metrics/values.yaml (as kube-state-metrics)',
    'prometheus-community/helm-charts @ prometheus-node-exporter-4.56.1 (8b8e639cac80) : charts/prometheus-node-exporter/values.yaml (as prometheus-node-exporter)',
  ],
  values: {
    crds: {
      upgradeJob: {
        image: {
          busybox: {
            registry: 'docker.io',
            repository: 'busybox',
            tag: 'latest',
            sha: '',
          },
          kubectl: {
            registry: 'registry.k8s.io',
            repository: 'kubectl',
            tag: '',
            sha: '',
          },
        },
      },
    },
    alertmanager: {
      alertmanagerSpec: {
        image: {
          registry: 'quay.io',
          repository: 'prometheus/alertmanager',
          tag: 'v0.34.0',
          sha: '',
        },
      },
    },
    prometheusOperator: {
      image: {
        registry: 'quay.io',
        repository: 'prometheus-operator/prometheus-operator',
        tag: '',
        sha: '',
      },
      admissionWebhooks: {
        deployment: {
          image: {
            registry: 'quay.io',
            repository: 'prometheus-operator/admission-webhook',
            tag: '',
            sha: '',
          },
        },
        patch: {
          image: {
            registry: 'ghcr.io',
            repository: 'jkroepke/kube-webhook-certgen',
            tag: '1.8.7',
            sha: '',
          },
        },
      },
      prometheusConfigReloader: {
        image: {
          registry: 'quay.io',
          repository: 'prometheus-operator/prometheus-config-reloader',
          tag: '',
          sha: '',
        },
      },
      thanosImage: {
        registry: 'quay.io',
        repository: 'thanos/thanos',
        tag: 'v0.42.4',
        sha: '',
      },
    },
    prometheus: {
      prometheusSpec: {
        image: {
          registry: 'quay.io',
          repository: 'prometheus/prometheus',
          tag: 'v3.14.0-distroless',
          sha: '',
        },
      },
    },
    thanosRuler: {
      thanosRulerSpec: {
        image: {
          registry: 'quay.io',
          repository: 'thanos/thanos',
          tag: 'v0.42.4',
          sha: '',
        },
      },
    },
    grafana: {
      image: {
        registry: 'docker.io',
        repository: 'grafana/grafana',
        tag: '',
        sha: '',
      },
      sidecar: {
        image: {
          registry: 'quay.io',
          repository: 'kiwigrid/k8s-sidecar',
          tag: '2.10.1',
          sha: '',
        },
      },
      initChownData: {
        image: {
          registry: 'docker.io',
          repository: 'library/busybox',
          tag: '1.38.0',
          sha: '',
        },
      },
      downloadDashboardsImage: {
        registry: 'docker.io',
        repository: 'curlimages/curl',
        tag: '8.21.0',
        sha: '',
      },
      testFramework: {
        image: {
          registry: 'docker.io',
          repository: 'bats/bats',
          tag: '1.14.0',
        },
      },
      imageRenderer: {
        image: {
          registry: 'docker.io',
          repository: 'grafana/grafana-image-renderer',
          tag: 'latest',
          sha: '',
        },
      },
    },
    'kube-state-metrics': {
      image: {
        registry: 'registry.k8s.io',
        repository: 'kube-state-metrics/kube-state-metrics',
        tag: '',
        sha: '',
      },
      kubeRBACProxy: {
        image: {
          registry: 'quay.io',
          repository: 'brancz/kube-rbac-proxy',
          tag: 'v0.22.1',
          sha: '',
        },
      },
    },
    'prometheus-node-exporter': {
      image: {
        registry: 'quay.io',
        repository: 'prometheus/node-exporter',
        tag: '',
        digest: '',
      },
      kubeRBACProxy: {
        image: {
          registry: 'quay.io',
          repository: 'brancz/kube-rbac-proxy',
          tag: 'v0.22.1',
          sha: '',
        },
      },
      permissionInitContainer: {
        image: {
          registry: 'quay.io',
          repository: 'prometheus/busybox',
          tag: 'latest',
          sha: '',
        },
      },
    },
  },
  switches: [
    {
      anyOf: {
        'crds.enabled': true,
      },
      images: ['crds'],
      source: 'Chart.yaml dependencies[crds].condition',
    },
    {
      anyOf: {
        'crds.upgradeJob.enabled': false,
      },
      images: ['crds.upgradeJob'],
      source: 'values.yaml crds.upgradeJob.enabled (off by default)',
    },
    {
      anyOf: {
        'grafana.enabled': true,
      },
      images: ['grafana'],
      source: 'Chart.yaml dependencies[grafana].condition',
    },
    {
      anyOf: {
        'kubeStateMetrics.enabled': true,
      },
      images: ['kube-state-metrics'],
      source: 'Chart.yaml dependencies[kube-state-metrics].condition',
    },
    {
      anyOf: {
        'nodeExporter.enabled': true,
      },
      images: ['prometheus-node-exporter'],
      source: 'Chart.yaml dependencies[prometheus-node-exporter].condition',
    },
    {
      anyOf: {
        'alertmanager.enabled': true,
      },
      images: ['alertmanager'],
      source: 'values.yaml alertmanager.enabled',
    },
    {
      anyOf: {
        'thanosRuler.enabled': false,
      },
      images: ['thanosRuler'],
      source: 'values.yaml thanosRuler.enabled',
    },
    {
      anyOf: {
        'grafana.imageRenderer.enabled': false,
      },
      images: ['grafana.imageRenderer'],
      source: 'grafana values.yaml imageRenderer.enabled',
    },
    {
      anyOf: {
        'kube-state-metrics.kubeRBACProxy.enabled': false,
      },
      images: ['kube-state-metrics.kubeRBACProxy'],
      source: 'kube-state-metrics values.yaml kubeRBACProxy.enabled',
    },
    {
      anyOf: {
        'prometheus-node-exporter.kubeRBACProxy.enabled': false,
      },
      images: ['prometheus-node-exporter.kubeRBACProxy'],
      source: 'prometheus-node-exporter values.yaml kubeRBACProxy.enabled',
    },
    {
      anyOf: {
        'prometheus-node-exporter.permissionInitContainer.fixes.rapl': false,
        'prometheus-node-exporter.permissionInitContainer.fixes.slabinfo': false,
        'prometheus-node-exporter.permissionInitContainer.extraCommands': [],
      },
      images: ['prometheus-node-exporter.permissionInitContainer'],
      source: 'prometheus-node-exporter templates/daemonset.yaml: the permission-fix init container runs only for a fix or extra commands',
    },
  ],
};
