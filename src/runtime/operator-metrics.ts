import type { OperatorMetrics } from '../core/operator.js';

/** Counters of one operator subtask. */
export class SubtaskMetrics implements OperatorMetrics {
  recordsIn = 0;
  recordsOut = 0;
  startedAt = 0;
  endedAt = 0;
  readonly counters: Record<string, number> = {};
  inc(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
  }
}
