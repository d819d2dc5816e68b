import type { ITerraformDependable } from 'cdktf';
import type { ChartId } from '../charts/registry';
import type { ChartValues } from '../charts/values';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { Toleration } from '../charts/common-values';
import type { ClusterTarget } from '../core/cluster-target';
import { GpuNodePool } from './gpu-node-pool';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import { systemNamespace } from '../core/system-namespace';

/** NVIDIA data-center driver the GPU Operator installs (the v26.7.0 chart's default, pinned). */
export const NVIDIA_DRIVER_VERSION = '595.91.07';
/** Name of the device-plugin ConfigMap the GPU Operator creates from our config. */
export const DEVICE_PLUGIN_CONFIG = 'aif-device-plugin-config';
/**
 * AMD device plugin image. The AMD GPU Operator chart v1.5.1 defaults eight operand images to
 * `latest` (or `labeller-latest`); the project pins every one it deploys, so every node runs
 * the same code. Release v1.31.0.10 of ROCm/k8s-device-plugin (tag at dea1db13), whose
 * Makefile tags the plugin `<version>` and the labeller `labeller-<version>`.
 * @see https://github.com/ROCm/k8s-device-plugin/blob/v1.31.0.10/Makefile
 */
export const AMD_DEVICE_PLUGIN_IMAGE = 'rocm/k8s-device-plugin:1.31.0.10';
/**
 * AMD node labeller image, from the same device-plugin release.
 * @see https://github.com/ROCm/k8s-device-plugin/blob/v1.31.0.10/Makefile
 */
export const AMD_NODE_LABELLER_IMAGE = 'rocm/k8s-device-plugin:labeller-1.31.0.10';
/**
 * AMD operator utility image (driver upgrades, remediation, VF passthrough). It is released
 * with the operator and tagged with its version: the chart's appVersion v1.5.1, and the
 * operator's air-gapped install guide lists it among the images tagged `<operator version>`.
 * @see https://github.com/ROCm/gpu-operator/blob/release-v1.5.1/docs/specialized_networks/airgapped-install.md
 */
export const AMD_UTILS_IMAGE = 'docker.io/rocm/amd-gpu-operator-utils:v1.5.1';
/**
 * AMD device metrics exporter image for operator v1.5.1, for when the exporter is enabled
 * (`deviceConfig.spec.metricsExporter.image`): the release branch's docs pin
 * `device-metrics-exporter:v1.5.1` (ROCm/gpu-operator c677d6f9, "bump v1.5.0 references to v1.5.1").
 * @see https://github.com/ROCm/gpu-operator/blob/release-v1.5.1/docs/metrics/exporter.md
 */
export const AMD_METRICS_EXPORTER_IMAGE = 'docker.io/rocm/device-metrics-exporter:v1.5.1';
/** Device-plugin config entry for pools without sharing. */
export const EXCLUSIVE_CONFIG = 'exclusive';
/**
 * Default tolerations of the GPU Operator's bundled NFD worker, kept because Helm replaces a
 * list instead of merging it: control-plane nodes are labelled too.
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml (`node-feature-discovery.worker.tolerations`)
 */
export const GPU_OPERATOR_NFD_WORKER_TOLERATIONS: readonly Toleration[] = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', value: '', effect: 'NoSchedule' },
  { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
];
/**
 * Default tolerations of the AMD chart's NFD worker (AMD's device-config-manager and
 * unhealthy-GPU taints), kept for the same reason.
 * @see https://github.com/ROCm/gpu-operator/blob/v1.5.1/helm-charts-k8s/values.yaml (`node-feature-discovery.worker.tolerations`)
 */
export const AMD_NFD_WORKER_TOLERATIONS: readonly Toleration[] = [
  { key: 'amd-dcm', operator: 'Equal', value: 'up', effect: 'NoExecute' },
  { key: 'amd-gpu-unhealthy', operator: 'Exists', effect: 'NoSchedule' },
];

/** `defaults` followed by the tolerations of `extra` that are not among them. */
export function withTolerations(defaults: readonly Toleration[], extra: readonly Toleration[]): Toleration[] {
  const same = (a: Toleration, b: Toleration) =>
    a.key === b.key && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;
  return [...defaults, ...extra.filter((t) => !defaults.some((d) => same(d, t)))];
}

