/**
 * Typed Helm values per pinned chart, gathered from each chart's folder
 * (`constructs/charts/<chart-id>/values.ts`). The interfaces cover the keys the project sets
 * and every image key; they mirror each chart's structure with optional readonly fields.
 *
 * @see ./registry.ts for the pinned versions
 */
import type { ArgoWorkflowsValues } from './argo-workflows/values';
import type { AmdGpuOperatorValues } from './amd-gpu-operator/values';
import type { CephCsiDriversValues } from './ceph-csi-drivers/values';
import type { CertManagerValues } from './cert-manager/values';
import type { CsiDriverNfsValues } from './csi-driver-nfs/values';
import type { GpuOperatorValues } from './gpu-operator/values';
import type { JupyterhubValues } from './jupyterhub/values';
import type { KubePrometheusStackValues } from './kube-prometheus-stack/values';
import type { KueueValues } from './kueue/values';
import type { LakefsValues } from './lakefs/values';
import type { MinioOperatorValues } from './minio-operator/values';
import type { MinioTenantValues } from './minio-tenant/values';
import type { MlflowValues } from './mlflow/values';
import type { NetworkOperatorValues } from './network-operator/values';
import type { NfdValues } from './node-feature-discovery/values';
import type { RookCephValues } from './rook-ceph/values';
import type { RookCephClusterValues } from './rook-ceph-cluster/values';
import type { SlurmValues } from './slurm/values';
import type { SlurmOperatorValues } from './slurm-operator/values';
import type { SlurmOperatorCrdsValues } from './slurm-operator-crds/values';
import type { ChartId } from './registry';

/** Values interface of each chart. */
export type {
  AmdGpuOperatorValues,
  ArgoWorkflowsValues,
  CephCsiDriversValues,
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
  'ceph-csi-drivers': CephCsiDriversValues;
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
 * @see ./registry.ts
 */
export type ValuesOf<C extends ChartId> = ChartValues[C];
