/**
 * The crash job's input and the output it must commit, computed by plain code from the input alone
 * (no Weir run), so a run that loses or repeats output cannot agree with itself.
 *
 * Input: row `i` is due at event time `5 * i`, shuffled forward by up to 45 ms (out of order, but
 * within the job's bound of 50 ms, so never late). Every `LATE_EVERY`-th row is instead `LATE_LAG`
 * ms behind: late for its window under the watermark rule (highest timestamp seen - 50 - 1), whatever
 * the batch boundaries or the skew between parallel readers (checked by `expectedOutput`).
 */
import { RowRandom } from '../../src/connectors/datagen/index.js';

export interface ChaosEvent {
  readonly id: number;
  readonly user: string;
  readonly amount: number;
  readonly ts: number;
}

export const INPUT_SEED = 42;
export const OUT_OF_ORDERNESS = 50;
export const WINDOW = 1000;
/** Event-time buckets of the process function's timers. */
export const BUCKET = 2000;
/** A record more than this behind its key's highest timestamp registers no bucket timer. */
export const STRAGGLER = 1000;
export const LATE_EVERY = 211;
export const LATE_LAG = 15_000;
/**
 * Rows a watermark may trail a record by (a batch of 64, readers at p = 2 skewed by up to a second
 * at 2000 rows/s): a late row must be late even against the watermark of this many rows earlier.
 */
const WATERMARK_TRAIL_ROWS = 2500;

export function isLateRow(i: number): boolean {
  return i % LATE_EVERY === LATE_EVERY - 1 && 5 * i >= LATE_LAG;
}

/** Row `i`; datagen calls it with a `RowRandom` reset to (seed, i). */
export function chaosEvent(i: number, r: RowRandom): ChaosEvent {
  const user = `u${r.int(0, 19)}`;
  const amount = r.int(1, 100);
  const jitter = r.int(0, 45);
  return { id: i, user, amount, ts: 5 * i + jitter - (isLateRow(i) ? LATE_LAG : 0) };
}

export function chaosInput(rows: number): ChaosEvent[] {
  const r = new RowRandom();
  return Array.from({ length: rows }, (_, i) => {
    r.reset(INPUT_SEED, i);
    return chaosEvent(i, r);
  });
}

export const bucketOf = (ts: number): number => Math.ceil((ts + 1) / BUCKET) * BUCKET;
export const windowStart = (ts: number): number => Math.floor(ts / WINDOW) * WINDOW;
export const lateLine = (e: ChaosEvent): string => `late ${e.user} ${e.id} ${e.ts}`;
export const windowLine = (user: string, start: number, sum: number): string => `window ${user} ${start} ${sum}`;

export interface ExpectedOutput {
  readonly lines: string[];
  /** The late rows (dropped by the window into its side output). */
  readonly late: ChaosEvent[];
}

/**
 * What the crash job commits for `input`: per record `seen`; per key and bucket a `timer` (bucket
 * timers only for records at most `STRAGGLER` behind their key's highest timestamp); per key a
 * `total`; per key and tumbling window of on-time records a `window` sum; per late record a `late`
 * line. Throws if a row is neither surely on time nor surely late, since then the output would
 * depend on timing.
 */
export function expectedOutput(input: readonly ChaosEvent[]): ExpectedOutput {
  const lines: string[] = [];
  const late: ChaosEvent[] = [];
  const count = new Map<string, number>();
  const maxTs = new Map<string, number>();
  const timers = new Set<string>();
  const sums = new Map<string, number>();
  // Highest timestamp before row i, and before row i - WATERMARK_TRAIL_ROWS.
  const prefixMax: number[] = [];
  let highest = -Infinity;
  for (const e of input) {
    prefixMax.push(highest);
    highest = Math.max(highest, e.ts);
  }
  input.forEach((e, i) => {
    lines.push(`seen ${e.user} ${e.id}`);
    count.set(e.user, (count.get(e.user) ?? 0) + 1);
    const keyMax = maxTs.get(e.user);
    if (keyMax === undefined || e.ts >= keyMax - STRAGGLER) timers.add(`timer ${e.user} ${bucketOf(e.ts)}`);
    else if (!isLateRow(i)) throw new Error(`row ${i} is an on-time straggler; its timer would depend on timing`);
    maxTs.set(e.user, Math.max(keyMax ?? -Infinity, e.ts));
    if (isLateRow(i) && keyMax !== undefined && e.ts >= keyMax - STRAGGLER) throw new Error(`late row ${i} would register a timer that may have fired`);

    const mostWatermark = prefixMax[i]! - OUT_OF_ORDERNESS - 1;
    const leastWatermark = (i >= WATERMARK_TRAIL_ROWS ? prefixMax[i - WATERMARK_TRAIL_ROWS + 1]! : -Infinity) - OUT_OF_ORDERNESS - 1;
    const windowMax = windowStart(e.ts) + WINDOW - 1;
    if (windowMax <= leastWatermark) late.push(e);
    else if (e.ts > mostWatermark) {
      const k = `${e.user} ${windowStart(e.ts)}`;
      sums.set(k, (sums.get(k) ?? 0) + e.amount);
    } else throw new Error(`row ${i} (ts ${e.ts}) may or may not be late`);
  });
  for (const t of timers) lines.push(t);
  for (const [user, n] of count) lines.push(`total ${user} ${n}`);
  for (const [k, sum] of sums) {
    const [user, start] = k.split(' ');
    lines.push(windowLine(user!, Number(start), sum));
  }
  for (const e of late) lines.push(lateLine(e));
  return { lines, late };
}
