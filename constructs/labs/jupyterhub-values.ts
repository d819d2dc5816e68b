/**
 * Helm values of a data lab's JupyterHub: OIDC sign-in for the owning tenants' groups, one
 * notebook profile per GPU pool, Pod Security `restricted` notebooks, and the chart's own
 * NetworkPolicies off and closed (the lab's policies decide).
 *
 * @see https://z2jh.jupyter.org/en/stable/
 */
import type { KubernetesObject } from '../charts/common-values';
import type { JupyterhubValues } from '../charts/values';
import type { JupyterProfile } from '../charts/jupyterhub/values';
import type { GpuNodePool } from '../gpu/gpu-node-pool';
import type { TenantGroups } from '../tenancy/tenant';
import { RESTRICTED_CONTAINER, RESTRICTED_POD } from './pod-security';

/** Size of the hub's database volume (its SQLite file), GiB. */
export const HUB_DATABASE_GIB = 1;
/** Size of each user's notebook home volume unless the lab sets one, GiB. */
export const NOTEBOOK_VOLUME_DEFAULT_GIB = 10;

/**
 * The site's OpenID Connect provider, as the lab's JupyterHub uses it.
 *
 * @see https://oauthenticator.readthedocs.io/en/latest/reference/api/gen/oauthenticator.generic.html
 */
export interface DataLabOidc {
  /** Issuer URL, e.g. `https://login.example.eu/realms/ai-factory`. */
  readonly issuerUrl: string;
  /** Authorization endpoint. @default `<issuer>/protocol/openid-connect/auth` (Keycloak) */
  readonly authorizeUrl?: string;
  /** Token endpoint. @default `<issuer>/protocol/openid-connect/token` (Keycloak) */
  readonly tokenUrl?: string;
  /** Userinfo endpoint. @default `<issuer>/protocol/openid-connect/userinfo` (Keycloak) */
  readonly userinfoUrl?: string;
  /** OIDC client id of JupyterHub. */
  readonly clientId: string;
  /** Existing Secret in the lab namespace, and the key in it, that hold the client secret. */
  readonly clientSecret: { readonly name: string; readonly key: string };
  /** Claim that names a user. @default 'preferred_username' */
  readonly usernameClaim?: string;
  /** Claim that lists a user's groups. @default 'groups' */
  readonly groupsClaim?: string;
  /** Public address ranges of the issuer, which the hub reaches on TCP 443. @default - none: the issuer is on a private range */
  readonly issuerCidrs?: readonly string[];
}

/** A chart NetworkPolicy block of the hub, proxy or notebooks. */
type ChpNetworkPolicy = { readonly enabled?: boolean; readonly egressAllowRules?: KubernetesObject };

/**
 * The jupyterhub chart keys a lab sets: the shared values type plus keys only the lab uses
 * (real keys of the pinned chart, checked by the chart-key tests).
 *
 * @see https://z2jh.jupyter.org/en/stable/resources/reference.html
 */
export type JupyterhubLabValues = JupyterhubValues & {
  readonly hub?: { readonly extraEnv?: KubernetesObject; readonly networkPolicy?: ChpNetworkPolicy };
  readonly proxy?: { readonly chp?: { readonly networkPolicy?: ChpNetworkPolicy }; readonly traefik?: { readonly networkPolicy?: ChpNetworkPolicy } };
  readonly singleuser?: { readonly cloudMetadata?: { readonly blockWithIptables?: boolean } };
};

/**
 * What a lab's JupyterHub values are built from.
 *
 * @see https://z2jh.jupyter.org/en/stable/
 */
