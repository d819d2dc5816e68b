/**
 * The pinned charts of the project. Each chart lives in its own folder,
 * `constructs/charts/<chart-id>/`: `chart.ts` holds its pin (with its `kubeVersion`) and
 * mirror specification, `default-images.ts` the image values of its defaults and `values.ts`
 * its typed Helm values. Every `helm_release` of the project is made by {@link PinnedChart}
 * from an entry here, so a version bump is the chart's `chart.ts` and `default-images.ts`
 * plus the key index under `tests/fixtures/chart-keys/` that the tests check values (and the
 * default images) against.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */
import type { ChartDefinition, ChartRef } from './chart-definition';
import { AMD_GPU_OPERATOR_CHART } from './amd-gpu-operator/chart';
import { ARGO_WORKFLOWS_CHART } from './argo-workflows/chart';
import { CEPH_CSI_DRIVERS_CHART } from './ceph-csi-drivers/chart';
import { CERT_MANAGER_CHART } from './cert-manager/chart';
import { CSI_DRIVER_NFS_CHART } from './csi-driver-nfs/chart';
import { GPU_OPERATOR_CHART } from './gpu-operator/chart';
import { JUPYTERHUB_CHART } from './jupyterhub/chart';
import { KUBE_PROMETHEUS_STACK_CHART } from './kube-prometheus-stack/chart';
import { KUEUE_CHART } from './kueue/chart';
import { LAKEFS_CHART } from './lakefs/chart';
import { MINIO_OPERATOR_CHART } from './minio-operator/chart';
import { MINIO_TENANT_CHART } from './minio-tenant/chart';
import { MLFLOW_CHART } from './mlflow/chart';
import { NETWORK_OPERATOR_CHART } from './network-operator/chart';
import { NODE_FEATURE_DISCOVERY_CHART } from './node-feature-discovery/chart';
import { ROOK_CEPH_CHART } from './rook-ceph/chart';
import { ROOK_CEPH_CLUSTER_CHART } from './rook-ceph-cluster/chart';
import { SLURM_CHART } from './slurm/chart';
import { SLURM_OPERATOR_CHART } from './slurm-operator/chart';
import { SLURM_OPERATOR_CRDS_CHART } from './slurm-operator-crds/chart';

/** Where a chart is installed from (defined with the chart definitions, re-exported for importers). */
export type { ChartRef } from './chart-definition';

/**
 * Charts the project installs.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */
export type ChartId =
  | 'gpu-operator'
  | 'network-operator'
  | 'node-feature-discovery'
  | 'kube-prometheus-stack'
  | 'cert-manager'
  | 'kueue'
  | 'amd-gpu-operator'
  | 'slurm-operator-crds'
  | 'slurm-operator'
  | 'slurm'
  | 'rook-ceph'
  | 'ceph-csi-drivers'
  | 'rook-ceph-cluster'
  | 'csi-driver-nfs'
  | 'minio-operator'
  | 'minio-tenant'
  | 'jupyterhub'
  | 'mlflow'
  | 'lakefs'
  | 'argo-workflows';

/**
 * The definition of every pinned chart (pin and mirror specification), from its folder.
 * Typing this by {@link ChartId} makes a chart id without a folder, or a folder left out
 * here, a compile error.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */
export const CHART_DEFINITIONS: Readonly<Record<ChartId, ChartDefinition>> = {
  'gpu-operator': GPU_OPERATOR_CHART,
  'network-operator': NETWORK_OPERATOR_CHART,
  'node-feature-discovery': NODE_FEATURE_DISCOVERY_CHART,
  'kube-prometheus-stack': KUBE_PROMETHEUS_STACK_CHART,
  'cert-manager': CERT_MANAGER_CHART,
  kueue: KUEUE_CHART,
  'amd-gpu-operator': AMD_GPU_OPERATOR_CHART,
  'slurm-operator-crds': SLURM_OPERATOR_CRDS_CHART,
  'slurm-operator': SLURM_OPERATOR_CHART,
  slurm: SLURM_CHART,
  'rook-ceph': ROOK_CEPH_CHART,
  'ceph-csi-drivers': CEPH_CSI_DRIVERS_CHART,
  'rook-ceph-cluster': ROOK_CEPH_CLUSTER_CHART,
  'csi-driver-nfs': CSI_DRIVER_NFS_CHART,
  'minio-operator': MINIO_OPERATOR_CHART,
  'minio-tenant': MINIO_TENANT_CHART,
  jupyterhub: JUPYTERHUB_CHART,
  mlflow: MLFLOW_CHART,
  lakefs: LAKEFS_CHART,
  'argo-workflows': ARGO_WORKFLOWS_CHART,
};

/**
 * Every chart id, in registry order.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */
export const CHART_IDS: readonly ChartId[] = Object.keys(CHART_DEFINITIONS) as ChartId[];

/**
 * One value per chart, picked from its definition, keyed by chart id in registry order.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */
export function perChart<T>(pick: (definition: ChartDefinition) => T): Readonly<Record<ChartId, T>> {
  return Object.fromEntries(CHART_IDS.map((id) => [id, pick(CHART_DEFINITIONS[id])])) as Record<ChartId, T>;
}

