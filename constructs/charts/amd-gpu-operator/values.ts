/**
 * Typed values of the AMD GPU Operator chart (`gpu-operator-charts` v1.5.1). Operand images
 * are full references under `deviceConfig.spec.*`; NFD and KMM are sub-charts.
 *
 * @see https://github.com/ROCm/gpu-operator/blob/v1.5.1/helm-charts-k8s/values.yaml
 */
import type { KubernetesObject, NodeSelector, SecretRef, Toleration } from '../common-values';
import type { NfdValues } from '../node-feature-discovery/values';

/**
 * An operand with a full image reference.
 *
 * @see https://github.com/ROCm/gpu-operator/blob/v1.5.1/helm-charts-k8s/values.yaml
 */
export interface AmdOperand {
  /** @default - the chart's (false for optional operands) */
  readonly enable?: boolean;
  /** Full image reference. @default - the chart's */
  readonly image?: string;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Pull Secret for this operand. @default - none */
  readonly imageRegistrySecret?: SecretRef;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
  /** @default - the chart's default */
  readonly selector?: NodeSelector;
}

/**
 * Values of the AMD `gpu-operator-charts` chart that the project sets.
 *
 * @see https://instinct.docs.amd.com/projects/gpu-operator/en/latest/installation/kubernetes-helm.html
 */
export interface AmdGpuOperatorValues {
  /** NFD sub-chart (v0.18.3); does not inherit `global.imagePullSecrets`. @default - enabled */
  readonly 'node-feature-discovery'?: NfdValues & { readonly enabled?: boolean };
  /** KMM sub-chart. @default - enabled */
  readonly kmm?: {
    /** @default - the chart's default */
    readonly enabled?: boolean;
    /** @default - the chart's default */
    readonly controller?: {
      /** @default - the chart's default */
      readonly manager?: {
        /** @default - the chart's default */
        readonly image?: { readonly repository?: string; readonly tag?: string };
        /** @default - the chart's default */
        readonly env?: { readonly relatedImageBuild?: string; readonly relatedImageSign?: string; readonly relatedImageWorker?: string };
      };
    };
    /** @default - the chart's default */
    readonly webhookServer?: { readonly webhookServer?: { readonly image?: { readonly repository?: string; readonly tag?: string } } };
  };
  /** Auto-remediation workflow controller. @default - enabled */
  readonly remediation?: {
    readonly enabled?: boolean;
    readonly installCRDs?: boolean;
    readonly controller?: { readonly image?: string; readonly nodeSelector?: NodeSelector };
  };
  /** Pull Secrets for the operator, KMM, remediation and every operand. @default - none */
  readonly global?: { readonly imagePullSecrets?: readonly SecretRef[] };
  /** The default DeviceConfig CR. @default - the chart's */
  readonly deviceConfig?: {
    /** @default - the chart's default */
    readonly spec?: {
      /** Node selector of the GPU nodes. @default - `feature.node.kubernetes.io/amd-gpu: "true"` */
      readonly selector?: NodeSelector;
      /** Out-of-tree driver managed by KMM. @default - disabled (inbox driver) */
      readonly driver?: {
        /** @default - the chart's default */
        readonly enable?: boolean;
        /** @default - the chart's default */
        readonly version?: string;
        /** Registry path where KMM stores the built driver image (a destination, not an upstream). @default - placeholder */
        readonly image?: string;
        /** @default - the chart's default */
        readonly imageRegistrySecret?: SecretRef;
        /** @default - the chart's default */
        readonly blacklist?: boolean;
      };
      /** @default - the chart's default */
      readonly commonConfig?: { readonly initContainerImage?: string; readonly utilsContainer?: { readonly image?: string } };
      /** @default - the chart's default */
      readonly devicePlugin?: {
        /** @default - the chart's default */
        readonly enableDevicePlugin?: boolean;
        /** @default - the chart's default */
        readonly devicePluginImage?: string;
        /** @default - the chart's default */
        readonly enableNodeLabeller?: boolean;
        /** @default - the chart's default */
        readonly nodeLabellerImage?: string;
        /** @default - the chart's default */
        readonly imageRegistrySecret?: SecretRef;
        /** Tolerations of the device plugin DaemonSet. @default - none */
        readonly devicePluginTolerations?: readonly Toleration[];
        /** Tolerations of the node labeller DaemonSet. @default - none */
        readonly nodeLabellerTolerations?: readonly Toleration[];
      };
      /** @default - the chart's default */
      readonly metricsExporter?: AmdOperand & {
        /** @default - the chart's default */
        readonly serviceType?: 'ClusterIP' | 'NodePort';
        /** @default - the chart's default */
        readonly port?: number;
        /** @default - the chart's default */
        readonly rbacConfig?: { readonly enable?: boolean; readonly image?: string };
        /** @default - the chart's default */
        readonly prometheus?: { readonly serviceMonitor?: { readonly enable?: boolean; readonly interval?: string } };
      };
      /** @default - the chart's default */
      readonly testRunner?: AmdOperand;
      /** @default - the chart's default */
      readonly configManager?: Omit<AmdOperand, 'tolerations'> & { readonly configManagerTolerations?: readonly Toleration[] };
      /** @default - the chart's default */
      readonly draDriver?: AmdOperand;
      /** @default - the chart's default */
      readonly remediationWorkflow?: {
        readonly enable?: boolean;
        readonly testerImage?: string;
        readonly configMapImage?: string;
        readonly config?: KubernetesObject;
      };
    };
  };
  /** The operator Deployment. @default - the chart's */
  readonly controllerManager?: {
    readonly manager?: { readonly image?: { readonly repository?: string; readonly tag?: string }; readonly tolerations?: readonly Toleration[] };
    readonly nodeSelector?: NodeSelector;
  };
}
