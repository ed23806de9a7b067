import { formatCount, formatDuration, formatRate, formatWatermark } from './job-format.js';
import type { JobObserver, ObservedJob } from './job-observer.js';

/** Records the job's sources have read so far (or, without a known source, the busiest operator's input). */
export function recordsRead(job: ObservedJob): number {
  const metrics = job.client.metrics();
  if (job.sources.length > 0) return job.sources.reduce((sum, i) => sum + (metrics[i]?.recordsOut ?? 0), 0);
  return metrics.reduce((max, m) => Math.max(max, m.recordsIn), 0);
}

interface Sample {
  readonly at: number;
  readonly records: number;
}

/** The rate is measured over about this long, so one slow tick does not make it jump. */
const RATE_WINDOW_MS = 1000;

/**
 * A one-line live view of running jobs on a terminal: records/s, current watermark, elapsed time.
 * It redraws itself about four times a second and erases itself before anything the job prints on
 * the same terminal, so job output and the line never mix.
 *
 * @example
 * const line = new ProgressLine(observer, process.stderr).start();
 * // ... job runs ...
 * line.stop();
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private readonly samples = new Map<ObservedJob, Sample[]>();
  private shown = false;
  private restoreStdout: (() => void) | undefined;

  constructor(
    private readonly observer: JobObserver,
    private readonly out: NodeJS.WriteStream,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.render(), this.intervalMs);
    this.timer.unref();
    if (process.stdout.isTTY && process.stdout !== this.out) this.interceptStdout();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
    this.restoreStdout?.();
  }

  /** The text of the line, without terminal control codes. */
  text(now = performance.now()): string {
    return this.observer
      .running()
      .map((job) => {
        const rate = this.rate(job, now);
        const wm = formatWatermark(job.client.currentWatermark());
        return `${job.info.jobName}: ${formatCount(recordsRead(job))} records (${formatRate(rate)}), watermark ${wm}, ${formatDuration(now - job.startedAt)}`;
      })
      .join(' | ');
  }

  private rate(job: ObservedJob, now: number): number {
    const samples = this.samples.get(job) ?? [{ at: job.startedAt, records: 0 }];
    samples.push({ at: now, records: recordsRead(job) });
    while (samples.length > 2 && now - samples[1]!.at >= RATE_WINDOW_MS) samples.shift();
    this.samples.set(job, samples);
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    return last.at > first.at ? ((last.records - first.records) * 1000) / (last.at - first.at) : 0;
  }

  private render(): void {
    const text = this.text();
    if (text === '') return this.clear();
    const width = this.out.columns || 120;
    this.out.write('\r\x1b[2K' + (text.length >= width ? text.slice(0, width - 2) + '…' : text));
    this.shown = true;
  }

  /** Erases the line until the next refresh, so a message can be written on the terminal. */
  clear(): void {
    if (!this.shown) return;
    this.out.write('\r\x1b[2K');
    this.shown = false;
  }

  private interceptStdout(): void {
    const stdout = process.stdout;
    const original = stdout.write;
    stdout.write = ((...args: Parameters<typeof original>) => {
      this.clear();
      return original.apply(stdout, args);
    }) as typeof original;
    this.restoreStdout = () => {
      stdout.write = original;
    };
  }
}
