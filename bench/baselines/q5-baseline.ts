import type { NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { Q5_SIZE_MS, Q5_SLIDE_MS, type HotItem } from '../queries/q5-hot-items.js';

const SLICES = Q5_SIZE_MS / Q5_SLIDE_MS;

/**
 * Q5 by hand: bid counts per auction in 2 s slices (events arrive in time order). When event time
 * enters a new slice, every window that ended meanwhile sums its five slices and emits its top
 * auction(s); a window without bids emits nothing.
 */
export function q5Baseline(gen: NexmarkGenerator, events: number, out?: HotItem[]): number {
  const slices = new Map<number, Map<number, number>>(); // slice index -> auction -> bids
  let current = NaN;
  let n = 0;
  const fire = (end: number) => {
    const counts = new Map<number, number>();
    for (let k = end - SLICES; k < end; k++) {
      const s = slices.get(k);
      if (s) for (const [a, c] of s) counts.set(a, (counts.get(a) ?? 0) + c);
    }
    let max = 0;
    for (const c of counts.values()) if (c > max) max = c;
    for (const [auction, num] of counts) {
      if (num !== max) continue;
      n++;
      if (out) out.push({ auction, num, windowEnd: end * Q5_SLIDE_MS });
    }
  };
  /** Fires the windows ending at slice boundaries `current + 1 .. last` and drops slices no window needs. */
  const fireUpTo = (last: number) => {
    for (let end = current + 1; end <= last; end++) fire(end);
    for (const k of slices.keys()) if (k <= last - SLICES) slices.delete(k);
  };
  for (let i = 0; i < events; i++) {
    const b = gen.event(i);
    if (b.type !== 'bid') continue;
    const k = Math.floor(b.dateTime / Q5_SLIDE_MS);
    if (k !== current) {
      if (!Number.isNaN(current)) fireUpTo(Math.min(k, current + SLICES));
      current = k;
      slices.set(k, new Map());
    }
    const s = slices.get(k)!;
    s.set(b.auction, (s.get(b.auction) ?? 0) + 1);
  }
  if (!Number.isNaN(current)) fireUpTo(current + SLICES);
  return n;
}
