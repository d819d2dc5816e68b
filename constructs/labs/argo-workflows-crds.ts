import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ArgoWorkflowsValues } from '../charts/values';
import type { KubernetesObject } from '../charts/common-values';
import type { ClusterTarget } from '../core/cluster-target';
import { PinnedChart, type RegistryMirror } from '../charts/pinned-chart';
import { systemNamespace } from '../core/system-namespace';

/**
 * Namespace of the cluster-wide Argo Workflows release that owns the CRDs.
 * @see https://argo-workflows.readthedocs.io/en/latest/installation/
 */
export const ARGO_NAMESPACE = 'argo';

/**
 * Keys of the argo-workflows chart that this construct and {@link DataLab} set beyond the
 * shared values type (all real keys of the pinned chart, checked by the chart-key tests).
 *
 * @see https://github.com/argoproj/argo-helm/blob/argo-workflows-1.0.18/charts/argo-workflows/values.yaml
 */
export type ArgoWorkflowsExtraValues = ArgoWorkflowsValues & {
  /** Install the minified CRDs from the chart instead of a Job that downloads the full ones. @default true (the Job) */
  readonly crds?: { readonly full?: boolean };
  /** ClusterRoles that add Argo resources to admin, edit and view. @default true */
  readonly createAggregateRoles?: boolean;
  /** @default - the chart's default */
  readonly controller?: {
    /** @default 1 */
    readonly replicas?: number;
    /** @default - none */
    readonly podSecurityContext?: KubernetesObject;
    /** ClusterRole for ClusterWorkflowTemplates. @default true */
    readonly clusterWorkflowTemplates?: { readonly enabled?: boolean };
  };
  /** @default - the chart's default */
  readonly server?: {
    /** @default - none */
    readonly podSecurityContext?: KubernetesObject;
    /** ClusterRole for ClusterWorkflowTemplates. @default true */
    readonly clusterWorkflowTemplates?: { readonly enabled?: boolean };
  };
  /** @default - the chart's default */
  readonly executor?: { readonly securityContext?: KubernetesObject };
};

/**
 * Props of {@link ArgoWorkflowsCrds}.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/installation/
 */
export interface ArgoWorkflowsCrdsProps {
  /** Cluster to install the CRDs in. */
  readonly target: ClusterTarget;
  /** Site id, for labels. */
  readonly siteId: string;
  /** Registry mirror for the chart. @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /** What the release waits for. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Argo Workflows CRDs of one cluster, for the platform layer. CRDs are cluster-wide and
 * Helm lets one release own them, so each data lab installs its own namespaced Argo
 * Workflows without CRDs ({@link DataLab}), and this release owns them. It runs no
 * controller and no server (`controller.replicas: 0`); it also installs the aggregated
 * ClusterRoles that let the `admin`, `edit` and `view` roles of a lab use workflows.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/installation/
 */
export class ArgoWorkflowsCrds extends Construct {
  /** The release that owns the CRDs. */
  readonly chart: PinnedChart<'argo-workflows'>;

  constructor(scope: Construct, id: string, props: ArgoWorkflowsCrdsProps) {
    super(scope, id);
    const ns = systemNamespace(this, 'Namespace', props.target, props.siteId, ARGO_NAMESPACE, 'restricted');
    const values: ArgoWorkflowsExtraValues = {
      crds: { install: true, keep: true, full: false },
      createAggregateRoles: true,
      singleNamespace: true,
      controller: { replicas: 0, clusterWorkflowTemplates: { enabled: false } },
      server: { enabled: false, clusterWorkflowTemplates: { enabled: false } },
      workflow: { rbac: { create: false } },
    };
    this.chart = new PinnedChart(this, 'Chart', {
      target: props.target,
      chart: 'argo-workflows',
      namespace: ARGO_NAMESPACE,
      createNamespace: false,
      mirror: props.mirror,
      dependsOn: [ns, ...(props.dependsOn ?? [])],
      values,
    });
  }
}
