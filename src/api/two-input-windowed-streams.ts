import { toMillis, type Duration } from '../core/duration.js';
import type { Evictor } from '../core/window/evictor.js';
import type { Trigger } from '../core/window/trigger.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { ProcessWindowFunction } from '../core/window/window-functions.js';
import type { Window } from '../core/window/window.js';
import type { DataStream } from './data-stream.js';

/**
 * A record of either input of a window join or coGroup, tagged with its side (Flink's `TaggedUnion`);
 * custom triggers and evictors of a join see these.
 *
 * @example
 * const fromLeft = (u: TaggedUnion<Order, Payment>) => u.tag === 1;
 */
export type TaggedUnion<L, R> = { readonly tag: 1; readonly value: L } | { readonly tag: 2; readonly value: R };

/**
 * Both inputs of a window join or coGroup, keyed and windowed: set trigger, evictor and lateness,
 * then `apply` (in the subclasses). As in Flink, it runs on the window operator: both inputs are
 * tagged, unioned, keyed by their key selectors and windowed together, so triggers, evictors,
 * allowed lateness and merging (session) windows work as they do for one input.
 */
export abstract class TwoInputWindowedStreams<L, R, K, W extends Window> {
  // Fields are typed loosely so the class stays covariant in L and R, as DataStream is.
  private customTrigger: Trigger<any, any> | undefined;
  private customEvictor: Evictor<any, any> | undefined;
  private lateness = 0;
  private readonly left: DataStream<any>;
  private readonly right: DataStream<any>;
  private readonly leftKey: (l: any) => unknown;
  private readonly rightKey: (r: any) => unknown;
  private readonly assigner: WindowAssigner<any, any>;

  constructor(left: DataStream<L>, right: DataStream<R>, leftKey: (l: L) => K, rightKey: (r: R) => K, assigner: WindowAssigner<TaggedUnion<L, R>, W>) {
    this.left = left;
    this.right = right;
    this.leftKey = leftKey;
    this.rightKey = rightKey;
    this.assigner = assigner;
  }

  trigger(trigger: Trigger<TaggedUnion<L, R>, W>): this {
    this.customTrigger = trigger;
    return this;
  }
  evictor(evictor: Evictor<TaggedUnion<L, R>, W>): this {
    this.customEvictor = evictor;
    return this;
  }
  /** Keeps event-time windows this long after their end, so late records of either side re-fire them. */
  allowedLateness(lateness: Duration): this {
    this.lateness = toMillis(lateness);
    return this;
  }

  protected build<OUT>(fn: ProcessWindowFunction<TaggedUnion<L, R>, OUT, K, W>, name: string): DataStream<OUT> {
    const leftKey = this.leftKey;
    const rightKey = this.rightKey;
    const one = this.left.map((value): TaggedUnion<L, R> => ({ tag: 1, value })).name(`${name}: left`);
    const two = this.right.map((value): TaggedUnion<L, R> => ({ tag: 2, value })).name(`${name}: right`);
    let windowed = one
      .union(two)
      .name(`${name}: union`)
      .keyBy((u) => (u.tag === 1 ? leftKey(u.value) : rightKey(u.value)) as K)
      .window(this.assigner as WindowAssigner<TaggedUnion<L, R>, W>);
    if (this.customTrigger) windowed = windowed.trigger(this.customTrigger);
    if (this.customEvictor) windowed = windowed.evictor(this.customEvictor);
    if (this.lateness > 0) windowed = windowed.allowedLateness(this.lateness);
    return windowed.process(fn).name(name);
  }
}

/** Splits a window's tagged elements into the two sides, in arrival order. */
export function splitSides<L, R>(elements: readonly TaggedUnion<L, R>[]): [L[], R[]] {
  const ls: L[] = [];
  const rs: R[] = [];
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (e.tag === 1) ls.push(e.value);
    else rs.push(e.value);
  }
  return [ls, rs];
}
