import { join } from 'node:path';
import { toMillis } from '../core/duration.js';
import { jobsIn, runningJob } from '../runtime/checkpoint/running-job-marker.js';
import { requestSavepoint } from '../runtime/checkpoint/savepoint-requests.js';
import { jobDirName } from '../runtime/job-runner.js';

/** Why no job answers, with the jobs that are in the checkpoint directory, so a misspelt name is seen at once. */
function noSuchJob(job: string, checkpointDir: string): string {
  const jobs = jobsIn(checkpointDir);
  const running = jobs.flatMap((j) => (j.running ? [`'${j.running.jobName}'`] : []));
  const stopped = jobs.filter((j) => !j.running).map((j) => j.dir);
  const lines = [`no job '${job}' is running with its checkpoints in ${checkpointDir}`];
  lines.push(
    running.length > 0
      ? `  running jobs there: ${running.join(', ')}`
      : '  no job is running there (savepoints need a job started with checkpointing, e.g. --checkpoint-interval 10s)',
  );
  if (stopped.length > 0) lines.push(`  checkpoints of jobs not running: ${stopped.join(', ')}`);
  return lines.join('\n');
}

/**
 * `weir savepoint <job>`: asks the running job (through its checkpoint directory) for a savepoint
 * and prints where it was written. Resolves to the exit code.
 */
export async function savepointCommand(job: string, checkpointDir: string, timeout: string): Promise<number> {
  try {
    const jobDir = join(checkpointDir, jobDirName(job));
    if (!runningJob(jobDir)) {
      process.stderr.write(`Error: ${noSuchJob(job, checkpointDir)}\n`);
      return 1;
    }
    const path = await requestSavepoint(jobDir, toMillis(timeout));
    process.stdout.write(path + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
