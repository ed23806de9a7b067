// Chunk bounds computed from a one-column integer key's range: every key falls in exactly one
// chunk, a chunk spans at least chunk-size keys and at most upper-bound times that (so it holds no
// more rows, the keys being distinct), and too sparse a key, or no estimate, asks for the index walk.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkIndexOf, chunksAt, evenBoundaries, evenDistributionBound } from '../../src/connectors/postgres-cdc/chunks.js';

describe('even chunk boundaries', () => {
  it('steps chunk-size keys from the smallest key on a dense table', () => {
    expect(evenBoundaries(1n, 100n, 100, 30, 10)).toEqual(['31', '61', '91']);
    expect(evenBoundaries(-5n, -5n, 1, 8, 10)).toEqual([]);
  });

  it('widens the step by the distribution factor, and refuses keys sparser than the bound or an unknown estimate', () => {
    // 1000 keys, 250 rows: factor 4, a boundary every 40 keys (about 10 rows each).
    expect(evenBoundaries(0n, 999n, 250, 10, 10)).toEqual(Array.from({ length: 24 }, (_, i) => String((i + 1) * 40)));
    expect(evenBoundaries(0n, 999n, 99, 10, 10)).toBeUndefined();
    expect(evenBoundaries(0n, 999n, 0, 10, 10)).toBeUndefined();
    expect(evenBoundaries(0n, 999n, -1, 10, 10)).toBeUndefined();
    expect(evenBoundaries(0n, 999n, 1000, 10, 0)).toBeUndefined();
  });

  it('covers every key of the range once, in chunks of chunk-size to bound x chunk-size keys, whatever the estimate', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n - 100_000n }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: -1, max: 200_000, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(0, 1, 2, 10, 1000),
        (min, span, estimate, size, bound) => {
          const max = min + BigInt(span);
          const b = evenBoundaries(min, max, estimate, size, bound);
          const factor = (span + 1) / estimate;
          if (!(estimate > 0) || !(factor <= bound)) {
            expect(b).toBeUndefined();
            return;
          }
          expect(b).toBeDefined();
          const chunks = chunksAt(b!);
          // Bounds ascend inside the range; each key is in the chunk that starts at or before it.
          const keys = b!.map(BigInt);
          keys.forEach((k, i) => {
            expect(k > min && k <= max).toBe(true);
            if (i > 0) expect(k - keys[i - 1]!).toBe(keys[0]! - min);
          });
          for (const k of [min, max, min + BigInt(span >> 1), ...keys, ...keys.map((x) => x - 1n)]) {
            const c = chunks[chunkIndexOf(chunks, k)]!;
            expect((c.lo === null || k >= BigInt(c.lo)) && (c.hi === null || k < BigInt(c.hi))).toBe(true);
          }
          if (keys.length > 0) {
            const step = Number(keys[0]! - min);
            expect(step).toBeGreaterThanOrEqual(size);
            expect(step).toBeLessThanOrEqual(Math.ceil(size * Math.max(1, bound)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes 0 or a number from 1 on for chunk-key.even-distribution.factor.upper-bound', () => {
    expect(evenDistributionBound('mysql-cdc', undefined)).toBe(10);
    expect(evenDistributionBound('mysql-cdc', 0)).toBe(0);
    expect(evenDistributionBound('mysql-cdc', 2.5)).toBe(2.5);
    expect(() => evenDistributionBound('postgres-cdc', 0.5)).toThrow(
      "postgres-cdc: 'chunk-key.even-distribution.factor.upper-bound' must be 0 (off) or a number from 1 on, got 0.5",
    );
    expect(() => evenDistributionBound('mysql-cdc', Number.NaN)).toThrow(/must be 0/);
  });
});
