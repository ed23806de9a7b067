import type { Collector, OutputTag, RuntimeContext } from '../functions.js';
import type { KeyedStateStore } from '../state.js';
import type { Window } from './window.js';

/** What a process window function sees besides the elements. */
export interface ProcessWindowContext<W extends Window> {
  readonly window: W;
  currentWatermark(): number;
  currentProcessingTime(): number;
  /** State of this key and window; cleared with the window (implement `clear` to clean it). */
  readonly windowState: KeyedStateStore;
  /** State of this key, shared by all its windows. */
  readonly globalState: KeyedStateStore;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Full window function, as Flink's `ProcessWindowFunction`: called when a window fires with the key,
 * the window and its elements (or the single pre-aggregated result, after `reduce`/`aggregate`).
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of('1 min')).process<string>({
 *   process(key, ctx, elements, out) { out.collect(`${key}@${ctx.window.end}: ${elements.length}`); },
 * });
 */
export interface ProcessWindowFunction<IN, OUT, K, W extends Window> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  process(key: K, ctx: ProcessWindowContext<W>, elements: IN[], out: Collector<OUT>): void;
  /** The window is being removed; clean up `ctx.windowState`. */
  clear?(ctx: ProcessWindowContext<W>): void;
  close?(): void | Promise<void>;
}

/**
 * The short form of a window function, as Flink's `WindowFunction` (used by `apply`, and as the
 * second argument of `reduce`/`aggregate`). Emit with `out.collect`, or return an iterable of
 * results, which also lets TypeScript infer the output type.
 *
 * @example
 * .apply((key, window, values) => [{ key, end: window.end, n: values.length }])
 */
export type WindowFunction<IN, OUT, K, W extends Window> = (key: K, window: W, elements: IN[], out: Collector<OUT>) => void | Iterable<OUT>;

/**
 * Process window function of a non-keyed (`windowAll`) stream.
 *
 * @example
 * stream.windowAll(TumblingEventTimeWindows.of('1 min')).process<number>({ process: (ctx, els, out) => out.collect(els.length) })
 */
export interface ProcessAllWindowFunction<IN, OUT, W extends Window> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  process(ctx: ProcessWindowContext<W>, elements: IN[], out: Collector<OUT>): void;
  clear?(ctx: ProcessWindowContext<W>): void;
  close?(): void | Promise<void>;
}

/**
 * `AllWindowedStream.apply`'s function.
 *
 * @example
 * stream.windowAll(TumblingEventTimeWindows.of('1 min')).apply((window, els) => [`${window.end}: ${els.length}`])
 */
export type AllWindowFunction<IN, OUT, W extends Window> = (window: W, elements: IN[], out: Collector<OUT>) => void | Iterable<OUT>;
