/**
 * A new user of the auction site. Field names follow the Nexmark benchmark; times are epoch
 * milliseconds.
 */
export interface Person {
  readonly type: 'person';
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** An item put up for auction by `seller` (a person id), open until `expires`. */
export interface Auction {
  readonly type: 'auction';
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

/** A bid of `price` (in cents) by person `bidder` on auction `auction`. */
export interface Bid {
  readonly type: 'bid';
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

/**
 * One event of the Nexmark stream: a flat object whose `type` tells which one it is. A filter on
 * `type` narrows the stream, so the next operator sees a `Bid`:
 *
 * @example
 * env.fromSource(nexmark({ events: 1000 })).filter((e) => e.type === 'bid').keyBy((b) => b.auction)
 * // or, explicitly:
 * stream.filter(isBid).map((b) => b.price)
 */
export type NexmarkEvent = Person | Auction | Bid;

/** @example stream.filter(isBid) // DataStream<Bid> */
export function isBid(e: NexmarkEvent): e is Bid {
  return e.type === 'bid';
}

/** @example stream.filter(isAuction) // DataStream<Auction> */
export function isAuction(e: NexmarkEvent): e is Auction {
  return e.type === 'auction';
}

/** @example stream.filter(isPerson) // DataStream<Person> */
export function isPerson(e: NexmarkEvent): e is Person {
  return e.type === 'person';
}
