/**
 * The images the NVIDIA GPU Operator chart (`gpu-operator` v26.7.0) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the NVIDIA GPU Operator chart v26.7.0, as data.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
export const GPU_OPERATOR_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: [
    'NVIDIA/gpu-operator @ v26.7.0 (10ee5b3638b8) : deployments/gpu-operator/values.yaml',
    'kubernetes-sigs/node-feature-discovery @ v0.19.0 (45d276ed9d3f) : deployment/helm/node-feature-discovery/values.yaml (as node-feature-discovery)',
  ],
  values: {
    validator: {
      repository: 'nvcr.io/nvidia',
      image: 'gpu-operator',
    },
    operator: {
      repository: 'nvcr.io/nvidia',
      image: 'gpu-operator',
    },
    driver: {
      repository: 'nvcr.io/nvidia',
      image: 'driver',
      version: '595.91.07',
      manager: {
        repository: 'nvcr.io/nvidia/cloud-native',
        image: 'k8s-driver-manager',
        version: 'v0.12.0',
      },
    },
    toolkit: {
      repository: 'nvcr.io/nvidia/k8s',
      image: 'container-toolkit',
      version: 'v1.20.0',
    },
    devicePlugin: {
      repository: 'nvcr.io/nvidia',
      image: 'k8s-device-plugin',
      version: 'v0.20.0',
    },
    dcgm: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'dcgm',
      version: '4.6.0-1-ubuntu24.04',
    },
    dcgmExporter: {
      repository: 'nvcr.io/nvidia/k8s',
      image: 'dcgm-exporter',
      version: '4.6.0-4.8.3-distroless',
    },
    gfd: {
      repository: 'nvcr.io/nvidia',
      image: 'k8s-device-plugin',
      version: 'v0.20.0',
    },
    migManager: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'k8s-mig-manager',
      version: 'v0.15.0',
    },
    nodeStatusExporter: {
      repository: 'nvcr.io/nvidia',
      image: 'gpu-operator',
    },
    gds: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'nvidia-fs',
      version: '2.29.4',
    },
    gdrcopy: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'gdrdrv',
      version: 'v2.6',
    },
    vgpuManager: {
      driverManager: {
        repository: 'nvcr.io/nvidia/cloud-native',
        image: 'k8s-driver-manager',
        version: 'v0.12.0',
      },
    },
    vgpuDeviceManager: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'vgpu-device-manager',
      version: 'v0.5.0',
    },
    vfioManager: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'k8s-driver-manager',
      version: 'v0.12.0',
      driverManager: {
        repository: 'nvcr.io/nvidia/cloud-native',
        image: 'k8s-driver-manager',
        version: 'v0.12.0',
      },
    },
    sandboxDevicePlugin: {
      repository: 'nvcr.io/nvidia',
      image: 'kubevirt-gpu-device-plugin',
      version: 'v1.6.0',
    },
    kataSandboxDevicePlugin: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'nvidia-sandbox-device-plugin',
      version: 'v0.0.5',
    },
    ccManager: {
      repository: 'nvcr.io/nvidia/cloud-native',
      image: 'k8s-cc-manager',
      version: 'v0.4.3',
    },
    draDriver: {
      repository: 'nvcr.io/nvidia',
      image: 'dra-driver-nvidia-gpu',
      version: 'v0.5.0',
    },
    'node-feature-discovery': {
      image: {
        repository: 'registry.k8s.io/nfd/node-feature-discovery',
        tag: null,
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
  ],
};
