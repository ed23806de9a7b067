import type { DataStream } from '../../src/index.js';
import type { Bid, NexmarkEvent } from '../../src/connectors/nexmark/index.js';

/** A bid with its price in euros. */
export interface EuroBid {
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  extra: string;
}

/** The benchmark's dollar-to-euro rate. */
export const DOLLAR_TO_EURO = 0.908;

/** Q1, currency conversion: every bid, price converted to euros. */
export function q1(events: DataStream<NexmarkEvent>): DataStream<EuroBid> {
  return events
    .filter((e): e is Bid => e.type === 'bid')
    .map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price * DOLLAR_TO_EURO, dateTime: b.dateTime, extra: b.extra }));
}
