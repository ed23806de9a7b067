import type { CoProcessFunction, Collector, KeyedCoProcessFunction } from '../core/functions.js';
import { DataStream } from './data-stream.js';
import { KeyedStream } from './keyed-stream.js';
import type { StreamEnvironment } from './stream-environment.js';
import { streams } from './stream-factories.js';
import { operatorSpec } from '../graph/operator-spec.js';

/**
 * Two streams of possibly different types, processed by one operator with two inputs. When both are
 * keyed (with keys of the same kind), state and timers are per key.
 *
 * @example
 * control.connect(data).keyBy((c) => c.word, (d) => d.word).process({ processElement1() {}, processElement2() {} })
 */
export class ConnectedStreams<A, B> {
  constructor(
    readonly env: StreamEnvironment,
    readonly first: DataStream<A>,
    readonly second: DataStream<B>,
  ) {}

  /** Keys both inputs so that matching records meet in the same subtask. */
  keyBy<K>(key1: (a: A) => K, key2: (b: B) => K): ConnectedStreams<A, B> {
    return new ConnectedStreams(this.env, this.first.keyBy(key1), this.second.keyBy(key2));
  }

  private get keyed(): boolean {
    return this.first instanceof KeyedStream && this.second instanceof KeyedStream;
  }

  /** A CoProcessFunction, or a KeyedCoProcessFunction after `keyBy` (its context adds the current key). */
  process<R>(fn: KeyedCoProcessFunction<any, A, B, R>): DataStream<R> {
    const keyed = this.keyed;
    const node = this.env.graph.addNode(
      keyed
        ? operatorSpec('keyedCoProcess', { fn: fn as KeyedCoProcessFunction<any, A, B, R> })
        : operatorSpec('coProcess', { fn: fn as CoProcessFunction<A, B, R> }),
      keyed ? 'Keyed Co-Process' : 'Co-Process',
      [[this.first.edge()], [this.second.edge()]],
      keyed,
    );
    return new DataStream<R>(this.env, node);
  }

  /** One function per input, one output each (CoMap). */
  map<R>(fn1: (a: A) => R, fn2: (b: B) => R): DataStream<R> {
    const co: CoProcessFunction<A, B, R> = {
      processElement1: (v, _c, out) => out.collect(fn1(v)),
      processElement2: (v, _c, out) => out.collect(fn2(v)),
    };
    return this.process(co).name('Co-Map');
  }

  /** One function per input, any number of outputs each (CoFlatMap). */
  flatMap<R>(fn1: (a: A, out: Collector<R>) => void | Iterable<R>, fn2: (b: B, out: Collector<R>) => void | Iterable<R>): DataStream<R> {
    const emit = (r: void | Iterable<R>, out: Collector<R>) => {
      if (r != null) for (const x of r) out.collect(x);
    };
    const co: CoProcessFunction<A, B, R> = {
      processElement1: (v, _c, out) => emit(fn1(v, out), out),
      processElement2: (v, _c, out) => emit(fn2(v, out), out),
    };
    return this.process(co).name('Co-Flat Map');
  }
}

streams.connected = (env, a, b) => new ConnectedStreams(env, a, b);
