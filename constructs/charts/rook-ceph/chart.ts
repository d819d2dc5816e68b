/**
 * The Rook operator (`rook-ceph`) chart: its pin and its mirror specification.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph/values.yaml
 */
import { pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { ROOK_CEPH_DEFAULT_IMAGES } from './default-images';

/**
 * The Rook operator (`rook-ceph`) chart (`rook-ceph` v1.20.6): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph/values.yaml
 */
export const ROOK_CEPH_CHART: ChartDefinition = {
  ref: {
    chart: 'rook-ceph',
    repository: 'https://charts.rook.io/release',
    version: 'v1.20.6',
    namespace: 'rook-ceph',
    source: 'rook/rook @ v1.20.6 (4e1b7a626891) : deploy/charts/rook-ceph',
    kubeVersion: null,
  },
  mirror: {
    images: [
      referenceImage('image.repository', 'docker.io/rook/ceph'),
      referenceImage('csi.cephcsi.repository', 'quay.io/cephcsi/cephcsi'),
      referenceImage('csi.registrar.repository', 'registry.k8s.io/sig-storage/csi-node-driver-registrar'),
      referenceImage('csi.provisioner.repository', 'registry.k8s.io/sig-storage/csi-provisioner'),
      referenceImage('csi.snapshotter.repository', 'registry.k8s.io/sig-storage/csi-snapshotter'),
      referenceImage('csi.attacher.repository', 'registry.k8s.io/sig-storage/csi-attacher'),
      referenceImage('csi.resizer.repository', 'registry.k8s.io/sig-storage/csi-resizer'),
      referenceImage('csi.csiAddons.repository', 'quay.io/csiaddons/k8s-sidecar'),
      referenceImage('ceph-csi-operator.controllerManager.manager.image.repository', 'quay.io/cephcsi/ceph-csi-operator'),
    ],
    // Rook adds imagePullSecrets to every service account it creates, CephCluster pods included.
    pullSecrets: [pullSecretRefs('imagePullSecrets'), pullSecretRefs('ceph-csi-operator.imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: ROOK_CEPH_DEFAULT_IMAGES,
};
