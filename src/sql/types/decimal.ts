import { SqlError } from '../sql-error.js';

/**
 * DECIMAL(p, s) values at run time: a bigint holding the value times 10^s (the scale is known when
 * the query is compiled, so it is not stored). bigint over a decimal library because the values stay
 * primitives: `===`, `<`, Map keys (GROUP BY, COUNT DISTINCT), MIN/MAX and state snapshots work on
 * them unchanged, and arithmetic is exact without allocating an object per value.
 *
 * @example
 * decimalToString(decimalParse('0.1', 2) + decimalParse('0.2', 2), 2) // '0.30'
 */
const POW10: bigint[] = [1n];
for (let i = 1; i <= 80; i++) POW10.push(POW10[i - 1]! * 10n);
export const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);

/** `v` (scale `from`) at scale `to`, rounding half away from zero (Flink's HALF_UP) when it shortens. */
export function rescale(v: bigint, from: number, to: number): bigint {
  if (to === from) return v;
  if (to > from) return v * pow10(to - from);
  return divHalfUp(v, pow10(from - to));
}

/** a / b rounded half away from zero. */
export function divHalfUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const bb = b < 0n ? -b : b;
  if (twice < bb) return q;
  return a < 0n !== b < 0n ? q - 1n : q + 1n;
}

const DEC = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/;

/** Decimal text (`-12.50`, `1e3`) at scale `s`, rounded half up; undefined when it is not a number. */
export function parseDecimalText(text: string, s: number): bigint | undefined {
  const m = DEC.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  let v = BigInt(digits === '' ? '0' : digits);
  v = exp >= 0 ? v * pow10(exp) : v;
  const scale = exp >= 0 ? 0 : -exp;
  v = rescale(v, scale, s);
  return m[1] === '-' ? -v : v;
}

/** The unscaled value of text `text` at scale `s`; fails naming the text when it is not a number. */
export function decimalParse(text: string, s: number): bigint {
  const v = parseDecimalText(text, s);
  if (v === undefined) throw new SqlError(`Cannot cast '${text}' to DECIMAL`);
  return v;
}

/** A JS number as DECIMAL at scale `s`: its shortest decimal text (as Java's BigDecimal.valueOf), rounded half up. */
export function decimalFromNumber(x: number, s: number): bigint {
  if (!Number.isFinite(x)) throw new SqlError(`Cannot cast ${x} to DECIMAL`);
  if (Number.isSafeInteger(x)) return BigInt(x) * pow10(s);
  return parseDecimalText(String(x), s)!;
}

/** The value as text with exactly `s` digits after the point (Flink prints DECIMAL(10, 2) 1 as `1.00`). */
export function decimalToString(v: bigint, s: number): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(s + 1, '0');
  const text = s === 0 ? digits : `${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
  return neg ? `-${text}` : text;
}

export const decimalToNumber = (v: bigint, s: number): number => Number(decimalToString(v, s));

/** Whether `v` fits DECIMAL(p, ·): fewer than p digits. */
export const fitsPrecision = (v: bigint, p: number): boolean => (v < 0n ? -v : v) < pow10(p);

/** Flink's rule when a result type needs more than 38 digits: keep the integer digits, at least min(s, 6) fraction digits. */
export function adjustPrecisionScale(p: number, s: number): { precision: number; scale: number } {
  if (p <= 38) return { precision: p, scale: s };
  const intDigits = p - s;
  const minScale = Math.min(s, 6);
  return { precision: 38, scale: Math.max(38 - intDigits, minScale) };
}
