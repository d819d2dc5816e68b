/**
 * Typed values of the Argo Workflows chart (1.0.18, Argo Workflows 4.0). Images use
 * `registry` + `repository` with the shared `images.tag`.
 *
 * @see https://github.com/argoproj/argo-helm/blob/argo-workflows-1.0.18/charts/argo-workflows/values.yaml
 */
import type { KubernetesObject, NodeSelector, RegistryImage, Resources, SecretRef, Toleration } from '../common-values';

/**
 * S3 artifact repository; keys only documented in comments.
 *
 * @see https://github.com/argoproj/argo-helm/blob/argo-workflows-1.0.18/charts/argo-workflows/values.yaml
 */
export interface ArgoS3ArtifactRepository {
  /** @default - the chart's default */
  readonly bucket?: string;
  /** @default - the chart's default */
  readonly endpoint?: string;
  /** @default - the chart's default */
  readonly region?: string;
  /** @default - the chart's default */
  readonly insecure?: boolean;
  /** @default - the chart's default */
  readonly keyFormat?: string;
  /** @default - the chart's default */
  readonly accessKeySecret?: { readonly name: string; readonly key: string };
  /** @default - the chart's default */
  readonly secretKeySecret?: { readonly name: string; readonly key: string };
  /** @default - the chart's default */
  readonly useSDKCreds?: boolean;
}

/**
 * Defaults the workflow controller merges into every Workflow it runs (the chart's
 * `controller.workflowDefaults`); a Workflow's own values win.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/default-workflow-specs/
 * @see https://argo-workflows.readthedocs.io/en/latest/template-defaults/
 */
export interface ArgoWorkflowDefaults {
  /** @default - none */
  readonly spec?: {
    /** Service account of workflow pods. @default - the namespace's `default` */
    readonly serviceAccountName?: string;
    /** Pod-level security context of every workflow pod. @default - none */
    readonly securityContext?: KubernetesObject;
    /**
     * Defaults of every template, merged by strategic merge patch; `container` reaches the
     * `main` container of container templates.
     * @default - none
     */
    readonly templateDefaults?: { readonly container?: { readonly securityContext?: KubernetesObject } };
  };
}

/**
 * Values of the `argo-workflows` chart that the project sets.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/installation/
 */
export interface ArgoWorkflowsValues {
  /** Shared image settings. @default - the chart appVersion */
  readonly images?: { readonly tag?: string; readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never'; readonly pullSecrets?: readonly SecretRef[] };
  /** CRDs. @default - installed */
  readonly crds?: {
    readonly install?: boolean;
    readonly keep?: boolean;
    readonly upgradeJob?: { readonly image?: { readonly repository?: string; readonly tag?: string }; readonly imagePullSecrets?: readonly SecretRef[] };
  };
  /** Only watch the release namespace. @default false */
  readonly singleNamespace?: boolean;
  /** Service account of workflow pods. @default - not created */
  readonly workflow?: {
    readonly serviceAccount?: { readonly create?: boolean; readonly name?: string; readonly pullSecrets?: readonly SecretRef[] };
    readonly rbac?: { readonly create?: boolean };
  };
  /** @default - the chart's default */
  readonly controller?: {
    /** @default - the chart's default */
    readonly image?: RegistryImage;
    /** Namespaces workflows run in. @default ['default'] */
    readonly workflowNamespaces?: readonly string[];
    /** @default - the chart's default */
    readonly metricsConfig?: { readonly enabled?: boolean };
    /** @default - the chart's default */
    readonly serviceMonitor?: { readonly enabled?: boolean };
    /** Defaults of every Workflow. @default - none */
    readonly workflowDefaults?: ArgoWorkflowDefaults;
    /** @default - the chart's default */
    readonly nodeSelector?: NodeSelector;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
    /** @default - the chart's default */
    readonly resources?: Resources;
  };
  /** The executor (`argoexec`) image used in every workflow pod. @default - quay.io/argoproj/argoexec */
  readonly executor?: { readonly image?: RegistryImage };
  /** @default - the chart's default */
  readonly server?: {
    /** @default - the chart's default */
    readonly enabled?: boolean;
    /** @default - the chart's default */
    readonly image?: RegistryImage;
    /** e.g. `['sso']` or `['client']`. @default - server default */
    readonly authModes?: readonly string[];
    /** @default - the chart's default */
    readonly sso?: KubernetesObject;
  };
  /** Use static S3 credentials from Secrets. @default true */
  readonly useStaticCredentials?: boolean;
  /** Default artifact repository. @default - none */
  readonly artifactRepository?: { readonly archiveLogs?: boolean; readonly s3?: ArgoS3ArtifactRepository };
}
