import type { MapStateDescriptor } from '../core/state.js';
import type { DataStream } from './data-stream.js';

/**
 * A stream sent whole to every parallel instance of the operator it is connected to, together with
 * the broadcast state it writes there. Made by `stream.broadcast(descriptor, ...)`, used by
 * `other.connect(broadcastStream)`.
 *
 * @example
 * const rules = mapState<string, Rule>('rules');
 * events.keyBy((e) => e.user).connect(ruleStream.broadcast(rules)).process(fn);
 */
export class BroadcastStream<T> {
  declare readonly _broadcast: true;
  constructor(
    /** The input, already with the `broadcast` partitioner on its outgoing edge. */
    readonly stream: DataStream<T>,
    readonly descriptors: readonly MapStateDescriptor<any, any>[],
  ) {}
}
