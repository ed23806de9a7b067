import { describe, expect, it } from 'vitest';
import { NexmarkGenerator, type Auction, type Bid, type NexmarkEvent, type Person } from '../../src/connectors/nexmark/index.js';
import { AUCTION_ID_LEAD, FIRST_AUCTION_ID, FIRST_PERSON_ID, PERSON_ID_LEAD } from '../../src/connectors/nexmark/nexmark-config.js';
import { SKIP_RECORD, type RecordStep } from '../../src/core/source.js';

const range = (gen: NexmarkGenerator, from: number, to: number): NexmarkEvent[] => {
  const out: NexmarkEvent[] = [];
  for (let i = from; i < to; i++) out.push(gen.event(i));
  return out;
};

describe('Nexmark generator', () => {
  it('is a pure function of (seed, index)', () => {
    const a = new NexmarkGenerator({ seed: 42 });
    const b = new NexmarkGenerator({ seed: 42 });
    const forward = range(a, 0, 3000);
    // Another generator, visiting the indices backwards, yields the same events.
    const backward: NexmarkEvent[] = [];
    for (let i = 2999; i >= 0; i--) backward[i] = b.event(i);
    expect(backward).toEqual(forward);
    const other = range(new NexmarkGenerator({ seed: 43 }), 0, 3000);
    expect(other).not.toEqual(forward);
    expect(other.map((e) => e.type)).toEqual(forward.map((e) => e.type));
  });

  it('fill writes strided events and their event times', () => {
    const gen = new NexmarkGenerator({ seed: 1 });
    const values: NexmarkEvent[] = [];
    const ts: number[] = [];
    gen.fill(values, ts, 5, 3, 10);
    expect(values).toEqual(Array.from({ length: 10 }, (_, k) => gen.event(5 + 3 * k)));
    expect(ts).toEqual(values.map((e) => e.dateTime));
  });

  it('fillStepped makes the events event() makes (it writes a bid out itself): every kind, hot and not, strided and far into the stream', () => {
    const gen = new NexmarkGenerator({ seed: 9 });
    const all: RecordStep = { apply: (v) => v };
    for (const [first, stride, count] of [
      [0, 1, 5000],
      [7, 3, 4000],
      [123_456_789, 1, 2000],
      [2 ** 33 + 11, 7, 1000],
    ] as const) {
      const values: unknown[] = [];
      const ts: number[] = [];
      expect(gen.fillStepped(all, values, ts, first, stride, count)).toBe(count);
      const expected = Array.from({ length: count }, (_, k) => gen.event(first + stride * k));
      expect(values).toEqual(expected);
      expect(ts).toEqual(expected.map((e) => e.dateTime));
    }
    // Both sides of every choice a bid makes were among them.
    const bids = range(gen, 0, 5000).filter((e): e is Bid => e.type === 'bid');
    expect(new Set(bids.map((b) => (b.auction - FIRST_AUCTION_ID) % 100 === 0)).size).toBe(2);
    expect(new Set(bids.map((b) => (b.bidder - FIRST_PERSON_ID) % 100 === 1)).size).toBe(2);
    expect(new Set(bids.map((b) => b.channel)).size).toBeGreaterThan(4);
  });

  it('fillStepped writes only what the step keeps, with those events times', () => {
    const gen = new NexmarkGenerator({ seed: 3 });
    const bidPrices: RecordStep = { apply: (v) => ((v as NexmarkEvent).type === 'bid' ? (v as Bid).price : SKIP_RECORD) };
    const values: unknown[] = [];
    const ts: number[] = [];
    const k = gen.fillStepped(bidPrices, values, ts, 100, 2, 500);
    const bids = Array.from({ length: 500 }, (_, i) => gen.event(100 + 2 * i)).filter((e): e is Bid => e.type === 'bid');
    expect(k).toBe(bids.length);
    expect(values.slice(0, k)).toEqual(bids.map((b) => b.price));
    expect(ts.slice(0, k)).toEqual(bids.map((b) => b.dateTime));
  });

  it('keeps the benchmark proportions: 1 person, 3 auctions, 46 bids in every 50 events', () => {
    const events = range(new NexmarkGenerator(), 0, 50_000);
    const count = (t: string) => events.filter((e) => e.type === t).length;
    expect([count('person'), count('auction'), count('bid')]).toEqual([1000, 3000, 46_000]);
    const offsets = events.map((e, i) => (e.type === 'person' ? i % 50 === 0 : e.type === 'auction' ? i % 50 >= 1 && i % 50 <= 3 : i % 50 >= 4));
    expect(offsets.every(Boolean)).toBe(true);
  });

  it('derives ids and foreign keys from the event index, with hot auctions and bidders', () => {
    const events = range(new NexmarkGenerator({ seed: 9 }), 0, 100_000);
    let lastPerson = FIRST_PERSON_ID - 1;
    let lastAuction = FIRST_AUCTION_ID - 1;
    const broken: string[] = [];
    const check = (ok: boolean, what: string, e: NexmarkEvent) => {
      if (!ok && broken.length < 5) broken.push(`${what}: ${JSON.stringify(e)}`);
    };
    let bids = 0;
    let hotAuctionBids = 0;
    let hotBidderBids = 0;
    for (const e of events) {
      if (e.type === 'person') {
        check(e.id === lastPerson + 1, 'person ids are sequential', e);
        lastPerson = e.id;
      } else if (e.type === 'auction') {
        check(e.id === lastAuction + 1, 'auction ids are sequential', e);
        lastAuction = e.id;
        check(e.seller >= FIRST_PERSON_ID && e.seller <= lastPerson + PERSON_ID_LEAD, 'seller in range', e);
        check(e.reserve >= e.initialBid && e.expires > e.dateTime, 'reserve and expiry', e);
        check(e.category >= 10 && e.category < 15, 'category', e);
      } else {
        bids++;
        // A bid names an auction that exists or is at most AUCTION_ID_LEAD ahead of the last one.
        check(e.auction >= FIRST_AUCTION_ID && e.auction <= lastAuction + AUCTION_ID_LEAD, 'auction in range', e);
        check(e.bidder >= FIRST_PERSON_ID && e.bidder <= lastPerson + PERSON_ID_LEAD, 'bidder in range', e);
        check(e.price >= 100 && e.price <= 100_000_000, 'price', e);
        if ((e.auction - FIRST_AUCTION_ID) % 100 === 0) hotAuctionBids++;
        if ((e.bidder - FIRST_PERSON_ID) % 100 === 1) hotBidderBids++;
      }
    }
    expect(broken).toEqual([]);
    // Half of the bids go to the hot auction of the moment, three quarters come from hot bidders.
    expect(hotAuctionBids / bids).toBeGreaterThan(0.45);
    expect(hotBidderBids / bids).toBeGreaterThan(0.7);
  });

  it('spaces event times by the rate from the first event time', () => {
    const gen = new NexmarkGenerator({ eventsPerSecond: 1000, firstEventTime: 1_000_000 });
    const events = range(gen, 0, 5000);
    expect(events.map((e) => e.dateTime)).toEqual(events.map((_, i) => 1_000_000 + i));
    const fast = range(new NexmarkGenerator({ eventsPerSecond: 3_000_000, firstEventTime: 0 }), 0, 20_000);
    expect(fast.every((e, i) => i === 0 || e.dateTime >= fast[i - 1]!.dateTime)).toBe(true);
    expect(fast[fast.length - 1]!.dateTime).toBe(Math.floor((19_999 * 1000) / 3_000_000));
  });

  it('has the benchmark fields on each event kind', () => {
    const gen = new NexmarkGenerator();
    const p = gen.event(0) as Person;
    const a = gen.event(1) as Auction;
    const b = gen.event(4) as Bid;
    expect(Object.keys(p).sort()).toEqual(['city', 'creditCard', 'dateTime', 'emailAddress', 'extra', 'id', 'name', 'state', 'type']);
    expect(Object.keys(a).sort()).toEqual(
      ['category', 'dateTime', 'description', 'expires', 'extra', 'id', 'initialBid', 'itemName', 'reserve', 'seller', 'type'].sort(),
    );
    expect(Object.keys(b).sort()).toEqual(['auction', 'bidder', 'channel', 'dateTime', 'extra', 'price', 'type', 'url']);
    expect(p.creditCard).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(p.emailAddress).toMatch(/@.+\.com$/);
  });
});
