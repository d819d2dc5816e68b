/**
 * What makes a Slurm cluster usable by a site's people: their identity in the login and slurmd
 * pods (SSSD), the site's file systems mounted where jobs expect them, and slurmd pods that own
 * the CPUs and memory Slurm hands to jobs.
 *
 * Slinky 1.2.1 mounts the cluster's `sssd.conf` (the chart's `sssd.conf`, or the Secret in
 * `sssd.secretRef`) into every login pod, and into slurmd pods whose NodeSet enables `ssh`.
 * Its slurmd image turns the pod's CPU and memory limits into `CoreSpecCount` and
 * `MemSpecLimit`, so Slurm never gives jobs what the pod does not hold.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/helm/slurm/templates/cluster/sssd-conf-secret.yaml
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/internal/builder/workerbuilder/worker_app.go (POD_CPUS, POD_MEMORY)
 */
import type { KubernetesObject, Resources } from '../../charts/common-values';

/** Where login and slurmd pods find the site's users. */
export type SlurmDirectory =
  /** An LDAP directory read with an anonymous bind over TLS; the project writes `sssd.conf`. */
  | { readonly ldap: { readonly uri: string; readonly searchBase: string } }
  /** The site's own `sssd.conf`, in an existing Secret of the Slurm namespace. */
  | { readonly sssdConfSecret: { readonly name: string; readonly key: string } };

/**
 * `sssd.conf` for an LDAP directory with an anonymous bind: users and groups from the
 * directory, passwords checked by an LDAP bind over TLS (StartTLS for `ldap://`), and SSH keys
 * from the directory's `sshPublicKey` attribute for `sss_ssh_authorizedkeys`. `root` and `slurm`
 * stay local. Nothing in it is secret.
 * @see https://man.archlinux.org/man/sssd-ldap.5
 */
export function ldapSssdConf(uri: string, searchBase: string): string {
  return [
    '[sssd]',
    'services = nss, pam, ssh',
    'domains = site',
    '',
    '[nss]',
    'filter_groups = root,slurm',
    'filter_users = root,slurm',
    '',
    '[pam]',
    '',
    '[ssh]',
    '',
    '[domain/site]',
    'id_provider = ldap',
    'auth_provider = ldap',
    'chpass_provider = none',
    `ldap_uri = ${uri}`,
    `ldap_search_base = ${searchBase}`,
    ...(uri.startsWith('ldap://') ? ['ldap_id_use_start_tls = true'] : []),
    'ldap_tls_reqcert = demand',
    'ldap_user_ssh_public_key = sshPublicKey',
    'cache_credentials = true',
    'enumerate = false',
    '',
  ].join('\n');
}

/** sshd lines that let users sign in with the SSH keys the directory holds. */
export const DIRECTORY_SSHD_CONFIG = ['AuthorizedKeysCommand /usr/bin/sss_ssh_authorizedkeys', 'AuthorizedKeysCommandUser nobody'].join('\n');

/** A storage tier mounted into every slurmd and login pod. */
export interface SlurmMount {
  /** Tier name: the claim is `slurm-<tier>`, the volume `tier-<tier>`. */
  readonly tier: string;
  /** Path inside the pods, e.g. `/home`. */
  readonly path: string;
  /** StorageClass of the tier (ReadWriteMany). */
  readonly storageClassName: string;
  /** Size the claim asks for, a quantity, e.g. `10240Gi`. */
  readonly size: string;
}

/** Name of the claim of a mounted tier. */
export const mountClaimName = (tier: string): string => `slurm-${tier}`;

/** The pod volume and container mount of each tier. */
export function mountVolumes(mounts: readonly SlurmMount[]): { volumes: KubernetesObject[]; volumeMounts: KubernetesObject[] } {
  return {
    volumes: mounts.map((m) => ({ name: `tier-${m.tier}`, persistentVolumeClaim: { claimName: mountClaimName(m.tier) } })),
    volumeMounts: mounts.map((m) => ({ name: `tier-${m.tier}`, mountPath: m.path })),
  };
}

/**
 * The claims of the mounted tiers, ReadWriteMany, kept when the release is uninstalled (they
 * hold users' files).
 */
export function mountClaims(mounts: readonly SlurmMount[]): KubernetesObject[] {
  return mounts.map((m) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: mountClaimName(m.tier), annotations: { 'helm.sh/resource-policy': 'keep' } },
    spec: { accessModes: ['ReadWriteMany'], storageClassName: m.storageClassName, resources: { requests: { storage: m.size } } },
  }));
}

/** CPU and memory of a node that slurmd does not take. */
export interface NodeReserve {
  readonly cpus: number;
  readonly memoryGiB: number;
}

/** The log sidecar of a slurmd pod: small and fixed, so that the pod is Guaranteed. */
export const SLURMD_LOGFILE_RESOURCES: Resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

/**
 * slurmd's resources on a node of `cpus` CPUs and `memoryGiB` of memory: requests equal to
 * limits (a Guaranteed pod, which the kubelet evicts last and, with the static CPU manager,
 * gives whole cores), the node less the reserve, and every GPU unit of the node.
 */
export function slurmdResources(node: { cpus: number; memoryGiB: number }, reserve: NodeReserve, gpu: { resource: string; units: number }): Resources {
  const amounts = { cpu: String(node.cpus - reserve.cpus), memory: `${node.memoryGiB - reserve.memoryGiB}Gi` };
  return { requests: { ...amounts, [gpu.resource]: String(gpu.units) }, limits: { ...amounts, [gpu.resource]: String(gpu.units) } };
}
