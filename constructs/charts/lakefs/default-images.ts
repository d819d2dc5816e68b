/**
 * The images the lakeFS chart (`lakefs` 1.12.16) deploys when the caller
 * sets nothing: the default of every image key its mirror specification names, with the
 * tag, digest, version and registry keys beside it, read from the values files in
 * `sources`, and the switches that leave images out.
 *
 * The lakeFS and MDS images are template defaults (see the mirror slots); the lakeFS tag is
 * `image.community.tag`.
 *
 * @see https://github.com/treeverse/charts/blob/lakefs-1.12.16/charts/lakefs/values.yaml
 */
import type { ChartImageDefaults } from '../chart-definition';

/**
 * Default images of the lakeFS chart 1.12.16, as data.
 *
 * @see https://github.com/treeverse/charts/blob/lakefs-1.12.16/charts/lakefs/values.yaml
 */
export const LAKEFS_DEFAULT_IMAGES: ChartImageDefaults = {
  sources: ['treeverse/charts @ lakefs-1.12.16 (39e264554f79) : charts/lakefs/values.yaml'],
  values: {
    replication: {
      image: {
        repository: 'treeverse/replication',
        tag: '0.1.18',
      },
    },
  },
  switches: [
    {
      anyOf: {
        'replication.enabled': false,
      },
      images: ['replication'],
      source: 'values.yaml replication.enabled',
    },
    {
      anyOf: {
        'mds.enabled': false,
      },
      images: ['mds'],
      source: 'values.yaml mds.enabled',
    },
  ],
};
