/**
 * Limits of Kubernetes resource quantities that a site file can reach, and how its storage
 * quotas in TiB become quantities.
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

/** Bytes in a GiB, the unit quotas are written in when they are whole GiB. */
export const BYTES_PER_GIB = 2n ** 30n;

/**
 * A storage quota of `tib` TiB (2^40 bytes) in whole bytes, rounded up: what the API server
 * makes of a fractional quantity (`0.1Ti` is 109951162778 bytes), so a quota written from this
 * admits a claim of the same size in TiB, and no quota above 0 becomes 0 bytes. Exact for every
 * double: scaling by 2^40 is exact, and doubles of 2^53 or more are whole numbers.
 * Throws a RangeError for NaN and infinities.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function storageBytes(tib: number): bigint {
  return BigInt(Math.ceil(tib * 2 ** 40));
}

/**
 * `bytes` as a Kubernetes quantity: `<n>Gi` when it is whole GiB, as every quota of whole GiB
 * has been written, else the plain byte count. Never a fraction: a ResourceQuota holds whole
 * bytes, and the API server refuses or warns of a value with fractional bytes.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function bytesQuantity(bytes: bigint): string {
  return bytes % BYTES_PER_GIB === 0n ? `${bytes / BYTES_PER_GIB}Gi` : String(bytes);
}

/**
 * A storage quota of `tib` TiB as a Kubernetes quantity of {@link storageBytes} bytes, e.g.
 * `5120Gi` for 5, `109951162778` for 0.1. Every quota the site file gives in TiB (ResourceQuotas,
 * bucket sizes, claims) is written with this, so they all hold the same bytes.
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#storage-resource-quota
 */
export function storageQuantity(tib: number): string {
  return bytesQuantity(storageBytes(tib));
}
