/**
 * The kube-prometheus-stack chart: its pin and its mirror specification.
 *
 * @see https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/values.yaml
 */
import { pullSecretRefs, registryImage, type ChartDefinition } from '../chart-definition';
import { KUBE_PROMETHEUS_STACK_DEFAULT_IMAGES } from './default-images';

/**
 * The kube-prometheus-stack chart (`kube-prometheus-stack` 88.5.3): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/values.yaml
 */
export const KUBE_PROMETHEUS_STACK_CHART: ChartDefinition = {
  ref: {
    chart: 'kube-prometheus-stack',
    repository: 'oci://ghcr.io/prometheus-community/charts',
    version: '88.5.3',
    namespace: 'monitoring',
    source: 'prometheus-community/helm-charts @ kube-prometheus-stack-88.5.3 (ea930baeebeb) : charts/kube-prometheus-stack',
    kubeVersion: '>=1.25.0-0',
  },
  mirror: {
    // global.imageRegistry would replace every registry host with one value, dropping the
    // upstream host (quay.io, ghcr.io, docker.io, registry.k8s.io) from the mirror path,
    // so each image's own `registry` is set instead.
    images: [
      registryImage('crds.upgradeJob.image.busybox', 'docker.io', 'busybox'),
      registryImage('crds.upgradeJob.image.kubectl', 'registry.k8s.io', 'kubectl'),
      registryImage('alertmanager.alertmanagerSpec.image', 'quay.io', 'prometheus/alertmanager'),
      registryImage('prometheusOperator.image', 'quay.io', 'prometheus-operator/prometheus-operator'),
      registryImage('prometheusOperator.admissionWebhooks.deployment.image', 'quay.io', 'prometheus-operator/admission-webhook'),
      registryImage('prometheusOperator.admissionWebhooks.patch.image', 'ghcr.io', 'jkroepke/kube-webhook-certgen'),
      registryImage('prometheusOperator.prometheusConfigReloader.image', 'quay.io', 'prometheus-operator/prometheus-config-reloader'),
      registryImage('prometheusOperator.thanosImage', 'quay.io', 'thanos/thanos'),
      registryImage('prometheus.prometheusSpec.image', 'quay.io', 'prometheus/prometheus'),
      registryImage('thanosRuler.thanosRulerSpec.image', 'quay.io', 'thanos/thanos'),
      registryImage('grafana.image', 'docker.io', 'grafana/grafana'),
      registryImage('grafana.sidecar.image', 'quay.io', 'kiwigrid/k8s-sidecar'),
      registryImage('grafana.initChownData.image', 'docker.io', 'library/busybox'),
      registryImage('grafana.downloadDashboardsImage', 'docker.io', 'curlimages/curl'),
      registryImage('grafana.testFramework.image', 'docker.io', 'bats/bats'),
      registryImage('grafana.imageRenderer.image', 'docker.io', 'grafana/grafana-image-renderer'),
      registryImage('kube-state-metrics.image', 'registry.k8s.io', 'kube-state-metrics/kube-state-metrics'),
      registryImage('kube-state-metrics.kubeRBACProxy.image', 'quay.io', 'brancz/kube-rbac-proxy'),
      registryImage('prometheus-node-exporter.image', 'quay.io', 'prometheus/node-exporter'),
      registryImage('prometheus-node-exporter.kubeRBACProxy.image', 'quay.io', 'brancz/kube-rbac-proxy'),
      registryImage('prometheus-node-exporter.permissionInitContainer.image', 'quay.io', 'prometheus/busybox'),
    ],
    // `global` is shared with grafana, kube-state-metrics and node-exporter.
    pullSecrets: [pullSecretRefs('global.imagePullSecrets')],
    blockers: [
      {
        path: 'global.imageRegistry',
        reason: 'it replaces every image registry of the chart and its sub-charts with one value, dropping the upstream host from the mirror path',
        fix: 'leave global.imageRegistry unset; the mirror sets each image registry',
      },
      {
        path: 'grafana.global.imageRegistry',
        reason: 'it replaces every grafana image registry with one value, dropping the upstream host from the mirror path',
        fix: 'leave grafana.global.imageRegistry unset; the mirror sets each image registry',
      },
      {
        path: 'windowsMonitoring.enabled',
        reason: 'the prometheus-windows-exporter sub-chart is not pinned here, so its images are not mirrored',
        fix: 'leave windowsMonitoring disabled (AI factories run Linux nodes)',
      },
    ],
    notMirrored: {},
  },
  defaultImages: KUBE_PROMETHEUS_STACK_DEFAULT_IMAGES,
};
