import type { OperatorMetrics } from '../core/operator.js';
import { TaskTimes } from './task-times.js';
import { UserMetrics } from './metrics/user-metric-group.js';

/** Counters of one operator subtask. */
export class SubtaskMetrics implements OperatorMetrics {
  recordsIn = 0;
  recordsOut = 0;
  startedAt = 0;
  endedAt = 0;
  /** Busy and back-pressured time of the task this operator runs in, shared by the operators of a chain. */
  task = new TaskTimes();
  readonly counters: Record<string, number> = {};
  /** Metrics the operator's functions register (`getMetricGroup()`). */
  readonly user: UserMetrics;
  constructor(operatorName = 'operator') {
    this.user = new UserMetrics(operatorName);
  }
  inc(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
  }
}
