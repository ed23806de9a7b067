import { NO_TIMESTAMP } from './batch.js';

/**
 * Index of the first of `timestamps[from..n)` that is not an event time (a safe integer of epoch
 * milliseconds), or `n`. With `allowNone`, {@link NO_TIMESTAMP} passes: records that carry none.
 *
 * @example
 * firstInvalidTimestamp([1000, NaN, 2000], 0, 3, false); // 1
 */
export function firstInvalidTimestamp(timestamps: readonly unknown[], from: number, n: number, allowNone: boolean): number {
  // Number.isSafeInteger written out: V8 compiles these comparisons to a few instructions per
  // record, the call cost about twice as much in a source's per-batch check (1.5 ns per record).
  if (allowNone) {
    for (let i = from; i < n; i++) {
      const t = timestamps[i];
      if (typeof t !== 'number' || ((t !== Math.floor(t) || t > MAX_SAFE || t < -MAX_SAFE) && t !== NO_TIMESTAMP)) return i;
    }
  } else {
    for (let i = from; i < n; i++) {
      const t = timestamps[i];
      if (typeof t !== 'number' || t !== Math.floor(t) || t > MAX_SAFE || t < -MAX_SAFE) return i;
    }
  }
  return n;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Why `t` is not an event time, with a hint at the usual cause.
 *
 * @example
 * invalidTimestampReason('5000'); // 'the timestamp is the string "5000" ...'
 */
export function invalidTimestampReason(t: unknown): string {
  let what: string;
  if (t === undefined || t === null) what = `the timestamp is ${String(t)} (is the field name right, and is it set on every record?)`;
  else if (typeof t === 'string')
    what = `the timestamp is the string ${JSON.stringify(t.length > 40 ? t.slice(0, 40) + '…' : t)} (convert it with Number(...) or Date.parse(...); a CSV column is a string unless csv.types says 'number')`;
  else if (t instanceof Date) what = 'the timestamp is a Date (use date.getTime())';
  else if (typeof t === 'bigint') what = `the timestamp is the bigint ${t}n (convert it with Number(...))`;
  else if (typeof t !== 'number') what = `the timestamp is a ${typeof t}`;
  else if (Number.isNaN(t)) what = 'the timestamp is NaN';
  else if (!Number.isFinite(t)) what = `the timestamp is ${t}`;
  else if (!Number.isInteger(t)) what = `the timestamp ${t} is not an integer`;
  else what = `the timestamp ${t} is beyond Number.MAX_SAFE_INTEGER`;
  return `${what}; event timestamps must be safe integers (epoch milliseconds)`;
}
