// Removes the run's shared folder made by tests/global-setup.js.
const fs = require('fs');

module.exports = async () => {
  const dir = process.env.AIF_TEST_RUN_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
