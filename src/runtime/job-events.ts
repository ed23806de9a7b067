import type { JobEvent } from '../graph/job-executor.js';
import type { LoadedCheckpoint } from './checkpoint/checkpoint-storage.js';

/** `1 s`, `1.5 s`, `250 ms`: a restart delay as a person reads it. */
function formatDelay(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}

/** A failure on one line: its message, then the messages of its causes. */
export function failureLine(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const text = c instanceof Error ? `${c.message}` : String(c);
    if (!parts.some((p) => p.includes(text))) parts.push(text);
    if (!(c instanceof Error)) break;
  }
  return parts.join(': caused by ').replace(/\s*\n\s*/g, ' ');
}

function what(cp: LoadedCheckpoint): string {
  return `${cp.metadata.savepoint ? 'savepoint' : 'checkpoint'} ${cp.metadata.id}`;
}

/** The event of a job that starts from `cp`, in the words of Flink's "Restoring job ... from checkpoint ...". */
export function restoredEvent(jobName: string, cp: LoadedCheckpoint): JobEvent {
  const m = cp.metadata;
  return {
    kind: 'restored',
    jobName,
    checkpointId: m.id,
    savepoint: m.savepoint,
    path: cp.path,
    takenAt: m.createdAt,
    message: `Restoring job '${jobName}' from ${what(cp)} (${cp.path}, taken at ${m.createdAt})`,
  };
}

/** `Job 'x' failed (attempt 3): <cause>; restarting from checkpoint 5 in 1 s (restart-strategy fixed-delay ...)`. */
export function restartingMessage(
  jobName: string,
  attempt: number,
  cause: string,
  delayMs: number,
  from: LoadedCheckpoint | undefined,
  strategy: string,
): string {
  const start = from ? `from ${what(from)}` : 'with empty state (no checkpoint completed yet)';
  return `Job '${jobName}' failed (attempt ${attempt}): ${cause}; restarting ${start} in ${formatDelay(delayMs)} (restart-strategy ${strategy})`;
}
