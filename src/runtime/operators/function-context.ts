import { BatchBuilder } from '../../core/batch.js';
import { UserFunctionError, WeirError } from '../../core/errors.js';
import type { Collector, OnTimerContext, OutputTag, RuntimeContext, TimerServiceView } from '../../core/functions.js';
import type { OperatorContext } from '../../core/operator.js';
import type { KeyedStateStore } from '../../core/state.js';
import { UserMetrics } from '../metrics/user-metric-group.js';

/** The namespace user-function timers live in (windows use their own). */
export const USER_TIMER_NS = 0;

/**
 * The context, collector and timer service a process-style user function sees. One instance per
 * operator, reused for every record: the operator sets the timestamp before each call and flushes
 * the collected output at the end of each batch or timer run.
 */
export class FunctionContext implements OnTimerContext<unknown>, Collector<unknown>, TimerServiceView {
  currentTimestamp = -Infinity;
  domain: 'EVENT_TIME' | 'PROCESSING_TIME' = 'EVENT_TIME';
  private readonly main = new BatchBuilder<unknown>();
  private readonly sides = new Map<string, BatchBuilder<unknown>>();

  constructor(private readonly ctx: OperatorContext<unknown>) {}

  runtimeContext(): RuntimeContext {
    const ctx = this.ctx;
    const state: KeyedStateStore =
      ctx.keyed?.state ??
      new Proxy({} as KeyedStateStore, {
        get: () => () => {
          throw new WeirError(`Keyed state is only available after keyBy (operator '${ctx.operatorName}')`);
        },
      });
    const metricGroup = ctx.metricGroup ?? new UserMetrics(ctx.operatorName).group;
    return {
      taskName: ctx.operatorName,
      subtaskIndex: ctx.subtaskIndex,
      parallelism: ctx.parallelism,
      state,
      operatorState: ctx.operatorState,
      getMetricGroup: () => metricGroup,
    };
  }

  collect(value: unknown): void {
    this.main.add(value, this.currentTimestamp);
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    let b = this.sides.get(tag.id);
    if (!b) this.sides.set(tag.id, (b = new BatchBuilder()));
    b.add(value, this.currentTimestamp);
  }
  flush(): void {
    if (this.main.length > 0) this.ctx.output.push(this.main.take());
    for (const [tag, b] of this.sides) if (b.length > 0) this.ctx.output.pushSide(tag, b.take());
  }

  /**
   * Runs a user `onTimer` in the timer's time domain with this context (the timer's key is already
   * current), then passes on what it emitted. A throw names the operator, the key and the time.
   */
  fireTimer(
    onTimer: ((timestamp: number, ctx: any, out: Collector<any>) => void) | undefined,
    fn: object,
    timestamp: number,
    domain: 'EVENT_TIME' | 'PROCESSING_TIME',
  ): void {
    if (!onTimer) return;
    this.currentTimestamp = domain === 'EVENT_TIME' ? timestamp : -Infinity;
    this.domain = domain;
    try {
      onTimer.call(fn, timestamp, this, this);
    } catch (e) {
      throw new UserFunctionError(`${this.ctx.operatorName} (onTimer)`, { key: this.getCurrentKey(), timestamp }, e);
    } finally {
      this.domain = 'EVENT_TIME';
    }
    this.flush();
  }

  timestamp(): number {
    return this.currentTimestamp;
  }
  timerService(): TimerServiceView {
    return this;
  }
  getCurrentKey(): unknown {
    return this.ctx.keyed?.getCurrentKey();
  }
  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME' {
    return this.domain;
  }

  currentProcessingTime(): number {
    return this.ctx.clock.now();
  }
  currentWatermark(): number {
    return this.ctx.currentWatermark();
  }
  private timers() {
    const t = this.ctx.keyed?.timers;
    if (!t) throw new WeirError(`Timers are only available on keyed streams (operator '${this.ctx.operatorName}'): use keyBy(...).process(...)`);
    return t;
  }
  registerEventTimeTimer(timestamp: number): void {
    this.timers().registerEventTimeTimer(USER_TIMER_NS, timestamp);
  }
  registerProcessingTimeTimer(timestamp: number): void {
    this.timers().registerProcessingTimeTimer(USER_TIMER_NS, timestamp);
  }
  deleteEventTimeTimer(timestamp: number): void {
    this.timers().deleteEventTimeTimer(USER_TIMER_NS, timestamp);
  }
  deleteProcessingTimeTimer(timestamp: number): void {
    this.timers().deleteProcessingTimeTimer(USER_TIMER_NS, timestamp);
  }
}
