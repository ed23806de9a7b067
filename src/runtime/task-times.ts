/**
 * Where a task's time goes: busy (processing input, watermarks or timers) and back-pressured
 * (waiting before it may feed more input). A task's busy time is exclusive: tasks call each other
 * synchronously inside one thread (a source's push runs the tasks downstream of it), so entering a
 * task pauses the one that called it. Timed per batch, per watermark and per timer wakeup, never
 * per record.
 */
export class TaskTimes {
  /** Milliseconds spent processing, excluding the tasks it called. */
  busyMs = 0;
  /** Milliseconds spent waiting, finished waits only (see {@link backPressuredNow}). */
  backPressuredMs = 0;
  /** When the current stretch of busy time began (valid while this task is on the stack). */
  since = 0;
  /** Start of the wait in progress; 0 when not waiting. */
  waitingSince = 0;

  /** Back-pressured time including a wait still in progress. */
  backPressuredNow(now: number): number {
    return this.backPressuredMs + (this.waitingSince > 0 ? now - this.waitingSince : 0);
  }

  /** The task starts to wait (idempotent while it waits). */
  startWaiting(now = performance.now()): void {
    if (this.waitingSince === 0) this.waitingSince = now;
  }

  stopWaiting(now = performance.now()): void {
    if (this.waitingSince === 0) return;
    this.backPressuredMs += now - this.waitingSince;
    this.waitingSince = 0;
  }
}

/** The tasks of this thread currently running, innermost last. */
const running: TaskTimes[] = [];

/** `t` starts processing; the task that called it (if any) pauses. Pair with {@link exitTask}. */
export function enterTask(t: TaskTimes): void {
  const now = performance.now();
  const caller = running[running.length - 1];
  if (caller) caller.busyMs += now - caller.since;
  t.since = now;
  running.push(t);
}

/** `t` is done with what {@link enterTask} began; its caller resumes. */
export function exitTask(t: TaskTimes): void {
  const now = performance.now();
  t.busyMs += now - t.since;
  running.pop();
  const caller = running[running.length - 1];
  if (caller) caller.since = now;
}
