import type { MetricGroup } from './metric-group.js';
import type { KeyedStateStore, OperatorStateStore } from './state.js';

/** Receives the records a function emits. */
export interface Collector<T> {
  collect(value: T): void;
}

/**
 * Names a side output and carries its record type.
 *
 * @example
 * const late = new OutputTag<Bid>('late-bids');
 * const main = stream.process(fn); main.getSideOutput(late).sinkTo(print());
 */
export class OutputTag<T> {
  declare readonly _type?: T;
  constructor(readonly id: string) {}
}

/** What every rich function sees in `open`: subtask identity and state. */
export interface RuntimeContext {
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  /** Keyed state of the current key; throws on a non-keyed stream. */
  readonly state: KeyedStateStore;
  readonly operatorState: OperatorStateStore;
  /** This subtask's user-defined metrics (Flink's `getRuntimeContext().getMetricGroup()`). */
  getMetricGroup(): MetricGroup;
}

export interface TimerServiceView {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerEventTimeTimer(timestamp: number): void;
  registerProcessingTimeTimer(timestamp: number): void;
  deleteEventTimeTimer(timestamp: number): void;
  deleteProcessingTimeTimer(timestamp: number): void;
}

export interface ProcessContext {
  /** Event time of the current record (or the firing timer), `-Infinity` when it has none. */
  timestamp(): number;
  timerService(): TimerServiceView;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME';
}

/**
 * Low-level processing of each record, as Flink's `ProcessFunction`. Pass an object literal or a class instance.
 *
 * @example
 * stream.process({ processElement(v, ctx, out) { if (v < 0) ctx.output(negatives, v); else out.collect(v); } });
 */
export interface ProcessFunction<IN, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void;
  close?(): void | Promise<void>;
}

/**
 * Per-key processing with keyed state and timers, as Flink's `KeyedProcessFunction`.
 *
 * @example
 * keyed.process<string>({
 *   open(ctx) { this.count = ctx.state.getState(valueState<number>('n')); },
 *   processElement(v, ctx, out) { ctx.timerService().registerEventTimeTimer(ctx.timestamp() + 1000); },
 *   onTimer(ts, ctx, out) { out.collect(`${ctx.getCurrentKey()} fired at ${ts}`); },
 * });
 */
export interface KeyedProcessFunction<K, IN, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
  close?(): void | Promise<void>;
}

/** Processing of two connected streams with shared state, as Flink's `CoProcessFunction`. */
export interface CoProcessFunction<IN1, IN2, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<OUT>): void;
  close?(): void | Promise<void>;
}

/** `CoProcessFunction` on two streams keyed the same way. */
export interface KeyedCoProcessFunction<K, IN1, IN2, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
  close?(): void | Promise<void>;
}
