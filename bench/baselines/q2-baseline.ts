import type { NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { AUCTION_SKIP, type AuctionPrice } from '../queries/q2-selection.js';

/** Q2 by hand: auction and price of bids on every 123rd auction. */
export function q2Baseline(gen: NexmarkGenerator, events: number, out?: AuctionPrice[]): number {
  let n = 0;
  for (let i = 0; i < events; i++) {
    const b = gen.event(i);
    if (b.type !== 'bid' || b.auction % AUCTION_SKIP !== 0) continue;
    n++;
    if (out) out.push({ auction: b.auction, price: b.price });
  }
  return n;
}
