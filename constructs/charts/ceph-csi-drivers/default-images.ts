/**
 * The images the Ceph CSI drivers chart (`ceph-csi-drivers` 1.0.4) deploys when the caller sets
 * nothing: none of its values names an image. The ceph-csi operator takes the drivers' images
 * from Rook's image-set ConfigMap, written by the `rook-ceph` chart from its `csi.*` values,
 * whose defaults are in `rook-ceph/default-images.ts`.
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the Ceph CSI drivers chart 1.0.4, as data: none.
 *
 * @see https://github.com/ceph/ceph-csi-operator/blob/v1.0.4/deploy/charts/ceph-csi-drivers/values.yaml
 */
export const CEPH_CSI_DRIVERS_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['ceph/ceph-csi-operator @ v1.0.4 (29a66b683aa8) : deploy/charts/ceph-csi-drivers/values.yaml'],
  values: {},
  switches: [],
};
