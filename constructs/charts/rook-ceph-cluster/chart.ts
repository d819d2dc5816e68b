/**
 * The `rook-ceph-cluster` chart: its pin and its mirror specification.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph-cluster/values.yaml
 */
import { optionalReferenceImage, referenceImage, type ChartDefinition } from '../chart-definition';
import { ROOK_CEPH_CLUSTER_DEFAULT_IMAGES } from './default-images';

/**
 * The `rook-ceph-cluster` chart (`rook-ceph-cluster` v1.20.6): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph-cluster/values.yaml
 */
export const ROOK_CEPH_CLUSTER_CHART: ChartDefinition = {
  ref: {
    chart: 'rook-ceph-cluster',
    repository: 'https://charts.rook.io/release',
    version: 'v1.20.6',
    namespace: 'rook-ceph',
    source: 'rook/rook @ v1.20.6 (4e1b7a626891) : deploy/charts/rook-ceph-cluster',
    kubeVersion: null,
  },
  mirror: {
    // The toolbox falls back to cephImage unless toolbox.image / toolbox.repository is set.
    images: [
      referenceImage('cephImage.repository', 'quay.io/ceph/ceph'),
      optionalReferenceImage('toolbox.image'),
      optionalReferenceImage('toolbox.repository'),
    ],
    // No pull Secret key: CephCluster pods run under service accounts of the rook-ceph chart.
    pullSecrets: [],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: ROOK_CEPH_CLUSTER_DEFAULT_IMAGES,
};
