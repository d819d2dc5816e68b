/**
 * What a data lab may consume: a ResourceQuota sized from its GPU pools and volume quota,
 * and a LimitRange so every container counts against it.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import type { Construct } from 'constructs';
import type { ClusterTarget } from '../core/cluster-target';
import { BYTES_PER_GIB, storageBytes, storageQuantity } from '../core/quantities';
import type { GpuNodePool } from '../gpu/gpu-node-pool';
import type { IsolatedNamespace } from '../tenancy/isolated-namespace';
import { gpuContainerDefaults, quotaCompute, type ContainerDefaults, type PoolShare } from '../tenancy/tenant';
import { HUB_DATABASE_GIB, NOTEBOOK_VOLUME_DEFAULT_GIB } from './jupyterhub-values';
import { LAB_DATABASE_DEFAULT_GIB } from './lab-database';

/**
 * GiB a lab claims on its own before any user does: the data volume of its database
 * (`LabDatabase`, at its default size, which the DataLab keeps) and the hub's database.
 * A volume quota below this keeps the lab from ever coming up.
 */
export const LAB_OWN_CLAIMS_GIB = LAB_DATABASE_DEFAULT_GIB + HUB_DATABASE_GIB;

/**
 * Why a lab volume quota of `volumeQuotaTiB` cannot hold the lab's own claims
 * ({@link LAB_OWN_CLAIMS_GIB}), with the fix; `undefined` when it can. The DataLab construct and
 * the site-file rule both ask this.
 */
export function labOwnClaimsProblem(volumeQuotaTiB: number): { readonly problem: string; readonly fix: string } | undefined {
  if (storageBytes(volumeQuotaTiB) >= BigInt(LAB_OWN_CLAIMS_GIB) * BYTES_PER_GIB) return undefined;
  return {
    problem: `is less than the lab's own volumes: its database (${LAB_DATABASE_DEFAULT_GIB} GiB) and JupyterHub's (${HUB_DATABASE_GIB} GiB) claim ${LAB_OWN_CLAIMS_GIB} GiB, which the lab's ResourceQuota would refuse, so the lab would never come up`,
    fix: `raise it to at least ${LAB_OWN_CLAIMS_GIB / 1024} (${LAB_OWN_CLAIMS_GIB} GiB), plus ${NOTEBOOK_VOLUME_DEFAULT_GIB / 1024} (${NOTEBOOK_VOLUME_DEFAULT_GIB} GiB) for each notebook user's home volume`,
  };
}

/** Requests of a lab container that requests nothing. */
const LAB_DEFAULT_REQUEST = { cpu: '250m', memory: '512Mi' } as const;

/**
 * What a lab's quota is sized from.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export interface LabQuotaProps {
  /** Cluster of the lab. */
  readonly target: ClusterTarget;
  /** The lab's namespace. */
  readonly namespace: IsolatedNamespace;
  /** Labels of the quota objects. */
  readonly labels: Readonly<Record<string, string>>;
  /** GPU pools the lab's notebooks use. */
  readonly pools: readonly GpuNodePool[];
  /** GPU units the lab may hold at once in each pool. */
  readonly gpusPerPool: number;
  /** StorageClass of the lab's volumes, which gets its own storage quota. @default - only the namespace-wide storage quota */
  readonly storageClassName?: string;
  /** Storage the lab may claim, TiB. */
  readonly volumeQuotaTiB: number;
}

/**
 * The quota objects of a lab.
 *
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 */
export interface LabQuota {
  /** ResourceQuota `lab-quota`. */
  readonly quota: ResourceQuotaV1;
  /** LimitRange `lab-defaults`. */
  readonly limits: LimitRangeV1;
  /** Requests and limits the LimitRange gives containers that set none. */
  readonly containerDefaults: ContainerDefaults;
}

/**
 * Adds the ResourceQuota (`Quota`) and LimitRange (`Limits`) of a lab to `scope`, the lab.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 */
export function addLabQuota(scope: Construct, props: LabQuotaProps): LabQuota {
  const ns = props.namespace.name;
  const quota = new ResourceQuotaV1(scope, 'Quota', {
    provider: props.target.kubernetes,
    metadata: { name: 'lab-quota', namespace: ns, labels: props.labels },
    spec: { hard: labQuotaHard(props.pools, props.gpusPerPool, props.storageClassName, props.volumeQuotaTiB) },
    dependsOn: [props.namespace.namespace],
  });
  // Every pod counts against the CPU and memory quota, so containers without resources get
  // requests; limits that fit a notebook on a whole GPU node (see gpuContainerDefaults).
  const containerDefaults = gpuContainerDefaults(labShares(props.pools, props.gpusPerPool), LAB_DEFAULT_REQUEST);
  const limits = new LimitRangeV1(scope, 'Limits', {
    provider: props.target.kubernetes,
    metadata: { name: 'lab-defaults', namespace: ns, labels: props.labels },
    spec: { limit: [{ type: 'Container', defaultRequest: { ...containerDefaults.request }, default: { ...containerDefaults.limit } }] },
    dependsOn: [props.namespace.namespace],
  });
  return { quota, limits, containerDefaults };
}

function labShares(pools: readonly GpuNodePool[], gpusPerPool: number): PoolShare[] {
  return pools.map((pool) => ({ pool, units: gpusPerPool }));
}

/**
 * The ResourceQuota of a lab: GPUs per extended resource, the CPU and memory that come with
 * them, room for the lab's services, and storage.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#compute-resource-quota
 */
export function labQuotaHard(
  pools: readonly GpuNodePool[],
  gpusPerPool: number,
  volumeClass: string | undefined,
  volumeQuotaTiB: number,
): Record<string, string> {
  const byResource = new Map<string, number>();
  for (const pool of pools) byResource.set(pool.resourceName, (byResource.get(pool.resourceName) ?? 0) + gpusPerPool);
  // The CPU and memory the GPUs bring, plus room for the lab's services (hub, proxy, database,
  // MLflow, lakeFS, Argo). No limits.memory: containers without limits get a node's memory
  // from the LimitRange, which a limits quota would count in full for every small pod.
  const compute = quotaCompute(labShares(pools, gpusPerPool));
  const storage = storageQuantity(volumeQuotaTiB);
  return {
    ...Object.fromEntries([...byResource].map(([resource, n]) => [`requests.${resource}`, String(n)])),
    'requests.cpu': String(compute.cpu),
    'requests.memory': `${compute.memoryGiB}Gi`,
    pods: '200',
    services: '20',
    'services.loadbalancers': '0',
    'services.nodeports': '0',
    persistentvolumeclaims: '100',
    configmaps: '100',
    secrets: '100',
    'count/jobs.batch': '500',
    ...(volumeClass ? { [`${volumeClass}.storageclass.storage.k8s.io/requests.storage`]: storage } : {}),
    'requests.storage': storage,
  };
}
