import type { ITerraformDependable } from 'cdktf';
import type { ChartId } from '../charts/registry';
import type { ChartValues } from '../charts/values';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ClusterTarget } from '../core/cluster-target';
import type { GpuNodePool } from './gpu-node-pool';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import { systemNamespace } from '../core/system-namespace';

/** NVIDIA data-center driver the GPU Operator installs (the v26.7.0 chart's default, pinned). */
export const NVIDIA_DRIVER_VERSION = '595.91.07';
/** Name of the device-plugin ConfigMap the GPU Operator creates from our config. */
export const DEVICE_PLUGIN_CONFIG = 'aif-device-plugin-config';
/**
 * AMD device plugin and node labeller images. The AMD GPU operator chart v1.5.1 defaults
 * every operand image to `latest`; these are published tags of rocm/k8s-device-plugin,
 * pinned so every node runs the same plugin.
 * @see https://hub.docker.com/r/rocm/k8s-device-plugin/tags
 */
export const AMD_DEVICE_PLUGIN_IMAGE = 'rocm/k8s-device-plugin:1.31.0.10';
export const AMD_NODE_LABELLER_IMAGE = 'rocm/k8s-device-plugin:labeller-1.31.0.10';
/** Device-plugin config entry for pools without sharing. */
export const EXCLUSIVE_CONFIG = 'exclusive';

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
 * InfiniBand or RoCE pools. The NicClusterPolicy that configures the Network Operator is a
 * custom resource and lives in the workloads stack ({@link NicClusterPolicy}).
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
        'node-feature-discovery': { enabled: nvidiaPools.length === 0 },
        // HPC sites install the ROCm kernel driver with the node image, so KMM stays off.
        kmm: { enabled: false },
        // Its remediation workflows bring a second Argo; labs run their own.
        remediation: { enabled: false },
        deviceConfig: {
          spec: {
            driver: { enable: false },
            devicePlugin: {
              enableDevicePlugin: true,
              devicePluginImage: AMD_DEVICE_PLUGIN_IMAGE,
              enableNodeLabeller: true,
              nodeLabellerImage: AMD_NODE_LABELLER_IMAGE,
            },
            // Off until a metrics-exporter tag matching this operator release is pinned:
            // its chart default is `latest`.
            metricsExporter: { enable: false },
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
