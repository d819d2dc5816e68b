/** Gating of tests that need the rehearsal binaries (`bash .ci/install-rehearsal.sh`). */
import { REHEARSAL_INSTALL_COMMAND, rehearsalBinaries } from '../../rehearsal/control-plane';
import { runningInCi } from '../ci';

function missingBinaries(): string | undefined {
  try {
    rehearsalBinaries();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** `describe` that skips without the binaries, and fails instead when CI is set. */
export function describeWithRehearsal(name: string, fn: () => void): void {
  const why = missingBinaries();
  if (why === undefined) {
    describe(name, fn);
  } else if (runningInCi()) {
    describe(name, () => {
      it('has the rehearsal binaries (CI is set, so this must not be skipped)', () => {
        throw new Error(`CI is set but ${why}`);
      });
    });
  } else {
    describe.skip(`${name} [skipped: rehearsal binaries not installed; run ${REHEARSAL_INSTALL_COMMAND}]`, fn);
  }
}
