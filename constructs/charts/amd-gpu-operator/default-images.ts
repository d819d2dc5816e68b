/**
 * The images the AMD GPU Operator chart (`gpu-operator-charts` v1.5.1) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * The project pins the `latest` defaults of the operands it enables
 * (constructs/gpu/gpu-platform.ts).
 *
 * @see https://github.com/ROCm/gpu-operator/blob/v1.5.1/helm-charts-k8s/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the AMD GPU Operator chart v1.5.1, as data.
 *
 * @see https://github.com/ROCm/gpu-operator/blob/v1.5.1/helm-charts-k8s/values.yaml
 */
export const AMD_GPU_OPERATOR_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: [
    'ROCm/gpu-operator @ v1.5.1 (858cf255c7dd) : helm-charts-k8s/values.yaml',
    'kubernetes-sigs/node-feature-discovery @ v0.18.3 (f39ef6267b20) : deployment/helm/node-feature-discovery/values.yaml (as node-feature-discovery)',
    'ROCm/gpu-operator @ v1.5.1 (858cf255c7dd) : helm-charts-k8s/charts/kmm/values.yaml (as kmm)',
  ],
  values: {
    controllerManager: {
      manager: {
        image: {
          repository: 'docker.io/rocm/amd-gpu-operator',
          tag: 'v1.5.1',
        },
      },
    },
    deviceConfig: {
      spec: {
        commonConfig: {
          initContainerImage: 'busybox:1.36',
          utilsContainer: {
            image: 'docker.io/rocm/amd-gpu-operator-utils:latest',
          },
        },
        devicePlugin: {
          devicePluginImage: 'rocm/k8s-device-plugin:latest',
          nodeLabellerImage: 'rocm/k8s-device-plugin:labeller-latest',
        },
        metricsExporter: {
          image: 'docker.io/rocm/device-metrics-exporter:latest',
          rbacConfig: {
            image: 'quay.io/brancz/kube-rbac-proxy:v0.18.1',
          },
        },
        testRunner: {
          image: 'docker.io/rocm/test-runner:latest',
        },
        configManager: {
          image: 'docker.io/rocm/device-config-manager:latest',
        },
        draDriver: {
          image: 'docker.io/rocm/k8s-gpu-dra-driver:latest',
        },
        remediationWorkflow: {
          testerImage: 'docker.io/rocm/test-runner:latest',
        },
      },
    },
    remediation: {
      controller: {
        image: 'quay.io/argoproj/workflow-controller:v4.0.3',
      },
    },
    kmm: {
      controller: {
        manager: {
          image: {
            repository: 'docker.io/rocm/kernel-module-management-operator',
            tag: 'latest',
          },
          env: {
            relatedImageBuild: 'gcr.io/kaniko-project/executor:v1.23.2',
            relatedImageSign: 'docker.io/rocm/kernel-module-management-signimage:latest',
            relatedImageWorker: 'docker.io/rocm/kernel-module-management-worker:latest',
          },
        },
      },
      webhookServer: {
        webhookServer: {
          image: {
            repository: 'docker.io/rocm/kernel-module-management-webhook-server',
            tag: 'latest',
          },
        },
      },
    },
    'node-feature-discovery': {
      image: {
        repository: 'registry.k8s.io/nfd/node-feature-discovery',
      },
    },
  },
  switches: [
    {
      anyOf: {
        'node-feature-discovery.enabled': true,
      },
      images: ['node-feature-discovery'],
      source: 'Chart.yaml dependencies[node-feature-discovery].condition',
    },
    {
      anyOf: {
        'kmm.enabled': true,
      },
      images: ['kmm'],
      source: 'Chart.yaml dependencies[kmm].condition',
    },
    {
      anyOf: {
        'remediation.enabled': true,
      },
      images: ['remediation.controller'],
      source: 'values.yaml remediation.enabled',
    },
    {
      anyOf: {
        'crds.defaultCR.install': true,
      },
      images: ['deviceConfig'],
      source: 'values.yaml crds.defaultCR.install: the default DeviceConfig, whose operands these are',
    },
    {
      anyOf: {
        'deviceConfig.spec.devicePlugin.enableDevicePlugin': true,
      },
      images: ['deviceConfig.spec.devicePlugin.devicePluginImage'],
      source: 'DeviceConfig spec.devicePlugin.enableDevicePlugin',
    },
    {
      anyOf: {
        'deviceConfig.spec.devicePlugin.enableNodeLabeller': true,
      },
      images: ['deviceConfig.spec.devicePlugin.nodeLabellerImage'],
      source: 'DeviceConfig spec.devicePlugin.enableNodeLabeller',
    },
    {
      anyOf: {
        'deviceConfig.spec.metricsExporter.enable': true,
      },
      images: ['deviceConfig.spec.metricsExporter'],
      source: 'DeviceConfig spec.metricsExporter.enable',
    },
    {
      anyOf: {
        'deviceConfig.spec.metricsExporter.rbacConfig.enable': false,
      },
      images: ['deviceConfig.spec.metricsExporter.rbacConfig'],
      source: 'DeviceConfig spec.metricsExporter.rbacConfig.enable',
    },
    {
      anyOf: {
        'deviceConfig.spec.testRunner.enable': false,
      },
      images: ['deviceConfig.spec.testRunner'],
      source: 'DeviceConfig spec.testRunner.enable',
    },
    {
      anyOf: {
        'deviceConfig.spec.configManager.enable': false,
      },
      images: ['deviceConfig.spec.configManager'],
      source: 'DeviceConfig spec.configManager.enable',
    },
    {
      anyOf: {
        'deviceConfig.spec.draDriver.enable': false,
      },
      images: ['deviceConfig.spec.draDriver'],
      source: 'DeviceConfig spec.draDriver.enable',
    },
    {
      anyOf: {
        'deviceConfig.spec.remediationWorkflow.enable': false,
      },
      images: ['deviceConfig.spec.remediationWorkflow'],
      source: 'DeviceConfig spec.remediationWorkflow.enable',
    },
  ],
};
