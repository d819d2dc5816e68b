/**
 * The images the NVIDIA Network Operator chart (`network-operator` 26.4.1) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/Mellanox/network-operator/blob/v26.4.1/deployment/network-operator/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the NVIDIA Network Operator chart 26.4.1, as data.
 *
 * @see https://github.com/Mellanox/network-operator/blob/v26.4.1/deployment/network-operator/values.yaml
 */
export const NETWORK_OPERATOR_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: [
    'Mellanox/network-operator @ v26.4.1 (85afd6d9c697) : deployment/network-operator/values.yaml',
    'Mellanox/network-operator @ v26.4.1 (85afd6d9c697) : deployment/network-operator/charts/node-feature-discovery/values.yaml (as node-feature-discovery)',
    'Mellanox/network-operator @ v26.4.1 (85afd6d9c697) : deployment/network-operator/charts/sriov-network-operator/values.yaml (as sriov-network-operator)',
    'Mellanox/network-operator @ v26.4.1 (85afd6d9c697) : deployment/network-operator/charts/maintenance-operator-chart/values.yaml (as maintenance-operator-chart)',
  ],
  values: {
    operator: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'network-operator',
      ofedDriver: {
        initContainer: {
          repository: 'nvcr.io/nvidia/mellanox',
          image: 'network-operator-init-container',
          version: 'network-operator-v26.4.1',
        },
      },
    },
    'node-feature-discovery': {
      image: {
        repository: 'nvcr.io/nvidia/mellanox/node-feature-discovery',
        tag: 'network-operator-v26.4.1',
      },
    },
    'sriov-network-operator': {
      images: {
        operator: 'nvcr.io/nvidia/mellanox/sriov-network-operator:network-operator-v26.4.1',
        sriovConfigDaemon: 'nvcr.io/nvidia/mellanox/sriov-network-operator-config-daemon:network-operator-v26.4.1',
        sriovCni: 'nvcr.io/nvidia/mellanox/sriov-cni:network-operator-v26.4.1',
        ibSriovCni: 'nvcr.io/nvidia/mellanox/ib-sriov-cni:network-operator-v26.4.1',
        ovsCni: 'nvcr.io/nvidia/mellanox/ovs-cni-plugin:network-operator-v26.4.1',
        rdmaCni: 'nvcr.io/nvidia/mellanox/rdma-cni:network-operator-v26.4.1',
        sriovDevicePlugin: 'nvcr.io/nvidia/mellanox/sriov-network-device-plugin:network-operator-v26.4.1',
        sriovDraDriver: 'nvcr.io/nvidia/mellanox/dra-driver-sriov:network-operator-v26.4.1',
        resourcesInjector: 'ghcr.io/k8snetworkplumbingwg/network-resources-injector:v1.7.0',
        webhook: 'nvcr.io/nvidia/mellanox/sriov-network-operator-webhook:network-operator-v26.4.1',
        metricsExporter: 'ghcr.io/k8snetworkplumbingwg/sriov-network-metrics-exporter',
        metricsExporterKubeRbacProxy: 'quay.io/brancz/kube-rbac-proxy:v0.21.2',
      },
    },
    'maintenance-operator-chart': {
      operator: {
        image: {
          repository: 'nvcr.io/nvidia/mellanox',
          name: 'maintenance-operator',
          tag: 'network-operator-v26.4.1',
        },
      },
    },
  },
  switches: [
    {
      anyOf: {
        'nfd.enabled': true,
      },
      images: ['node-feature-discovery'],
      source: 'Chart.yaml dependencies[node-feature-discovery].condition',
    },
    {
      anyOf: {
        'sriovNetworkOperator.enabled': false,
      },
      images: ['sriov-network-operator'],
      source: 'Chart.yaml dependencies[sriov-network-operator].condition',
    },
    {
      anyOf: {
        'maintenanceOperator.enabled': false,
      },
      images: ['maintenance-operator-chart'],
      source: 'Chart.yaml dependencies[maintenance-operator-chart].condition',
    },
  ],
};
