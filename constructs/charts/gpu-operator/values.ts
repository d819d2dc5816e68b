/**
 * Typed values of the NVIDIA GPU Operator chart (v26.7.0).
 * Images use `repository` (registry and path) + `image` (name) + `version` (not `tag`).
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
import type { EnvVar, KubernetesObject, NodeSelector, Resources, Toleration } from '../common-values';
import type { NfdValues } from '../node-feature-discovery/values';

/**
 * One GPU Operator image: `<repository>/<image>:<version>`.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
export interface GpuOperatorImageRef {
  /** Registry and path, e.g. `nvcr.io/nvidia`. @default - the chart's */
  readonly repository?: string;
  /** Image name. @default - the chart's */
  readonly image?: string;
  /** Tag. @default - the chart's (the chart appVersion for operator, validator, nodeStatusExporter) */
  readonly version?: string;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/**
 * An image with its own pull Secrets.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
export interface GpuOperatorImage extends GpuOperatorImageRef {
  /** Pull Secret names (plain strings, as ClusterPolicy takes them). @default - none */
  readonly imagePullSecrets?: readonly string[];
}

/**
 * A component that can be switched on or off.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
export interface GpuOperatorComponent extends GpuOperatorImage {
  /** @default - none */
  readonly env?: readonly EnvVar[];
  /** @default - none */
  readonly resources?: Resources;
  /** @default - the chart's (see values.yaml) */
  readonly enabled?: boolean;
  /** @default - none */
  readonly args?: readonly string[];
}

/**
 * A named ConfigMap reference the operator reads or creates.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
export interface GpuOperatorConfigMap {
  /** ConfigMap name. @default '' */
  readonly name?: string;
  /** Create the ConfigMap from `data`. @default false */
  readonly create?: boolean;
  /** Default configuration key inside the ConfigMap. @default - the chart's */
  readonly default?: string;
  /** ConfigMap data, when `create` is true. @default - none */
  readonly data?: Readonly<Record<string, string>>;
}

/**
 * `driver.*`.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
export interface GpuOperatorDriver extends GpuOperatorComponent {
  /** `auto`, `open` or `proprietary`. @default 'auto' */
  readonly kernelModuleType?: 'auto' | 'open' | 'proprietary';
  /** @default false */
  readonly usePrecompiled?: boolean;
  /** GPUDirect RDMA. @default - disabled */
  readonly rdma?: { readonly enabled?: boolean; readonly useHostMofed?: boolean };
  /** Driver manager init container image. @default - the chart's */
  readonly manager?: GpuOperatorImageRef & { readonly env?: readonly EnvVar[] };
  /** NVIDIADriver CRD mode. @default - disabled */
  readonly nvidiaDriverCRD?: {
    readonly enabled?: boolean;
    readonly deployDefaultCR?: boolean;
    readonly driverType?: string;
    readonly nodeSelector?: NodeSelector;
  };
  /** Driver upgrade policy. @default - the chart's */
  readonly upgradePolicy?: KubernetesObject;
  /** Private package repository config. @default - none */
  readonly repoConfig?: { readonly configMapName?: string };
  /** Kernel module parameters ConfigMap. @default - none */
  readonly kernelModuleConfig?: { readonly name?: string };
}

/**
 * `dcgmExporter.*`.
 *
 * @see https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml
 */
export interface GpuOperatorDcgmExporter extends GpuOperatorComponent {
  /** ServiceMonitor for Prometheus Operator (needs its CRD). @default - enabled */
  readonly serviceMonitor?: {
    /** @default - the chart's default */
    readonly enabled?: boolean;
    /** @default - the chart's default */
    readonly interval?: string;
    /** @default - the chart's default */
    readonly scrapeTimeout?: string;
    /** @default - the chart's default */
    readonly honorLabels?: boolean;
    /** @default - the chart's default */
    readonly additionalLabels?: Readonly<Record<string, string>>;
    /** @default - the chart's default */
    readonly relabelings?: readonly KubernetesObject[];
  };
  /** Custom metrics ConfigMap (`dcgm-metrics.csv`); only documented in comments. @default - the exporter's default metrics */
  readonly config?: { readonly name?: string; readonly create?: boolean; readonly data?: string };
  /** Slurm/HPC job-to-GPU metric mapping; only documented in comments. @default - disabled */
  readonly hpcJobMapping?: { readonly enabled?: boolean; readonly directory?: string };
  /** Label metrics with pod labels. @default false */
  readonly enablePodLabels?: boolean;
  /** Label metrics with pod UIDs. @default false */
  readonly enablePodUID?: boolean;
}

