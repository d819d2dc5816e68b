// Jest global setup, once per run before any worker starts:
// - a folder the run's workers share (tests/catalogue-synth.ts writes the catalogue's
//   synthesized stacks there once per run); tests/global-teardown.js removes it;
// - dist/ compiled, as `npm run compile` does (tsc -b, incremental: under a second when
//   nothing changed). The tests that run the compiled CLI (main, help, the package) need it;
//   on a fresh clone each compiled it itself, up to three at once, 12 CPU-seconds each.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const root = path.join(__dirname, '..');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc -b tsconfig.build.json (npm run compile) failed:\n${tsc.stdout}${tsc.stderr}${tsc.error ?? ''}`);
  process.env.AIF_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-jest-run-'));
};
