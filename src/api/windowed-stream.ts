import { toMillis, type Duration } from '../core/duration.js';
import type { OutputTag } from '../core/functions.js';
import type { AggregateFunction } from '../core/state.js';
import { CountEvictor } from '../core/window/count-evictor.js';
import { CountTrigger } from '../core/window/count-trigger.js';
import type { Evictor } from '../core/window/evictor.js';
import { GlobalWindows } from '../core/window/global-windows.js';
import { PurgingTrigger } from '../core/window/purging-trigger.js';
import type { Trigger } from '../core/window/trigger.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { ProcessWindowFunction, WindowFunction } from '../core/window/window-functions.js';
import type { WindowFunctionSpec, WindowOperatorSpec } from '../core/window/window-operator-spec.js';
import type { GlobalWindow, Window } from '../core/window/window.js';
import { DataStream } from './data-stream.js';
import type { KeyedStream } from './keyed-stream.js';
import { streams } from './stream-factories.js';
import { operatorSpec } from '../graph/operator-spec.js';

/** A window function in either form: a `ProcessWindowFunction` object or a `WindowFunction` callback. */
export type AnyWindowFunction<IN, OUT, K, W extends Window> = ProcessWindowFunction<IN, OUT, K, W> | WindowFunction<IN, OUT, K, W>;

/**
 * A field of `T` to aggregate (left out on a stream of numbers). A plain `keyof`, so the windowed
 * stream stays covariant in `T` as DataStream is; a non-numeric field gives NaN.
 */
export type NumericKey<T> = keyof T;

function fieldReducer<T>(field: NumericKey<T> | undefined, op: (a: number, b: number) => number): (a: T, b: T) => T {
  if (field === undefined) return (a, b) => op(a as number, b as number) as T;
  const f = field as keyof T;
  return (a, b) => ({ ...a, [f]: op(a[f] as number, b[f] as number) });
}

function toProcess<IN, OUT, K, W extends Window>(fn: AnyWindowFunction<IN, OUT, K, W>): ProcessWindowFunction<IN, OUT, K, W> {
  if (typeof fn !== 'function') return fn;
  return {
    process: (key, ctx, elements, out) => {
      const r = fn(key, ctx.window, elements, out);
      if (r != null) for (const x of r) out.collect(x);
    },
  };
}

/**
 * A keyed stream cut into windows, as Flink's `WindowedStream`: configure trigger, evictor and
 * lateness, then finish with a window function. The result type follows the function:
 * `.aggregate(count())` gives a `DataStream<number>`, a window function gives its output type.
 *
 * @example
 * bids.keyBy((b) => b.auction)
 *   .window(SlidingEventTimeWindows.of('10s', '2s'))
 *   .aggregate(count(), (auction, window, [n], out) => out.collect({ auction, end: window.end, n }))
 */
export class WindowedStream<T, K, W extends Window> {
  // Fields are typed loosely so the class stays covariant in T, as DataStream is.
  private customTrigger: Trigger<any, any> | undefined;
  private customEvictor: Evictor<any, any> | undefined;
  private lateness = 0;
  private lateTag: string | undefined;

