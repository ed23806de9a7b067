/**
 * Hot items (Nexmark query 5): which auctions got the most bids in the last 10 seconds, updated
 * every 2 seconds of event time. The demo behind `npm start`.
 *
 *   npx weir run examples/hot-items.ts          # 2 million generated events, a few seconds
 *   npx weir run examples/hot-items.ts -p 2     # two parallel subtasks per operator
 *   npx weir run examples/hot-items.ts -- 200000  # fewer events
 *
 * Bids get event time from their `dateTime` with up to 5 s of out-of-orderness, are counted per
 * auction in sliding windows, and the counts of each window are ranked by a KeyedProcessFunction
 * keyed by window end, whose event-time timer fires once every count of that window has arrived.
 */
import { SlidingEventTimeWindows, StreamEnvironment, WatermarkStrategy, count, listState } from 'weir';
import type { Collector, KeyedProcessContext, KeyedProcessFunction, ListState, OnTimerContext, RuntimeContext } from 'weir';
import { isBid, nexmark } from 'weir/connectors/nexmark';

/** The number of generated events: the first job argument, 2 million by default. */
const EVENTS = Number(process.argv[2] ?? 2_000_000);
const TOP = 3;
/** Every window is ranked, but only these are printed, so the output stays readable. */
const PRINT_EVERY_MS = 20_000;

interface AuctionCount {
  readonly auction: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly bids: number;
}

/** Collects the counts of one window (the key) and emits its top auctions when the window is complete. */
class TopAuctions implements KeyedProcessFunction<number, AuctionCount, string> {
  private counts!: ListState<AuctionCount>;
  open(ctx: RuntimeContext): void {
    this.counts = ctx.state.getListState(listState<AuctionCount>('counts'));
  }
  processElement(c: AuctionCount, ctx: KeyedProcessContext<number>): void {
    this.counts.add(c);
    // Window results carry timestamp end - 1; once the watermark passes `end`, all of them are here.
    ctx.timerService().registerEventTimeTimer(c.windowEnd);
  }
  onTimer(windowEnd: number, _ctx: OnTimerContext<number>, out: Collector<string>): void {
    const all = this.counts.get();
    this.counts.clear();
    if (windowEnd % PRINT_EVERY_MS !== 0) return;
    const top = all.sort((a, b) => b.bids - a.bids || a.auction - b.auction).slice(0, TOP);
    const from = new Date(top[0]!.windowStart).toISOString().slice(11, 19);
    const to = new Date(windowEnd).toISOString().slice(11, 19);
    out.collect(`Hot auctions ${from}-${to} (${all.length} auctions with bids):`);
    top.forEach((c, i) => out.collect(`  #${i + 1} auction ${c.auction}: ${c.bids} bids`));
  }
}

const env = StreamEnvironment.create();
env
  .fromSource(
    nexmark({ events: EVENTS }),
    WatermarkStrategy.boundedOutOfOrderness('5s', (e) => e.dateTime),
    'Nexmark',
  )
  .filter(isBid)
  .name('Bids')
  .keyBy((b) => b.auction)
  .window(SlidingEventTimeWindows.of('10s', '2s'))
  .aggregate(count(), (auction, window, [bids], out: Collector<AuctionCount>) =>
    out.collect({ auction, windowStart: window.start, windowEnd: window.end, bids: bids! }),
  )
  .name('Bids per Auction')
  .keyBy((c) => c.windowEnd)
  .process(new TopAuctions())
  .name('Top Auctions')
  .setParallelism(1)
  .print()
  .setParallelism(1);

await env.execute('hot-items');
