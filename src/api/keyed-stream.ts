import type { KeyedProcessFunction } from '../core/functions.js';
import type { AggregateFunction } from '../core/state.js';
import type { StreamNode } from '../graph/stream-graph.js';
import { DataStream } from './data-stream.js';
import { IntervalJoin } from './interval-join.js';
import type { StreamEnvironment } from './stream-environment.js';
import { streams } from './stream-factories.js';
import type { WindowedStream } from './windowed-stream.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { GlobalWindow, Window } from '../core/window/window.js';
import { operatorSpec } from '../graph/operator-spec.js';

type NumericField<T> = { [P in keyof T]: T[P] extends number ? P : never }[keyof T];
type Field<T> = T extends number ? undefined : NumericField<T>;

/**
 * A stream partitioned by key. Keyed state and timers of the next operator are scoped to the key of
 * the record being processed.
 *
 * @example
 * bids.keyBy((b) => b.auction).sum('price')
 */
export class KeyedStream<T, K> extends DataStream<T> {
  constructor(env: StreamEnvironment, node: StreamNode, keySelector: (value: T) => K, sideOutput?: string) {
    super(env, node, { type: 'hash', key: keySelector }, sideOutput);
  }

  protected keyedOp<R>(spec: Parameters<DataStream<T>['then']>[0], name: string): DataStream<R> {
    return this.then<R>(spec, name, true);
  }

  /**
   * An operator of a registered kind after the keyBy: it gets keyed state and timers scoped to
   * each record's key (see {@link DataStream.transform}).
   *
   * @example
   * rows.keyBy((r) => r.customer).transform<Row>('GroupAggregate', 'sqlGroupAggregate', params)
   */
  override transform<R>(name: string, kind: string, params: unknown): DataStream<R> {
    return this.keyedOp<R>({ kind, params }, name);
  }
  /** Rolling reduce: emits the running result for every record. */
  reduce(fn: (a: T, b: T) => T): DataStream<T> {
    return this.keyedOp(operatorSpec('reduce', { fn }), 'Keyed Reduce');
  }
  /**
   * Running aggregate per key through an {@link AggregateFunction}: emits the key's result for
   * every record. Over a changelog (`env.fromChangelog`, a CDC source) the function needs
   * `retract`: `-U` and `-D` rows take their value back out, and the results come out as a
   * changelog themselves (`+I` first, then `-U` old / `+U` new, `-D` when the key has no rows
   * left). See docs/changelogs.md.
   *
   * @example
   * orders.keyBy((o) => o.customer).aggregate(sumOf((o: Order) => o.amount))
   */
  aggregate<ACC, R>(fn: AggregateFunction<T, ACC, R>): DataStream<R> {
    return this.keyedOp(operatorSpec('aggregate', { fn }), 'Keyed Aggregate');
  }
  /** Rolling sum of a numeric field (or of the values, on a stream of numbers); other fields come from the first record. */
  sum(field?: Field<T>): DataStream<T> {
    return this.reduce(field === undefined ? (a: any, b: any) => a + b : (a: any, b: any) => ({ ...a, [field]: a[field] + b[field] }));
  }
  /** Rolling minimum of a field; other fields come from the first record. */
  min(field?: Field<T>): DataStream<T> {
    return this.reduce(field === undefined ? (a: any, b: any) => (b < a ? b : a) : (a: any, b: any) => ({ ...a, [field]: Math.min(a[field], b[field]) }));
  }
  max(field?: Field<T>): DataStream<T> {
    return this.reduce(field === undefined ? (a: any, b: any) => (b > a ? b : a) : (a: any, b: any) => ({ ...a, [field]: Math.max(a[field], b[field]) }));
  }
  /** The record with the smallest value of `field` so far (the first one on ties). */
  minBy(field: Field<T>): DataStream<T> {
    return this.reduce((a: any, b: any) => (field === undefined ? (b < a ? b : a) : b[field] < a[field] ? b : a));
  }
  maxBy(field: Field<T>): DataStream<T> {
    return this.reduce((a: any, b: any) => (field === undefined ? (b > a ? b : a) : b[field] > a[field] ? b : a));
  }
  override process<R>(fn: KeyedProcessFunction<K, T, R>): DataStream<R> {
    return this.keyedOp(operatorSpec('keyedProcess', { fn }), 'Keyed Process');
  }
  /**
   * Event-time join with another stream keyed the same way, on an interval around each record's
   * timestamp: `.between(lower, upper).process(fn)`.
   *
   * @example
   * orders.keyBy((o) => o.id).intervalJoin(shipments.keyBy((s) => s.orderId)).between(0, '1d').process(fn)
   */
  intervalJoin<U>(other: KeyedStream<U, K>): IntervalJoin<T, U, K> {
    return new IntervalJoin(this, other);
  }
  /**
   * Windows per key: `.window(assigner)` then a window function (see docs/windows.md).
   *
   * @example
   * bids.keyBy((b) => b.auction).window(SlidingEventTimeWindows.of('10s', '2s')).aggregate(count())
   */
  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return streams.windowed(this, assigner);
  }
  /** Windows of `size` records per key; with `slide`, the last `size` records every `slide` records. */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    return streams.countWindowed(this, size, slide);
  }
}

streams.keyed = (env, node, key, side) => new KeyedStream(env, node, key, side);
