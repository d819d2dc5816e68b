/**
 * The two name rules of the project, in one place: names chosen in a site file (pools,
 * tenants, tiers, labs, clusters, partitions), and the Kubernetes names derived from them.
 */

/**
 * Names used as site-file map keys. They end up inside Kubernetes names such as
 * `tenant-<name>`, and as Slurm node, partition and account names, so they follow DNS-1123
 * labels with room left for a prefix.
 */
export const NAME_PATTERN = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** {@link NAME_PATTERN} in words, for messages. */
export const NAME_HINT = 'lower-case letters, digits and "-", starting with a letter, at most 32 characters';

/** Whether `name` is a valid site-file name (see {@link NAME_PATTERN}). */
export function isSiteName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/**
 * A Kubernetes object name (DNS-1123 label).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
 */
export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * A Kubernetes DNS-1123 subdomain (Secret, Helm release names), without its length limit.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
 */
export const DNS_SUBDOMAIN_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks a Kubernetes object name derived from site names, and returns it. */
export function dnsLabel(name: string): string {
  if (!DNS_LABEL_PATTERN.test(name)) {
    throw new Error(`"${name}" is not a valid Kubernetes name (DNS-1123 label: lower-case letters, digits and "-", at most 63 characters)`);
  }
  return name;
}
