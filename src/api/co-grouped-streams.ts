import type { CoGroupFunction } from '../core/join-functions.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { Window } from '../core/window/window.js';
import type { DataStream } from './data-stream.js';
import { splitSides, TwoInputWindowedStreams, type TaggedUnion } from './two-input-windowed-streams.js';

/**
 * `a.coGroup(b)`: for each key and window, all records of both sides at once, as Flink's
 * `CoGroupedStreams`. A side may be empty, so outer joins and anti-joins are possible.
 *
 * @example
 * views.coGroup(clicks).where((v) => v.ad).equalTo((c) => c.ad)
 *   .window(TumblingEventTimeWindows.of('1h'))
 *   .apply<Ctr>((vs, cs, out) => out.collect({ ad: (vs[0] ?? cs[0])!.ad, ctr: cs.length / Math.max(1, vs.length) }));
 */
export class CoGroupedStreams<L, R> {
  constructor(
    private readonly left: DataStream<L>,
    private readonly right: DataStream<R>,
  ) {}

  where<K>(leftKey: (l: L) => K) {
    return {
      equalTo: (rightKey: (r: R) => K) => ({
        window: <W extends Window>(assigner: WindowAssigner<TaggedUnion<L, R>, W>) =>
          new WindowedCoGroup<L, R, K, W>(this.left, this.right, leftKey, rightKey, assigner),
      }),
    };
  }
}

/**
 * A window coGroup with its keys and windows; optionally set trigger, evictor or lateness, then `apply`.
 *
 * @example
 * a.coGroup(b).where(ka).equalTo(kb).window(TumblingEventTimeWindows.of('1h')).apply<number>((as, bs, out) => out.collect(as.length - bs.length))
 */
export class WindowedCoGroup<L, R, K, W extends Window> extends TwoInputWindowedStreams<L, R, K, W> {
  apply<OUT>(fn: CoGroupFunction<L, R, OUT>): DataStream<OUT> {
    return this.build<OUT>(
      {
        process(_key, _ctx, elements, out) {
          const [ls, rs] = splitSides(elements);
          fn(ls, rs, out);
        },
      },
      'CoGroup',
    );
  }
}
