/**
 * The one place where Helm chart versions live. Every `helm_release` of the project is made
 * by {@link PinnedChart} from an entry here, so a version bump is one line plus the key index
 * under `tests/fixtures/chart-keys/` that the tests check values against.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */

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
  | 'rook-ceph-cluster'
  | 'csi-driver-nfs'
  | 'minio-operator'
  | 'minio-tenant'
  | 'jupyterhub'
  | 'mlflow'
  | 'lakefs'
  | 'argo-workflows';

/**
 * Where a chart is installed from, as the Helm Terraform provider takes it: for an OCI chart
 * `repository` is the `oci://` parent and `chart` the last path segment.
 *
 * @see https://registry.terraform.io/providers/hashicorp/helm/latest/docs/resources/release#example-usage---chart-repository
 */
export interface ChartRef {
  /** Chart name inside the repository (`helm_release.chart`). */
  readonly chart: string;
  /** Helm repository URL, or the `oci://` parent of an OCI chart (`helm_release.repository`). */
  readonly repository: string;
  /** Exact published chart version (`helm_release.version`). */
  readonly version: string;
  /** Suggested namespace; callers may override it. */
  readonly namespace: string;
  /** Upstream source the pinned values were read from: `owner/repo @ ref (commit) : path`. */
  readonly source: string;
}

/**
 * Pinned charts, as published (see the INDEX of pinned charts for in-repo vs published
 * versions). Repositories are the upstream ones; a site with a registry mirror replaces
 * `repository` only (see {@link PinnedChart}).
 *
 * @see https://helm.sh/docs/topics/registries/
 */
export const CHARTS: Readonly<Record<ChartId, ChartRef>> = {
  'gpu-operator': {
    chart: 'gpu-operator',
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    version: 'v26.7.0',
    namespace: 'gpu-operator',
    source: 'NVIDIA/gpu-operator @ v26.7.0 (10ee5b3638b8) : deployments/gpu-operator',
  },
  'network-operator': {
    chart: 'network-operator',
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    version: '26.4.1',
    namespace: 'nvidia-network-operator',
    source: 'Mellanox/network-operator @ v26.4.1 (85afd6d9c697) : deployment/network-operator',
  },
  'node-feature-discovery': {
    chart: 'node-feature-discovery',
    repository: 'oci://registry.k8s.io/nfd/charts',
    version: '0.19.0',
    namespace: 'node-feature-discovery',
    source: 'kubernetes-sigs/node-feature-discovery @ v0.19.0 (45d276ed9d3f) : deployment/helm/node-feature-discovery',
  },
  'kube-prometheus-stack': {
    chart: 'kube-prometheus-stack',
    repository: 'oci://ghcr.io/prometheus-community/charts',
    version: '88.5.3',
    namespace: 'monitoring',
    source: 'prometheus-community/helm-charts @ kube-prometheus-stack-88.5.3 (ea930baeebeb) : charts/kube-prometheus-stack',
  },
  'cert-manager': {
    chart: 'cert-manager',
    repository: 'oci://quay.io/jetstack/charts',
    version: 'v1.21.1',
    namespace: 'cert-manager',
    source: 'cert-manager/cert-manager @ v1.21.1 (24e33194fb39) : deploy/charts/cert-manager',
  },
  kueue: {
    chart: 'kueue',
    repository: 'oci://registry.k8s.io/kueue/charts',
    version: '0.19.2',
    namespace: 'kueue-system',
    source: 'kubernetes-sigs/kueue @ v0.19.2 (8eab68778fc1) : charts/kueue',
  },
  'amd-gpu-operator': {
    chart: 'gpu-operator-charts',
    repository: 'https://rocm.github.io/gpu-operator',
    version: 'v1.5.1',
    namespace: 'kube-amd-gpu',
    source: 'ROCm/gpu-operator @ v1.5.1 (858cf255c7dd) : helm-charts-k8s',
  },
  'slurm-operator-crds': {
    chart: 'slurm-operator-crds',
    repository: 'oci://ghcr.io/slinkyproject/charts',
    version: '1.2.1',
    namespace: 'slinky',
    source: 'SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm-operator-crds',
  },
  'slurm-operator': {
    chart: 'slurm-operator',
    repository: 'oci://ghcr.io/slinkyproject/charts',
    version: '1.2.1',
    namespace: 'slinky',
    source: 'SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm-operator',
  },
  slurm: {
    chart: 'slurm',
    repository: 'oci://ghcr.io/slinkyproject/charts',
    version: '1.2.1',
    namespace: 'slurm',
    source: 'SlinkyProject/slurm-operator @ v1.2.1 (87313dac23e9) : helm/slurm',
  },
  'rook-ceph': {
    chart: 'rook-ceph',
    repository: 'https://charts.rook.io/release',
    version: 'v1.20.6',
    namespace: 'rook-ceph',
    source: 'rook/rook @ v1.20.6 (4e1b7a626891) : deploy/charts/rook-ceph',
  },
  'rook-ceph-cluster': {
    chart: 'rook-ceph-cluster',
    repository: 'https://charts.rook.io/release',
    version: 'v1.20.6',
    namespace: 'rook-ceph',
    source: 'rook/rook @ v1.20.6 (4e1b7a626891) : deploy/charts/rook-ceph-cluster',
  },
  'csi-driver-nfs': {
    chart: 'csi-driver-nfs',
    repository: 'https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts',
    version: '4.13.4',
    namespace: 'kube-system',
    source: 'kubernetes-csi/csi-driver-nfs @ master (d3b27c00743a) : charts/v4.13.4/csi-driver-nfs',
  },
  'minio-operator': {
    chart: 'operator',
    repository: 'https://operator.min.io',
    version: '7.1.1',
    namespace: 'minio-operator',
    source: 'minio/operator @ v7.1.1 (6eee6a7caa70) : helm/operator',
  },
  'minio-tenant': {
    chart: 'tenant',
    repository: 'https://operator.min.io',
    version: '7.1.1',
    namespace: 'minio',
    source: 'minio/operator @ v7.1.1 (6eee6a7caa70) : helm/tenant',
  },
  jupyterhub: {
    chart: 'jupyterhub',
    repository: 'https://hub.jupyter.org/helm-chart/',
    version: '4.4.0',
    namespace: 'jupyterhub',
    source: 'jupyterhub/zero-to-jupyterhub-k8s @ 4.4.0 (5c5f5df75158) : jupyterhub',
  },
  mlflow: {
    chart: 'mlflow',
    repository: 'https://community-charts.github.io/helm-charts',
    version: '1.11.5',
    namespace: 'mlflow',
    source: 'community-charts/helm-charts @ mlflow-1.11.5 (9d23d003453a) : charts/mlflow',
  },
  lakefs: {
    chart: 'lakefs',
    repository: 'https://charts.lakefs.io',
    version: '1.12.16',
    namespace: 'lakefs',
    source: 'treeverse/charts @ lakefs-1.12.16 (39e264554f79) : charts/lakefs',
  },
  'argo-workflows': {
    chart: 'argo-workflows',
    repository: 'https://argoproj.github.io/argo-helm',
    version: '1.0.18',
    namespace: 'argo',
    source: 'argoproj/argo-helm @ argo-workflows-1.0.18 (4f4cc4f96056) : charts/argo-workflows',
  },
};

/**
 * Every chart id, in registry order.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */
export const CHART_IDS: readonly ChartId[] = Object.keys(CHARTS) as ChartId[];