  constructor(
    readonly input: KeyedStream<T, K>,
    readonly assigner: WindowAssigner<T, W>,
  ) {}

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<T, W>): this {
    this.customTrigger = trigger;
    return this;
  }
  /** Removes elements before/after the function runs; the window then keeps all its elements. */
  evictor(evictor: Evictor<T, W>): this {
    this.customEvictor = evictor;
    return this;
  }
  /** Keeps event-time windows this long after their end: late records update and re-fire them. */
  allowedLateness(lateness: Duration): this {
    this.lateness = toMillis(lateness);
    return this;
  }
  /** Records too late for every window go to this side output (else they are counted in `numLateRecordsDropped`). */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag.id;
    return this;
  }

  /** Incremental reduce; with a window function, it receives the single reduced value. */
  reduce(fn: (a: T, b: T) => T): DataStream<T>;
  reduce<R>(fn: (a: T, b: T) => T, windowFn: AnyWindowFunction<T, R, K, W>): DataStream<R>;
  reduce<R>(fn: (a: T, b: T) => T, windowFn?: AnyWindowFunction<T, R, K, W>): DataStream<T | R> {
    return this.build({ type: 'reduce', reduce: fn, window: windowFn && toProcess(windowFn) }, windowFn ? 'Reduce+Window' : 'Reduce');
  }

  /** Incremental aggregation (e.g. `count()`, `avgOf(...)`); with a window function, it receives the single result. */
  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>): DataStream<V>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn: AnyWindowFunction<V, R, K, W>): DataStream<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn?: AnyWindowFunction<V, R, K, W>): DataStream<V | R> {
    return this.build({ type: 'aggregate', aggregate: fn, window: windowFn && toProcess(windowFn) }, windowFn ? 'Aggregate+Window' : 'Aggregate');
  }

  /** Full window function: gets every element of the window when it fires. */
  process<R>(fn: ProcessWindowFunction<T, R, K, W>): DataStream<R> {
    return this.build({ type: 'process', window: fn }, 'Process');
  }

  /** Full window function in callback form, as Flink's `apply(WindowFunction)`. */
  apply<R>(fn: WindowFunction<T, R, K, W>): DataStream<R> {
    return this.build({ type: 'process', window: toProcess(fn) }, 'Apply');
  }

  /** Sum of a numeric field per window (or of the values, on numbers); other fields come from the first record. */
  sum(field?: NumericKey<T>): DataStream<T> {
    return this.reduce(fieldReducer(field, (a, b) => a + b));
  }
  /** Minimum of a field per window; other fields come from the first record. */
  min(field?: NumericKey<T>): DataStream<T> {
    return this.reduce(fieldReducer(field, Math.min));
  }
  max(field?: NumericKey<T>): DataStream<T> {
    return this.reduce(fieldReducer(field, Math.max));
  }
  /** The record with the smallest value of `field` per window (the first one on ties). */
  minBy(field: NumericKey<T>): DataStream<T> {
    return this.reduce((a: any, b: any) => (b[field] < a[field] ? b : a));
  }
  maxBy(field: NumericKey<T>): DataStream<T> {
    return this.reduce((a: any, b: any) => (b[field] > a[field] ? b : a));
  }

  /** The operator spec this stream describes (used by `AllWindowedStream` and tests). */
  spec(fn: WindowFunctionSpec): WindowOperatorSpec {
    return { assigner: this.assigner, trigger: this.customTrigger, evictor: this.customEvictor, allowedLateness: this.lateness, lateDataTag: this.lateTag, fn };
  }

  /** The default name; the assigner's own trigger goes without saying, a custom one is named. */
  private describe(fnName: string): string {
    const trigger = this.customTrigger ? `, ${this.customTrigger}` : '';
    return `Window(${this.assigner}${trigger}${this.customEvictor ? `, ${this.customEvictor}` : ''}, ${fnName})`;
  }

  private build<R>(fn: WindowFunctionSpec, fnName: string): DataStream<R> {
    const env = this.input.env;
    return new DataStream<R>(env, env.graph.addNode(operatorSpec('window', { window: this.spec(fn) }), this.describe(fnName), [[this.input.edge()]], true));
  }

  /** Count windows on a keyed stream (see {@link countWindowSettings}). */
  static countWindow<T, K>(input: KeyedStream<T, K>, size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    const { trigger, evictor } = countWindowSettings(size, slide);
    const w = new WindowedStream<T, K, GlobalWindow>(input, GlobalWindows.create()).trigger(trigger);
    return evictor ? w.evictor(evictor) : w;
  }
}

/**
 * Flink's count windows on global windows: tumbling (purge every `size`) or sliding (keep the last `size`, fire every `slide`).
 *
 * @example
 * countWindowSettings(100, 10); // { trigger: CountTrigger(10), evictor: CountEvictor(100) }
 */
export function countWindowSettings(
  size: number,
  slide?: number,
): { trigger: Trigger<unknown, GlobalWindow>; evictor: Evictor<any, GlobalWindow> | undefined } {
  if (slide === undefined) return { trigger: PurgingTrigger.of(CountTrigger.of(size)), evictor: undefined };
  return { trigger: CountTrigger.of(slide), evictor: CountEvictor.of(size) };
}

streams.windowed = (input, assigner) => new WindowedStream(input, assigner);
streams.countWindowed = (input, size, slide) => WindowedStream.countWindow(input, size, slide);
