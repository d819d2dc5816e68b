/**
 * The NFS CSI driver chart: its pin and its mirror specification.
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.13.4/csi-driver-nfs/values.yaml
 */
import { pullSecretRefs, referenceImage, type ChartDefinition } from '../chart-definition';
import { CSI_DRIVER_NFS_DEFAULT_IMAGES } from './default-images';

/**
 * The NFS CSI driver chart (`csi-driver-nfs` 4.13.4): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.13.4/csi-driver-nfs/values.yaml
 */
export const CSI_DRIVER_NFS_CHART: ChartDefinition = {
  ref: {
    chart: 'csi-driver-nfs',
    repository: 'https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts',
    version: '4.13.4',
    namespace: 'kube-system',
    source: 'kubernetes-csi/csi-driver-nfs @ master (d3b27c00743a) : charts/v4.13.4/csi-driver-nfs',
    kubeVersion: null,
  },
  mirror: {
    // baseRepo prefixes every sidecar repository (`/sig-storage/…`) and a relative
    // image.nfs.repository; the default image.nfs.repository is absolute and mirrored itself.
    images: [
      { kind: 'host', path: 'image.baseRepo', upstream: 'registry.k8s.io' },
      referenceImage('image.nfs.repository', 'registry.k8s.io/sig-storage/nfsplugin'),
    ],
    pullSecrets: [pullSecretRefs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: CSI_DRIVER_NFS_DEFAULT_IMAGES,
};
