import type { OperatorMetricsSnapshot } from '../graph/job-executor.js';
import { formatCount, formatDuration } from './job-format.js';
import type { ObservedJob } from './job-observer.js';

function table(rows: string[][], rightAligned: Set<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

function counters(m: OperatorMetricsSnapshot): string {
  return Object.entries(m.counters)
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => `${k}=${formatCount(v)}`)
    .join(' ');
}

function faultTolerance(job: ObservedJob): string[] {
  const lines: string[] = [];
  const cps = job.client.checkpoints?.() ?? [];
  if (cps.length > 0) {
    const done = cps.filter((c) => c.status === 'COMPLETED');
    const last = done.at(-1);
    const lastText = last ? `; last #${last.id}: ${formatCount(last.sizeBytes)} bytes in ${formatDuration(last.durationMs)}` : '';
    lines.push(`  Checkpoints: ${done.length} completed, ${cps.length - done.length} failed${lastText}`);
  }
  for (const r of job.client.restarts?.() ?? []) lines.push(`  Restarted after: ${r.cause}`);
  return lines;
}

/** The job's status as the CLI reports it: a failed result says whether it was a cancellation. */
export function finalStatus(job: ObservedJob): string {
  const s = job.client.status();
  if (s === 'RUNNING' || s === 'CREATED') return job.outcome?.ok === false ? 'FAILED' : s;
  return s;
}

/**
 * The end-of-job report: name, status, duration, and per operator the records in and out and any
 * non-zero counters (skipped records, dropped late records, dead letters).
 *
 * @example
 * process.stderr.write(formatJobSummary(job));
 */
export function formatJobSummary(job: ObservedJob): string {
  const ended = job.outcome?.endedAt ?? performance.now();
  const durationMs = job.outcome?.ok ? job.outcome.result.durationMs : ended - job.startedAt;
  const metrics = job.outcome?.ok && job.outcome.result.metrics.length > 0 ? job.outcome.result.metrics : job.client.metrics();
  const lines = [`Job '${job.info.jobName}' ${finalStatus(job)} in ${formatDuration(durationMs)}`];
  if (metrics.length > 0) {
    const rows = [['Operator', 'Parallelism', 'Records in', 'Records out', 'Counters']];
    for (const m of metrics) rows.push([m.name, String(m.parallelism), formatCount(m.recordsIn), formatCount(m.recordsOut), counters(m)]);
    lines.push(...table(rows, new Set([1, 2, 3])).map((l) => '  ' + l));
  }
  lines.push(...faultTolerance(job));
  return lines.join('\n') + '\n';
}
