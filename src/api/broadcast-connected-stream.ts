import type { BroadcastProcessFunction, KeyedBroadcastProcessFunction } from '../core/broadcast-functions.js';
import { DataStream } from './data-stream.js';
import { KeyedStream } from './keyed-stream.js';
import type { BroadcastStream } from './broadcast-stream.js';
import { streams } from './stream-factories.js';

/**
 * A stream connected to a broadcast stream (`stream.connect(rules.broadcast(desc))`): one operator
 * whose data side reads broadcast state and whose broadcast side writes it.
 *
 * @example
 * data.connect(thresholds.broadcast(limits)).process<number>({
 *   processElement(v, ctx, out) { if (v > (ctx.getBroadcastState(limits).get('max') ?? Infinity)) out.collect(v); },
 *   processBroadcastElement(t, ctx) { ctx.getBroadcastState(limits).put('max', t); },
 * });
 */
export class BroadcastConnectedStream<A, B> {
  constructor(
    readonly first: DataStream<A>,
    readonly broadcast: BroadcastStream<B>,
  ) {}

  process<R>(fn: BroadcastProcessFunction<A, B, R>): DataStream<R> {
    return this.build(fn, false);
  }

  protected build<R>(fn: BroadcastProcessFunction<A, B, R> | KeyedBroadcastProcessFunction<any, A, B, R>, keyed: boolean): DataStream<R> {
    const env = this.first.env;
    const node = env.graph.addNode(
      { kind: keyed ? 'keyedBroadcastProcess' : 'broadcastProcess', params: { fn, descriptors: this.broadcast.descriptors } },
      keyed ? 'Keyed Broadcast Process' : 'Broadcast Process',
      [[this.first.edge()], [this.broadcast.stream.edge()]],
      keyed,
    );
    return new DataStream<R>(env, node);
  }
}

/**
 * A keyed stream connected to a broadcast stream: the function also gets keyed state, timers and
 * `applyToKeyedState`.
 *
 * @example
 * events.keyBy((e) => e.user).connect(rules.broadcast(ruleDesc)).process<Alert>({ processElement() {}, processBroadcastElement() {} })
 */
export class KeyedBroadcastConnectedStream<A, B, K> extends BroadcastConnectedStream<A, B> {
  override process<R>(fn: KeyedBroadcastProcessFunction<K, A, B, R>): DataStream<R> {
    return this.build(fn, true);
  }
}

streams.broadcastConnected = (a, b) => (a instanceof KeyedStream ? new KeyedBroadcastConnectedStream(a, b) : new BroadcastConnectedStream(a, b));
