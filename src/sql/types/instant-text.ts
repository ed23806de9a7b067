import { parseTimestamp } from '../runtime-helpers.js';

/** A wall-clock text and the offset after it: `Z`, `+05`, `-03:30`, `+05:53:28`. */
const WITH_OFFSET = /^(.*\d)\s*(?:Z|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)$/;

/**
 * An instant's text as epoch milliseconds (the microseconds as the fraction for `precision` > 3):
 * a wall clock without an offset is UTC (a MySQL snapshot's TIMESTAMP, read in a UTC session), one
 * with an offset is moved by it. NaN for text of neither shape that `Date.parse` cannot read.
 *
 * @example
 * parseInstant('2024-01-01 12:00:00.123456+01', 6) // Date.UTC(2024, 0, 1, 11, 0, 0, 123) + 0.456
 */
export function parseInstant(text: string, precision: number): number {
  try {
    return parseTimestamp(text, precision);
  } catch {
    const m = WITH_OFFSET.exec(text.trim());
    if (m) {
      try {
        const offset = (Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0)) * 1000;
        return parseTimestamp(m[1]!, precision) - (m[2] === '-' ? -offset : offset);
      } catch {
        // Another shape: Date.parse below.
      }
    }
    return Date.parse(text);
  }
}
