import { describe, expect, it } from 'vitest';
import { NO_TIMESTAMP } from '../../src/core/batch.js';
import { firstInvalidTimestamp } from '../../src/core/event-time.js';

// The check is Number.isSafeInteger written out for speed; the oracle is Number.isSafeInteger itself.
const odd: unknown[] = [
  0,
  -0,
  1,
  1.5,
  -1.5,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  -Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER - 1,
  2 ** 53 + 2,
  1e300,
  NaN,
  Infinity,
  -Infinity,
  '5000',
  '',
  undefined,
  null,
  true,
  5000n,
  new Date(5000),
  { valueOf: () => 5000 },
  [5000],
];

describe('firstInvalidTimestamp', () => {
  for (const allowNone of [false, true]) {
    it(`agrees with Number.isSafeInteger on every odd value (allowNone ${allowNone})`, () => {
      for (const t of odd) {
        const valid = Number.isSafeInteger(t) || (allowNone && t === NO_TIMESTAMP);
        expect([String(t), firstInvalidTimestamp([1000, t, 2000], 0, 3, allowNone)]).toEqual([String(t), valid ? 3 : 1]);
      }
    });
  }

  it('starts at from and stops at n', () => {
    expect(firstInvalidTimestamp([NaN, 1, 2, NaN], 1, 3, false)).toBe(3);
    expect(firstInvalidTimestamp([NaN, 1, 2, NaN], 1, 4, false)).toBe(3);
    expect(firstInvalidTimestamp([NaN, 1], 0, 2, true)).toBe(0);
  });
});
