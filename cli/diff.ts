/** `aif diff <site>`: Terraform's plan of a site's stacks, through cdktf (see ./cdktf.ts). */
import { processIo, runAsMain, type Io } from './args';
import { runCdktf } from './cdktf';

/** `aif diff`: cdktf's exit code. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return runCdktf('diff', argv, io);
}

if (require.main === module) runAsMain(run);
