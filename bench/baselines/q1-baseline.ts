import type { NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { DOLLAR_TO_EURO, type EuroBid } from '../queries/q1-currency-conversion.js';

/** Q1 by hand: every bid with its price in euros. */
export function q1Baseline(gen: NexmarkGenerator, events: number, out?: EuroBid[]): number {
  let n = 0;
  for (let i = 0; i < events; i++) {
    const b = gen.event(i);
    if (b.type !== 'bid') continue;
    const r = { auction: b.auction, bidder: b.bidder, price: b.price * DOLLAR_TO_EURO, dateTime: b.dateTime, extra: b.extra };
    n++;
    if (out) out.push(r);
  }
  return n;
}
