import type { Collector, OutputTag, RuntimeContext, TimerServiceView } from './functions.js';
import type {
  AggregatingState,
  AggregatingStateDescriptor,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from './state.js';

/**
 * Broadcast state as the non-broadcast side sees it: it may read, never write, because only the
 * broadcast side sees the same elements on every subtask and so keeps the copies equal.
 *
 * @example
 * processElement(v, ctx, out) { const limit = ctx.getBroadcastState(limits).get(v.kind); }
 */
export interface ReadOnlyBroadcastState<K, V> {
  get(key: K): V | undefined;
  contains(key: K): boolean;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  isEmpty(): boolean;
}

/** Broadcast state as the broadcast side sees it: a map it may read and write. */
export type BroadcastState<K, V> = MapState<K, V>;

/** The state a descriptor describes, e.g. `ValueState<number>` for `valueState<number>('n')`. */
export type StateOf<D extends StateDescriptor> =
  D extends ValueStateDescriptor<infer T>
    ? ValueState<T>
    : D extends ListStateDescriptor<infer T>
      ? ListState<T>
      : D extends MapStateDescriptor<infer K, infer V>
        ? MapState<K, V>
        : D extends ReducingStateDescriptor<infer T>
          ? ReducingState<T>
          : D extends AggregatingStateDescriptor<infer I, any, infer O>
            ? AggregatingState<I, O>
            : never;

interface BroadcastContextBase {
  /** Event time of the current element, `-Infinity` when it has none. */
  timestamp(): number;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** What `processElement` sees: broadcast state, read-only. */
export interface ReadOnlyBroadcastContext extends BroadcastContextBase {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
}

/** What `processBroadcastElement` sees: broadcast state, read-write. */
export interface BroadcastContext extends BroadcastContextBase {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}

export interface KeyedReadOnlyBroadcastContext<K> extends ReadOnlyBroadcastContext {
  timerService(): TimerServiceView;
  getCurrentKey(): K;
}

export interface KeyedBroadcastContext<K> extends BroadcastContext {
  /**
   * Runs `fn` for every key that has state under `descriptor` on this subtask, e.g. to apply a new
   * rule to what each key has buffered.
   */
  applyToKeyedState<D extends StateDescriptor>(descriptor: D, fn: (key: K, state: StateOf<D>) => void): void;
}

export interface KeyedBroadcastOnTimerContext<K> extends KeyedReadOnlyBroadcastContext<K> {
  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME';
}

/**
 * Processes a stream together with a broadcast stream, as Flink's `BroadcastProcessFunction`.
 * Every subtask sees every broadcast element and updates its copy of the broadcast state the same way.
 *
 * @example
 * const rules = mapState<string, number>('rules');
 * data.connect(ruleStream.broadcast(rules)).process<string>({
 *   processElement(v, ctx, out) { if (ctx.getBroadcastState(rules).contains(v)) out.collect(v); },
 *   processBroadcastElement(r, ctx) { ctx.getBroadcastState(rules).put(r.name, r.limit); },
 * });
 */
export interface BroadcastProcessFunction<IN, BC, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  processElement(value: IN, ctx: ReadOnlyBroadcastContext, out: Collector<OUT>): void;
  processBroadcastElement(value: BC, ctx: BroadcastContext, out: Collector<OUT>): void;
  close?(): void | Promise<void>;
}

/**
 * The keyed variant, as Flink's `KeyedBroadcastProcessFunction`: keyed state and timers on the
 * non-broadcast side, and `applyToKeyedState` on the broadcast side.
 *
 * @example
 * events.keyBy((e) => e.user).connect(rules.broadcast(ruleDesc)).process<Alert>({
 *   processElement(e, ctx, out) { const r = ctx.getBroadcastState(ruleDesc).get(e.type); if (r && e.amount > r) out.collect({ user: ctx.getCurrentKey(), e }); },
 *   processBroadcastElement(r, ctx) { ctx.getBroadcastState(ruleDesc).put(r.type, r.limit); },
 * });
 */
export interface KeyedBroadcastProcessFunction<K, IN, BC, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  processElement(value: IN, ctx: KeyedReadOnlyBroadcastContext<K>, out: Collector<OUT>): void;
  processBroadcastElement(value: BC, ctx: KeyedBroadcastContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedBroadcastOnTimerContext<K>, out: Collector<OUT>): void;
  close?(): void | Promise<void>;
}
