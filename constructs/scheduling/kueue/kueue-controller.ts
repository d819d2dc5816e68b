import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ClusterTarget } from '../../core/cluster-target';
import { kueueConfiguration } from './kueue-queues';
import { MONITORING_NAMESPACE } from '../../observability/observability';
import { PinnedChart, type RegistryMirror } from '../../charts/pinned-chart';

/** Props of {@link KueueController}. */
export interface KueueControllerProps {
  readonly target: ClusterTarget;
  /** Preempt by fair share. @default true */
  readonly fairSharing?: boolean;
  /**
   * The cluster is a MultiKueue manager of cells: Kueue integrates only the kinds the cells
   * serve (`MULTIKUEUE_MANAGER_FRAMEWORKS` of kueue-queues.ts).
   * @default false
   */
  readonly multiKueueManager?: boolean;
  /** Create a ServiceMonitor (needs the Prometheus Operator CRDs). @default true */
  readonly serviceMonitor?: boolean;
  /** @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /** @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Kueue controller and its CRDs, in the platform stack, running {@link kueueConfiguration}.
 * The chart gives every job and pod webhook the Configuration's
 * `managedJobsNamespaceSelector` as its namespaceSelector, so the pod webhook, which fails
 * closed, only sees tenant and lab namespaces. Queues, flavors and topologies are custom
 * resources and live in the workloads stack ({@link KueueQueues}).
 * @see https://kueue.sigs.k8s.io/docs/installation/
 * @see https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/templates/webhook/manifests.yaml
 */
export class KueueController extends Construct {
  readonly chart: PinnedChart;

  constructor(scope: Construct, id: string, props: KueueControllerProps) {
    super(scope, id);
    const monitors = props.serviceMonitor ?? true;
    this.chart = new PinnedChart(this, 'Kueue', {
      target: props.target,
      chart: 'kueue',
      mirror: props.mirror,
      dependsOn: props.dependsOn,
      values: {
        // The chart takes the whole Configuration as one string; a YAML library writes it.
        managerConfig: {
          controllerManagerConfigYaml: stringify(
            kueueConfiguration({ fairSharing: props.fairSharing ?? true, multiKueueManager: props.multiKueueManager ?? false }),
          ),
        },
        // enablePrometheus creates the ServiceMonitor (and its RBAC) for the monitoring stack.
        enablePrometheus: monitors,
        ...(monitors ? { metrics: { prometheusNamespace: MONITORING_NAMESPACE } } : {}),
      },
    });
  }
}
