/**
 * The images the Rook operator chart (`rook-ceph` v1.20.6) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Rook operator chart v1.20.6, as data.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/deploy/charts/rook-ceph/values.yaml
 */
export const ROOK_CEPH_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: [
    'rook/rook @ v1.20.6 (4e1b7a626891) : deploy/charts/rook-ceph/values.yaml',
    'ceph/ceph-csi-operator @ v1.0.4 (29a66b683aa8) : deploy/charts/ceph-csi-operator/values.yaml (as ceph-csi-operator)',
  ],
  values: {
    image: {
      repository: 'docker.io/rook/ceph',
      tag: 'v1.20.6',
    },
    csi: {
      cephcsi: {
        repository: 'quay.io/cephcsi/cephcsi',
        tag: 'v3.17.0',
      },
      registrar: {
        repository: 'registry.k8s.io/sig-storage/csi-node-driver-registrar',
        tag: 'v2.17.0',
      },
      provisioner: {
        repository: 'registry.k8s.io/sig-storage/csi-provisioner',
        tag: 'v6.2.0',
      },
      snapshotter: {
        repository: 'registry.k8s.io/sig-storage/csi-snapshotter',
        tag: 'v8.5.0',
      },
      attacher: {
        repository: 'registry.k8s.io/sig-storage/csi-attacher',
        tag: 'v4.12.0',
      },
      resizer: {
        repository: 'registry.k8s.io/sig-storage/csi-resizer',
        tag: 'v2.1.0',
      },
      csiAddons: {
        repository: 'quay.io/csiaddons/k8s-sidecar',
        tag: 'v0.14.0',
      },
    },
    'ceph-csi-operator': {
      controllerManager: {
        manager: {
          image: {
            repository: 'quay.io/cephcsi/ceph-csi-operator',
            tag: 'v1.0.4',
          },
        },
      },
    },
  },
  switches: [
    {
      anyOf: {
        'csi.installCsiOperator': true,
      },
      images: ['ceph-csi-operator'],
      source: 'Chart.yaml dependencies[ceph-csi-operator].condition',
    },
  ],
};
