import {
  AUCTION_ID_LEAD,
  AUCTION_PROPORTION,
  NUM_ACTIVE_PEOPLE,
  NUM_IN_FLIGHT_AUCTIONS,
  PERSON_ID_LEAD,
  PERSON_PROPORTION,
  PROPORTION_DENOMINATOR,
} from './nexmark-config.js';
import type { EventRandom } from './event-random.js';

// Ids are derived from the event index, as the benchmark's generator does: in every block of 50
// events, event 0 is a person, 1-3 are auctions and 4-49 are bids, so the number of people and
// auctions that exist before any event is known without state.

/** The id (base 0) of the last person generated at or before event `index`. */
export function lastBase0PersonId(index: number): number {
  const epoch = Math.floor(index / PROPORTION_DENOMINATOR);
  let offset = index % PROPORTION_DENOMINATOR;
  if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
  return epoch * PERSON_PROPORTION + offset;
}

/** The id (base 0) of the last auction generated at or before event `index` (-1 before the first). */
export function lastBase0AuctionId(index: number): number {
  let epoch = Math.floor(index / PROPORTION_DENOMINATOR);
  let offset = index % PROPORTION_DENOMINATOR;
  if (offset < PERSON_PROPORTION) {
    epoch--;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    offset = AUCTION_PROPORTION - 1;
  } else {
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}

/** A random person among the most recent active ones, or up to PERSON_ID_LEAD ahead of the last. */
export function nextBase0PersonId(index: number, random: EventRandom): number {
  const numPeople = lastBase0PersonId(index) + 1;
  const active = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
  return numPeople - active + random.nextInt(active + PERSON_ID_LEAD);
}

/** A random auction among those likely still open, or up to AUCTION_ID_LEAD ahead of the last. */
export function nextBase0AuctionId(index: number, random: EventRandom): number {
  const max = lastBase0AuctionId(index);
  const min = Math.max(max - NUM_IN_FLIGHT_AUCTIONS, 0);
  return min + random.nextInt(max - min + 1 + AUCTION_ID_LEAD);
}

// 10^(6u) by table and linear interpolation: Math.pow per bid cost more than the rest of the bid.
const PRICE_STEPS = 4096;
const PRICE_TABLE = new Float64Array(PRICE_STEPS + 1);
for (let k = 0; k <= PRICE_STEPS; k++) PRICE_TABLE[k] = Math.pow(10, (k / PRICE_STEPS) * 6) * 100;

/** A price in cents, log-uniform between 1 dollar and 1 million dollars. */
export function nextPrice(random: EventRandom): number {
  const x = random.nextU30() * (PRICE_STEPS / 1073741824);
  const k = x | 0;
  const lo = PRICE_TABLE[k]!;
  return Math.round(lo + (PRICE_TABLE[k + 1]! - lo) * (x - k));
}
