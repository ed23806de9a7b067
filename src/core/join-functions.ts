import type { Collector, OutputTag, RuntimeContext } from './functions.js';

/** What a `ProcessJoinFunction` sees for each joined pair. */
export interface ProcessJoinContext {
  getLeftTimestamp(): number;
  getRightTimestamp(): number;
  /** Timestamp of the joined record: the larger of the two. */
  getTimestamp(): number;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Called once per pair of an interval join, as Flink's `ProcessJoinFunction`.
 *
 * @example
 * orders.keyBy((o) => o.id).intervalJoin(payments.keyBy((p) => p.orderId)).between('0s', '1h')
 *   .process<Paid>({ processElement(o, p, ctx, out) { out.collect({ ...o, paidAt: ctx.getRightTimestamp() }); } });
 */
export interface ProcessJoinFunction<L, R, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  processElement(left: L, right: R, ctx: ProcessJoinContext, out: Collector<OUT>): void;
  close?(): void | Promise<void>;
}

/** One output per pair of a window join, as Flink's `JoinFunction`. @example const both: JoinFunction<A, B, [A, B]> = (a, b) => [a, b]; */
export type JoinFunction<L, R, OUT> = (left: L, right: R) => OUT;
/** Any number of outputs per pair of a window join, as Flink's `FlatJoinFunction`. @example const paid: FlatJoinFunction<Order, Payment, Order> = (o, p, out) => { if (p.ok) out.collect(o); }; */
export type FlatJoinFunction<L, R, OUT> = (left: L, right: R, out: Collector<OUT>) => void;
/**
 * Everything of one key and window from both sides at once, as Flink's `CoGroupFunction`. One side
 * may be empty (never both), which makes outer joins possible.
 *
 * @example
 * const leftOuter: CoGroupFunction<A, B, [A, B | null]> = (as, bs, out) => { for (const a of as) for (const b of bs.length ? bs : [null]) out.collect([a, b]); };
 */
export type CoGroupFunction<L, R, OUT> = (left: L[], right: R[], out: Collector<OUT>) => void;
