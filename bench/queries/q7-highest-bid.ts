import { TumblingEventTimeWindows, type AggregateFunction, type DataStream } from '../../src/index.js';
import type { Bid, NexmarkEvent } from '../../src/connectors/nexmark/index.js';

/** A bid with the highest price of the tumbling window that ends at `windowEnd`. */
export interface HighestBid {
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  windowEnd: number;
}

export const Q7_SIZE_MS = 10_000;

interface Highest {
  price: number;
  bids: Bid[];
}

/** Keeps the bids that share the highest price seen so far. */
const highest: AggregateFunction<Bid, Highest, Highest> = {
  createAccumulator: () => ({ price: -1, bids: [] }),
  add(b, acc) {
    if (b.price > acc.price) {
      acc.price = b.price;
      acc.bids = [b];
    } else if (b.price === acc.price) acc.bids.push(b);
    return acc;
  },
  getResult: (acc) => acc,
  merge(a, b) {
    if (b.price > a.price) return { price: b.price, bids: b.bids.slice() };
    if (b.price === a.price) a.bids.push(...b.bids);
    return a;
  },
};

/** Q7, highest bid: the bid(s) with the highest price in each tumbling 10 s event-time window. */
export function q7(events: DataStream<NexmarkEvent>): DataStream<HighestBid> {
  return events
    .filter((e): e is Bid => e.type === 'bid')
    .windowAll(TumblingEventTimeWindows.of(Q7_SIZE_MS))
    .aggregate(highest, (window, [top], out) => {
      for (const b of top!.bids) out.collect({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, windowEnd: window.end });
    });
}
