import type { RestartStrategyOptions } from '../../graph/execution-options.js';

/**
 * Decides, failure by failure, whether a job restarts and after what delay: Flink's fixed-delay,
 * exponential-delay, failure-rate and none strategies, as pure logic over the failure times.
 */
export class RestartPolicy {
  private failures: number[] = [];
  private attempts = 0;
  private backoff = 0;
  private lastFailure = -Infinity;

  constructor(private readonly options: RestartStrategyOptions) {}

  /** A failure at time `now`: the delay before restarting, or undefined to give up. */
  onFailure(now: number): number | undefined {
    const o = this.options;
    switch (o.type) {
      case 'none':
        return undefined;
      case 'fixed-delay':
        return ++this.attempts > o.attempts ? undefined : o.delay;
      case 'failure-rate':
        this.failures = this.failures.filter((t) => t > now - o.interval);
        this.failures.push(now);
        return this.failures.length > o.maxFailures ? undefined : o.delay;
      case 'exponential-delay': {
        if (now - this.lastFailure >= o.resetThreshold + this.backoff) {
          this.backoff = 0;
          this.attempts = 0;
        }
        this.lastFailure = now;
        if (++this.attempts > o.attempts) return undefined;
        this.backoff = this.backoff === 0 ? o.initialBackoff : Math.min(o.maxBackoff, this.backoff * o.multiplier);
        return this.backoff;
      }
    }
  }

  describe(): string {
    const o = this.options;
    switch (o.type) {
      case 'none':
        return 'no restarts';
      case 'fixed-delay':
        return `fixed-delay (${Number.isFinite(o.attempts) ? o.attempts : 'unlimited'} attempts, ${o.delay} ms)`;
      case 'failure-rate':
        return `failure-rate (${o.maxFailures} per ${o.interval} ms)`;
      case 'exponential-delay':
        return `exponential-delay (${o.initialBackoff}..${o.maxBackoff} ms)`;
    }
  }
}
