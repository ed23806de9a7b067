import {
  AUCTION_ID_LEAD,
  AUCTION_PROPORTION,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  HOT_AUCTION_RATIO,
  HOT_BIDDER_RATIO,
  HOT_BLOCK,
  HOT_CHANNEL_RATIO,
  HOT_SELLER_RATIO,
  NUM_ACTIVE_PEOPLE,
  NUM_CATEGORIES,
  NUM_CHANNELS,
  NUM_IN_FLIGHT_AUCTIONS,
  PERSON_ID_LEAD,
  PERSON_PROPORTION,
  PROPORTION_DENOMINATOR,
  resolveNexmarkConfig,
  type NexmarkOptions,
  type ResolvedNexmarkConfig,
} from './nexmark-config.js';
import { EventRandom, TWO_30 } from './event-random.js';
import { lastBase0AuctionId, lastBase0PersonId, nextBase0AuctionId, nextBase0PersonId, nextPrice } from './nexmark-ids.js';
import type { Auction, Bid, NexmarkEvent, Person } from './nexmark-model.js';
import { SKIP_RECORD, type RecordStep } from '../../core/source.js';

// The hot ratios are powers of two, so `bits & (ratio - 1)` is the benchmark's `nextInt(ratio) > 0`.
const HOT_AUCTION_MASK = HOT_AUCTION_RATIO - 1;
const HOT_BIDDER_MASK = HOT_BIDDER_RATIO - 1;
const HOT_CHANNEL_MASK = HOT_CHANNEL_RATIO - 1;
import { POOL_MASK, stringPools, type StringPools } from './string-pools.js';

/**
 * Generates Nexmark events by index. `event(i)` depends only on the seed and `i`, so any set of
 * readers that together cover a range of indices produces exactly the events of one reader.
 *
 * @example
 * const gen = new NexmarkGenerator({ seed: 7 });
 * gen.event(4); // the first bid: { type: 'bid', auction: 1000, ... }
 */
export class NexmarkGenerator {
  readonly config: ResolvedNexmarkConfig;
  private readonly random = new EventRandom();
  private readonly pools: StringPools = stringPools();
  private readonly delayMsPerEvent: number;
  private readonly firstEventTime: number;

  constructor(options: NexmarkOptions | ResolvedNexmarkConfig = {}) {
    this.config = 'interEventDelayUs' in options ? options : resolveNexmarkConfig(options);
    this.delayMsPerEvent = this.config.interEventDelayUs / 1000;
    this.firstEventTime = this.config.firstEventTime;
  }

  /** Event time of event `index` (epoch ms). */
  timestamp(index: number): number {
    return this.firstEventTime + Math.floor(index * this.delayMsPerEvent);
  }

  /** Event `index` of the stream. */
  event(index: number): NexmarkEvent {
    this.random.reset(this.config.seed, index);
    const offset = index % PROPORTION_DENOMINATOR;
    return offset >= PERSON_PROPORTION + AUCTION_PROPORTION ? this.bid(index) : this.personOrAuction(index, offset);
  }

  /**
   * Writes events `first, first + stride, ...` (`count` of them) and their event times into the
   * arrays from position `at`: the batch form a source reader uses.
   */
  fill(values: NexmarkEvent[], timestamps: number[], first: number, stride: number, count: number, at = 0): void {
    const seed = this.config.seed;
    const firstEventTime = this.firstEventTime;
    const delay = this.delayMsPerEvent;
    const random = this.random;
    let index = first;
    const end = at + count;
    // The body of event() written out: the loop then does not depend on whether the JIT inlines
    // event() here (when it did not, runs were 30-40% slower). bid(), auction() and person() take
    // the index alone and compute the event time themselves, the same sum as here: V8 often
    // optimizes bid() on its own before fill() and then keeps the call, and a double argument
    // (the epoch-millisecond time) would be boxed as a heap number on every such call.
    for (let i = at; i < end; i++) {
      random.reset(seed, index);
      const offset = index % PROPORTION_DENOMINATOR;
      values[i] = offset >= PERSON_PROPORTION + AUCTION_PROPORTION ? this.bid(index) : this.personOrAuction(index, offset);
      timestamps[i] = firstEventTime + Math.floor(index * delay);
      index += stride;
    }
  }