/** Props of {@link GpuPlatform}. */
export interface GpuPlatformProps {
  readonly target: ClusterTarget;
  readonly siteId: string;
  /** GPU pools of this cluster. */
  readonly pools: readonly GpuNodePool[];
  /** Registry mirror for charts and images. @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /**
   * What must exist before the operators: the monitoring stack whose ServiceMonitor CRD
   * the GPU Operator's DCGM exporter needs.
   * @default - nothing
   */
  readonly dependsOn?: ITerraformDependable[];
  /** Create ServiceMonitors for GPU metrics (needs the Prometheus Operator CRDs). @default true */
  readonly serviceMonitors?: boolean;
  /** NVIDIA driver version. @default NVIDIA_DRIVER_VERSION */
  readonly nvidiaDriverVersion?: string;
}

/**
 * The device-plugin config of the GPU Operator: one entry per time-sliced pool (selected on
 * nodes by the `nvidia.com/device-plugin.config` label) plus a default without sharing.
 * Time-sliced GPUs are renamed to `nvidia.com/gpu.shared` so quotas never mistake a slice
 * for a whole GPU.
 * @see https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/gpu-sharing.html
 */
export function devicePluginConfigs(pools: readonly GpuNodePool[]): Record<string, string> {
  const configs: Record<string, string> = { [EXCLUSIVE_CONFIG]: stringify({ version: 'v1' }) };
  for (const pool of pools) {
    if (pool.sharing.mode !== 'time-slicing' || !pool.devicePluginConfigName) continue;
    configs[pool.devicePluginConfigName] = stringify({
      version: 'v1',
      sharing: { timeSlicing: { renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas: pool.sharing.replicas }] } },
    });
  }
  return configs;
}

/**
 * The GPU platform of one cluster: the NVIDIA GPU Operator (driver, toolkit, device plugin
 * with MIG and time-slicing config, DCGM exporter, bundled Node Feature Discovery) for
 * NVIDIA pools, the AMD GPU Operator for AMD pools, and the NVIDIA Network Operator for
 * InfiniBand or RoCE pools. Every node agent they run (operands, NFD worker, AMD device
 * plugin, labeller and metrics exporter) tolerates {@link GpuNodePool.nodeAgentTolerations}
 * of the cluster's pools, so it runs on every pool node despite the pool taints. The
 * NicClusterPolicy that configures the Network Operator is a custom resource and lives in
 * the workloads stack ({@link NicClusterPolicy}).
 * @see https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/
 */
export class GpuPlatform extends Construct {
  readonly nvidia?: PinnedChart;
  readonly amd?: PinnedChart;
  readonly network?: PinnedChart;

