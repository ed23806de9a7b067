import { AVG_AUCTION_BYTES, AVG_BID_BYTES, AVG_PERSON_BYTES, NUM_CHANNELS } from './nexmark-config.js';
import { EventRandom } from './event-random.js';

/** Pool sizes are powers of two so a pick is `bits & mask`. */
export const POOL_SIZE = 1024;
export const POOL_MASK = POOL_SIZE - 1;

const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const HOT_URLS = HOT_CHANNELS.map((c) => `https://www.nexmark.com/${c.toLowerCase()}/item.htm?query=1`);

/**
 * Every string an event carries comes from these pools, built once per process from a fixed seed:
 * building strings per event would make the generator, not the query, the thing measured. Events
 * stay a pure function of (seed, index) because the pools never change.
 */
export interface StringPools {
  readonly states: readonly string[];
  readonly cities: readonly string[];
  readonly names: readonly string[];
  readonly emails: readonly string[];
  readonly creditCards: readonly string[];
  readonly itemNames: readonly string[];
  readonly descriptions: readonly string[];
  readonly personExtras: readonly string[];
  readonly auctionExtras: readonly string[];
  readonly bidExtras: readonly string[];
  readonly hotChannels: readonly string[];
  readonly hotUrls: readonly string[];
  /** Channel name and url of channel id `i`. */
  readonly channels: readonly string[];
  readonly urls: readonly string[];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Lower-case letters with an occasional space, of length in [1, maxLength]. */
function randomString(r: EventRandom, maxLength: number): string {
  const len = 1 + r.nextInt(maxLength);
  let s = '';
  for (let i = 0; i < len; i++) s += r.nextInt(13) === 0 ? ' ' : LETTERS[r.nextInt(26)];
  return s;
}

/** Exactly `len` characters (for ids embedded in urls). */
function fixedString(r: EventRandom, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += LETTERS[r.nextInt(26)];
  return s;
}

/** Padding that brings an event to about `avgBytes` (within 20%), as the benchmark's `extra`. */
function extra(r: EventRandom, fixedBytes: number, avgBytes: number): string {
  const desired = avgBytes - fixedBytes;
  if (desired <= 0) return '';
  const delta = Math.round(desired * 0.2);
  const len = desired - delta + r.nextInt(2 * delta + 1);
  let s = '';
  for (let i = 0; i < len; i++) s += LETTERS[r.nextInt(26)];
  return s;
}

function pool(n: number, make: (i: number) => string): string[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

function buildPools(): StringPools {
  const r = new EventRandom();
  r.reset(0x5eed, 0);
  const pad4 = (n: number) => String(n).padStart(4, '0');
  const itemNames = pool(POOL_SIZE, () => randomString(r, 20));
  const descriptions = pool(POOL_SIZE, () => randomString(r, 100));
  return {
    states: US_STATES,
    cities: US_CITIES,
    names: FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f} ${l}`)),
    emails: pool(POOL_SIZE, () => `${randomString(r, 7)}@${randomString(r, 5)}.com`),
    creditCards: pool(POOL_SIZE, () => [0, 1, 2, 3].map(() => pad4(r.nextInt(10_000))).join(' ')),
    itemNames,
    descriptions,
    personExtras: pool(POOL_SIZE, () => extra(r, 8 + 11 + 20 + 19 + 8 + 2, AVG_PERSON_BYTES)),
    auctionExtras: pool(POOL_SIZE, () => extra(r, 8 + 10 + 50 + 40, AVG_AUCTION_BYTES)),
    bidExtras: pool(POOL_SIZE, () => extra(r, 8 + 8 + 8 + 8, AVG_BID_BYTES)),
    hotChannels: HOT_CHANNELS,
    hotUrls: HOT_URLS,
    channels: pool(NUM_CHANNELS, (i) => `channel-${i}`),
    urls: pool(NUM_CHANNELS, (i) => `https://www.nexmark.com/${fixedString(r, 5)}/${fixedString(r, 5)}/${fixedString(r, 5)}/item.htm?query=1&channel_id=${i}`),
  };
}

let pools: StringPools | undefined;

/** The process-wide pools, built on first use. */
export function stringPools(): StringPools {
  return (pools ??= buildPools());
}
