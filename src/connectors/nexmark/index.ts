/**
 * The Nexmark benchmark's data generator as a Weir source: `import { nexmark } from 'weir/connectors/nexmark'`.
 *
 * @example
 * env.fromSource(nexmark({ events: 1_000_000, seed: 1 })).filter(isBid).map((b) => b.price * 0.908)
 */
export { nexmark, type NexmarkSplit, type NexmarkPosition } from './nexmark-source.js';
export { NexmarkGenerator } from './nexmark-generator.js';
export type { NexmarkOptions } from './nexmark-config.js';
export { isBid, isAuction, isPerson, type Person, type Auction, type Bid, type NexmarkEvent } from './nexmark-model.js';
