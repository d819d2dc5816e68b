/**
 * The images the NFS CSI driver chart (`csi-driver-nfs` 4.13.4) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.13.4/csi-driver-nfs/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the NFS CSI driver chart 4.13.4, as data.
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.13.4/csi-driver-nfs/values.yaml
 */
export const CSI_DRIVER_NFS_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['kubernetes-csi/csi-driver-nfs @ master (d3b27c00743a) : charts/v4.13.4/csi-driver-nfs/values.yaml'],
  values: {
    image: {
      baseRepo: 'registry.k8s.io',
      csiProvisioner: {
        repository: '/sig-storage/csi-provisioner',
        tag: 'v6.3.0',
      },
      csiResizer: {
        repository: '/sig-storage/csi-resizer',
        tag: 'v2.2.0',
      },
      csiSnapshotter: {
        repository: '/sig-storage/csi-snapshotter',
        tag: 'v8.6.0',
      },
      livenessProbe: {
        repository: '/sig-storage/livenessprobe',
        tag: 'v2.19.0',
      },
      nodeDriverRegistrar: {
        repository: '/sig-storage/csi-node-driver-registrar',
        tag: 'v2.17.0',
      },
      externalSnapshotter: {
        repository: '/sig-storage/snapshot-controller',
        tag: 'v8.6.0',
      },
      nfs: {
        repository: 'registry.k8s.io/sig-storage/nfsplugin',
        tag: 'v4.13.4',
      },
    },
  },
  switches: [],
};
