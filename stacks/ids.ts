/**
 * Construct ids of the things a site has once per cluster. An id depends only on the thing's
 * own name and its cluster, never on how many clusters, pools, tenants or labs the site has,
 * so adding a cluster never renames (and so never destroys) what runs on the others.
 *
 * Construct ids are a public contract: they are the Terraform addresses in state.
 */

/**
 * Id of cluster `cluster`'s instance of `kind`, e.g. `Kueue-main`, or with a name,
 * `Tenant-main-acme`.
 * @param kind PascalCase kind of construct, e.g. `Tenant`
 * @param cluster cluster name from the site file
 * @param name the thing's own name from the site file, when the cluster has several
 */
export function clusterScopedId(kind: string, cluster: string, name?: string): string {
  return name === undefined ? `${kind}-${cluster}` : `${kind}-${cluster}-${name}`;
}

/**
 * The id ai-factory-cdk 0.1 gave the same construct on a single-cluster site, where ids had
 * no cluster part (`Kueue`, `Tenant-acme`). See UPGRADE.md.
 */
export function singleClusterIdV01(kind: string, name?: string): string {
  return name === undefined ? kind : `${kind}-${name}`;
}
