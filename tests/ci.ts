/** True when the CI environment variable is set: CI must not skip a test whose tools are missing. */
export function runningInCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
