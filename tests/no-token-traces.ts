/**
 * Jest setup (jest.config.js `setupFiles`): no cdktf token stack traces in tests, as in a synth
 * (`withoutTokenTraces` in stacks/synth.ts), unless AIF_DEBUG=1 asks for them. cdktf captures
 * a full trace for every token it makes, into a plain object; under jest's source maps,
 * formatting them is about a third of the CPU of a test that synthesizes sites. Errors keep
 * their traces. Imports nothing: a module loaded here would be loaded before, and so escape,
 * a test's `jest.mock`.
 */
if (process.env.AIF_DEBUG !== '1') {
  const original = Error.captureStackTrace.bind(Error);
  Error.captureStackTrace = (target: object, constructorOpt?: Parameters<typeof Error.captureStackTrace>[1]): void => {
    if (target instanceof Error) original(target, constructorOpt);
  };
}
