/**
 * Limits of Kubernetes resource quantities that a site file can reach.
 */

/**
 * The largest per-storage-class quota, in whole TiB, that a ResourceQuota accepts.
 *
 * `<class>.storageclass.storage.k8s.io/requests.storage` is not a native resource name, so
 * the API server requires its value to be a whole number, and checks that through the
 * quantity's milli-value, an int64: above (2^63 - 1) / 1000 bytes, about 8,388.6 TiB, the
 * milli-value overflows and the server answers `must be an integer`. Measured on a real
 * kube-apiserver: 8388Ti is accepted, 8389Ti is not, while the native `requests.storage`
 * takes 9000Ti.
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#storage-resource-quota
 */
export const MAX_STORAGE_CLASS_QUOTA_TIB = Math.floor(Number((2n ** 63n - 1n) / 1000n) / 2 ** 40);
