import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { Construct } from 'constructs';
import { bytesQuantity, MAX_STORAGE_CLASS_QUOTA_TIB, storageBytes } from '../core/quantities';
import type { ClusterTarget } from '../core/cluster-target';
import type { GpuNodePool } from '../gpu/gpu-node-pool';
import { IsolatedNamespace } from './isolated-namespace';
import { grantNamespaceAccess, type AccessGroups } from './namespace-roles';
import { LABEL_PREFIX, siteLabels, TENANT_LABEL } from '../core/labels';

/** Kinds of organisation a tenant can be. */
export type TenantKind = 'startup' | 'sme' | 'industry' | 'academia' | 'public';

/** Object-count defaults by tenant kind; larger organisations run more objects. */
export const TENANT_OBJECT_LIMITS: Readonly<
  Record<TenantKind, { pods: number; services: number; pvcs: number; configmaps: number; secrets: number; jobs: number }>
> = {
  startup: { pods: 200, services: 20, pvcs: 50, configmaps: 100, secrets: 100, jobs: 200 },
  sme: { pods: 200, services: 20, pvcs: 50, configmaps: 100, secrets: 100, jobs: 200 },
  industry: { pods: 1000, services: 50, pvcs: 200, configmaps: 300, secrets: 300, jobs: 1000 },
  academia: { pods: 2000, services: 50, pvcs: 500, configmaps: 500, secrets: 500, jobs: 2000 },
  public: { pods: 500, services: 50, pvcs: 200, configmaps: 300, secrets: 300, jobs: 500 },
};

/** Sectors whose data is sensitive by default: no internet egress. */
export const SENSITIVE_SECTORS: readonly string[] = ['healthcare'];

/**
 * CPU and memory a namespace's quota holds beyond what its GPUs bring: room for CPU-only pods
 * (notebooks, data loaders, a lab's services).
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#compute-resource-quota
 */
export const CPU_ONLY_ROOM: { readonly cpu: number; readonly memoryGiB: number } = { cpu: 16, memoryGiB: 64 };

/**
 * GPU units a namespace may hold at once in one pool.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-for-extended-resources
 */
export interface PoolShare {
  readonly pool: GpuNodePool;
  /** Units (GPUs, MIG instances or time-sliced replicas). */
  readonly units: number;
}

/**
 * CPU cores and memory a namespace's ResourceQuota grants: what comes with its GPU units (units
 * times the pool's {@link GpuNodePool.cpusPerUnit} and {@link GpuNodePool.memoryGiBPerUnit},
 * rounded up) plus {@link CPU_ONLY_ROOM}.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#compute-resource-quota
 */
export function quotaCompute(shares: readonly { readonly pool: Pick<GpuNodePool, 'cpusPerUnit' | 'memoryGiBPerUnit'>; readonly units: number }[]): {
  readonly cpu: number;
  readonly memoryGiB: number;
} {
  const cpu = shares.reduce((sum, s) => sum + s.units * s.pool.cpusPerUnit, 0);
  const memoryGiB = shares.reduce((sum, s) => sum + s.units * s.pool.memoryGiBPerUnit, 0);
  return { cpu: Math.ceil(cpu) + CPU_ONLY_ROOM.cpu, memoryGiB: Math.ceil(memoryGiB) + CPU_ONLY_ROOM.memoryGiB };
}

/**
 * What a LimitRange gives a container that sets no CPU or memory: `defaultRequest` and
 * `default` (limits).
 *
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 */
export interface ContainerDefaults {
  /** Requests of a container that requests nothing. */
  readonly request: { readonly cpu: string; readonly memory: string };
  /** Limits of a container that sets none. */
  readonly limit: { readonly cpu: string; readonly memory: string };
}

/**
 * Container defaults that fit GPU work. Requests stay small, so CPU-only helpers count little
 * against the quota. Limits are the CPU and memory of the largest node of the namespace's
 * pools (units per node times the per-unit share; at least {@link CPU_ONLY_ROOM}), but never
 * more than the namespace's quota ({@link quotaCompute}). So a pod asking only for GPUs is never
 * capped below the share of the node its GPUs come with, and a container that sets requests
 * without limits is never rejected for a request the quota admits and a node can hold: the
 * LimitRanger would otherwise give it a default limit below its request.
 *
 * There is deliberately no `max`: it would also bind pods on CPU nodes, which the site file
 * does not describe, and the ResourceQuota bounds the namespace as a whole.
 *
 * @param shares GPU units the namespace may hold, per pool
 * @param request requests of a container that requests nothing, e.g. `{ cpu: '500m', memory: '1Gi' }`
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/#constraints-on-resource-limits-and-requests
 */
