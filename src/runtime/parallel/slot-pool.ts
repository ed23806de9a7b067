import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Slot workers kept between jobs, as a TaskManager keeps its slots: the next parallel job in this
 * process starts without loading TypeScript and Weir again, on code the JIT has already compiled.
 * Idle workers are unreferenced, so they never keep the process alive; a worker whose job failed
 * or was cancelled is terminated instead of kept, so no job inherits a broken thread.
 */
const idle: Worker[] = [];
const MAX_IDLE = Math.max(2, availableParallelism());

function forget(this: Worker): void {
  const i = idle.indexOf(this);
  if (i >= 0) idle.splice(i, 1);
}

/** An idle slot worker, or a new one started from `url`. */
export function acquireSlotWorker(url: URL, resourceLimits: ResourceLimits): Worker {
  const w = idle.pop();
  if (w) {
    w.removeAllListeners('error');
    w.off('exit', forget);
    w.ref();
    return w;
  }
  return new Worker(url, { stderr: false, stdout: false, resourceLimits });
}

/** Keeps a worker whose job finished cleanly for the next job. */
export function releaseSlotWorker(w: Worker): void {
  w.removeAllListeners('error');
  w.removeAllListeners('exit');
  if (idle.length >= MAX_IDLE) {
    void w.terminate();
    return;
  }
  // An idle worker that dies (it should not: it only waits for its next job) is dropped.
  w.on('error', () => undefined);
  w.once('exit', forget);
  w.unref();
  idle.push(w);
}

/** Stops every idle worker (tests, and embedders that want a clean shutdown). */
export async function closeSlotPool(): Promise<void> {
  await Promise.all(idle.splice(0).map((w) => w.terminate()));
}
