import { UNCOMMITTED_RECORDS } from '../core/sink.js';
import { formatCount } from './job-format.js';
import type { ObservedJob } from './job-observer.js';

/** At start-up: for each committing sink, where its output goes and what happens to uncommitted output. */
export function formatUncommittedNotes(job: ObservedJob): string {
  return (job.client.uncommittedOutput?.() ?? []).map((u) => `Sink '${u.sink}': ${u.note}\n`).join('');
}

/**
 * After a job stopped before its end (Ctrl-C, failure): per committing sink, how many of the records
 * it received are committed, so nothing is lost without a word.
 */
export function formatUncommittedReport(job: ObservedJob): string {
  const metrics = job.outcome?.ok ? job.outcome.result.metrics : job.client.metrics();
  let out = '';
  for (const u of job.client.uncommittedOutput?.() ?? []) {
    const m = metrics[u.node];
    if (!m) continue;
    const lost = m.counters[UNCOMMITTED_RECORDS] ?? 0;
    out +=
      m.recordsIn === 0
        ? `Sink '${u.sink}': received no records\n`
        : lost === 0
          ? `Sink '${u.sink}': all ${formatCount(m.recordsIn)} records it received are committed\n`
          : `Sink '${u.sink}': ${formatCount(lost)} of the ${formatCount(m.recordsIn)} records it received are not committed (see the note at start-up)\n`;
  }
  return out;
}
