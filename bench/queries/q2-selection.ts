import type { DataStream } from '../../src/index.js';
import type { Bid, NexmarkEvent } from '../../src/connectors/nexmark/index.js';

export interface AuctionPrice {
  auction: number;
  price: number;
}

/** The benchmark's selection rule: bids on every 123rd auction id. */
export const AUCTION_SKIP = 123;

/** Q2, selection: auction and price of bids whose auction id is a multiple of 123. */
export function q2(events: DataStream<NexmarkEvent>): DataStream<AuctionPrice> {
  return events.filter((e): e is Bid => e.type === 'bid' && e.auction % AUCTION_SKIP === 0).map((b) => ({ auction: b.auction, price: b.price }));
}
