/**
 * Microseconds of TIMESTAMP(p), TIMESTAMP_LTZ(p) and TIME(p) for p > 3. Values stay milliseconds
 * (a JS number) and carry the microseconds as the fraction: 12:00:00.123456 is 43200123.456.
 * A double is only close to such a fraction, so text and databases get the microseconds rounded
 * back to whole ones. For p <= 3 values stay whole milliseconds.
 *
 * @example
 * withMicros(43_200_123, 456) // 43200123.456
 * fractionDigits(43_200_123.456, 6) // '123456'
 */

/**
 * Epoch milliseconds up to which a double's step is under a microsecond, so rounding gives back
 * the exact microsecond: years 1691 to 2248. Outside, values keep whole milliseconds (as p <= 3).
 */
export const MICROS_EXACT_MS = 2 ** 43;

/** `ms` (whole) with `micros` (0 to 999) below it, where a double holds them exactly; else `ms` alone. */
export function withMicros(ms: number, micros: number): number {
  return micros === 0 || !(Math.abs(ms) < MICROS_EXACT_MS) ? ms : ms + micros / 1000;
}

/**
 * The whole millisecond of a value and its microseconds (0 to 999), the fraction rounded (which
 * may carry into the next millisecond). Kept apart: microseconds since the epoch pass 2^53 in the
 * year 2255, beyond which they are no longer whole numbers in a double.
 */
function split(v: number): { readonly ms: number; readonly micros: number } {
  const floor = Math.floor(v);
  const micros = Math.round((v - floor) * 1000);
  return micros === 1000 ? { ms: floor + 1, micros: 0 } : { ms: floor, micros };
}

/** The value cut to `p` fraction digits of the second (p >= 3), as Flink's CAST to a lower precision. */
export function cutMicros(v: number, p: number): number {
  if (Number.isInteger(v) || p >= 6) return v;
  const { ms, micros } = split(v);
  const step = 10 ** (6 - p);
  return withMicros(ms, Math.floor(micros / step) * step);
}

/**
 * The first `p` fraction digits of the second (p > 3; digits past the sixth are zeros) and the
 * whole seconds they belong to, in epoch milliseconds: the rounding may carry into the next second.
 */
export function splitSecond(v: number, p: number): { readonly secondMs: number; readonly digits: string } {
  const { ms, micros } = split(v);
  const secondMs = Math.floor(ms / 1000) * 1000;
  const frac = String((ms - secondMs) * 1000 + micros).padStart(6, '0');
  return { secondMs, digits: p <= 6 ? frac.slice(0, p) : frac.padEnd(p, '0') };
}

/** `fractionDigits` of a value: the `p` digits after its second. */
export const fractionDigits = (v: number, p: number): string => splitSecond(v, p).digits;

/**
 * A text's fraction of the second (its digits after the point) as milliseconds: whole, cut to
 * three digits, for p <= 3 (as before microseconds); with up to min(p, 6) digits' microseconds
 * as the fraction for p > 3. `base` is the whole-second value the fraction is added to.
 */
export function addFraction(base: number, digits: string | undefined, p: number): number {
  if (!digits) return base;
  if (p <= 3) return base + Number(digits.slice(0, 3).padEnd(3, '0'));
  const us = Number(digits.slice(0, Math.min(p, 6)).padEnd(6, '0'));
  const ms = Math.floor(us / 1000);
  return withMicros(base + ms, us - ms * 1000);
}
