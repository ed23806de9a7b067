import { join } from 'node:path';
import { toMillis } from '../core/duration.js';
import { requestSavepoint } from '../runtime/checkpoint/savepoint-requests.js';
import { jobDirName } from '../runtime/job-runner.js';

/**
 * `weir savepoint <job>`: asks the running job (through its checkpoint directory) for a savepoint
 * and prints where it was written. Resolves to the exit code.
 */
export async function savepointCommand(job: string, checkpointDir: string, timeout: string): Promise<number> {
  try {
    const path = await requestSavepoint(join(checkpointDir, jobDirName(job)), toMillis(timeout));
    process.stdout.write(path + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