  /**
   * {@link fill} with `step` applied to each event as it is made: only the step's results are
   * written (from position 0), with their events' times; returns how many. The event is used while
   * it is still in the CPU's cache, and the events the step drops are never written anywhere.
   */
  fillStepped(step: RecordStep, values: unknown[], timestamps: number[], first: number, stride: number, count: number): number {
    const seed = this.config.seed;
    const firstEventTime = this.firstEventTime;
    const delay = this.delayMsPerEvent;
    const random = this.random;
    const p = this.pools;
    let index = first;
    let k = 0;
    // A bid is made here, not by a call to bid() (same draws, same object): whether V8 inlined
    // bid() into this loop depended on which of the two it optimized first (bid() compiled on its
    // own carries 898 bytes of inlined helpers, over the limit for inlining it), so fresh processes
    // ran different loops, some with auction() inlined in bid()'s place. A helper that calls
    // another has a different size for the inlining budget once V8 has optimized it on its own, so
    // the bid's draws here call nextU30 alone (a leaf): the inlined code fits the budget the same
    // way in every process. The rarer person or auction is always a call (see personOrAuction).
    // The tests pin the loop to event().
    for (let i = 0; i < count; i++) {
      random.reset(seed, index);
      const offset = index % PROPORTION_DENOMINATOR;
      const dateTime = firstEventTime + Math.floor(index * delay);
      let e: NexmarkEvent;
      if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
        // In a bid's block of PROPORTION_DENOMINATOR events, the last person and auction are the block's last ones.
        const epoch = Math.floor(index / PROPORTION_DENOMINATOR);
        const u = random.nextU30();
        const lastAuction = epoch * AUCTION_PROPORTION + AUCTION_PROPORTION - 1;
        const lastPerson = epoch * PERSON_PROPORTION + PERSON_PROPORTION - 1;
        // Outside the hot block: nextBase0AuctionId and nextBase0PersonId written out, their
        // nextInt as the draw itself (a leaf call, whose size does not depend on what V8 did first).
        let auction = Math.floor(lastAuction / HOT_BLOCK) * HOT_BLOCK;
        if ((u & HOT_AUCTION_MASK) === 0) {
          const min = Math.max(lastAuction - NUM_IN_FLIGHT_AUCTIONS, 0);
          auction = min + Math.floor((random.nextU30() * (lastAuction - min + 1 + AUCTION_ID_LEAD)) / TWO_30);
        }
        let bidder = Math.floor(lastPerson / HOT_BLOCK) * HOT_BLOCK + 1;
        if (((u >>> 1) & HOT_BIDDER_MASK) === 0) {
          const active = Math.min(lastPerson + 1, NUM_ACTIVE_PEOPLE);
          bidder = lastPerson + 1 - active + Math.floor((random.nextU30() * (active + PERSON_ID_LEAD)) / TWO_30);
        }
        const hot = ((u >>> 3) & HOT_CHANNEL_MASK) !== 0;
        const c = hot ? (u >>> 4) & 3 : Math.floor(((u >>> 16) * NUM_CHANNELS) / 16384);
        e = {
          type: 'bid',
          auction: auction + FIRST_AUCTION_ID,
          bidder: bidder + FIRST_PERSON_ID,
          price: nextPrice(random),
          channel: hot ? p.hotChannels[c]! : p.channels[c]!,
          url: hot ? p.hotUrls[c]! : p.urls[c]!,
          dateTime,
          extra: p.bidExtras[(u >>> 6) & POOL_MASK]!,
        };
      } else e = this.personOrAuction(index, offset);
      const r = step.apply(e);
      if (r !== SKIP_RECORD) {
        values[k] = r;
        timestamps[k++] = dateTime;
      }
      index += stride;
    }
    return k;
  }

  /**
   * Event `index` when it is a person or an auction (`offset` is its place in its block). One method
   * for both on purpose: together they are over V8's size limit for inlining (460 bytes of
   * bytecode), so the generator's loops always call it. Apart, whether auction() or person() was
   * inlined into a loop, taking the inlining budget the bid's helpers would have had, depended on
   * which of them V8 had optimized first.
   */
  private personOrAuction(index: number, offset: number): Person | Auction {
    const dateTime = this.firstEventTime + Math.floor(index * this.delayMsPerEvent);
    const r = this.random;
    const p = this.pools;
    if (offset < PERSON_PROPORTION) {
      return {
        type: 'person',
        id: lastBase0PersonId(index) + FIRST_PERSON_ID,
        name: p.names[r.nextInt(p.names.length)]!,
        emailAddress: p.emails[r.nextU30() & POOL_MASK]!,
        creditCard: p.creditCards[r.nextU30() & POOL_MASK]!,
        city: p.cities[r.nextInt(p.cities.length)]!,
        state: p.states[r.nextInt(p.states.length)]!,
        dateTime,
        extra: p.personExtras[r.nextU30() & POOL_MASK]!,
      };
    }
    const seller =
      r.nextInt(HOT_SELLER_RATIO) > 0
        ? Math.floor(lastBase0PersonId(index) / HOT_BLOCK) * HOT_BLOCK // the first person of the latest block: a hot seller
        : nextBase0PersonId(index, r);
    const initialBid = nextPrice(r);
    return {
      type: 'auction',
      id: lastBase0AuctionId(index) + FIRST_AUCTION_ID,
      itemName: p.itemNames[r.nextU30() & POOL_MASK]!,
      description: p.descriptions[r.nextU30() & POOL_MASK]!,
      initialBid,
      reserve: initialBid + nextPrice(r),
      dateTime,
      expires: dateTime + 1 + r.nextInt(2 * this.config.auctionHorizonMs),
      seller: seller + FIRST_PERSON_ID,
      category: FIRST_CATEGORY_ID + r.nextInt(NUM_CATEGORIES),
      extra: p.auctionExtras[r.nextU30() & POOL_MASK]!,
    };
  }

  private bid(index: number): Bid {
    const dateTime = this.firstEventTime + Math.floor(index * this.delayMsPerEvent);
    const r = this.random;
    const p = this.pools;
    // One draw decides every power-of-two choice of a bid (hot auction 1/2, hot bidder 3/4, hot
    // channel 1/2, which hot channel, which channel, which padding): draws are most of the cost.
    const u = r.nextU30();
    const auction =
      (u & HOT_AUCTION_MASK) !== 0
        ? Math.floor(lastBase0AuctionId(index) / HOT_BLOCK) * HOT_BLOCK // the first auction of the latest block: a hot auction
        : nextBase0AuctionId(index, r);
    const bidder =
      ((u >>> 1) & HOT_BIDDER_MASK) !== 0
        ? Math.floor(lastBase0PersonId(index) / HOT_BLOCK) * HOT_BLOCK + 1 // second of the block, so hot bidders are not hot sellers
        : nextBase0PersonId(index, r);
    let channel: string;
    let url: string;
    if (((u >>> 3) & HOT_CHANNEL_MASK) !== 0) {
      const c = (u >>> 4) & 3;
      channel = p.hotChannels[c]!;
      url = p.hotUrls[c]!;
    } else {
      const c = Math.floor(((u >>> 16) * NUM_CHANNELS) / 16384);
      channel = p.channels[c]!;
      url = p.urls[c]!;
    }
    return {
      type: 'bid',
      auction: auction + FIRST_AUCTION_ID,
      bidder: bidder + FIRST_PERSON_ID,
      price: nextPrice(r),
      channel,
      url,
      dateTime,
      extra: p.bidExtras[(u >>> 6) & POOL_MASK]!,
    };
  }
}