export function gpuContainerDefaults(shares: readonly PoolShare[], request: ContainerDefaults['request']): ContainerDefaults {
  const quota = quotaCompute(shares);
  const node = (per: (pool: GpuNodePool) => number) =>
    Math.max(0, ...shares.map((s) => Math.ceil(s.pool.acceleratorsPerNode * s.pool.unitsPerAccelerator * per(s.pool))));
  const cpu = Math.min(
    quota.cpu,
    Math.max(
      CPU_ONLY_ROOM.cpu,
      node((p) => p.cpusPerUnit),
    ),
  );
  const memoryGiB = Math.min(
    quota.memoryGiB,
    Math.max(
      CPU_ONLY_ROOM.memoryGiB,
      node((p) => p.memoryGiBPerUnit),
    ),
  );
  return { request, limit: { cpu: String(cpu), memory: `${memoryGiB}Gi` } };
}

/** Requests of a tenant container that requests nothing. */
const TENANT_DEFAULT_REQUEST = { cpu: '500m', memory: '1Gi' } as const;

/** GPU quota of a tenant in one pool, in the pool's schedulable units. */
export interface TenantGpuQuota {
  readonly pool: GpuNodePool;
  /** Units the tenant can always get (used by Kueue and Slurm). */
  readonly guaranteed: number;
  /** Units the tenant may use at most (the ResourceQuota ceiling). */
  readonly max: number;
}

/** Storage quota of a tenant on one storage class. */
export interface TenantStorageQuota {
  /** StorageClass name. */
  readonly storageClassName: string;
  readonly tib: number;
}

/**
 * OIDC groups bound inside the tenant's namespaces, each to the namespaced Role of its level
 * ({@link accessRules}).
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
export type TenantGroups = AccessGroups;

/** Props of a {@link Tenant}. */
export interface TenantProps {
  readonly target: ClusterTarget;
  readonly siteId: string;
  /** Tenant name; the namespace is `tenant-<name>`. */
  readonly tenantName: string;
  readonly kind: TenantKind;
  /** Sector, e.g. `healthcare`. @default - none */
  readonly sector?: string;
  readonly groups: TenantGroups;
  /** Prefix the API server adds to OIDC group claims (`--oidc-groups-prefix`). @default 'oidc:' */
  readonly groupPrefix?: string;
  /** GPU quotas per pool. @default - no GPUs */
  readonly gpuQuotas?: readonly TenantGpuQuota[];
  /**
   * Every GPU pool of the cluster. A ResourceQuota limits only the resources it lists, so the
   * GPU resource of each pool the tenant has no quota on is listed with 0: without it, the
   * namespace could ask for any number of them. @default - the pools of `gpuQuotas`
   */
  readonly clusterPools?: readonly GpuNodePool[];
  /** Storage quotas per storage class. @default - no persistent storage */
  readonly storageQuotas?: readonly TenantStorageQuota[];
  /**
   * Allow egress to the internet.
   * @default - false for sensitive sectors (healthcare), true otherwise
   */
  readonly internetEgress?: boolean;
  /** Namespaces of shared services the tenant uses (egress allowed). @default - none */
  readonly sharedServices?: readonly string[];
  /** Namespaces allowed to reach the tenant, e.g. monitoring for scraping. @default - none */
  readonly trustedSources?: readonly string[];
}

