// Sinks write TIMESTAMP values as `yyyy-MM-dd HH:mm:ss.SSS`; the formatter keeps the last day's
// text, so it is checked against the Date-based text on random instants, in and out of order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../src/sql/runtime-helpers.js';

const viaDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

describe('formatTimestamp', () => {
  it('gives the ISO text with a space, for any instant of years 0000-9999 and beyond', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -62_167_219_200_000 - 1000, max: 253_402_300_800_000 + 1000 }), { maxLength: 50 }), (instants) => {
        for (const ms of instants) expect(formatTimestamp(ms)).toBe(viaDate(ms));
      }),
    );
  });

  it('runs of one day, millisecond edges and the day before the epoch', () => {
    const T = Date.UTC(2024, 1, 29);
    for (const ms of [T, T + 1, T + 9, T + 10, T + 99, T + 100, T + 86_399_999, T + 86_400_000, -1, 0, -86_400_000])
      expect(formatTimestamp(ms)).toBe(viaDate(ms));
  });
});
