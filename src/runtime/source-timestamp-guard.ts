import { Batch } from '../core/batch.js';
import { InvalidTimestampError, UserFunctionError, snippet } from '../core/errors.js';
import { firstInvalidTimestamp, invalidTimestampReason } from '../core/event-time.js';
import type { OperatorMetrics } from '../core/operator.js';
import type { ErrorPolicy, SourceReader } from '../core/source.js';

export type TimestampAssigner = (value: unknown, previous: number) => number;

/**
 * The slow path of a source task for records whose event time is not a safe integer: the source's
 * error policy fails the job (naming source, position and record), skips them (counted in
 * `skippedRecords`) or sends them to the dead-letter output with the reason. The task's loop only
 * checks each timestamp and calls in here at the first bad one.
 */
export class SourceTimestampGuard {
  constructor(
    private readonly sourceName: string,
    private readonly policy: ErrorPolicy,
    private readonly reader: SourceReader<unknown>,
    private readonly metrics: OperatorMetrics,
    private readonly deadLetter: (raw: string, reason: string, location: string) => void,
  ) {}

  /** Finishes assigning a batch whose record `from` got the invalid timestamp `bad`; returns the records kept. */
  assignRest(
    values: unknown[],
    previous: number[],
    assigned: number[],
    from: number,
    bad: unknown,
    assign: TimestampAssigner,
    kinds: Uint8Array | undefined,
  ): Batch<unknown> {
    const n = values.length;
    const ts: unknown[] = assigned;
    ts[from] = bad;
    let i = from + 1;
    try {
      for (; i < n; i++) ts[i] = assign(values[i], previous[i]!);
    } catch (e) {
      throw new UserFunctionError(`${this.sourceName} (timestamp assigner)`, values[i], e);
    }
    return this.keepValid(values, ts, from, false, kinds);
  }

  /** The records of a batch whose reader-given timestamps are invalid from `from` on, filtered by the policy. */
  keepValid(values: unknown[], ts: readonly unknown[], from: number, allowNone: boolean, kinds: Uint8Array | undefined): Batch<unknown> {
    const n = values.length;
    const keptValues = values.slice(0, from);
    const keptTs = ts.slice(0, from) as number[];
    // Row kinds of a changelog follow the rows kept.
    const keptKinds: number[] | undefined = kinds && Array.from(kinds.subarray(0, from));
    let i = from;
    while (i < n) {
      this.reject(values[i], ts[i], i, allowNone);
      const next = firstInvalidTimestamp(ts, i + 1, n, allowNone);
      for (let j = i + 1; j < next; j++) {
        keptValues.push(values[j]);
        keptTs.push(ts[j] as number);
        keptKinds?.push(kinds![j]!);
      }
      i = next;
    }
    return new Batch(keptValues, keptTs, undefined, keptKinds && Uint8Array.from(keptKinds));
  }

  private reject(value: unknown, t: unknown, index: number, carried: boolean): void {
    const where = `source '${this.sourceName}' (${carried ? 'timestamp from the source' : 'timestamp assigner'})`;
    const location = this.reader.locate?.(index);
    const reason = invalidTimestampReason(t);
    if (this.policy === 'fail') throw new InvalidTimestampError(where, location, value, reason);
    if (this.policy === 'skip') this.metrics.inc('skippedRecords');
    else
      this.deadLetter(
        typeof value === 'string' ? value : snippet(value, 1000),
        `Invalid event timestamp in ${where}: ${reason}`,
        location ?? 'unknown position',
      );
  }
}
