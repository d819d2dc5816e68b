/**
 * Typed values of the kube-prometheus-stack chart (88.5.3). Images use `registry` +
 * `repository` + `tag`; `grafana.*`, `kube-state-metrics.*` and `prometheus-node-exporter.*`
 * pass through to the sub-charts.
 *
 * @see https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/values.yaml
 */
import type { KubernetesObject, NodeSelector, Passthrough, RegistryImage, Resources, SecretRef, Toleration } from '../common-values';

/**
 * `grafana.*` (grafana 12.11.1 sub-chart).
 *
 * @see https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/values.yaml
 */
export interface KpsGrafanaValues {
  /** @default true */
  readonly enabled?: boolean;
  /** Admin user name when no existing Secret is used. @default 'admin' */
  readonly adminUser?: string;
  /** Admin password; only documented in comments, prefer `admin.existingSecret`. @default - generated */
  readonly adminPassword?: string;
  /** Existing Secret with the admin credentials. @default - none */
  readonly admin?: { readonly existingSecret?: string; readonly userKey?: string; readonly passwordKey?: string };
  /** @default - disabled */
  readonly persistence?: { readonly enabled?: boolean; readonly size?: string; readonly storageClassName?: string };
  /** @default - disabled */
  readonly ingress?: {
    readonly enabled?: boolean;
    readonly ingressClassName?: string;
    readonly hosts?: readonly string[];
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /** @default - the chart's */
  readonly image?: RegistryImage;
  /** Dashboard / datasource sidecar. @default - the chart's */
  readonly sidecar?: { readonly image?: RegistryImage; readonly dashboards?: KubernetesObject; readonly datasources?: KubernetesObject };
  /** @default - the chart's default */
  readonly initChownData?: { readonly enabled?: boolean; readonly image?: RegistryImage };
  /** @default - the chart's default */
  readonly downloadDashboardsImage?: RegistryImage;
  /** @default - the chart's default */
  readonly testFramework?: { readonly enabled?: boolean; readonly image?: RegistryImage };
  /** @default - the chart's default */
  readonly imageRenderer?: { readonly enabled?: boolean; readonly image?: RegistryImage };
  /** `grafana.ini`, free-form. @default - the chart's */
  readonly 'grafana.ini'?: Passthrough;
  /** Grafana chart-wide settings; `global.imageRegistry` overrides every grafana image registry. @default - none */
  readonly global?: { readonly imageRegistry?: string | null; readonly imagePullSecrets?: readonly SecretRef[] };
}

/**
 * Values of the `kube-prometheus-stack` chart that the project sets.
 *
 * @see https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack
 */
export interface KubePrometheusStackValues {
  /** Install the Prometheus Operator CRDs from the chart. @default - enabled */
  readonly crds?: {
    /** @default - the chart's default */
    readonly enabled?: boolean;
    /** @default - the chart's default */
    readonly upgradeJob?: { readonly enabled?: boolean; readonly image?: { readonly busybox?: RegistryImage; readonly kubectl?: RegistryImage } };
  };
  /** Chart-wide image settings. `imageRegistry` replaces the registry of every kps and sub-chart image. @default - none */
  readonly global?: { readonly imageRegistry?: string; readonly imagePullSecrets?: readonly SecretRef[] };
  /** Windows exporter sub-chart. @default - disabled */
  readonly windowsMonitoring?: { readonly enabled?: boolean };
  /** @default - enabled, one replica */
  readonly alertmanager?: {
    /** @default - the chart's default */
    readonly enabled?: boolean;
    /** @default - the chart's default */
    readonly config?: Passthrough;
    /** @default - the chart's default */
    readonly alertmanagerSpec?: {
      /** @default - the chart's default */
      readonly image?: RegistryImage;
      /** @default - the chart's default */
      readonly replicas?: number;
      /** @default - the chart's default */
      readonly retention?: string;
      /** @default - the chart's default */
      readonly storage?: KubernetesObject;
      /** @default - the chart's default */
      readonly nodeSelector?: NodeSelector;
      /** @default - the chart's default */
      readonly tolerations?: readonly Toleration[];
      /** @default - the chart's default */
      readonly resources?: Resources;
    };
  };
  /** @default - the chart's default */
  readonly grafana?: KpsGrafanaValues;
  /** Deploy kube-state-metrics. @default true */
  readonly kubeStateMetrics?: { readonly enabled?: boolean };
  /** kube-state-metrics sub-chart (8.4.0). @default - the chart's */
  readonly 'kube-state-metrics'?: {
    /** @default - the chart's default */
    readonly image?: RegistryImage;
    /** @default - the chart's default */
    readonly kubeRBACProxy?: { readonly enabled?: boolean; readonly image?: RegistryImage };
    /** @default - the chart's default */
    readonly metricLabelsAllowlist?: readonly string[];
    /** @default - the chart's default */
    readonly collectors?: readonly string[];
  };
  /** Deploy node-exporter. @default true */
  readonly nodeExporter?: { readonly enabled?: boolean };
  /** prometheus-node-exporter sub-chart (4.56.1). @default - the chart's */
  readonly 'prometheus-node-exporter'?: {
    /** @default - the chart's default */
    readonly image?: RegistryImage & { readonly digest?: string; readonly distroless?: boolean };
    /** @default - the chart's default */
    readonly kubeRBACProxy?: { readonly enabled?: boolean; readonly image?: RegistryImage };
    /** @default - the chart's default */
    readonly permissionInitContainer?: { readonly image?: RegistryImage };
    /** @default - the chart's default */
    readonly hostNetwork?: boolean;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
  };
  /** @default - the chart's */
  readonly prometheusOperator?: {
    /** @default - the chart's default */
    readonly image?: RegistryImage;
    /** @default - the chart's default */
    readonly prometheusConfigReloader?: { readonly image?: RegistryImage };
    /** @default - the chart's default */
    readonly thanosImage?: RegistryImage;
    /** @default - the chart's default */
    readonly admissionWebhooks?: {
      /** @default - the chart's default */
      readonly enabled?: boolean;
      /** @default - the chart's default */
      readonly certManager?: { readonly enabled?: boolean };
      /** @default - the chart's default */
      readonly deployment?: { readonly enabled?: boolean; readonly image?: RegistryImage };
      /** @default - the chart's default */
      readonly patch?: { readonly enabled?: boolean; readonly image?: RegistryImage };
    };
    /** @default - the chart's default */
    readonly nodeSelector?: NodeSelector;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
  };
  /** @default - the chart's */
  readonly prometheus?: {
    /** @default - the chart's default */
    readonly enabled?: boolean;
    /** @default - the chart's default */
    readonly prometheusSpec?: {
      /** @default - the chart's default */
      readonly image?: RegistryImage;
      /** Select every ServiceMonitor, not only the chart's own. @default true (only the chart's) */
      readonly serviceMonitorSelectorNilUsesHelmValues?: boolean;
      /** @default true */
      readonly podMonitorSelectorNilUsesHelmValues?: boolean;
      /** @default true */
      readonly ruleSelectorNilUsesHelmValues?: boolean;
      /** @default true */
      readonly probeSelectorNilUsesHelmValues?: boolean;
      /** @default true */
      readonly scrapeConfigSelectorNilUsesHelmValues?: boolean;
      /** @default '10d' */
      readonly retention?: string;
      /** @default - unlimited */
      readonly retentionSize?: string;
      /** Persistent storage (`volumeClaimTemplate`), passed to the Prometheus CR. @default - emptyDir */
      readonly storageSpec?: KubernetesObject;
      /** Extra scrape configs. @default - none */
      readonly additionalScrapeConfigs?: readonly KubernetesObject[];
      /** @default - the chart's default */
      readonly replicas?: number;
      /** @default - the chart's default */
      readonly externalLabels?: Readonly<Record<string, string>>;
      /** @default - the chart's default */
      readonly nodeSelector?: NodeSelector;
      /** @default - the chart's default */
      readonly tolerations?: readonly Toleration[];
      /** @default - the chart's default */
      readonly resources?: Resources;
    };
  };
  /** @default - disabled */
  readonly thanosRuler?: { readonly enabled?: boolean; readonly thanosRulerSpec?: { readonly image?: RegistryImage } };
}