/**
 * A tenant of an AI factory: an isolated namespace with Pod Security `restricted`, a
 * ResourceQuota (GPUs per extended resource, CPU and memory that come with them, storage
 * per class, object counts), a LimitRange whose defaults fit GPU work
 * ({@link gpuContainerDefaults}), default-deny NetworkPolicies, and namespaced Roles for
 * admins, members and viewers bound to OIDC groups ({@link grantNamespaceAccess}): none of them
 * may write the NetworkPolicies, quota, LimitRange or bindings that isolate the tenant.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export class Tenant extends Construct {
  readonly tenantName: string;
  readonly kind: TenantKind;
  readonly sector?: string;
  /** The tenant's namespace. */
  readonly namespace: IsolatedNamespace;
  readonly gpuQuotas: readonly TenantGpuQuota[];
  /** Whether the tenant may reach the internet. */
  readonly internetEgress: boolean;
  /** Requests and limits the LimitRange `tenant-defaults` gives containers that set none. */
  readonly containerDefaults: ContainerDefaults;

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    const gpuQuotas = props.gpuQuotas ?? [];
    const problems = gpuQuotas
      .filter((q) => q.guaranteed > q.max || q.max > q.pool.schedulableUnits)
      .map((q) => `pool ${q.pool.poolName}: need guaranteed (${q.guaranteed}) <= max (${q.max}) <= capacity (${q.pool.schedulableUnits})`);
    for (const s of props.storageQuotas ?? []) {
      if (s.tib > MAX_STORAGE_CLASS_QUOTA_TIB) {
        problems.push(
          `storage class ${s.storageClassName}: ${s.tib} TiB is more than a ResourceQuota accepts per storage class (${MAX_STORAGE_CLASS_QUOTA_TIB} TiB)`,
        );
      }
    }
    if (problems.length > 0) throw new Error(`Tenant ${props.tenantName}: ${problems.join('; ')}`);

    this.tenantName = props.tenantName;
    this.kind = props.kind;
    this.sector = props.sector;
    this.gpuQuotas = gpuQuotas;
    this.internetEgress = props.internetEgress ?? !SENSITIVE_SECTORS.includes(props.sector ?? '');
    const labels = siteLabels(props.siteId, {
      [TENANT_LABEL]: props.tenantName,
      [`${LABEL_PREFIX}/tenant-kind`]: props.kind,
      ...(props.sector ? { [`${LABEL_PREFIX}/sector`]: props.sector } : {}),
    });
    this.namespace = new IsolatedNamespace(this, 'Namespace', {
      target: props.target,
      name: `tenant-${props.tenantName}`,
      isolationGroup: `tenant-${props.tenantName}`,
      labels,
      internetEgress: this.internetEgress,
    });
    const ns = this.namespace.name;
    const after = [this.namespace.namespace];

    new ResourceQuotaV1(this, 'Quota', {
      provider: props.target.kubernetes,
      metadata: { name: 'tenant-quota', namespace: ns, labels },
      spec: { hard: this.quotaHard(props) },
      dependsOn: after,
    });

    this.containerDefaults = gpuContainerDefaults(this.poolShares, TENANT_DEFAULT_REQUEST);
    new LimitRangeV1(this, 'Limits', {
      provider: props.target.kubernetes,
      metadata: { name: 'tenant-defaults', namespace: ns, labels },
      spec: {
        limit: [{ type: 'Container', defaultRequest: { ...this.containerDefaults.request }, default: { ...this.containerDefaults.limit } }],
      },
      dependsOn: after,
    });

    grantNamespaceAccess(this, {
      target: props.target,
      namespace: ns,
      dependsOn: after,
      labels,
      groups: props.groups,
      groupPrefix: props.groupPrefix ?? 'oidc:',
      namePrefix: 'tenant',
      argo: false,
    });

    (props.sharedServices ?? []).forEach((service) => this.namespace.allowEgressTo(`To${pascal(service)}`, service));
    (props.trustedSources ?? []).forEach((source) => this.namespace.allowIngressFrom(`From${pascal(source)}`, source));
  }

  /** The tenant's namespace name. */
  get namespaceName(): string {
    return this.namespace.name;
  }

  /** GPU units the tenant may hold at once, per pool: its maximum. */
  private get poolShares(): PoolShare[] {
    return this.gpuQuotas.map((q) => ({ pool: q.pool, units: q.max }));
  }

  private quotaHard(props: TenantProps): Record<string, string> {
    const byResource = new Map<string, number>((props.clusterPools ?? []).map((p) => [p.resourceName, 0]));
    for (const q of this.gpuQuotas) byResource.set(q.pool.resourceName, (byResource.get(q.pool.resourceName) ?? 0) + q.max);
    const compute = quotaCompute(this.poolShares);
    const objects = TENANT_OBJECT_LIMITS[props.kind];
    const hard: Record<string, string> = {
      // Extended resources can only be limited through requests.* in a ResourceQuota.
      ...Object.fromEntries([...byResource].map(([resource, n]) => [`requests.${resource}`, String(n)])),
      // The CPU and memory the GPUs bring, plus room for CPU-only pods. No limits.memory: the
      // LimitRange gives containers without limits a node's memory, which a limits quota would
      // count in full for every small pod.
      'requests.cpu': String(compute.cpu),
      'requests.memory': `${compute.memoryGiB}Gi`,
      pods: String(objects.pods),
      services: String(objects.services),
      'services.loadbalancers': '0',
      'services.nodeports': '0',
      persistentvolumeclaims: String(objects.pvcs),
      configmaps: String(objects.configmaps),
      secrets: String(objects.secrets),
      'count/jobs.batch': String(objects.jobs),
    };
    // The total also caps claims on storage classes the tenant has no quota for.
    let totalBytes = 0n;
    for (const s of props.storageQuotas ?? []) {
      const bytes = storageBytes(s.tib);
      totalBytes += bytes;
      hard[`${s.storageClassName}.storageclass.storage.k8s.io/requests.storage`] = bytesQuantity(bytes);
    }
    hard['requests.storage'] = bytesQuantity(totalBytes);
    return hard;
  }
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