/**
 * Values of the `gpu-operator` chart that the project sets.
 *
 * @see https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/getting-started.html#chart-customization-options
 */
export interface GpuOperatorValues {
  /** Deploy the bundled Node Feature Discovery. @default true */
  readonly nfd?: { readonly enabled?: boolean; readonly nodefeaturerules?: boolean };
  /** Container Device Interface. @default - enabled */
  readonly cdi?: { readonly enabled?: boolean; readonly nriPluginEnabled?: boolean };
  /** MIG strategy: `single` or `mixed`. @default 'single' */
  readonly mig?: { readonly strategy?: 'single' | 'mixed' };
  /** Settings shared by every operand DaemonSet. @default - the chart's */
  readonly daemonsets?: {
    /** @default - the chart's default */
    readonly labels?: Readonly<Record<string, string>>;
    /** @default - the chart's default */
    readonly annotations?: Readonly<Record<string, string>>;
    /** @default - the chart's default */
    readonly priorityClassName?: string;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
    /** @default - the chart's default */
    readonly updateStrategy?: 'RollingUpdate' | 'OnDelete';
  };
  /** The operator Deployment. @default - the chart's */
  readonly operator?: GpuOperatorImage & {
    /** @default - the chart's default */
    readonly env?: readonly EnvVar[];
    /** @default - the chart's default */
    readonly resources?: Resources;
    /** @default - the chart's default */
    readonly nodeSelector?: NodeSelector;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
    /** @default - the chart's default */
    readonly affinity?: KubernetesObject;
    /** @default - the chart's default */
    readonly priorityClassName?: string;
    /** @default - the chart's default */
    readonly upgradeCRD?: boolean;
    /** @default - the chart's default */
    readonly cleanupCRD?: boolean;
  };
  /** @default - the chart's default */
  readonly validator?: GpuOperatorImage & { readonly env?: readonly EnvVar[]; readonly resources?: Resources };
  /** @default - the chart's default */
  readonly driver?: GpuOperatorDriver;
  /** @default - the chart's default */
  readonly toolkit?: GpuOperatorComponent & { readonly installDir?: string };
  /** @default - the chart's default */
  readonly devicePlugin?: GpuOperatorComponent & { readonly config?: GpuOperatorConfigMap };
  /** @default - the chart's default */
  readonly dcgm?: GpuOperatorComponent;
  /** @default - the chart's default */
  readonly dcgmExporter?: GpuOperatorDcgmExporter;
  /** @default - the chart's default */
  readonly gfd?: GpuOperatorComponent;
  /** @default - the chart's default */
  readonly migManager?: GpuOperatorComponent & { readonly config?: GpuOperatorConfigMap };
  /** @default - the chart's default */
  readonly nodeStatusExporter?: GpuOperatorComponent;
  /** GPUDirect Storage (nvidia-fs). @default - disabled */
  readonly gds?: Omit<GpuOperatorComponent, 'resources'>;
  /** GDRCopy. @default - disabled */
  readonly gdrcopy?: Omit<GpuOperatorComponent, 'resources'>;
  /** @default - the chart's default */
  readonly vgpuManager?: GpuOperatorComponent & { readonly driverManager?: GpuOperatorImageRef & { readonly env?: readonly EnvVar[] } };
  /** @default - the chart's default */
  readonly vgpuDeviceManager?: GpuOperatorComponent;
  /** @default - the chart's default */
  readonly vfioManager?: GpuOperatorComponent & { readonly driverManager?: GpuOperatorImageRef & { readonly env?: readonly EnvVar[] } };
  /** @default - the chart's default */
  readonly kataManager?: { readonly enabled?: boolean };
  /** @default - the chart's default */
  readonly sandboxDevicePlugin?: GpuOperatorComponent;
  /** @default - the chart's default */
  readonly kataSandboxDevicePlugin?: GpuOperatorComponent;
  /** @default - the chart's default */
  readonly ccManager?: GpuOperatorComponent;
  /** @default - the chart's default */
  readonly draDriver?: GpuOperatorImage;
  /** Deploy the ClusterPolicy CR. @default true */
  readonly clusterPolicy?: { readonly deployCR?: boolean };
  /** Deploy the GPUCluster (DRA) CR. @default false */
  readonly gpuCluster?: { readonly deployCR?: boolean };
  /** Values of the bundled NFD sub-chart. @default - the chart's */
  readonly 'node-feature-discovery'?: NfdValues;
}
