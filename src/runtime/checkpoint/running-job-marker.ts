import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A file in a job's checkpoint directory that says a process is running the job, so that
 * `weir savepoint <job>` can answer at once when no such job runs instead of waiting for a reply
 * that never comes. It holds the pid; a marker left by a killed process is recognised because its
 * pid is gone.
 */
const MARKER = '_running';

export interface RunningJob {
  readonly jobName: string;
  readonly pid: number;
  readonly startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks `jobDir` as run by this process until the returned function is called (or the process exits).
 *
 * @example
 * const unmark = markJobRunning('.weir/checkpoints/orders', 'orders');
 * try { await run(); } finally { unmark(); }
 */
export function markJobRunning(jobDir: string, jobName: string): () => void {
  const path = join(jobDir, MARKER);
  mkdirSync(jobDir, { recursive: true });
  writeFileSync(path, JSON.stringify({ jobName, pid: process.pid, startedAt: new Date().toISOString() } satisfies RunningJob));
  const remove = () => {
    process.off('exit', remove);
    // Another process may have started the same job since; its marker stays.
    if (readMarker(jobDir)?.pid === process.pid) rmSync(path, { force: true });
  };
  process.on('exit', remove);
  return remove;
}

function readMarker(jobDir: string): RunningJob | undefined {
  try {
    return JSON.parse(readFileSync(join(jobDir, MARKER), 'utf8')) as RunningJob;
  } catch {
    return undefined;
  }
}

/** The job running in `jobDir`, if its process is alive. */
export function runningJob(jobDir: string): RunningJob | undefined {
  const m = readMarker(jobDir);
  return m && alive(m.pid) ? m : undefined;
}

/** Jobs with a directory under `checkpointDir`: by directory name, with the running job if any. */
export function jobsIn(checkpointDir: string): { dir: string; running: RunningJob | undefined }[] {
  let names: string[];
  try {
    names = readdirSync(checkpointDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
  return names.sort().map((dir) => ({ dir, running: runningJob(join(checkpointDir, dir)) }));
}
