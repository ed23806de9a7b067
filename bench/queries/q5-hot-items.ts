import { SlidingEventTimeWindows, TumblingEventTimeWindows, type AggregateFunction, count, type DataStream } from '../../src/index.js';
import type { Bid, NexmarkEvent } from '../../src/connectors/nexmark/index.js';

/** An auction and its number of bids in the sliding window that ends at `windowEnd`. */
export interface HotItem {
  auction: number;
  num: number;
  windowEnd: number;
}

export const Q5_SIZE_MS = 10_000;
export const Q5_SLIDE_MS = 2_000;

interface Top {
  num: number;
  items: HotItem[];
}

/**
 * The auction(s) with the most bids of a window. Mergeable (ties concatenate), so at parallelism > 1
 * each slot keeps its own maximum and only those cross to the one slot that merges them, as a
 * local-global plan of Flink's `GROUP BY window_start, window_end` would.
 */
const mostBids: AggregateFunction<HotItem, Top, Top> = {
  createAccumulator: () => ({ num: -1, items: [] }),
  add(c, acc) {
    if (c.num > acc.num) {
      acc.num = c.num;
      acc.items = [c];
    } else if (c.num === acc.num) acc.items.push(c);
    return acc;
  },
  getResult: (acc) => acc,
  // Never hands back `b` itself: the window operator merges slices into a fresh accumulator and
  // keeps the slices' own accumulators unchanged.
  merge(a, b) {
    if (b.num > a.num) return { num: b.num, items: b.items.slice() };
    if (b.num === a.num) a.items.push(...b.items);
    return a;
  },
};

/**
 * Q5, hot items: bids per auction in sliding event-time windows of 10 s every 2 s; for each
 * window, the auction(s) with the most bids. Window results carry the window's last timestamp, so
 * the tumbling 2 s windows of the second stage hold exactly one sliding window's results each.
 */
export function q5(events: DataStream<NexmarkEvent>): DataStream<HotItem> {
  return events
    .filter((e): e is Bid => e.type === 'bid')
    .keyBy((b) => b.auction)
    .window(SlidingEventTimeWindows.of(Q5_SIZE_MS, Q5_SLIDE_MS))
    .aggregate<number, number, HotItem>(count<Bid>(), (auction, window, counts, out) => out.collect({ auction, num: counts[0]!, windowEnd: window.end }))
    .windowAll(TumblingEventTimeWindows.of(Q5_SLIDE_MS))
    .aggregate(mostBids, (_w, [top], out) => {
      for (const item of top!.items) out.collect(item);
    });
}
