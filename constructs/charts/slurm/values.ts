/**
 * Typed values of the Slinky `slurm` chart (1.2.1, Slurm 26.05). `nodesets`, `loginsets` and
 * `partitions` are maps keyed by name; each nodeset / loginset entry is deep-merged over
 * `nodesetDefaults` / `loginsetDefaults`. The chart defines no nodeset and no enabled
 * partition by default, and has no GPU-specific key: a GPU nodeset sets
 * `slurmd.resources.limits["nvidia.com/gpu"]`, `extraConfMap.Gres` and the `gres.conf` file.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
import type { EnvVar, ImageRef, KubernetesObject, NodeSelector, Resources, SecretRef, Toleration } from '../common-values';

/**
 * Extra `key=value` settings for a Slurm config line; lists render as comma-separated values.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export type SlurmConfMap = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/**
 * A Slurm container: image and resources; `args`, `env` and `volumeMounts` come from the
 * mixins below where the chart has them.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export interface SlurmContainer {
  /** @default - the chart's */
  readonly image?: ImageRef;
  /** Container resources; for slurmd this is where `nvidia.com/gpu` goes. @default - none */
  readonly resources?: Resources;
}

/**
 * Container arguments.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export interface SlurmArgs {
  /** @default - none */
  readonly args?: readonly string[];
}

/**
 * Container environment.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export interface SlurmEnv {
  /** @default - none */
  readonly env?: readonly EnvVar[];
}

/**
 * Extra volume mounts of a container.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export interface SlurmVolumeMounts {
  /** @default - none */
  readonly volumeMounts?: readonly KubernetesObject[];
}

/**
 * Pod template overrides of a Slurm component.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export interface SlurmPodSpec {
  /** @default - the chart's default */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
  /** @default - the chart's default */
  readonly affinity?: KubernetesObject;
  /** @default - the chart's default */
  readonly resources?: Resources;
  /** @default - the chart's default */
  readonly initContainers?: readonly KubernetesObject[];
  /** @default - the chart's default */
  readonly volumes?: readonly KubernetesObject[];
  /** Extra pull Secrets of this component's pods. @default - the chart-wide ones */
  readonly imagePullSecrets?: readonly SecretRef[];
  /** @default - the chart's default */
  readonly priorityClassName?: string;
}

/**
 * A nodeset (a group of slurmd pods); entries of `nodesets` override `nodesetDefaults`.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export interface SlurmNodeset {
  /** @default true */
  readonly enabled?: boolean;
  /** @default 1 */
  readonly replicas?: number;
  /** `StatefulSet` or `DaemonSet`. @default 'StatefulSet' */
  readonly scalingMode?: 'StatefulSet' | 'DaemonSet';
  /** @default - the chart's default */
  readonly slurmd?: SlurmContainer & SlurmArgs & SlurmEnv & SlurmVolumeMounts;
  /** @default - the chart's default */
  readonly logfile?: { readonly image?: ImageRef; readonly resources?: Resources };
  /** Extra slurm.conf NodeName parameters, e.g. `{ Gres: ['gpu:h100:8'] }`. @default - none */
  readonly extraConfMap?: SlurmConfMap;
  /** Extra NodeName parameters as one string. @default - none */
  readonly extraConf?: string | null;
  /** A partition of just this nodeset. @default - disabled */
  readonly partition?: { readonly enabled?: boolean; readonly config?: string | null; readonly configMap?: SlurmConfMap };
  /** sshd in the slurmd pod. @default - disabled */
  readonly ssh?: { readonly enabled?: boolean; readonly extraSshdConfig?: string | null };
  /** @default - the chart's default */
  readonly updateStrategy?: KubernetesObject;
  /** @default - the chart's default */
  readonly metadata?: KubernetesObject;
  /** @default - the chart's default */
  readonly podSpec?: SlurmPodSpec;
}

/**
 * A login set; entries of `loginsets` override `loginsetDefaults`.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export interface SlurmLoginset {
  /** @default true */
  readonly enabled?: boolean;
  /** @default 1 */
  readonly replicas?: number;
  /** @default - the chart's default */
  readonly login?: SlurmContainer & SlurmEnv & SlurmVolumeMounts & { readonly securityContext?: KubernetesObject };
  /** @default - the chart's default */
  readonly initconf?: { readonly image?: ImageRef; readonly resources?: Resources };
  /** Authorized keys for root. @default - none */
  readonly rootSshAuthorizedKeys?: string | null;
  /** @default - the chart's default */
  readonly extraSshdConfig?: string | null;
  /** @default - the chart's default */
  readonly metadata?: KubernetesObject;
  /** @default - the chart's default */
  readonly podSpec?: SlurmPodSpec;
  /** The login Service; `spec.type` defaults to LoadBalancer. @default - LoadBalancer */
  readonly service?: { readonly metadata?: KubernetesObject; readonly spec?: KubernetesObject };
}

