/**
 * The AMD GPU Operator chart: its pin and its mirror specification.
 *
 * @see https://github.com/ROCm/gpu-operator/blob/v1.5.1/helm-charts-k8s/values.yaml
 */
import { optionalReferenceImage, pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { AMD_GPU_OPERATOR_DEFAULT_IMAGES } from './default-images';

/**
 * The AMD GPU Operator chart (`gpu-operator-charts` v1.5.1): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/ROCm/gpu-operator/blob/v1.5.1/helm-charts-k8s/values.yaml
 */
export const AMD_GPU_OPERATOR_CHART: ChartDefinition = {
  ref: {
    chart: 'gpu-operator-charts',
    repository: 'https://rocm.github.io/gpu-operator',
    version: 'v1.5.1',
    namespace: 'kube-amd-gpu',
    source: 'ROCm/gpu-operator @ v1.5.1 (858cf255c7dd) : helm-charts-k8s',
    kubeVersion: '>= 1.29.0-0',
  },
  mirror: {
    images: [
      referenceImage('controllerManager.manager.image.repository', 'docker.io/rocm/amd-gpu-operator'),
      referenceImage('deviceConfig.spec.commonConfig.initContainerImage', 'busybox:1.36'),
      referenceImage('deviceConfig.spec.commonConfig.utilsContainer.image', 'docker.io/rocm/amd-gpu-operator-utils:latest'),
      referenceImage('deviceConfig.spec.devicePlugin.devicePluginImage', 'rocm/k8s-device-plugin:latest'),
      referenceImage('deviceConfig.spec.devicePlugin.nodeLabellerImage', 'rocm/k8s-device-plugin:labeller-latest'),
      referenceImage('deviceConfig.spec.metricsExporter.image', 'docker.io/rocm/device-metrics-exporter:latest'),
      referenceImage('deviceConfig.spec.metricsExporter.rbacConfig.image', 'quay.io/brancz/kube-rbac-proxy:v0.18.1'),
      referenceImage('deviceConfig.spec.testRunner.image', 'docker.io/rocm/test-runner:latest'),
      referenceImage('deviceConfig.spec.configManager.image', 'docker.io/rocm/device-config-manager:latest'),
      referenceImage('deviceConfig.spec.draDriver.image', 'docker.io/rocm/k8s-gpu-dra-driver:latest'),
      referenceImage('deviceConfig.spec.remediationWorkflow.testerImage', 'docker.io/rocm/test-runner:latest'),
      optionalReferenceImage('deviceConfig.spec.remediationWorkflow.configMapImage'),
      referenceImage('remediation.controller.image', 'quay.io/argoproj/workflow-controller:v4.0.3'),
      referenceImage('kmm.controller.manager.image.repository', 'docker.io/rocm/kernel-module-management-operator'),
      referenceImage('kmm.controller.manager.env.relatedImageBuild', 'gcr.io/kaniko-project/executor:v1.23.2'),
      referenceImage('kmm.controller.manager.env.relatedImageSign', 'docker.io/rocm/kernel-module-management-signimage:latest'),
      referenceImage('kmm.controller.manager.env.relatedImageWorker', 'docker.io/rocm/kernel-module-management-worker:latest'),
      referenceImage('kmm.webhookServer.webhookServer.image.repository', 'docker.io/rocm/kernel-module-management-webhook-server'),
      referenceImage('node-feature-discovery.image.repository', 'registry.k8s.io/nfd/node-feature-discovery'),
    ],
    // global.imagePullSecrets reaches the operator, KMM, remediation and every DeviceConfig
    // operand; the NFD sub-chart does not inherit it.
    pullSecrets: [pullSecretRefs('global.imagePullSecrets'), pullSecretRefs('node-feature-discovery.imagePullSecrets')],
    blockers: [
      {
        path: 'deviceConfig.spec.remediationWorkflow.enable',
        reason: 'remediation workflows run Argo executor pods whose image (quay.io/argoproj/argoexec) the chart cannot set',
        fix: 'leave remediation workflows disabled in mirrored installs',
      },
    ],
    notMirrored: {
      'deviceConfig.spec.driver.image': 'where KMM stores the driver images it builds: a destination in the site registry, not an upstream',
    },
  },
  defaultImages: AMD_GPU_OPERATOR_DEFAULT_IMAGES,
};