  constructor(scope: Construct, id: string, props: GpuPlatformProps) {
    super(scope, id);
    const nvidiaPools = props.pools.filter((p) => p.model.vendor === 'NVIDIA');
    const amdPools = props.pools.filter((p) => p.model.vendor === 'AMD');
    const unsupported = props.pools.filter((p) => p.model.vendor !== 'NVIDIA' && p.model.vendor !== 'AMD');
    if (unsupported.length > 0) {
      throw new Error(
        `GpuPlatform: pools ${unsupported.map((p) => `${p.poolName} (${p.model.id})`).join(', ')} need an operator this project does not pin yet`,
      );
    }
    const rdma = props.pools.some((p) => p.interconnect === 'infiniband' || p.interconnect === 'roce');
    const monitors = props.serviceMonitors ?? true;
    const after = props.dependsOn ?? [];
    // Pool nodes are tainted; an agent that does not tolerate every pool's taint never runs
    // there, and Helm's wait does not notice (a DaemonSet does not count such nodes).
    const agents = GpuNodePool.nodeAgentTolerations(props.pools);

    /** An operator chart in its own privileged namespace (operators load modules, read devices). */
    const operator = <C extends ChartId>(chartId: string, chart: C, namespace: string, values: ChartValues[C], extra: ITerraformDependable[] = []) => {
      const ns = systemNamespace(this, `${chartId}Namespace`, props.target, props.siteId, namespace, 'privileged');
      return new PinnedChart(this, chartId, {
        target: props.target,
        chart,
        namespace: ns.metadata.name,
        createNamespace: false,
        mirror: props.mirror,
        dependsOn: [ns, ...after, ...extra],
        values,
      });
    };

    if (nvidiaPools.length > 0) {
      this.nvidia = operator('GpuOperator', 'gpu-operator', 'gpu-operator', {
        // The GPU Operator bundles NFD; one NFD per cluster labels GPUs and NICs alike.
        nfd: { enabled: true },
        // Every operand DaemonSet (driver, toolkit, device plugin, DCGM, GFD, MIG manager, validator …).
        daemonsets: { tolerations: agents },
        // One NFD labels every node, AMD pools' nodes included.
        'node-feature-discovery': { worker: { tolerations: withTolerations(GPU_OPERATOR_NFD_WORKER_TOLERATIONS, agents) } },
        cdi: { enabled: true },
        mig: { strategy: nvidiaPools.some((p) => p.sharing.mode === 'mig') ? 'mixed' : 'single' },
        driver: {
          enabled: true,
          version: props.nvidiaDriverVersion ?? NVIDIA_DRIVER_VERSION,
          kernelModuleType: 'open',
          // GPUDirect RDMA over the host's DOCA-OFED stack for InfiniBand and RoCE pools.
          ...(rdma ? { rdma: { enabled: true, useHostMofed: true } } : {}),
        },
        toolkit: { enabled: true },
        devicePlugin: {
          enabled: true,
          config: { name: DEVICE_PLUGIN_CONFIG, create: true, default: EXCLUSIVE_CONFIG, data: devicePluginConfigs(nvidiaPools) },
        },
        // Nodes pick a MIG layout with the nvidia.com/mig.config label (all-<profile>),
        // from the operator's default mig-parted config.
        migManager: { enabled: true },
        dcgmExporter: { enabled: true, serviceMonitor: { enabled: monitors, interval: '30s' } },
        ...(rdma ? { gdrcopy: { enabled: true } } : {}),
      });
    }

    if (amdPools.length > 0) {
      this.amd = operator('AmdGpuOperator', 'amd-gpu-operator', 'kube-amd-gpu', {
        // With NVIDIA pools present, the GPU Operator's NFD already labels every node.
        'node-feature-discovery':
          nvidiaPools.length === 0 ? { enabled: true, worker: { tolerations: withTolerations(AMD_NFD_WORKER_TOLERATIONS, agents) } } : { enabled: false },
        // HPC sites install the ROCm kernel driver with the node image, so KMM stays off.
        kmm: { enabled: false },
        // Its remediation workflows bring a second Argo; labs run their own.
        remediation: { enabled: false },
        deviceConfig: {
          spec: {
            driver: { enable: false },
            commonConfig: { utilsContainer: { image: AMD_UTILS_IMAGE } },
            devicePlugin: {
              enableDevicePlugin: true,
              devicePluginImage: AMD_DEVICE_PLUGIN_IMAGE,
              enableNodeLabeller: true,
              nodeLabellerImage: AMD_NODE_LABELLER_IMAGE,
              devicePluginTolerations: agents,
              nodeLabellerTolerations: agents,
            },
            // Off, but pinned: its chart default is `latest`, which policy AIF-IMG-1 rejects,
            // so enabling it is the one switch.
            metricsExporter: { enable: false, image: AMD_METRICS_EXPORTER_IMAGE, tolerations: agents },
            selector: { 'feature.node.kubernetes.io/amd-gpu': 'true' },
          },
        },
      });
    }

    if (rdma) {
      this.network = operator(
        'NetworkOperator',
        'network-operator',
        'nvidia-network-operator',
        {
          // NFD comes with the GPU Operator; a second copy would fight over node labels.
          nfd: { enabled: false, deployNodeFeatureRules: true },
          sriovNetworkOperator: { enabled: false },
          upgradeCRDs: true,
        },
        this.nvidia ? [this.nvidia.release] : [],
      );
    }
  }
}
