/** Options of the {@link nexmark} source. */
export interface NexmarkOptions {
  /** Number of events; the source is bounded when given, endless otherwise. */
  events?: number;
  /** Event-time rate: event `i` happens `i / eventsPerSecond` seconds after `firstEventTime`. Default 10 000 (the benchmark's first event rate). */
  eventsPerSecond?: number;
  /** Seeds every random choice; the same seed gives the same events. Default 0. */
  seed?: number;
  /** Event time of event 0, epoch ms. Default 2015-07-15T00:00:00Z, so runs are reproducible. */
  firstEventTime?: number;
  /** Emit events no faster than their event time passes on the processing-time clock. Default false (as fast as possible). */
  rateLimited?: boolean;
}

/** The benchmark's fixed shape of the event stream. */
export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const PROPORTION_DENOMINATOR = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;
/** Ids start here so queries with id predicates find matches even on small runs. */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;
/** Ids a little ahead of the last generated one may be chosen, so some references arrive before their entity. */
export const PERSON_ID_LEAD = 10;
export const AUCTION_ID_LEAD = 10;
/** Hot entities are the first (or second) id of each block of this many. */
export const HOT_BLOCK = 100;
/** 1 - 1/ratio of the choices go to a hot auction / bidder / seller / channel. */
export const HOT_AUCTION_RATIO = 2;
export const HOT_BIDDER_RATIO = 4;
export const HOT_SELLER_RATIO = 4;
export const HOT_CHANNEL_RATIO = 2;
export const NUM_ACTIVE_PEOPLE = 1000;
export const NUM_IN_FLIGHT_AUCTIONS = 100;
export const NUM_CHANNELS = 10_000;
/** Average serialized sizes the `extra` padding aims for. */
export const AVG_PERSON_BYTES = 200;
export const AVG_AUCTION_BYTES = 500;
export const AVG_BID_BYTES = 100;

export const DEFAULT_EVENTS_PER_SECOND = 10_000;
export const DEFAULT_FIRST_EVENT_TIME = Date.UTC(2015, 6, 15);

/** Options with defaults applied and the values every event needs precomputed. */
export interface ResolvedNexmarkConfig {
  readonly events: number;
  readonly seed: number;
  readonly firstEventTime: number;
  readonly interEventDelayUs: number;
  readonly rateLimited: boolean;
  /** Mean auction length is the time until NUM_IN_FLIGHT_AUCTIONS more auctions exist. */
  readonly auctionHorizonMs: number;
}

export function resolveNexmarkConfig(o: NexmarkOptions): ResolvedNexmarkConfig {
  const rate = o.eventsPerSecond ?? DEFAULT_EVENTS_PER_SECOND;
  if (!(rate > 0)) throw new RangeError(`nexmark: eventsPerSecond must be > 0, got ${rate}`);
  const events = o.events ?? Infinity;
  if (events !== Infinity && !(Number.isInteger(events) && events >= 0)) throw new RangeError(`nexmark: events must be a non-negative integer, got ${events}`);
  const interEventDelayUs = 1_000_000 / rate;
  const eventsForAuctions = Math.floor((NUM_IN_FLIGHT_AUCTIONS * PROPORTION_DENOMINATOR) / AUCTION_PROPORTION);
  return {
    events,
    seed: (o.seed ?? 0) | 0,
    firstEventTime: o.firstEventTime ?? DEFAULT_FIRST_EVENT_TIME,
    interEventDelayUs,
    rateLimited: o.rateLimited ?? false,
    auctionHorizonMs: Math.max(1, Math.floor((eventsForAuctions * interEventDelayUs) / 1000)),
  };
}
