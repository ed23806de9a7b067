import { toMillis, type Duration } from './duration.js';

/** Time-to-live of keyed state entries, as Flink's `StateTtlConfig`. */
export interface StateTtlConfig {
  readonly ttl: number;
  /** When the clock restarts: on create and write (default), or also on read. */
  readonly updateType: 'OnCreateAndWrite' | 'OnReadAndWrite';
  /** Whether an expired value that has not been cleaned up yet may still be returned. */
  readonly visibility: 'NeverReturnExpired' | 'ReturnExpiredIfNotCleanedUp';
}

/**
 * Builds a TTL config.
 *
 * @example
 * const desc = valueState<number>('count', { ttl: stateTtl('1h') });
 */
export function stateTtl(ttl: Duration, options: Partial<Omit<StateTtlConfig, 'ttl'>> = {}): StateTtlConfig {
  return { ttl: toMillis(ttl), updateType: options.updateType ?? 'OnCreateAndWrite', visibility: options.visibility ?? 'NeverReturnExpired' };
}

export interface StateDescriptorBase {
  readonly name: string;
  readonly ttl?: StateTtlConfig;
  /**
   * Readable by key while the job runs, by the operator's uid and this state's name:
   * `GET /jobs/:jobid/state/:uid/:name?key=...` or `JobClient.queryState(uid, name, key)`.
   */
  readonly queryable?: boolean;
}
export interface ValueStateDescriptor<T> extends StateDescriptorBase {
  readonly type: 'value';
  readonly defaultValue?: T;
}
export interface ListStateDescriptor<T> extends StateDescriptorBase {
  readonly type: 'list';
  readonly _element?: T;
}
export interface MapStateDescriptor<K, V> extends StateDescriptorBase {
  readonly type: 'map';
  readonly _entry?: [K, V];
}
export interface ReducingStateDescriptor<T> extends StateDescriptorBase {
  readonly type: 'reducing';
  readonly reduce: (a: T, b: T) => T;
}
export interface AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptorBase {
  readonly type: 'aggregating';
  readonly aggregate: AggregateFunction<IN, ACC, OUT>;
}
export type StateDescriptor =
  | ValueStateDescriptor<any>
  | ListStateDescriptor<any>
  | MapStateDescriptor<any, any>
  | ReducingStateDescriptor<any>
  | AggregatingStateDescriptor<any, any, any>;

/**
 * Incremental aggregation, as Flink's `AggregateFunction`. `merge` is needed by merging (session)
 * windows; `retract`, which takes a value added earlier back out, lets a keyed `aggregate` consume
 * a changelog (docs/changelogs.md).
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  /** A fresh value: a changelog aggregate keeps the previous result to emit it as `-U`. */
  getResult(accumulator: ACC): OUT;
  merge?(a: ACC, b: ACC): ACC;
  /** Undoes `add(value, ...)` of a value added before (a `-U` or `-D` row). */
  retract?(value: IN, accumulator: ACC): ACC;
}

type TtlOpt = { ttl?: StateTtlConfig; queryable?: boolean };
/** @example const seen = valueState<boolean>('seen'); const count = valueState<number>('count', { queryable: true }); */
export const valueState = <T>(name: string, opts: TtlOpt & { defaultValue?: T } = {}): ValueStateDescriptor<T> => ({ type: 'value', name, ...opts });
/** @example const items = listState<string>('items'); */
export const listState = <T>(name: string, opts: TtlOpt = {}): ListStateDescriptor<T> => ({ type: 'list', name, ...opts });
/** @example const perDay = mapState<string, number>('per-day'); */
export const mapState = <K, V>(name: string, opts: TtlOpt = {}): MapStateDescriptor<K, V> => ({ type: 'map', name, ...opts });
/** @example const total = reducingState<number>('total', (a, b) => a + b); */
export const reducingState = <T>(name: string, reduce: (a: T, b: T) => T, opts: TtlOpt = {}): ReducingStateDescriptor<T> => ({
  type: 'reducing',
  name,
  reduce,
  ...opts,
});
/** @example const avg = aggregatingState('avg', averageFn); */
export const aggregatingState = <IN, ACC, OUT>(
  name: string,
  aggregate: AggregateFunction<IN, ACC, OUT>,
  opts: TtlOpt = {},
): AggregatingStateDescriptor<IN, ACC, OUT> => ({ type: 'aggregating', name, aggregate, ...opts });

/** One value per key. */
export interface ValueState<T> {
  value(): T | undefined;
  update(value: T | undefined): void;
  clear(): void;
}
export interface ListState<T> {
  get(): T[];
  add(value: T): void;
  addAll(values: T[]): void;
  update(values: T[]): void;
  clear(): void;
}
export interface MapState<K, V> {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  putAll(entries: Iterable<[K, V]>): void;
  remove(key: K): void;
  contains(key: K): boolean;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  isEmpty(): boolean;
  clear(): void;
}
export interface ReducingState<T> {
  get(): T | undefined;
  add(value: T): void;
  clear(): void;
}
export interface AggregatingState<IN, OUT> {
  get(): OUT | undefined;
  add(value: IN): void;
  clear(): void;
}

/** Keyed state access, scoped to the current key. */
export interface KeyedStateStore {
  getState<T>(d: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(d: ListStateDescriptor<T>): ListState<T>;
  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V>;
  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** Non-keyed state of one operator subtask: lists that are redistributed on rescale, and broadcast maps. */
export interface OperatorStateStore {
  getListState<T>(name: string): ListState<T>;
  /** Broadcast state: the same on every subtask, written only by the broadcast side. */
  getBroadcastState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V>;
}
