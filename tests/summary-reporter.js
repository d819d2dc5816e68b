/**
 * Prints one closing line that any CI can read: `jest: <passed> passed, <failed> failed`
 * (with `, <skipped> skipped` when tests were skipped).
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests + results.numRuntimeErrorTestSuites} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
    process.stderr.write(`${line}\n`);
  }
}
module.exports = SummaryReporter;