export interface JupyterhubLabValuesProps {
  /** Identity provider users sign in with. */
  readonly oidc: DataLabOidc;
  /** OIDC groups of the owning tenants; admins and members may sign in. */
  readonly groups: TenantGroups;
  /** Sensitive lab: the closed chart policies don't allow internet egress either. */
  readonly sensitive: boolean;
  /** Notebook profiles users pick from, one per GPU pool (see {@link notebookProfile}). */
  readonly profiles: readonly JupyterProfile[];
  /** Notebook image for every profile. @default - the chart's sample notebook image */
  readonly notebookImage?: { readonly name: string; readonly tag: string };
  /** Size of each user's notebook home volume, GiB. @default {@link NOTEBOOK_VOLUME_DEFAULT_GIB} */
  readonly notebookVolumeGiB?: number;
  /** StorageClass of the home volumes and the hub database. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/**
 * The lab's JupyterHub values: GenericOAuthenticator against the site's issuer with the
 * client secret from an existing Secret, KubeSpawner pods under Pod Security `restricted`,
 * the hub database and home volumes on the given StorageClass, and nothing that needs
 * cluster-wide permissions (user scheduler, placeholders, pre-puller).
 *
 * @see https://z2jh.jupyter.org/en/stable/administrator/authentication.html#genericoauthenticator-openid-connect
 * @see https://z2jh.jupyter.org/en/stable/administrator/security.html#kubernetes-network-policies
 */
export function labJupyterhubValues(props: JupyterhubLabValuesProps): JupyterhubLabValues {
  const oidc = props.oidc;
  const volumeClass = props.storageClassName;
  const issuer = oidc.issuerUrl.replace(/\/+$/, '');
  // Chart policies are off: the lab's own policies decide. Their rules are closed as well,
  // so turning a chart policy back on cannot open internet egress in a sensitive lab.
  const chartPolicy: ChpNetworkPolicy = {
    enabled: false,
    egressAllowRules: {
      cloudMetadataServer: false,
      dnsPortsCloudMetadataServer: false,
      dnsPortsKubeSystemNamespace: true,
      dnsPortsPrivateIPs: false,
      nonPrivateIPs: !props.sensitive,
      privateIPs: false,
    },
  };
  return {
    hub: {
      config: {
        JupyterHub: { authenticator_class: 'generic-oauth' },
        GenericOAuthenticator: {
          client_id: oidc.clientId,
          authorize_url: oidc.authorizeUrl ?? `${issuer}/protocol/openid-connect/auth`,
          token_url: oidc.tokenUrl ?? `${issuer}/protocol/openid-connect/token`,
          userdata_url: oidc.userinfoUrl ?? `${issuer}/protocol/openid-connect/userinfo`,
          scope: ['openid', 'profile', 'email'],
          username_claim: oidc.usernameClaim ?? 'preferred_username',
          claim_groups_key: oidc.groupsClaim ?? 'groups',
          // Members and admins of the owning tenants; viewers get read access through RBAC only.
          allowed_groups: [...new Set([...props.groups.admins, ...props.groups.members])],
        },
        KubeSpawner: {
          pod_security_context: RESTRICTED_POD,
          container_security_context: RESTRICTED_CONTAINER,
          automount_service_account_token: false,
        },
      },
      db: { type: 'sqlite-pvc', pvc: { storageClassName: volumeClass, storage: `${HUB_DATABASE_GIB}Gi` } },
      // OAuthenticator reads the client secret from this variable.
      extraEnv: { OAUTH_CLIENT_SECRET: { valueFrom: { secretKeyRef: { name: oidc.clientSecret.name, key: oidc.clientSecret.key } } } },
      networkPolicy: chartPolicy,
    },
    proxy: { service: { type: 'ClusterIP' }, chp: { networkPolicy: chartPolicy }, traefik: { networkPolicy: chartPolicy } },
    singleuser: {
      image: props.notebookImage ? { name: props.notebookImage.name, tag: props.notebookImage.tag } : undefined,
      profileList: props.profiles,
      storage: { type: 'dynamic', capacity: `${props.notebookVolumeGiB ?? NOTEBOOK_VOLUME_DEFAULT_GIB}Gi`, dynamic: { storageClass: volumeClass } },
      // The iptables init container needs NET_ADMIN, which Pod Security restricted forbids;
      // the lab's NetworkPolicies never allow the metadata address anyway.
      cloudMetadata: { blockWithIptables: false },
      networkPolicy: chartPolicy,
    },
    // Both need cluster-wide permissions or privileged pods a tenant-facing namespace should not hold.
    scheduling: { userScheduler: { enabled: false }, userPlaceholder: { enabled: false }, podPriority: { enabled: false } },
    prePuller: { hook: { enabled: false }, continuous: { enabled: false } },
    cull: { enabled: true, timeout: 3600 },
  };
}

/**
 * A notebook profile for one pool: its node selector, tolerations and extended resource, with
 * `gpus` units per notebook and the CPU and memory that come with them.
 *
 * @see https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html#kubespawner.KubeSpawner.profile_list
 */
export function notebookProfile(pool: GpuNodePool, gpus: number, isDefault: boolean): JupyterProfile {
  const cpus = Math.max(1, Math.floor(pool.cpusPerUnit * gpus));
  const memoryGiB = Math.max(4, Math.floor(pool.memoryGiBPerUnit * gpus));
  return {
    display_name: `${pool.poolName}: ${gpus} x ${pool.model.name}${pool.sharing.mode === 'exclusive' ? '' : ` (${pool.resourceName})`}`,
    slug: pool.poolName,
    description: `${gpus} ${pool.resourceName}, ${cpus} CPU cores and ${memoryGiB} GiB memory on pool ${pool.poolName}`,
    default: isDefault,
    kubespawner_override: {
      node_selector: pool.nodeSelectorFor('kubernetes'),
      tolerations: pool.tolerations.map((t) => ({ key: t.key, operator: t.operator, effect: t.effect, ...(t.value !== undefined ? { value: t.value } : {}) })),
      extra_resource_limits: { [pool.resourceName]: String(gpus) },
      extra_resource_guarantees: { [pool.resourceName]: String(gpus) },
      cpu_limit: cpus,
      cpu_guarantee: Math.min(2, cpus),
      mem_limit: `${memoryGiB}G`,
      mem_guarantee: '4G',
    },
  };
}
