import { JobProgress } from './job-progress.js';
import type { JobObserver, ObservedJob } from './job-observer.js';

/** Erases the line the cursor is on. */
const ERASE_LINE = '\r\x1b[2K';
/** Moves up one line and erases it. */
const ERASE_LINE_ABOVE = '\x1b[1A\x1b[2K';

/**
 * Progress of the running jobs, one line per job ({@link JobProgress}). On a terminal (`live`) the
 * lines redraw in place about four times a second and step aside for anything else written to the
 * terminal (the job's output, log lines), so the two never mix; `stop()` erases them, for the
 * summary to take their place. Elsewhere (`live: false`) a plain line per job every `intervalMs`.
 *
 * @example
 * const progress = new ProgressLine(observer, process.stderr, { live: process.stderr.isTTY === true }).start();
 * // ... jobs run ...
 * progress.stop();
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private readonly progress = new Map<ObservedJob, JobProgress>();
  /** Lines now on the terminal (live mode). */
  private shown = 0;
  private readonly restore: (() => void)[] = [];
  private readonly write: (text: string) => void;
  private readonly live: boolean;
  private readonly intervalMs: number;

  constructor(
    private readonly observer: JobObserver,
    private readonly out: NodeJS.WriteStream,
    options: { live: boolean; intervalMs?: number },
  ) {
    this.live = options.live;
    this.intervalMs = options.intervalMs ?? (options.live ? 250 : 5000);
    const original = out.write;
    this.write = (text) => void original.call(out, text);
  }

  start(): this {
    this.timer = setInterval(() => this.render(), this.intervalMs);
    this.timer.unref();
    if (this.live) {
      this.intercept(this.out);
      if (process.stdout.isTTY && (process.stdout as NodeJS.WriteStream) !== this.out) this.intercept(process.stdout);
    }
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
    for (const r of this.restore.splice(0)) r();
  }

  /** One line per running job, without terminal control codes. */
  lines(now = performance.now(), wallClock = Date.now()): string[] {
    return this.observer.running().map((job) => {
      let p = this.progress.get(job);
      if (!p) this.progress.set(job, (p = new JobProgress(job)));
      return p.line(now, wallClock);
    });
  }

  private render(): void {
    const lines = this.lines();
    if (!this.live) {
      for (const l of lines) this.write(`[progress] ${l}\n`);
      return;
    }
    this.clear();
    if (lines.length === 0) return;
    const width = this.out.columns || 120;
    this.write(lines.map((l) => (l.length >= width ? l.slice(0, width - 2) + '…' : l)).join('\n'));
    this.shown = lines.length;
  }

  /** Erases the live lines until the next refresh, so a message can be written on the terminal. */
  clear(): void {
    if (this.shown === 0) return;
    this.write(ERASE_LINE + ERASE_LINE_ABOVE.repeat(this.shown - 1));
    this.shown = 0;
  }

  /** Whatever else writes to `stream` first erases the live lines (they come back at the next refresh). */
  private intercept(stream: NodeJS.WriteStream): void {
    const original = stream.write;
    stream.write = ((...args: Parameters<typeof original>) => {
      this.clear();
      return original.apply(stream, args);
    }) as typeof original;
    this.restore.push(() => {
      stream.write = original;
    });
  }
}
