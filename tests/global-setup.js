// Jest global setup, once per run before any worker starts:
// - a folder the run's workers share (tests/catalogue-synth.ts writes the catalogue's
//   synthesized stacks there once per run), named by the run's process id;
//   tests/global-teardown.js removes it, and the next run removes those of runs that were
//   killed before their teardown;
// - dist/ compiled, as `npm run compile` does (tsc -b, incremental: under a second when
//   nothing changed). The tests that run the compiled CLI (main, help, the package) need it;
//   on a fresh clone each compiled it itself, up to three at once, 12 CPU-seconds each.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const PREFIX = 'aif-jest-run-';
const OWNER = 'owner.pid';

/** Whether process `pid` is gone. */
function gone(pid) {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return e.code === 'ESRCH';
  }
}

/** Removes run folders whose jest process is gone (a run killed before its teardown). */
function removeOrphans(tmp) {
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(tmp, name);
    let pid;
    try {
      pid = Number(fs.readFileSync(path.join(dir, OWNER), 'utf8'));
    } catch {
      continue; // not ours, or being made
    }
    if (Number.isInteger(pid) && pid > 0 && gone(pid)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = async () => {
  const root = path.join(__dirname, '..');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc -b tsconfig.build.json (npm run compile) failed:\n${tsc.stdout}${tsc.stderr}${tsc.error ?? ''}`);
  removeOrphans(os.tmpdir());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  fs.writeFileSync(path.join(dir, OWNER), String(process.pid));
  process.env.AIF_TEST_RUN_DIR = dir;
};
