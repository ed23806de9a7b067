import {
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  type AggregateFunction,
  count,
  valueState,
  type Collector,
  type DataStream,
  type KeyedProcessContext,
  type KeyedProcessFunction,
  type RuntimeContext,
  type ValueState,
} from '../../src/index.js';
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
  merge(a, b) {
    if (b.num > a.num) return b;
    if (b.num === a.num) a.items.push(...b.items);
    return a;
  },
};

/** Per window end: the auctions with the most bids, emitted once the watermark passes the window. */
class MaxPerWindow implements KeyedProcessFunction<number, HotItem, HotItem> {
  private top!: ValueState<Top>;
  open(ctx: RuntimeContext): void {
    this.top = ctx.state.getState(valueState<Top>('top'));
  }
  processElement(c: HotItem, ctx: KeyedProcessContext<number>): void {
    const top = this.top.value();
    if (top === undefined) {
      this.top.update({ num: c.num, items: [c] });
      // Window results carry the window's last timestamp; the watermark that passes it follows them.
      ctx.timerService().registerEventTimeTimer(c.windowEnd - 1);
    } else if (c.num > top.num) {
      top.num = c.num;
      top.items = [c];
    } else if (c.num === top.num) top.items.push(c);
  }
  onTimer(_timestamp: number, _ctx: unknown, out: Collector<HotItem>): void {
    for (const item of this.top.value()!.items) out.collect(item);
    this.top.clear();
  }
}

/**
 * Q5, hot items: bids per auction in sliding event-time windows of 10 s every 2 s; for each
 * window, the auction(s) with the most bids.
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
