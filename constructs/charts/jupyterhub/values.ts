/**
 * Typed values of the Zero to JupyterHub chart (4.4.0, JupyterHub 5.5). Images use `name`
 * (with registry host) + `tag`. The chart's schema rejects unknown keys.
 *
 * @see https://github.com/jupyterhub/zero-to-jupyterhub-k8s/blob/4.4.0/jupyterhub/values.yaml
 */
import type { KubernetesObject, NamedImage, NodeSelector, Passthrough, Resources, Toleration } from '../common-values';

/**
 * A notebook profile users pick from (KubeSpawner `profile_list`).
 *
 * @see https://github.com/jupyterhub/zero-to-jupyterhub-k8s/blob/4.4.0/jupyterhub/values.yaml
 */
export interface JupyterProfile {
  readonly display_name: string;
  /** @default - the chart's default */
  readonly slug?: string;
  /** @default - the chart's default */
  readonly description?: string;
  /** @default - the chart's default */
  readonly default?: boolean;
  /** KubeSpawner settings of this profile, e.g. `image`, `extra_resource_limits`, `node_selector`. @default - the chart's default */
  readonly kubespawner_override?: Readonly<Record<string, Passthrough>>;
}

/**
 * Values of the `jupyterhub` chart that the project sets.
 *
 * @see https://z2jh.jupyter.org/en/stable/resources/reference.html
 */
export interface JupyterhubValues {
  /** Pull Secret names for every pod of the chart. @default - none */
  readonly imagePullSecrets?: readonly string[];
  /** @default - the chart's default */
  readonly hub?: {
    /** @default - the chart's default */
    readonly image?: NamedImage;
    /** Traitlets config by class, e.g. `JupyterHub.authenticator_class`. @default - the chart's */
    readonly config?: Readonly<Record<string, Readonly<Record<string, Passthrough>>>>;
    /** Hub database; `sqlite-pvc` keeps it on a PVC. @default - sqlite on a 1Gi PVC */
    readonly db?: {
      readonly type?: 'sqlite-pvc' | 'sqlite-memory' | 'mysql' | 'postgres' | 'other';
      readonly url?: string | null;
      readonly pvc?: { readonly storageClassName?: string | null; readonly storage?: string };
    };
    /** @default - the chart's default */
    readonly nodeSelector?: NodeSelector;
    /** @default - the chart's default */
    readonly tolerations?: readonly Toleration[];
    /** @default - the chart's default */
    readonly resources?: Resources;
    /** @default - the chart's default */
    readonly networkPolicy?: { readonly enabled?: boolean };
  };
  /** @default - the chart's default */
  readonly proxy?: {
    /** @default - LoadBalancer */
    readonly service?: { readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' };
    /** @default - the chart's default */
    readonly chp?: { readonly image?: NamedImage; readonly networkPolicy?: { readonly enabled?: boolean } };
    /** @default - the chart's default */
    readonly traefik?: { readonly image?: NamedImage };
    /** @default - the chart's default */
    readonly secretSync?: { readonly image?: NamedImage };
  };
  /** @default - the chart's default */
  readonly singleuser?: {
    /** Default notebook image. @default - quay.io/jupyterhub/k8s-singleuser-sample */
    readonly image?: NamedImage;
    /** @default - the chart's default */
    readonly networkTools?: { readonly image?: NamedImage };
    /** Profiles users pick from. @default - none */
    readonly profileList?: readonly JupyterProfile[];
    /** Extended resources, e.g. `{ limits: { 'nvidia.com/gpu': 1 } }`. @default - none */
    readonly extraResource?: { readonly limits?: Readonly<Record<string, string | number>>; readonly guarantees?: Readonly<Record<string, string | number>> };
    /** @default - the chart's default */
    readonly cpu?: { readonly limit?: number | null; readonly guarantee?: number | null };
    /** @default - the chart's default */
    readonly memory?: { readonly limit?: string | null; readonly guarantee?: string | null };
    /** Home directories. @default - a 10Gi dynamic PVC per user */
    readonly storage?: {
      readonly type?: 'dynamic' | 'static' | 'none';
      readonly capacity?: string;
      readonly dynamic?: { readonly storageClass?: string | null };
    };
    /** @default - the chart's default */
    readonly nodeSelector?: NodeSelector;
    /** @default - the chart's default */
    readonly extraTolerations?: readonly Toleration[];
    /** @default - the chart's default */
    readonly networkPolicy?: { readonly enabled?: boolean; readonly egressAllowRules?: KubernetesObject };
  };
  /** @default - the chart's default */
  readonly scheduling?: {
    /** @default - the chart's default */
    readonly userScheduler?: { readonly enabled?: boolean; readonly image?: NamedImage };
    /** @default - the chart's default */
    readonly userPlaceholder?: { readonly enabled?: boolean; readonly image?: NamedImage };
    /** @default - the chart's default */
    readonly podPriority?: { readonly enabled?: boolean };
  };
  /** @default - the chart's default */
  readonly prePuller?: {
    /** @default - the chart's default */
    readonly hook?: { readonly enabled?: boolean; readonly image?: NamedImage };
    /** @default - the chart's default */
    readonly continuous?: { readonly enabled?: boolean };
    /** @default - the chart's default */
    readonly pause?: { readonly image?: NamedImage };
    /** Extra images to pre-pull, by key. @default - none */
    readonly extraImages?: Readonly<Record<string, { readonly name: string; readonly tag: string }>>;
  };
  /** Idle notebook culler. @default - enabled, 1h timeout */
  readonly cull?: { readonly enabled?: boolean; readonly timeout?: number; readonly every?: number };
}
