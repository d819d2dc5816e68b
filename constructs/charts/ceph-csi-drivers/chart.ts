/**
 * The Ceph CSI drivers (`ceph-csi-drivers`) chart: its pin and its mirror specification.
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/values.yaml
 */
import { pullSecretRefs, type ChartDefinition } from '../chart-definition';
import { CEPH_CSI_DRIVERS_DEFAULT_IMAGES } from './default-images';

/**
 * The Ceph CSI drivers chart (`ceph-csi-drivers` 1.0.4): where it is installed from, and its
 * mirror specification. Rook v1.20 configures the ceph-csi drivers only through this chart:
 * it creates the ceph-csi operator's `OperatorConfig` and one `Driver` per driver, and the
 * operator (from the `rook-ceph` chart) runs their controller Deployments and node plugin
 * DaemonSets.
 *
 * The chart names no image. The operator takes the drivers' images from the ConfigMap that
 * `operatorConfig.driverSpecDefaults.imageSet.name` names; Rook's recommended values name
 * `rook-csi-operator-image-set-configmap`, which the `rook-ceph` chart writes from its `csi.*`
 * image values, so those images are pinned and mirrored with the `rook-ceph` chart.
 *
 * @see https://github.com/rook/rook/blob/v1.20.6/Documentation/Helm-Charts/csi-drivers-chart.md
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/values.yaml
 */
export const CEPH_CSI_DRIVERS_CHART: ChartDefinition = {
  ref: {
    chart: 'ceph-csi-drivers',
    // Where Rook's documentation installs it from (rook/rook @ v1.20.6 : Documentation/Helm-Charts/csi-drivers-chart.md).
    repository: 'https://ceph.github.io/ceph-csi-operator',
    // The published version. Chart.yaml at the tag says 0.2.0; the release workflow sets the tag's
    // version before packaging (ceph/ceph-csi-operator @ v1.0.4 : .github/workflows/publish-helm-charts.yaml),
    // and the repository index lists ceph-csi-drivers-1.0.4.tgz (ceph/ceph-csi-operator @ gh-pages
    // (aeeb0f77) : index.yaml). The same release as rook-ceph v1.20.6's ceph-csi-operator 1.0.4 sub-chart.
    version: '1.0.4',
    // Rook's operator namespace: the chart goes there (csi-drivers-chart.md).
    namespace: 'rook-ceph',
    source: 'ceph/ceph-csi-operator @ v1.0.4 (29a66b683aa8) : deploy/charts/ceph-csi-drivers',
    kubeVersion: null,
  },
  mirror: {
    // No image key: see above.
    images: [],
    // The chart adds these to the service accounts of every driver's controller and node plugin
    // (templates/serviceaccount.yaml), which the operator's pods run as.
    pullSecrets: [pullSecretRefs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  defaultImages: CEPH_CSI_DRIVERS_DEFAULT_IMAGES,
};
