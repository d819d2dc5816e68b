/**
 * Helm values of a data lab's Argo Workflows: a namespaced controller and server for
 * curation pipelines, on the CRDs the platform layer installs.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/managed-namespace/
 */
import type { KubernetesObject } from '../charts/common-values';
import type { ObjectBucket } from '../storage/storage-tier';
import type { ArgoWorkflowsExtraValues } from './argo-workflows-crds';
import { RESTRICTED_CONTAINER, RESTRICTED_POD } from './pod-security';

/**
 * What a lab's Argo Workflows values are built from.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/managed-namespace/
 */
export interface ArgoWorkflowsLabValuesProps {
  /** Bucket of the default artifact repository (workflow outputs and archived logs). */
  readonly artifacts: ObjectBucket;
}

/**
 * The lab's Argo Workflows values: the chart keys of {@link ArgoWorkflowsExtraValues}, and
 * `mainContainer` (a real key of the pinned chart, which writes it to the controller's
 * configuration).
 *
 * @see https://github.com/argoproj/argo-helm/blob/argo-workflows-1.0.18/charts/argo-workflows/values.yaml
 */
export type ArgoWorkflowsLabValues = ArgoWorkflowsExtraValues & {
  /**
   * Defaults of the main container of every workflow pod, merged under the container by
   * strategic merge patch. Setting it also sets its `imagePullPolicy` to `images.pullPolicy`
   * (the chart's `Always`) for steps that set none.
   * @default - none
   */
  readonly mainContainer?: { readonly securityContext?: KubernetesObject };
};

/**
 * The lab's Argo Workflows values: one namespace, no CRDs or cluster-wide roles (the
 * platform's {@link ArgoWorkflowsCrds} owns them), Pod Security `restricted` controller,
 * server and workflow pods (pod, step and executor containers), client-token authentication so Kubernetes RBAC applies, and the
 * artifacts bucket as artifact repository.
 *
 * Step containers get the restricted container context from the controller's `mainContainer`
 * defaults, not from the workflow defaults' `templateDefaults`. In Argo Workflows 4.0 the
 * controller merges `mainContainer` under every container it runs as user code, whatever the
 * template type: the `main` container of container and script templates, and each container of
 * a containerSet (workflow/controller/workflowpod.go, createWorkflowPod). `templateDefaults`
 * reach a template only through the field of its own type (operator.go,
 * mergedTemplateDefaultsInto), and a containerSet's containers are a list that the strategic
 * merge replaces, so no template default reaches them. Resource and data templates run
 * `argoexec` as `main`, with the executor's context, like the `init` and `wait` containers; HTTP
 * and plugin templates run in Argo's agent pod, which sets a restricted context of its own.
 * A template's own `initContainers` and `sidecars` get no defaults and must set theirs.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/configure-artifact-repository/
 */
export function labArgoWorkflowsValues(props: ArgoWorkflowsLabValuesProps): ArgoWorkflowsLabValues {
  const artifacts = props.artifacts;
  return {
    // The platform layer owns the CRDs and the aggregated roles (ArgoWorkflowsCrds).
    crds: { install: false },
    createAggregateRoles: false,
    singleNamespace: true,
    controller: {
      podSecurityContext: RESTRICTED_POD,
      clusterWorkflowTemplates: { enabled: false },
      workflowDefaults: {
        spec: {
          serviceAccountName: 'argo-workflow',
          // Workflow pods run in a restricted namespace: non-root with seccomp by default.
          securityContext: RESTRICTED_POD,
        },
      },
    },
    // Pod Security `restricted` also checks every container: no privilege escalation and no
    // capabilities, which a pod-level context cannot say. These defaults reach the user-code
    // containers of container, script and containerSet steps; a step may still set its own.
    mainContainer: { securityContext: RESTRICTED_CONTAINER },
    // The executor's `init` and `wait` containers in every workflow pod.
    executor: { securityContext: RESTRICTED_CONTAINER },
    server: {
      enabled: true,
      // Users call the server with their own Kubernetes (OIDC) token, so RBAC applies.
      authModes: ['client'],
      podSecurityContext: RESTRICTED_POD,
      clusterWorkflowTemplates: { enabled: false },
    },
    workflow: { serviceAccount: { create: true, name: 'argo-workflow' }, rbac: { create: true } },
    artifactRepository: {
      archiveLogs: true,
      s3: {
        bucket: artifacts.bucketName,
        endpoint: artifacts.endpoint.url.replace(/^https?:\/\//, ''),
        insecure: artifacts.endpoint.url.startsWith('http://'),
        accessKeySecret: { name: artifacts.credentialsSecret, key: 'AWS_ACCESS_KEY_ID' },
        secretKeySecret: { name: artifacts.credentialsSecret, key: 'AWS_SECRET_ACCESS_KEY' },
      },
    },
  };
}
