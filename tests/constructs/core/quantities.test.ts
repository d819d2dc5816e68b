/**
 * Every storage quota the site file gives in TiB becomes the same whole bytes wherever it is
 * written (ResourceQuotas, bucket sizes, MinIO quotas, claims): the exact value rounded up to
 * the byte, as the API server rounds `0.1Ti`. Checked against exact decimal arithmetic.
 */
import fc from 'fast-check';
import { bytesQuantity, storageBytes, storageQuantity } from '../../../constructs/core/quantities';

const TIB = 2n ** 40n;

/** Ceiling of n / d for n >= 0, d > 0. */
const ceilDiv = (n: bigint, d: bigint): bigint => (n + d - 1n) / d;

/** Bytes of `tib`, a decimal written as in a site file, e.g. `0.1`: exact, rounded up. */
function exactBytes(tib: string): bigint {
  const [whole, fraction = ''] = tib.split('.');
  return ceilDiv(BigInt(whole + fraction) * TIB, 10n ** BigInt(fraction.length));
}

const MULTIPLIERS: Record<string, bigint> = {
  '': 1n,
  Ki: 2n ** 10n,
  Mi: 2n ** 20n,
  Gi: 2n ** 30n,
  Ti: 2n ** 40n,
  Pi: 2n ** 50n,
  Ei: 2n ** 60n,
  k: 10n ** 3n,
  M: 10n ** 6n,
  G: 10n ** 9n,
  T: 10n ** 12n,
  P: 10n ** 15n,
  E: 10n ** 18n,
};

/**
 * Bytes of a non-negative Kubernetes quantity without exponent (`<digits>[.<digits>][suffix]`),
 * rounded up to a whole byte the way the API server stores a storage quantity.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
function quantityBytes(quantity: string): { bytes: bigint; whole: boolean } {
  const m = /^(\d+)(?:\.(\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(quantity);
  if (!m) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  const fraction = m[2] ?? '';
  const numerator = BigInt(m[1] + fraction) * MULTIPLIERS[m[3] ?? ''];
  const denominator = 10n ** BigInt(fraction.length);
  return { bytes: ceilDiv(numerator, denominator), whole: numerator % denominator === 0n };
}

describe('storage quotas in bytes', () => {
  test.each([
    ['0.0004', 439804652n, '439804652'],
    ['0.1', 109951162778n, '109951162778'],
    ['2.7', 2968681394996n, '2968681394996'],
    ['1000.25', 1099786505682944n, '1024256Gi'],
    ['8388', 9222703533785088n, '8589312Gi'],
  ])('%s TiB is its exact byte count rounded up: %s, written %s', (tib, bytes, quantity) => {
    expect(exactBytes(tib)).toBe(bytes);
    expect(storageBytes(Number(tib))).toBe(exactBytes(tib));
    expect(storageQuantity(Number(tib))).toBe(quantity);
    // What the API server makes of the same quota written `<tib>Ti`.
    expect(quantityBytes(`${tib}Ti`).bytes).toBe(storageBytes(Number(tib)));
  });

  test('a sum of quotas of whole GiB stays in GiB, any other in plain bytes', () => {
    expect(bytesQuantity(storageBytes(5) + storageBytes(0.5))).toBe('5632Gi');
    expect(bytesQuantity(storageBytes(0.1) + storageBytes(0.1))).toBe('219902325556');
    expect(bytesQuantity(0n)).toBe('0Gi');
  });

  test('no quota above 0 is 0 bytes, and every one reads back as its bytes, whole, rounded up from the exact value', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, minExcluded: true, max: 1e290, noNaN: true }), (tib) => {
        const bytes = storageBytes(tib);
        expect(bytes > 0n).toBe(true);
        // Comparisons of a bigint with a number are exact.
        expect(bytes >= tib * 2 ** 40 && bytes - 1n < tib * 2 ** 40).toBe(true);
        const read = quantityBytes(storageQuantity(tib));
        expect(read).toEqual({ bytes, whole: true });
      }),
      { numRuns: 2000 },
    );
  });

  test('a value that is no number of bytes is refused', () => {
    expect(() => storageBytes(Number.NaN)).toThrow(RangeError);
    expect(() => storageBytes(Infinity)).toThrow(RangeError);
  });
});
