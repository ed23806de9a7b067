import { toMillis, type Duration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import type { OutputTag } from '../core/functions.js';
import type { ProcessJoinFunction } from '../core/join-functions.js';
import { DataStream } from './data-stream.js';
import type { KeyedStream } from './keyed-stream.js';
import { operatorSpec } from '../graph/operator-spec.js';

/** A duration that may be negative: a number of ms, or a string such as `'-5s'`. */
export type SignedDuration = number | string;

function signedMillis(d: SignedDuration): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d)) throw new RangeError(`Invalid interval bound: ${d}`);
    return d;
  }
  const t = d.trim();
  return t.startsWith('-') ? -toMillis(t.slice(1)) : toMillis(t.startsWith('+') ? t.slice(1) : t);
}

/**
 * The first step of `a.intervalJoin(b)`: choose the interval with `between`.
 *
 * @example
 * impressions.keyBy((i) => i.ad).intervalJoin(clicks.keyBy((c) => c.ad)).between('-1 min', '10 min')
 */
export class IntervalJoin<L, R, K> {
  // Inputs are kept untyped so that IntervalJoin stays covariant in L and R, like DataStream.
  private readonly left: KeyedStream<any, any>;
  private readonly right: KeyedStream<any, any>;

  constructor(left: KeyedStream<L, K>, right: KeyedStream<R, K>) {
    this.left = left;
    this.right = right;
  }

  /**
   * Joins each left record with every right record of the same key whose timestamp is in
   * `[left.ts + lowerBound, left.ts + upperBound]` (both bounds included unless made exclusive).
   */
  between(lowerBound: SignedDuration, upperBound: SignedDuration): IntervalJoined<L, R, K> {
    const lo = signedMillis(lowerBound);
    const hi = signedMillis(upperBound);
    if (lo > hi) throw new ConfigError(`Interval join: lowerBound (${lo} ms) must not be above upperBound (${hi} ms)`);
    return new IntervalJoined<L, R, K>(this.left, this.right, lo, hi);
  }
}

/**
 * An interval join with its bounds, as Flink's `IntervalJoined`: set bound exclusivity and late
 * data outputs, then `process`. Event time only; records at or behind the watermark join nothing and are
 * counted in the `numLateRecordsDropped` metric, or sent to the side outputs set here.
 *
 * @example
 * a.keyBy(k).intervalJoin(b.keyBy(k)).between(0, '5s').upperBoundExclusive()
 *   .process<[A, B]>({ processElement(l, r, _ctx, out) { out.collect([l, r]); } })
 */
export class IntervalJoined<L, R, K> {
  private lowerInclusive = true;
  private upperInclusive = true;
  private leftLate: string | undefined;
  private rightLate: string | undefined;

  constructor(
    private readonly left: KeyedStream<any, any>,
    private readonly right: KeyedStream<any, any>,
    private readonly lowerBound: number,
    private readonly upperBound: number,
  ) {}

  lowerBoundExclusive(): this {
    this.lowerInclusive = false;
    return this;
  }
  upperBoundExclusive(): this {
    this.upperInclusive = false;
    return this;
  }
  /** Left records that arrived behind the watermark go to `tag` (read it with `getSideOutput`). */
  sideOutputLeftLateData(tag: OutputTag<L>): this {
    this.leftLate = tag.id;
    return this;
  }
  sideOutputRightLateData(tag: OutputTag<R>): this {
    this.rightLate = tag.id;
    return this;
  }

  process<OUT>(fn: ProcessJoinFunction<L, R, OUT>): DataStream<OUT> {
    const lo = this.lowerBound + (this.lowerInclusive ? 0 : 1);
    const hi = this.upperBound - (this.upperInclusive ? 0 : 1);
    if (lo > hi) throw new ConfigError(`Interval join: the interval [${this.lowerBound}, ${this.upperBound}] is empty once its exclusive bounds are left out`);
    const env = this.left.env;
    const node = env.graph.addNode(
      operatorSpec('intervalJoin', {
        fn,
        lowerBound: this.lowerBound,
        upperBound: this.upperBound,
        lowerBoundInclusive: this.lowerInclusive,
        upperBoundInclusive: this.upperInclusive,
        leftLateDataTag: this.leftLate,
        rightLateDataTag: this.rightLate,
      }),
      'Interval Join',
      [[this.left.edge()], [this.right.edge()]],
      true,
    );
    return new DataStream<OUT>(env, node);
  }
}
