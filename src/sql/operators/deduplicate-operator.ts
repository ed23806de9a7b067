import { BatchBuilder, type Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { RowKind } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import type { Row } from './calc-operator.js';
import { describeTtl, sqlStateTtl } from './sql-state-ttl.js';
import { LATE_RECORDS_DROPPED } from './over-aggregate-operator.js';

/** Parameters of a `sqlDeduplicate` node, compiled once per query. */
export interface DeduplicateParams {
  /** The time attribute the rows are ordered by. */
  readonly time: (r: Row) => number;
  /** ORDER BY time DESC: the last row of a key wins; ASC: the first. */
  readonly keepLast: boolean;
  /** The output row: the input row with its row number (always 1). */
  readonly output: (r: Row, rn: readonly unknown[]) => Row;
  readonly text: { readonly partitionBy: string; readonly orderBy: string };
  /** `table.exec.state.ttl` in milliseconds: a key's state expires after that long without a write; 0 or absent: never. */
  readonly ttl?: number;
}

/** Per key: the row kept (or waiting to be emitted), its time, and whether it was emitted (keep-first). */
interface DedupEntry {
  row: Row | undefined;
  time: number;
  done: boolean;
  /** Keep-first with `table.exec.state.ttl`: when the processing-time timer forgets the emitted key. */
  cleanupAt?: number;
}

const ONE = [1] as const;

/**
 * Deduplication on an event-time attribute (`ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) = 1`),
 * as Flink's Deduplicate. Keep last (`ORDER BY ts DESC`): the row with the latest time so far is
 * emitted at once, replacing the one before (`+I`, then `-U`/`+U`). Keep first (`ASC`): the row
 * with the earliest time waits until the watermark passes it, then is emitted once (`+I`, an
 * insert-only result); rows later than the watermark are dropped and counted then. With
 * `table.exec.state.ttl` keep-last's state expires a TTL after its last write; keep-first forgets a
 * key a TTL after emitting its row (a row still waiting for the watermark never expires), so a
 * later row of the key is emitted again, as in Flink.
 */
export class DeduplicateOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<DedupEntry>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: DeduplicateParams) {}

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<DedupEntry>('deduplicate', this.params.keepLast ? sqlStateTtl(this.params.ttl) : {}));
  }

  processBatch(batch: Batch<Row>): void {
    const { values, keys, timestamps } = batch;
    const { time, keepLast, output } = this.params;
    const keyed = this.ctx.keyed!;
    const b = this.builder;
    const watermark = this.ctx.currentWatermark();
    for (let i = 0; i < values.length; i++) {
      const row = values[i]!;
      const t = time(row);
      if (!keepLast && t <= watermark) {
        this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
        continue;
      }
      keyed.setCurrentKey(keys![i]);
      const e = this.state.value();
      if (keepLast) {
        if (e === undefined) b.addRow(output(row, ONE), timestamps[i]!, RowKind.INSERT);
        else if (t >= e.time) {
          b.addRow(output(e.row!, ONE), timestamps[i]!, RowKind.UPDATE_BEFORE);
          b.addRow(output(row, ONE), timestamps[i]!, RowKind.UPDATE_AFTER);
        } else continue;
        this.state.update({ row, time: t, done: false });
      } else if (e === undefined || (!e.done && t < e.time)) {
        this.state.update({ row, time: t, done: false });
        keyed.timers.registerEventTimeTimer(0, t);
      }
    }
    if (b.length > 0) this.ctx.output.push(b.take());
  }

  onEventTime(_ns: string | number, t: number): void {
    const e = this.state.value();
    // A timer of a row that an earlier one replaced.
    if (e === undefined || e.done || e.time !== t) return;
    this.builder.add(this.params.output(e.row!, ONE), t);
    const ttl = this.params.ttl;
    const cleanupAt = ttl ? this.ctx.clock.now() + ttl : undefined;
    this.state.update({ row: undefined, time: t, done: true, ...(cleanupAt !== undefined ? { cleanupAt } : {}) });
    if (cleanupAt !== undefined) this.ctx.keyed!.timers.registerProcessingTimeTimer(0, cleanupAt);
  }

  onProcessingTime(_ns: string | number, t: number): void {
    const e = this.state.value();
    if (e?.done && e.cleanupAt === t) this.state.clear();
  }

  onWatermark(w: number): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The `sqlDeduplicate` operator kind, registered by the SQL layer. */
export const deduplicateKind: OperatorFactory<DeduplicateParams> = {
  kind: 'sqlDeduplicate',
  create: (params) => new DeduplicateOperator(params) as Operator<unknown>,
  describe: ({ text, keepLast, ttl }) => ({
    ...(text.partitionBy ? { partitionBy: text.partitionBy } : {}),
    orderBy: text.orderBy,
    keep: keepLast ? 'last' : 'first',
    ...describeTtl(ttl),
  }),
  outputChangelogMode: ({ keepLast }) => (keepLast ? 'changelog' : 'insert-only'),
  inputChangelogMode: () => 'insert-only',
};
