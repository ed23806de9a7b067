import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TimerBuckets } from '../../src/runtime/time/timer-buckets.js';
import { TimerHeap, type Timer } from '../../src/runtime/time/timer-heap.js';

// The bucketed queue was introduced for the windowed Nexmark queries; it must order timers exactly
// as the heap it replaced: by timestamp, then registration order.
describe('TimerBuckets', () => {
  it('pops in the same order as TimerHeap under interleaved pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 300 }), (ops) => {
        const heap = new TimerHeap();
        const buckets = new TimerBuckets();
        let seq = 0;
        const a: (Timer | undefined)[] = [];
        const b: (Timer | undefined)[] = [];
        for (const op of ops) {
          if (op < 0) {
            a.push(heap.pop());
            b.push(buckets.pop());
          } else {
            const t = { timestamp: op, keyId: seq % 3, namespace: 0, seq: seq++ };
            heap.push(t);
            buckets.push(t);
          }
          expect(buckets.size).toBe(heap.size);
          expect(buckets.peek()).toBe(heap.peek());
        }
        expect(b).toEqual(a);
        expect(buckets.toArray().sort((x, y) => x.seq - y.seq)).toEqual(heap.toArray().sort((x, y) => x.seq - y.seq));
      }),
    );
  });
});
