import type { Duration } from '../core/duration.js';
import type { OutputTag } from '../core/functions.js';
import type { AggregateFunction } from '../core/state.js';
import type { Evictor } from '../core/window/evictor.js';
import type { Trigger } from '../core/window/trigger.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { AllWindowFunction, ProcessAllWindowFunction, ProcessWindowFunction } from '../core/window/window-functions.js';
import type { GlobalWindow, Window } from '../core/window/window.js';
import type { DataStream } from './data-stream.js';
import { streams } from './stream-factories.js';
import { GlobalWindows } from '../core/window/global-windows.js';
import { WindowedStream, countWindowSettings, type NumericKey } from './windowed-stream.js';

type AnyAllWindowFunction<IN, OUT, W extends Window> = ProcessAllWindowFunction<IN, OUT, W> | AllWindowFunction<IN, OUT, W>;

function toKeyed<IN, OUT, W extends Window>(fn: AnyAllWindowFunction<IN, OUT, W>): ProcessWindowFunction<IN, OUT, unknown, W> {
  if (typeof fn === 'function') {
    return {
      process: (_k, ctx, elements, out) => {
        const r = fn(ctx.window, elements, out);
        if (r != null) for (const x of r) out.collect(x);
      },
    };
  }
  return {
    open: fn.open && ((ctx) => fn.open!(ctx)),
    process: (_k, ctx, elements, out) => fn.process(ctx, elements, out),
    clear: fn.clear && ((ctx) => fn.clear!(ctx)),
    close: fn.close && (() => fn.close!()),
  };
}

/**
 * Windows over a whole (non-keyed) stream, as Flink's `AllWindowedStream`. All records meet in one
 * operator instance: it runs at parallelism 1.
 *
 * @example
 * env.fromSource(src, strategy).windowAll(TumblingEventTimeWindows.of('1 min')).aggregate(count())
 */
export class AllWindowedStream<T, W extends Window> {
  // Typed loosely so the class stays covariant in T, as DataStream is.
  private readonly inner: WindowedStream<any, number, W>;

  constructor(input: DataStream<T>, assigner: WindowAssigner<T, W>) {
    this.inner = new WindowedStream<T, number, W>(
      input.keyBy(() => 0),
      assigner,
    );
  }

  trigger(trigger: Trigger<T, W>): this {
    this.inner.trigger(trigger);
    return this;
  }
  evictor(evictor: Evictor<T, W>): this {
    this.inner.evictor(evictor);
    return this;
  }
  allowedLateness(lateness: Duration): this {
    this.inner.allowedLateness(lateness);
    return this;
  }
  sideOutputLateData(tag: OutputTag<T>): this {
    this.inner.sideOutputLateData(tag);
    return this;
  }

  reduce(fn: (a: T, b: T) => T): DataStream<T>;
  reduce<R>(fn: (a: T, b: T) => T, windowFn: AnyAllWindowFunction<T, R, W>): DataStream<R>;
  reduce<R>(fn: (a: T, b: T) => T, windowFn?: AnyAllWindowFunction<T, R, W>): DataStream<T | R> {
    return this.single((windowFn ? this.inner.reduce(fn, toKeyed(windowFn)) : this.inner.reduce(fn)) as DataStream<T | R>);
  }
  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>): DataStream<V>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn: AnyAllWindowFunction<V, R, W>): DataStream<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn?: AnyAllWindowFunction<V, R, W>): DataStream<V | R> {
    return this.single((windowFn ? this.inner.aggregate(fn, toKeyed(windowFn)) : this.inner.aggregate(fn)) as DataStream<V | R>);
  }
  process<R>(fn: ProcessAllWindowFunction<T, R, W>): DataStream<R> {
    return this.single(this.inner.process(toKeyed(fn)));
  }
  apply<R>(fn: AllWindowFunction<T, R, W>): DataStream<R> {
    return this.single(this.inner.process(toKeyed(fn)));
  }

  sum(field?: NumericKey<T>): DataStream<T> {
    return this.single(this.inner.sum(field));
  }
  min(field?: NumericKey<T>): DataStream<T> {
    return this.single(this.inner.min(field));
  }
  max(field?: NumericKey<T>): DataStream<T> {
    return this.single(this.inner.max(field));
  }
  minBy(field: NumericKey<T>): DataStream<T> {
    return this.single(this.inner.minBy(field));
  }
  maxBy(field: NumericKey<T>): DataStream<T> {
    return this.single(this.inner.maxBy(field));
  }

  private single<R>(s: DataStream<R>): DataStream<R> {
    return s.name(s.node.name.replace(/^Window\(/, 'WindowAll(')).setParallelism(1);
  }

  /** Count windows over the whole stream. */
  static countWindowAll<T>(input: DataStream<T>, size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    const { trigger, evictor } = countWindowSettings(size, slide);
    const all = new AllWindowedStream<T, GlobalWindow>(input, GlobalWindows.create()).trigger(trigger);
    return evictor ? all.evictor(evictor) : all;
  }
}

streams.allWindowed = (input, assigner) => new AllWindowedStream(input, assigner);
streams.countAllWindowed = (input, size, slide) => AllWindowedStream.countWindowAll(input, size, slide);
