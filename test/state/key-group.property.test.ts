import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKey, keyGroupFor, keyGroupRangeFor, normalizeKey, subtaskForKeyGroup } from '../../src/core/key-group.js';
import { denormalizeKey } from '../../src/runtime/state/heap-keyed-state-backend.js';

const parallelismSetup = fc.integer({ min: 1, max: 1024 }).chain((mp) => fc.tuple(fc.constant(mp), fc.integer({ min: 1, max: mp })));

/** Keys as users write them: numbers, strings (any code unit, NUL included), and tuples or records of them. */
const primitiveKey = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ unit: 'binary' }), fc.boolean());
const key = fc.oneof(primitiveKey, fc.array(primitiveKey, { maxLength: 3 }), fc.record({ user: fc.string(), day: fc.integer() }));

describe('key groups', () => {
  it('subtask ranges are contiguous, disjoint and cover 0..maxParallelism-1 exactly once', () => {
    fc.assert(
      fc.property(parallelismSetup, ([mp, p]) => {
        const ranges = Array.from({ length: p }, (_, i) => keyGroupRangeFor(mp, p, i));
        // Each range starts where the previous ended, is not empty, and the last ends at mp - 1.
        const gaps = ranges.filter((r, i) => r.start !== (i === 0 ? 0 : ranges[i - 1]!.end + 1) || r.end < r.start);
        expect(gaps).toEqual([]);
        expect(ranges[p - 1]!.end).toBe(mp - 1);
      }),
    );
  });

  it('subtaskForKeyGroup agrees with the ranges', () => {
    fc.assert(
      fc.property(
        parallelismSetup.chain(([mp, p]) => fc.tuple(fc.constant(mp), fc.constant(p), fc.nat(mp - 1))),
        ([mp, p, g]) => {
          const owner = subtaskForKeyGroup(mp, p, g);
          const r = keyGroupRangeFor(mp, p, owner);
          expect(g).toBeGreaterThanOrEqual(r.start);
          expect(g).toBeLessThanOrEqual(r.end);
        },
      ),
    );
  });

  it('keyGroupFor is stable, in range, and equal for equal composite keys', () => {
    fc.assert(
      fc.property(key, fc.integer({ min: 1, max: 4096 }), (k, mp) => {
        const g = keyGroupFor(k, mp);
        expect(Number.isInteger(g)).toBe(true);
        expect(g).toBeGreaterThanOrEqual(0);
        expect(g).toBeLessThan(mp);
        expect(keyGroupFor(k, mp)).toBe(g);
        expect(keyGroupFor(structuredClone(k), mp)).toBe(g);
        expect(hashKey(normalizeKey(k))).toBe(hashKey(normalizeKey(JSON.parse(JSON.stringify(k)))));
      }),
    );
  });

  it('normalized keys round-trip, and distinct keys stay distinct', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        // Inside composite keys -0 becomes 0 (one key, as Map treats them); otherwise the key comes back as it was.
        const back = denormalizeKey(normalizeKey(a));
        if (typeof a === 'object') expect(JSON.stringify(back)).toBe(JSON.stringify(a));
        else expect(back).toBe(a);
        const same = JSON.stringify(a) === JSON.stringify(b) && typeof a === typeof b;
        // -0 and 0 are one key (as in a Map); every other pair is equal exactly when its JSON and type are.
        if (!(Object.is(a, -0) || Object.is(b, -0))) expect(normalizeKey(a) === normalizeKey(b)).toBe(same);
      }),
    );
  });

  it('a string that starts with NUL does not collide with an encoded tuple', () => {
    const tuple = ['a', 1];
    const lookalike = '\u0000' + JSON.stringify(tuple);
    expect(normalizeKey(lookalike)).not.toBe(normalizeKey(tuple));
    expect(denormalizeKey(normalizeKey(lookalike))).toBe(lookalike);
  });

  it('hashes are fixed across versions (changing them would move keys between key groups of old snapshots)', () => {
    expect([keyGroupFor(0, 128), keyGroupFor(42, 128), keyGroupFor('user-1', 128), keyGroupFor(['a', 1], 128), keyGroupFor(1.5, 128)]).toMatchInlineSnapshot(`
      [
        0,
        92,
        108,
        13,
        76,
      ]
    `);
  });

  it('rejects keys that cannot be hashed, naming the type', () => {
    expect(() => keyGroupFor(Symbol('x'), 128)).toThrow(/symbol cannot be a key/);
    expect(() => keyGroupFor(() => 1, 128)).toThrow(/function cannot be a key/);
  });
});
