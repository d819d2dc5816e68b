/**
 * Typed Helm values per pinned chart. The interfaces cover the keys the project sets and every
 * image key; they mirror each chart's structure with optional readonly fields.
 *
 * @see ../registry.ts for the pinned versions
 */
import type { ArgoWorkflowsValues } from './argo-workflows';
import type { AmdGpuOperatorValues } from './amd-gpu-operator';
import type { CertManagerValues } from './cert-manager';
import type { CsiDriverNfsValues } from './csi-driver-nfs';
import type { GpuOperatorValues } from './gpu-operator';
import type { JupyterhubValues } from './jupyterhub';
import type { KubePrometheusStackValues } from './kube-prometheus-stack';
import type { KueueValues } from './kueue';
import type { LakefsValues } from './lakefs';
import type { MinioOperatorValues } from './minio-operator';
import type { MinioTenantValues } from './minio-tenant';
import type { MlflowValues } from './mlflow';
import type { NetworkOperatorValues } from './network-operator';
import type { NfdValues } from './node-feature-discovery';
import type { RookCephValues } from './rook-ceph';
import type { RookCephClusterValues } from './rook-ceph-cluster';
import type { SlurmValues } from './slurm';
import type { SlurmOperatorValues } from './slurm-operator';
import type { SlurmOperatorCrdsValues } from './slurm-operator-crds';
import type { ChartId } from '../registry';

/** Values interface of each chart. */
export type {
  AmdGpuOperatorValues,
  ArgoWorkflowsValues,
  CertManagerValues,
  CsiDriverNfsValues,
  GpuOperatorValues,
  JupyterhubValues,
  KubePrometheusStackValues,
  KueueValues,
  LakefsValues,
  MinioOperatorValues,
  MinioTenantValues,
  MlflowValues,
  NetworkOperatorValues,
  NfdValues,
  RookCephClusterValues,
  RookCephValues,
  SlurmOperatorCrdsValues,
  SlurmOperatorValues,
  SlurmValues,
};

/**
 * The values type of each chart, so `PinnedChart<'kueue'>` only accepts Kueue values.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export interface ChartValues {
  'gpu-operator': GpuOperatorValues;
  'network-operator': NetworkOperatorValues;
  'node-feature-discovery': NfdValues;
  'kube-prometheus-stack': KubePrometheusStackValues;
  'cert-manager': CertManagerValues;
  kueue: KueueValues;
  'amd-gpu-operator': AmdGpuOperatorValues;
  'slurm-operator-crds': SlurmOperatorCrdsValues;
  'slurm-operator': SlurmOperatorValues;
  slurm: SlurmValues;
  'rook-ceph': RookCephValues;
  'rook-ceph-cluster': RookCephClusterValues;
  'csi-driver-nfs': CsiDriverNfsValues;
  'minio-operator': MinioOperatorValues;
  'minio-tenant': MinioTenantValues;
  jupyterhub: JupyterhubValues;
  mlflow: MlflowValues;
  lakefs: LakefsValues;
  'argo-workflows': ArgoWorkflowsValues;
}

/**
 * Values type of one chart. Indexing {@link ChartValues} by every {@link ChartId} here makes a
 * chart added to the registry without a values type a compile error.
 *
 * @see ../registry.ts
 */
export type ValuesOf<C extends ChartId> = ChartValues[C];
