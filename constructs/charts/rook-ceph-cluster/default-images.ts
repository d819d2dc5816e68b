/**
 * The images the Rook Ceph cluster chart (`rook-ceph-cluster` v1.20.6) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph-cluster/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Rook Ceph cluster chart v1.20.6, as data.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph-cluster/values.yaml
 */
export const ROOK_CEPH_CLUSTER_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['rook/rook @ v1.20.6 (4e1b7a626891) : deploy/charts/rook-ceph-cluster/values.yaml'],
  values: {
    cephImage: {
      repository: 'quay.io/ceph/ceph',
      tag: 'v20.2.4',
    },
  },
  switches: [],
};
