/** Labels every object of the project carries, so operators can find what a site owns. */
export const MANAGED_BY = 'ai-factory-cdk';
/** Label prefix of the project. */
export const LABEL_PREFIX = 'ai-factory.eu';

/** Standard labels for objects of one site, plus component-specific ones. */
export function siteLabels(siteId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [`${LABEL_PREFIX}/site`]: siteId,
    ...extra,
  };
}

/** Label carrying the tenant name on every tenant-owned namespace. */
export const TENANT_LABEL = `${LABEL_PREFIX}/tenant`;
/** Label carrying the data lab name on every lab namespace. */
export const DATA_LAB_LABEL = `${LABEL_PREFIX}/data-lab`;
/** Label carrying the storage role (scratch, project, home, object, archive) of a StorageClass. */
export const STORAGE_ROLE_LABEL = `${LABEL_PREFIX}/storage-role`;
