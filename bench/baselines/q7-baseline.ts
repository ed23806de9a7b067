import type { Bid, NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { Q7_SIZE_MS, type HighestBid } from '../queries/q7-highest-bid.js';

/** Q7 by hand: events arrive in time order, so one running maximum per 10 s window suffices. */
export function q7Baseline(gen: NexmarkGenerator, events: number, out?: HighestBid[]): number {
  let windowEnd = -Infinity;
  let price = -1;
  let top: Bid[] = [];
  let n = 0;
  const fire = () => {
    for (const b of top) {
      n++;
      if (out) out.push({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, windowEnd });
    }
  };
  for (let i = 0; i < events; i++) {
    const b = gen.event(i);
    if (b.type !== 'bid') continue;
    if (b.dateTime >= windowEnd) {
      fire();
      windowEnd = b.dateTime - (b.dateTime % Q7_SIZE_MS) + Q7_SIZE_MS;
      price = -1;
      top = [];
    }
    if (b.price > price) {
      price = b.price;
      top = [b];
    } else if (b.price === price) top.push(b);
  }
  fire();
  return n;
}
