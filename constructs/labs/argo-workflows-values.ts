/**
 * Helm values of a data lab's Argo Workflows: a namespaced controller and server for
 * curation pipelines, on the CRDs the platform layer installs.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/managed-namespace/
 */
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
 * The lab's Argo Workflows values: one namespace, no CRDs or cluster-wide roles (the
 * platform's {@link ArgoWorkflowsCrds} owns them), Pod Security `restricted` controller,
 * server and workflow pods (pod, step and executor containers), client-token authentication so Kubernetes RBAC applies, and the
 * artifacts bucket as artifact repository.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/configure-artifact-repository/
 */
export function labArgoWorkflowsValues(props: ArgoWorkflowsLabValuesProps): ArgoWorkflowsExtraValues {
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
          // Pod Security `restricted` also checks every container: no privilege escalation and
          // no capabilities, which a pod-level context cannot say. The template defaults reach
          // each step's `main` container; a step may still set its own.
          templateDefaults: { container: { securityContext: RESTRICTED_CONTAINER } },
        },
      },
    },
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
