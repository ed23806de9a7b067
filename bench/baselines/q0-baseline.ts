import type { Bid, NexmarkGenerator } from '../../src/connectors/nexmark/index.js';

/** Q0 by hand: every bid. Returns the number of outputs; collects them when `out` is given. */
export function q0Baseline(gen: NexmarkGenerator, events: number, out?: Bid[]): number {
  let n = 0;
  for (let i = 0; i < events; i++) {
    const e = gen.event(i);
    if (e.type !== 'bid') continue;
    n++;
    if (out) out.push(e);
  }
  return n;
}