/**
 * A partition: nodesets by name (or `ALL`) plus PartitionName parameters.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/values.yaml
 */
export interface SlurmPartition {
  /** @default true (the shipped `all` partition: false) */
  readonly enabled?: boolean;
  /** Nodeset names, or `ALL`. @default - the chart's default */
  readonly nodesets?: readonly string[];
  /** Extra PartitionName parameters as one string. @default - none */
  readonly config?: string | null;
  /** Extra PartitionName parameters, e.g. `{ Default: 'YES', MaxTime: 'UNLIMITED' }`. @default - none */
  readonly configMap?: SlurmConfMap;
}

/**
 * Values of the `slurm` chart that the project sets.
 *
 * @see https://slinky.schedmd.com/projects/slurm-operator/en/release-1.2/
 */
export interface SlurmValues {
  /** @default - none */
  readonly imagePullSecrets?: readonly SecretRef[];
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** @default - the release name */
  readonly clusterName?: string | null;
  /** Extra files in the Slurm config directory by file name, e.g. `gres.conf`. @default - none */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** slurmctld. @default - one replica with a 4Gi volume */
  readonly controller?: {
    /** @default - the chart's default */
    readonly slurmctld?: SlurmContainer & SlurmArgs;
    /** @default - the chart's default */
    readonly reconfigure?: { readonly image?: ImageRef; readonly resources?: Resources };
    /** @default - the chart's default */
    readonly logfile?: { readonly image?: ImageRef; readonly resources?: Resources };
    /** @default - the chart's default */
    readonly persistence?: {
      /** @default - the chart's default */
      readonly enabled?: boolean;
      /** @default - the chart's default */
      readonly existingClaim?: string;
      /** @default - the chart's default */
      readonly storageClassName?: string | null;
      /** @default - the chart's default */
      readonly accessModes?: readonly string[];
      /** @default - the chart's default */
      readonly resources?: Resources;
    };
    /** Extra slurm.conf parameters, e.g. `{ GresTypes: 'gpu' }`. @default - none */
    readonly extraConfMap?: SlurmConfMap;
    /** @default - the chart's default */
    readonly extraConf?: string | null;
    /** @default - the chart's default */
    readonly podSpec?: SlurmPodSpec;
    /** @default - the chart's default */
    readonly metrics?: { readonly enabled?: boolean; readonly serviceMonitor?: { readonly enabled?: boolean; readonly interval?: string } };
  };
  /** slurmrestd. @default - one replica */
  readonly restapi?: { readonly replicas?: number; readonly slurmrestd?: SlurmContainer & SlurmArgs & SlurmEnv; readonly podSpec?: SlurmPodSpec };
  /** slurmdbd. @default - disabled */
  readonly accounting?: {
    /** @default - the chart's default */
    readonly enabled?: boolean;
    /** @default - the chart's default */
    readonly external?: boolean;
    /** @default - the chart's default */
    readonly slurmdbd?: SlurmContainer & SlurmArgs;
    /** @default - the chart's default */
    readonly storageConfig?: {
      /** @default - the chart's default */
      readonly host?: string;
      /** @default - the chart's default */
      readonly port?: number;
      /** @default - the chart's default */
      readonly database?: string;
      /** @default - the chart's default */
      readonly username?: string;
      /** @default - the chart's default */
      readonly passwordKeyRef?: { readonly name: string; readonly key: string };
    };
    /** @default - the chart's default */
    readonly extraConfMap?: SlurmConfMap;
    /** @default - the chart's default */
    readonly podSpec?: SlurmPodSpec;
  };
  /** @default - the chart's default */
  readonly loginsetDefaults?: SlurmLoginset;
  /** Login sets by name. @default - none */
  readonly loginsets?: Readonly<Record<string, SlurmLoginset>>;
  /** @default - the chart's default */
  readonly nodesetDefaults?: SlurmNodeset;
  /** Nodesets by name. @default - none */
  readonly nodesets?: Readonly<Record<string, SlurmNodeset>>;
  /** Partitions by name. @default - `all` (disabled) */
  readonly partitions?: Readonly<Record<string, SlurmPartition>>;
  /** Extra Kubernetes objects rendered with the release (Helm templating allowed). @default - none */
  readonly extraObjects?: readonly KubernetesObject[];
  /** The cluster's `sssd.conf` for login pods and slurmd pods with ssh. @default - local files only */
  readonly sssd?: {
    /** An existing Secret with the whole file; wins over `conf`. @default - none */
    readonly secretRef?: { readonly name: string; readonly key: string };
    /** The file itself, which the chart puts into a Secret. @default - local users only */
    readonly conf?: string;
  };
  /** Vendor integrations. @default - disabled */
  readonly vendor?: { readonly nvidia?: { readonly dcgm?: { readonly enabled?: boolean; readonly jobMappingDir?: string; readonly scriptPriority?: string } } };
}
