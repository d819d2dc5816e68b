// Jest global setup: a folder the run's workers share (tests/catalogue-synth.ts writes the
// catalogue's synthesized stacks there once per run); tests/global-teardown.js removes it.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  process.env.AIF_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-jest-run-'));
};
