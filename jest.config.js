/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  // No cdktf token stack traces unless AIF_DEBUG=1: a third of the CPU of tests that synthesize.
  setupFiles: ['<rootDir>/tests/no-token-traces.ts'],
  // A folder the workers share for the run: the catalogue is synthesized once (tests/catalogue-synth.ts).
  globalSetup: '<rootDir>/tests/global-setup.js',
  globalTeardown: '<rootDir>/tests/global-teardown.js',
  testTimeout: 120000,
  // One more worker than the 2 cores CI and the bench machine have: the real-software tests
  // wait on daemons they start (slurmctld, MariaDB, the API server), and a third worker fills
  // those waits (npm test's jest: 123 -> 116 s wall on 2 cores).
  maxWorkers: 3,
  reporters: ['default', '<rootDir>/tests/summary-reporter.js'],
};