/**
 * Pinned charts, as published (see the INDEX of pinned charts for in-repo vs published
 * versions). Repositories are the upstream ones; a site with a registry mirror replaces
 * `repository` only (see {@link PinnedChart}).
 *
 * @see https://helm.sh/docs/topics/registries/
 */
export const CHARTS: Readonly<Record<ChartId, ChartRef>> = perChart((definition) => definition.ref);

/**
 * The pinned chart a `helm_release` installs, found by its chart name and version (a mirror
 * changes the repository, never these two), or `undefined` for a chart the project does not
 * pin.
 *
 * @see https://registry.terraform.io/providers/hashicorp/helm/latest/docs/resources/release
 */
export function chartIdOf(chart: unknown, version: unknown): ChartId | undefined {
  return CHART_IDS.find((id) => CHARTS[id].chart === chart && CHARTS[id].version === version);
}

/**
 * A Kubernetes minor release, e.g. `{ major: 1, minor: 29 }`; patch releases never change
 * what a chart's `kubeVersion` admits here, since every pinned constraint starts at `.0`.
 *
 * @see https://kubernetes.io/releases/version-skew-policy/
 */
export interface KubernetesMinor {
  readonly major: number;
  readonly minor: number;
}

/**
 * Parses a Kubernetes version as clusters report it or a site file states it: `1.29`,
 * `1.29.4` or `v1.29.4`. `undefined` for anything else.
 *
 * @see https://kubernetes.io/releases/
 */
export function parseKubernetesVersion(version: string): KubernetesMinor | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/**
 * Orders two Kubernetes minor releases: negative when `a` is older than `b`.
 *
 * @see https://kubernetes.io/releases/
 */
export function compareKubernetes(a: KubernetesMinor, b: KubernetesMinor): number {
  return a.major - b.major || a.minor - b.minor;
}

/**
 * The oldest Kubernetes release a chart's `kubeVersion` admits. Reads the lower-bound forms the
 * pinned charts use (`>= 1.29.0-0`, `>=1.25.0-0`, `^1.25.0-0`); `undefined` for any other form,
 * which a test keeps out of the registry.
 *
 * @see https://helm.sh/docs/topics/charts/#the-kubeversion-field
 */
export function kubeVersionFloor(constraint: string): KubernetesMinor | undefined {
  const m = /^(?:>=|\^)\s*v?(\d+)\.(\d+)\.0(?:-0)?$/.exec(constraint.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/**
 * Kubernetes APIs the stacks write themselves (not through a chart), with the oldest release
 * that serves each by default.
 */
export const STACK_API_FLOORS: readonly { readonly api: string; readonly floor: KubernetesMinor }[] = [
  // GA in 1.30; in 1.29 it is beta and off unless enabled.
  // @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
  { api: 'the tenant pod policy (ValidatingAdmissionPolicy, admissionregistration.k8s.io/v1)', floor: { major: 1, minor: 30 } },
];

/**
 * What the stacks need of every cluster: the newest of the pinned charts' `kubeVersion` floors
 * and of {@link STACK_API_FLOORS}, and what sets it.
 *
 * @see https://helm.sh/docs/topics/charts/#the-kubeversion-field
 */
export interface KubernetesRequirement {
  /** `<major>.<minor>`, e.g. `1.30`. */
  readonly version: string;
  /** The same, parsed. */
  readonly minor: KubernetesMinor;
  /** Charts whose `kubeVersion` asks for exactly this release, in registry order. */
  readonly charts: readonly ChartId[];
  /** APIs of {@link STACK_API_FLOORS} that need exactly this release. */
  readonly apis: readonly string[];
  /** Everything that needs this release, charts (with their versions) first, for messages. */
  readonly neededBy: string;
}

function kubernetesRequirement(): KubernetesRequirement {
  const floors = CHART_IDS.flatMap((id) => {
    const constraint = CHARTS[id].kubeVersion;
    const floor = constraint === null ? undefined : kubeVersionFloor(constraint);
    return floor ? [{ id, floor }] : [];
  });
  const newest = [...floors.map((f) => f.floor), ...STACK_API_FLOORS.map((a) => a.floor)].reduce<KubernetesMinor>(
    (acc, floor) => (compareKubernetes(floor, acc) > 0 ? floor : acc),
    { major: 1, minor: 0 },
  );
  const charts = floors.filter((f) => compareKubernetes(f.floor, newest) === 0).map((f) => f.id);
  const apis = STACK_API_FLOORS.filter((a) => compareKubernetes(a.floor, newest) === 0).map((a) => a.api);
  return {
    version: `${newest.major}.${newest.minor}`,
    minor: newest,
    charts,
    apis,
    neededBy: [...charts.map((id) => `${id} ${CHARTS[id].version}`), ...apis].join(', '),
  };
}

/**
 * The oldest Kubernetes release the stacks install on (the newest `kubeVersion` floor of
 * {@link CHARTS} and of {@link STACK_API_FLOORS}): a cluster's default `kubernetesVersion` in
 * the site file, and the least the site-file validation accepts.
 *
 * @see https://helm.sh/docs/topics/charts/#the-kubeversion-field
 */
export const KUBERNETES_REQUIREMENT: KubernetesRequirement = kubernetesRequirement();
