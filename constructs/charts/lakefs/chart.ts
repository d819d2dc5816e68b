/**
 * The lakeFS chart: its pin and its mirror specification.
 *
 * @see https://github.com/treeverse/charts/blob/lakefs-1.12.16/charts/lakefs/values.yaml
 */
import { getPath } from '../json';
import { referenceImage, type ChartDefinition } from '../chart-definition';
import { LAKEFS_DEFAULT_IMAGES } from './default-images';

/**
 * The lakeFS chart (`lakefs` 1.12.16): where it is installed from, and every image
 * key of the chart and its sub-charts with the chart default it is mirrored from.
 *
 * @see https://github.com/treeverse/charts/blob/lakefs-1.12.16/charts/lakefs/values.yaml
 */
export const LAKEFS_CHART: ChartDefinition = {
  ref: {
    chart: 'lakefs',
    repository: 'https://charts.lakefs.io',
    version: '1.12.16',
    namespace: 'lakefs',
    source: 'treeverse/charts @ lakefs-1.12.16 (39e264554f79) : charts/lakefs',
    kubeVersion: null,
  },
  mirror: {
    images: [
      // Template default (templates/_helpers.tpl): the enterprise image when enterprise.enabled.
      {
        kind: 'reference',
        path: 'image.repository',
        upstream: (values) => (getPath(values, 'enterprise.enabled') === true ? 'treeverse/lakefs-enterprise' : 'treeverse/lakefs'),
      },
      // Template default (templates/mds/_mds.tpl).
      referenceImage('mds.image.repository', 'treeverse/lakefs-enterprise'),
      referenceImage('replication.image.repository', 'treeverse/replication'),
    ],
    pullSecrets: [{ path: 'image.privateRegistry.secretName', form: 'name', with: { 'image.privateRegistry.enabled': true } }],
    blockers: [
      {
        path: 'useDevPostgres',
        reason: 'the dev database pod uses the hard-coded image postgres:11',
        fix: 'use an external PostgreSQL (lakefsConfig database.postgres)',
      },
      { path: 's3Fallback.enabled', reason: 'the S3 fallback uses the hard-coded image andrewgaul/s3proxy', fix: 'leave s3Fallback disabled' },
      {
        path: 'gcpFallback.enabled',
        reason: 'the Cloud SQL proxy uses the hard-coded image eu.gcr.io/cloudsql-docker/gce-proxy',
        fix: 'leave gcpFallback disabled',
      },
    ],
    notMirrored: {},
  },
  defaultImages: LAKEFS_DEFAULT_IMAGES,
};
