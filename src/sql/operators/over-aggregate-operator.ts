import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { valueState, type ValueState } from '../../core/state.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';
import { describeTtl } from './sql-state-ttl.js';
import { accumulate, createAccs, results, type AggCall } from './sql-accumulators.js';

/** What both OVER operators (over a time attribute, and over a changelog) take of a window: its calls, frame, output and text. */
export interface OverFrameParams {
  readonly calls: readonly AggCall[];
  /** ROWS counts rows before the current one; RANGE measures the ORDER BY value back from the current row's. */
  readonly unit: 'ROWS' | 'RANGE';
  /** Rows, or the RANGE offset in the ORDER BY value's unit (milliseconds of a time); Infinity for UNBOUNDED PRECEDING. */
  readonly preceding: number;
  /** The output row: the input row's columns, then the results of the calls. */
  readonly output: (r: Row, results: readonly unknown[]) => Row;
  readonly text: { readonly partitionBy: string; readonly orderBy: string; readonly frame: string; readonly select: string };
}

/** Parameters of a `sqlOverAggregate` node, compiled once per query. */
export interface OverAggregateParams extends OverFrameParams {
  /** The event time a row is ordered by (its ORDER BY time attribute, epoch ms). */
  readonly time: (r: Row) => number | null;
  /** `table.exec.state.ttl` in milliseconds: a partition idle that long (and with no row waiting) is forgotten; 0 or absent: never. */
  readonly ttl?: number;
}

/**
 * Per partition key: rows waiting for the watermark (by time), the rows inside the frame (from
 * `head`, with their times) and the accumulators over them.
 */
interface OverEntry {
  pending: Map<number, Row[]>;
  frame: Row[];
  times: number[];
  head: number;
  accs: unknown[];
  /** The processing time of the partition's cleanup timer, with `table.exec.state.ttl`. */
  cleanupAt?: number;
}

export const LATE_RECORDS_DROPPED = 'numLateRecordsDropped';

/**
 * An OVER aggregation ordered by event time, as Flink's RowTime OverAggregate: rows wait in state
 * until the watermark passes their time, then each is emitted with the aggregates over its frame
 * (`ROWS BETWEEN n PRECEDING AND CURRENT ROW`: itself and the n rows before it; `RANGE BETWEEN
 * INTERVAL 'x' PRECEDING AND CURRENT ROW`: the rows whose time is at most x before its own, its
 * peers of the same time included). Insert-only output; rows later than the watermark are dropped
 * and counted (`numLateRecordsDropped`), as in Flink. With `table.exec.state.ttl`, as Flink's
 * cleanup timers: a partition that received no row for between 1 and 1.5 TTL is forgotten (its
 * frame and accumulators start from nothing again), unless rows of it still wait for the
 * watermark; then the cleanup waits too.
 */
export class OverAggregateOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<OverEntry>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: OverAggregateParams) {}

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<OverEntry>('over-aggregate'));
  }

  processBatch(batch: Batch<Row>): void {
    const { values, keys } = batch;
    const keyed = this.ctx.keyed!;
    const watermark = this.ctx.currentWatermark();
    for (let i = 0; i < values.length; i++) {
      const row = values[i]!;
      const t = this.params.time(row);
      if (t === null) throw new SqlError(`${this.ctx.operatorName}: the ORDER BY time attribute is NULL (row ${snippet(row)})`);
      if (t <= watermark) {
        this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
        continue;
      }
      keyed.setCurrentKey(keys![i]);
      let e = this.state.value();
      if (e === undefined) e = { pending: new Map(), frame: [], times: [], head: 0, accs: createAccs(this.params.calls) };
      const waiting = e.pending.get(t);
      if (waiting === undefined) {
        e.pending.set(t, [row]);
        keyed.timers.registerEventTimeTimer(0, t);
      } else waiting.push(row);
      if (this.params.ttl) this.scheduleCleanup(e, this.params.ttl);
      this.state.update(e);
    }
  }

  onEventTime(_ns: string | number, t: number): void {
    const e = this.state.value();
    const rows = e?.pending.get(t);
    if (e === undefined || rows === undefined) return;
    e.pending.delete(t);
    const { calls, unit, preceding, output } = this.params;
    const keep = preceding !== Infinity;
    try {
      if (unit === 'ROWS') {
        for (const row of rows) {
          accumulate(calls, e.accs, row, 1);
          if (keep) {
            e.frame.push(row);
            if (e.frame.length - e.head > preceding + 1) this.retractHead(e);
          }
          this.builder.add(output(row, results(calls, e.accs)), t);
        }
      } else {
        for (const row of rows) {
          accumulate(calls, e.accs, row, 1);
          if (keep) {
            e.frame.push(row);
            e.times.push(t);
          }
        }
        while (keep && e.head < e.times.length && e.times[e.head]! < t - preceding) this.retractHead(e);
        const res = results(calls, e.accs);
        for (const row of rows) this.builder.add(output(row, res), t);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Drop the retracted prefix now and then, so the frame costs O(1) per row.
    if (e.head > 64 && e.head * 2 > e.frame.length) {
      e.frame = e.frame.slice(e.head);
      e.times = e.times.slice(e.head);
      e.head = 0;
    }
    this.state.update(e);
  }

  /** One timer per partition and half a TTL, not one per row: the cleanup comes 1 to 1.5 TTL after the last row. */
  private scheduleCleanup(e: OverEntry, ttl: number): void {
    const now = this.ctx.clock.now();
    if (e.cleanupAt !== undefined && now + ttl <= e.cleanupAt) return;
    e.cleanupAt = now + Math.ceil(ttl * 1.5);
    this.ctx.keyed!.timers.registerProcessingTimeTimer(0, e.cleanupAt);
  }

  onProcessingTime(_ns: string | number, t: number): void {
    const e = this.state.value();
    // A later row moved the cleanup on; that timer decides.
    if (e === undefined || e.cleanupAt !== t) return;
    if (e.pending.size === 0) return this.state.clear();
    e.cleanupAt = undefined;
    this.scheduleCleanup(e, this.params.ttl!);
    this.state.update(e);
  }

  private retractHead(e: OverEntry): void {
    accumulate(this.params.calls, e.accs, e.frame[e.head]!, -1);
    e.head++;
  }

  private flush(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  onWatermark(w: number): void {
    this.flush();
    this.ctx.output.pushWatermark(w);
  }

  prepareSnapshotPreBarrier(): void {
    this.flush();
  }

  finish(): void {
    this.flush();
  }
}

/** The `sqlOverAggregate` operator kind, registered by the SQL layer. */
export const overAggregateKind: OperatorFactory<OverAggregateParams> = {
  kind: 'sqlOverAggregate',
  create: (params) => new OverAggregateOperator(params) as Operator<unknown>,
  describe: ({ text, ttl }) => ({
    ...(text.partitionBy ? { partitionBy: text.partitionBy } : {}),
    orderBy: text.orderBy,
    frame: text.frame,
    select: text.select,
    ...describeTtl(ttl),
  }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'insert-only',
};
