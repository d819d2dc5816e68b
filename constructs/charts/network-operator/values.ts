/**
 * Typed values of the NVIDIA Network Operator chart (26.4.1). Since 24.10 the chart no longer
 * deploys a NicClusterPolicy; create that CR separately.
 *
 * @see https://github.com/Mellanox/network-operator/blob/v26.4.1/deployment/network-operator/values.yaml
 */
import type { KubernetesObject, NodeSelector, Resources, SecretRef, Toleration } from '../common-values';
import type { NfdValues } from '../node-feature-discovery/values';

/**
 * `sriov-network-operator.images.*`: full `repo:tag` references.
 *
 * @see https://github.com/Mellanox/network-operator/blob/v26.4.1/deployment/network-operator/values.yaml
 */
export interface SriovNetworkOperatorImages {
  /** @default - the chart's default */
  readonly operator?: string;
  /** @default - the chart's default */
  readonly sriovConfigDaemon?: string;
  /** @default - the chart's default */
  readonly sriovCni?: string;
  /** @default - the chart's default */
  readonly ibSriovCni?: string;
  /** @default - the chart's default */
  readonly ovsCni?: string;
  /** @default - the chart's default */
  readonly rdmaCni?: string;
  /** @default - the chart's default */
  readonly sriovDevicePlugin?: string;
  /** @default - the chart's default */
  readonly sriovDraDriver?: string;
  /** @default - the chart's default */
  readonly resourcesInjector?: string;
  /** @default - the chart's default */
  readonly webhook?: string;
  /** @default - the chart's default */
  readonly metricsExporter?: string;
  /** @default - the chart's default */
  readonly metricsExporterKubeRbacProxy?: string;
}

/**
 * Values of the `network-operator` chart that the project sets.
 *
 * @see https://docs.nvidia.com/networking/display/kubernetes2641/
 */
export interface NetworkOperatorValues {
  /** Bundled NFD. @default - enabled, with NodeFeatureRules */
  readonly nfd?: { readonly enabled?: boolean; readonly deployNodeFeatureRules?: boolean };
  /** Upgrade CRDs through Helm hooks. @default true */
  readonly upgradeCRDs?: boolean;
  /** Bundled SR-IOV Network Operator. @default - disabled */
  readonly sriovNetworkOperator?: { readonly enabled?: boolean };
  /** Bundled Maintenance Operator. @default - disabled */
  readonly maintenanceOperator?: { readonly enabled?: boolean };
  /** Pull Secret names for the operator (plain strings). @default - none */
  readonly imagePullSecrets?: readonly string[];
  /** The operator Deployment; image is `<repository>/<image>:<tag>`. @default - the chart's */
  readonly operator?: {
    /** @default - the chart's default */
    readonly repository?: string;
    /** @default - the chart's default */
    readonly image?: string;
    /** @default - the chart's default */
    readonly tag?: string;
    /** @default - the chart's default */
    readonly imagePullSecrets?: readonly string[];
    /** @default - the chart's default */
    readonly resources?: Resources;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
    /** @default - the chart's default */
    readonly nodeSelector?: NodeSelector;
    /** @default - the chart's default */
    readonly affinity?: KubernetesObject;
    /** @default - the chart's default */
    readonly admissionController?: { readonly enabled?: boolean; readonly useCertManager?: boolean };
    /** @default - the chart's default */
    readonly ofedDriver?: {
      /** @default - the chart's default */
      readonly initContainer?: { readonly enable?: boolean; readonly repository?: string; readonly image?: string; readonly version?: string };
    };
  };
  /** Values of the bundled NFD fork (0.2.1). @default - the chart's */
  readonly 'node-feature-discovery'?: NfdValues;
  /** Values of the bundled SR-IOV Network Operator. @default - the chart's */
  readonly 'sriov-network-operator'?: {
    /** @default - the chart's default */
    readonly images?: SriovNetworkOperatorImages;
    /** Pull Secret names (plain strings). @default - none */
    readonly imagePullSecrets?: readonly string[];
    /** @default - the chart's default */
    readonly operator?: { readonly resourcePrefix?: string; readonly admissionControllers?: KubernetesObject };
    /** @default - the chart's default */
    readonly sriovOperatorConfig?: { readonly deploy?: boolean; readonly configDaemonNodeSelector?: NodeSelector };
  };
  /** Values of the bundled Maintenance Operator. @default - the chart's */
  readonly 'maintenance-operator-chart'?: {
    /** @default - the chart's default */
    readonly imagePullSecrets?: readonly SecretRef[];
    /** @default - the chart's default */
    readonly operator?: {
      readonly image?: { readonly repository?: string; readonly name?: string; readonly tag?: string | null; readonly imagePullPolicy?: string | null };
    };
    /** @default - the chart's default */
    readonly operatorConfig?: { readonly deploy?: boolean };
  };
}
