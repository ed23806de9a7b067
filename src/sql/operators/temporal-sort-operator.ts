import { BatchBuilder, type Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { valueState, type ValueState } from '../../core/state.js';
import type { Row } from './calc-operator.js';
import { LATE_RECORDS_DROPPED } from './over-aggregate-operator.js';
import { compareKeys, type SortOrder } from './sort-keys.js';

/** Parameters of a `sqlTemporalSort` node (ORDER BY a time attribute ASC in streaming). */
export interface TemporalSortParams {
  readonly time: (r: Row) => number;
  /** The values of the ORDER BY items after the time attribute, for rows of the same time. */
  readonly sortKey: ((r: Row) => unknown[]) | undefined;
  readonly order: SortOrder;
  readonly text: { readonly orderBy: string };
}

/** Rows waiting for the watermark, by time. */
type Pending = Map<number, Row[]>;

/**
 * ORDER BY an event-time attribute ascending, as Flink's TemporalSort: rows wait in state until the
 * watermark passes their time and are emitted in time order (then by the other ORDER BY items).
 * All rows go to one subtask (the planner keys them by a constant). Insert-only; rows later than
 * the watermark are dropped and counted.
 */
export class TemporalSortOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<Pending>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: TemporalSortParams) {}

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<Pending>('temporal-sort'));
  }

  processBatch(batch: Batch<Row>): void {
    const { values, keys } = batch;
    const keyed = this.ctx.keyed!;
    const watermark = this.ctx.currentWatermark();
    for (let i = 0; i < values.length; i++) {
      const row = values[i]!;
      const t = this.params.time(row);
      if (t <= watermark) {
        this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
        continue;
      }
      keyed.setCurrentKey(keys![i]);
      const pending = this.state.value() ?? new Map<number, Row[]>();
      const rows = pending.get(t);
      if (rows === undefined) {
        pending.set(t, [row]);
        keyed.timers.registerEventTimeTimer(0, t);
      } else rows.push(row);
      this.state.update(pending);
    }
  }

  onEventTime(_ns: string | number, t: number): void {
    const pending = this.state.value();
    const rows = pending?.get(t);
    if (pending === undefined || rows === undefined) return;
    pending.delete(t);
    const { sortKey, order } = this.params;
    if (sortKey !== undefined && rows.length > 1) {
      const keyed = rows.map((r, i) => ({ r, k: sortKey(r), i }));
      keyed.sort((a, b) => compareKeys(order, a.k, b.k) || a.i - b.i);
      for (const { r } of keyed) this.builder.add(r, t);
    } else for (const r of rows) this.builder.add(r, t);
    if (pending.size === 0) this.state.clear();
    else this.state.update(pending);
  }

  onWatermark(w: number): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The `sqlTemporalSort` operator kind, registered by the SQL layer. */
export const temporalSortKind: OperatorFactory<TemporalSortParams> = {
  kind: 'sqlTemporalSort',
  create: (params) => new TemporalSortOperator(params) as Operator<unknown>,
  describe: ({ text }) => ({ orderBy: text.orderBy }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'insert-only',
};
