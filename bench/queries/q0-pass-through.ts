import type { DataStream } from '../../src/index.js';
import type { Bid, NexmarkEvent } from '../../src/connectors/nexmark/index.js';

/** Q0, pass-through: every bid, unchanged. Measures the source and the runtime's per-record overhead. */
export function q0(events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return events.filter((e): e is Bid => e.type === 'bid');
}
