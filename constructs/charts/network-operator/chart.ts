/**
 * The NVIDIA Network Operator chart: its pin and its mirror specification.
 *
 * @see https://github.com/Mellanox/network-operator/blob/v26.4.1/deployment/network-operator/values.yaml
 */
import { prefixImage, pullSecretNames, pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { NETWORK_OPERATOR_DEFAULT_IMAGES } from './default-images';

const NVCR_CN = 'nvcr.io/nvidia/cloud-native';
const MELLANOX = 'nvcr.io/nvidia/mellanox';

/**
 * The NVIDIA Network Operator chart (`network-operator` 26.4.1): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/Mellanox/network-operator/blob/v26.4.1/deployment/network-operator/values.yaml
 */
export const NETWORK_OPERATOR_CHART: ChartDefinition = {
  ref: {
    chart: 'network-operator',
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    version: '26.4.1',
    namespace: 'nvidia-network-operator',
    source: 'Mellanox/network-operator @ v26.4.1 (85afd6d9c697) : deployment/network-operator',
    kubeVersion: '>= 1.21.0-0',
  },
  mirror: {
    images: [
      prefixImage('operator', NVCR_CN, 'network-operator'),
      prefixImage('operator.ofedDriver.initContainer', MELLANOX, 'network-operator-init-container'),
      referenceImage('node-feature-discovery.image.repository', `${MELLANOX}/node-feature-discovery`),
      referenceImage('sriov-network-operator.images.operator', `${MELLANOX}/sriov-network-operator:network-operator-v26.4.1`),
      referenceImage('sriov-network-operator.images.sriovConfigDaemon', `${MELLANOX}/sriov-network-operator-config-daemon:network-operator-v26.4.1`),
      referenceImage('sriov-network-operator.images.sriovCni', `${MELLANOX}/sriov-cni:network-operator-v26.4.1`),
      referenceImage('sriov-network-operator.images.ibSriovCni', `${MELLANOX}/ib-sriov-cni:network-operator-v26.4.1`),
      referenceImage('sriov-network-operator.images.ovsCni', `${MELLANOX}/ovs-cni-plugin:network-operator-v26.4.1`),
      referenceImage('sriov-network-operator.images.rdmaCni', `${MELLANOX}/rdma-cni:network-operator-v26.4.1`),
      referenceImage('sriov-network-operator.images.sriovDevicePlugin', `${MELLANOX}/sriov-network-device-plugin:network-operator-v26.4.1`),
      referenceImage('sriov-network-operator.images.sriovDraDriver', `${MELLANOX}/dra-driver-sriov:network-operator-v26.4.1`),
      referenceImage('sriov-network-operator.images.resourcesInjector', 'ghcr.io/k8snetworkplumbingwg/network-resources-injector:v1.7.0'),
      referenceImage('sriov-network-operator.images.webhook', `${MELLANOX}/sriov-network-operator-webhook:network-operator-v26.4.1`),
      // Not overridden by the parent chart: the sub-chart's own defaults apply.
      referenceImage('sriov-network-operator.images.metricsExporter', 'ghcr.io/k8snetworkplumbingwg/sriov-network-metrics-exporter'),
      referenceImage('sriov-network-operator.images.metricsExporterKubeRbacProxy', 'quay.io/brancz/kube-rbac-proxy:v0.21.2'),
      { kind: 'prefix', path: 'maintenance-operator-chart.operator.image', nameKey: 'name', upstreamPrefix: MELLANOX, upstreamName: 'maintenance-operator' },
    ],
    pullSecrets: [
      pullSecretNames('imagePullSecrets'),
      // operator.imagePullSecrets replaces the top-level list when set, so extend it too.
      { path: 'operator.imagePullSecrets', form: 'names', ifSet: true },
      pullSecretRefs('node-feature-discovery.imagePullSecrets'),
      pullSecretNames('sriov-network-operator.imagePullSecrets'),
      pullSecretRefs('maintenance-operator-chart.imagePullSecrets'),
    ],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: NETWORK_OPERATOR_DEFAULT_IMAGES,
};
