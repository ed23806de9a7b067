import type { OperatorMetricsSnapshot } from '../graph/job-executor.js';
import { formatCount, formatDuration, formatLag, formatRate } from './job-format.js';
import type { ObservedJob } from './job-observer.js';

/** Back-pressured above this share of the time (Flink's "low" grade starts at 10%). */
const BACKPRESSURED = 0.1;
/** Rates are taken over about this long, so one slow tick does not make them jump. */
const RATE_WINDOW_MS = 1000;

interface Sample {
  readonly at: number;
  readonly read: number;
  readonly written: number;
  /** Back-pressured milliseconds per operator, summed over subtasks. */
  readonly backPressured: readonly number[];
}

/** Records the job's sources have read so far (or, without a known source, the busiest operator's input). */
export function recordsRead(job: ObservedJob, metrics = job.client.metrics()): number {
  if (job.sources.length > 0) return job.sources.reduce((sum, i) => sum + (metrics[i]?.recordsOut ?? 0), 0);
  return metrics.reduce((max, m) => Math.max(max, m.recordsIn), 0);
}

/** Records the job's sinks have received so far. */
export function recordsWritten(job: ObservedJob, metrics: readonly OperatorMetricsSnapshot[]): number {
  return job.sinks.reduce((sum, i) => sum + (metrics[i]?.recordsIn ?? 0), 0);
}

/**
 * One job's progress as one line: records in (read by the sources) and out (into the sinks) per
 * second, how far event time lags the wall clock, the last checkpoint, the operators that are
 * back-pressured, and the time since the start. Each call to {@link line} is a sample; rates are
 * over the last second of samples.
 *
 * @example
 * const p = new JobProgress(job);
 * setInterval(() => console.error(p.line()), 5000);
 */
export class JobProgress {
  private readonly samples: Sample[] = [];

  constructor(readonly job: ObservedJob) {}

  line(now = performance.now(), wallClock = Date.now()): string {
    const job = this.job;
    const metrics = job.client.metrics();
    const sample: Sample = {
      at: now,
      read: recordsRead(job, metrics),
      written: recordsWritten(job, metrics),
      backPressured: metrics.map((m) => m.backPressuredTimeMs ?? 0),
    };
    const samples = this.samples;
    if (samples.length === 0) samples.push({ at: job.startedAt, read: 0, written: 0, backPressured: metrics.map(() => 0) });
    samples.push(sample);
    while (samples.length > 2 && now - samples[1]!.at >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0]!;
    const span = (now - first.at) / 1000;
    const perSecond = (a: number, b: number) => (span > 0 ? (a - b) / span : 0);
    const parts = [`in ${formatRate(perSecond(sample.read, first.read))}`, `out ${formatRate(perSecond(sample.written, first.written))}`];
    parts.push(`${formatCount(sample.read)} read`);
    const wm = job.client.currentWatermark();
    if (Number.isFinite(wm)) parts.push(`watermark lag ${formatLag(Math.max(0, wallClock - wm))}`);
    const done = job.client.checkpoints().filter((c) => c.status === 'COMPLETED');
    const last = done.at(-1);
    if (last) parts.push(`checkpoint ${last.id} ${formatDuration(Math.max(0, wallClock - last.triggeredAt))} ago`);
    // Back-pressure is measured per task: a chain is named by its first operator.
    const seen = new Set<number>();
    const slow = metrics.flatMap((m, i) => {
      const chain = job.chains[i];
      if (chain !== undefined && seen.has(chain)) return [];
      if (chain !== undefined) seen.add(chain);
      const share = span > 0 ? (sample.backPressured[i]! - (first.backPressured[i] ?? 0)) / (span * 1000 * Math.max(1, m.parallelism)) : 0;
      return share > BACKPRESSURED ? [`${m.name} ${Math.round(Math.min(share, 1) * 100)}%`] : [];
    });
    if (slow.length > 0) parts.push(`back-pressured: ${slow.join(', ')}`);
    return `${job.info.jobName}: ${parts.join(', ')}, ${formatDuration(now - job.startedAt)}`;
  }
}
