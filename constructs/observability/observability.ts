import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Toleration } from '../charts/common-values';
import type { ClusterTarget } from '../core/cluster-target';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import { systemNamespace } from '../core/system-namespace';

/** Namespace of the monitoring stack. */
export const MONITORING_NAMESPACE = 'monitoring';
/**
 * Tolerations of node exporter: every NoSchedule taint, pool taints included. This is the
 * prometheus-node-exporter chart's own default, written out so that it is visible and tested:
 * node exporter belongs on every node, and a list naming the pool taints would drop it from
 * control-plane and other tainted nodes.
 * @see https://github.com/prometheus-community/helm-charts/blob/prometheus-node-exporter-4.56.1/charts/prometheus-node-exporter/values.yaml (`tolerations`)
 */
export const NODE_EXPORTER_TOLERATIONS: readonly Toleration[] = [{ operator: 'Exists', effect: 'NoSchedule' }];

/** Props of {@link Observability}. */
export interface ObservabilityProps {
  readonly target: ClusterTarget;
  readonly siteId: string;
  /** Registry mirror for charts and images. @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /** How long Prometheus keeps metrics. @default '30d' */
  readonly retention?: string;
  /**
   * Existing Secret with Grafana's admin credentials (keys `admin-user`, `admin-password`);
   * the password never appears in the synthesized configuration.
   * @default 'grafana-admin'
   */
  readonly grafanaAdminSecret?: string;
  /** @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Cluster monitoring: kube-prometheus-stack (Prometheus Operator and its CRDs, Prometheus,
 * Alertmanager, Grafana, node exporter on every node, kube-state-metrics). Prometheus selects every
 * ServiceMonitor and PodMonitor in the cluster, so the GPU Operator's DCGM exporter and the
 * schedulers' monitors are scraped without extra labels. It is installed first, because
 * other charts create ServiceMonitors.
 * @see https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack
 */
export class Observability extends Construct {
  readonly chart: PinnedChart;
  readonly namespace: string = MONITORING_NAMESPACE;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // node-exporter reads host metrics through hostNetwork and hostPID.
    const ns = systemNamespace(this, 'Namespace', props.target, props.siteId, MONITORING_NAMESPACE, 'privileged');
    this.chart = new PinnedChart(this, 'KubePrometheusStack', {
      target: props.target,
      chart: 'kube-prometheus-stack',
      namespace: MONITORING_NAMESPACE,
      createNamespace: false,
      mirror: props.mirror,
      dependsOn: [ns, ...(props.dependsOn ?? [])],
      values: {
        crds: { enabled: true },
        prometheus: {
          prometheusSpec: {
            retention: props.retention ?? '30d',
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
          },
        },
        alertmanager: { enabled: true },
        'prometheus-node-exporter': { tolerations: NODE_EXPORTER_TOLERATIONS },
        grafana: {
          enabled: true,
          admin: { existingSecret: props.grafanaAdminSecret ?? 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
        },
      },
    });
  }
}
