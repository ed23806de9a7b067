import type { Collector } from '../core/functions.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { Window } from '../core/window/window.js';
import type { DataStream } from './data-stream.js';
import { splitSides, TwoInputWindowedStreams, type TaggedUnion } from './two-input-windowed-streams.js';

/**
 * `a.join(b)`: an inner join of two streams over windows, as Flink's `JoinedStreams`. Each pair of
 * records with equal keys in the same window is joined when the window fires.
 *
 * @example
 * orders.join(payments).where((o) => o.id).equalTo((p) => p.orderId)
 *   .window(TumblingEventTimeWindows.of('1 min'))
 *   .apply((o, p) => ({ ...o, paid: p.amount }));
 */
export class JoinedStreams<L, R> {
  constructor(
    private readonly left: DataStream<L>,
    private readonly right: DataStream<R>,
  ) {}

  where<K>(leftKey: (l: L) => K) {
    return {
      equalTo: (rightKey: (r: R) => K) => ({
        window: <W extends Window>(assigner: WindowAssigner<TaggedUnion<L, R>, W>) =>
          new WindowedJoin<L, R, K, W>(this.left, this.right, leftKey, rightKey, assigner),
      }),
    };
  }
}

/**
 * A window join with its keys and windows; optionally set trigger, evictor or lateness, then `apply`.
 *
 * @example
 * a.join(b).where(ka).equalTo(kb).window(TumblingEventTimeWindows.of('1 min')).allowedLateness('10s').apply((x, y) => [x, y])
 */
export class WindowedJoin<L, R, K, W extends Window> extends TwoInputWindowedStreams<L, R, K, W> {
  /**
   * Called once per joined pair: return the joined record (Flink's `JoinFunction`), or emit any
   * number with `out.collect` and return nothing (`FlatJoinFunction`).
   */
  apply<OUT>(fn: (left: L, right: R, out: Collector<OUT>) => OUT | void): DataStream<OUT> {
    return this.build<OUT>(
      {
        process(_key, _ctx, elements, out) {
          const [ls, rs] = splitSides(elements);
          for (let i = 0; i < ls.length; i++) {
            for (let j = 0; j < rs.length; j++) {
              const r = fn(ls[i]!, rs[j]!, out);
              if (r !== undefined) out.collect(r);
            }
          }
        },
      },
      'Window Join',
    );
  }
}
