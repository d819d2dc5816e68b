/**
 * The NVIDIA GPU Operator chart: its pin and its mirror specification.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
import { prefixImage, pullSecretNames, pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { GPU_OPERATOR_DEFAULT_IMAGES } from './default-images';

const NVCR = 'nvcr.io/nvidia';
const NVCR_CN = 'nvcr.io/nvidia/cloud-native';
const NVCR_K8S = 'nvcr.io/nvidia/k8s';

// Components of the ClusterPolicy that take their own imagePullSecrets.
const GPU_OPERATOR_COMPONENTS_WITH_SECRETS = [
  'validator',
  'operator',
  'driver',
  'toolkit',
  'devicePlugin',
  'dcgm',
  'dcgmExporter',
  'gfd',
  'migManager',
  'nodeStatusExporter',
  'gds',
  'gdrcopy',
  'vgpuManager',
  'vgpuDeviceManager',
  'vfioManager',
  'kataManager',
  'sandboxDevicePlugin',
  'kataSandboxDevicePlugin',
  'ccManager',
  'draDriver',
];

/**
 * The NVIDIA GPU Operator chart (`gpu-operator` v26.7.0): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
export const GPU_OPERATOR_CHART: ChartDefinition = {
  ref: {
    chart: 'gpu-operator',
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    version: 'v26.7.0',
    namespace: 'gpu-operator',
    source: 'NVIDIA/gpu-operator @ v26.7.0 (10ee5b3638b8) : deployments/gpu-operator',
    kubeVersion: '>= 1.16.0-0',
  },
  mirror: {
    images: [
      prefixImage('validator', NVCR, 'gpu-operator'),
      prefixImage('operator', NVCR, 'gpu-operator'),
      prefixImage('driver', NVCR, 'driver'),
      prefixImage('driver.manager', NVCR_CN, 'k8s-driver-manager'),
      prefixImage('toolkit', NVCR_K8S, 'container-toolkit'),
      prefixImage('devicePlugin', NVCR, 'k8s-device-plugin'),
      prefixImage('dcgm', NVCR_CN, 'dcgm'),
      prefixImage('dcgmExporter', NVCR_K8S, 'dcgm-exporter'),
      prefixImage('gfd', NVCR, 'k8s-device-plugin'),
      prefixImage('migManager', NVCR_CN, 'k8s-mig-manager'),
      prefixImage('nodeStatusExporter', NVCR, 'gpu-operator'),
      prefixImage('gds', NVCR_CN, 'nvidia-fs'),
      prefixImage('gdrcopy', NVCR_CN, 'gdrdrv'),
      prefixImage('vgpuManager.driverManager', NVCR_CN, 'k8s-driver-manager'),
      prefixImage('vgpuDeviceManager', NVCR_CN, 'vgpu-device-manager'),
      prefixImage('vfioManager', NVCR_CN, 'k8s-driver-manager'),
      prefixImage('vfioManager.driverManager', NVCR_CN, 'k8s-driver-manager'),
      prefixImage('sandboxDevicePlugin', NVCR, 'kubevirt-gpu-device-plugin'),
      prefixImage('kataSandboxDevicePlugin', NVCR_CN, 'nvidia-sandbox-device-plugin'),
      prefixImage('ccManager', NVCR_CN, 'k8s-cc-manager'),
      prefixImage('draDriver', NVCR, 'dra-driver-nvidia-gpu'),
      referenceImage('node-feature-discovery.image.repository', 'registry.k8s.io/nfd/node-feature-discovery'),
    ],
    // ClusterPolicy takes plain Secret names; the NFD sub-chart takes `{ name }` refs.
    pullSecrets: [
      ...GPU_OPERATOR_COMPONENTS_WITH_SECRETS.map((c) => pullSecretNames(`${c}.imagePullSecrets`)),
      pullSecretRefs('node-feature-discovery.imagePullSecrets'),
    ],
    blockers: [
      {
        path: 'kataManager.enabled',
        reason: 'the Kata manager pulls its artifacts from the URLs in kataManager.config (nvcr.io by default)',
        fix: 'leave kataManager disabled, or mirror the artifacts and set kataManager.config yourself without a mirror',
      },
    ],
    notMirrored: {
      'vgpuManager.repository': 'the vGPU manager image is built by the site from the licensed driver; it has no upstream to mirror',
      'vgpuManager.image': 'name of the site-built vGPU manager image (see vgpuManager.repository)',
    },
  },
  defaultImages: GPU_OPERATOR_DEFAULT_IMAGES,
};
