import { BatchBuilder, type Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { isRetraction } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import type { Row } from './calc-operator.js';
import { compareKeys, type SortOrder } from './sort-keys.js';

/** Parameters of a `sqlBatchSort` node: ORDER BY [LIMIT] in batch mode. */
export interface BatchSortParams {
  readonly sortKey: (r: Row) => unknown[];
  readonly order: SortOrder;
  readonly limit: number | undefined;
  readonly text: { readonly orderBy: string; readonly limit?: number };
}

/** The time of the one timer: after any real time, so it fires on the final watermark only. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/**
 * ORDER BY [LIMIT n] in batch mode (Flink's batch Sort and SortLimit): the input's final rows are
 * kept (a changelog is applied as it comes: `+I`/`+U` add a row, `-U`/`-D` take an equal one
 * back), and when the input ends they are sorted and the first n emitted, insert-only. All rows
 * go to one subtask (the planner keys them by a constant); rows that tie keep their arrival order.
 */
export class BatchSortOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  /** Rows by their JSON text, so a retraction finds the row it takes back. */
  private state!: ValueState<Map<string, Row[]>>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: BatchSortParams) {}

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<Map<string, Row[]>>('batch-sort'));
  }

  processBatch(batch: Batch<Row>): void {
    const { values, keys, kinds } = batch;
    if (values.length === 0) return;
    const keyed = this.ctx.keyed!;
    keyed.setCurrentKey(keys![0]);
    let rows = this.state.value();
    if (rows === undefined) {
      rows = new Map();
      keyed.timers.registerEventTimeTimer(0, END_OF_INPUT);
    }
    for (let i = 0; i < values.length; i++) {
      const row = values[i]!;
      const text = JSON.stringify(row);
      const same = rows.get(text);
      if (kinds !== undefined && isRetraction(kinds[i]!)) {
        same?.pop();
        if (same?.length === 0) rows.delete(text);
      } else if (same === undefined) rows.set(text, [row]);
      else same.push(row);
    }
    this.state.update(rows);
  }

  onEventTime(_ns: string | number, t: number): void {
    const rows = this.state.value();
    if (rows === undefined) return;
    const { sortKey, order, limit = Infinity } = this.params;
    const all = [...rows.values()].flat().map((r, i) => ({ r, k: sortKey(r), i }));
    all.sort((a, b) => compareKeys(order, a.k, b.k) || a.i - b.i);
    for (let i = 0; i < all.length && i < limit; i++) this.builder.add(all[i]!.r, t);
    this.state.clear();
  }

  onWatermark(w: number): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The `sqlBatchSort` operator kind, registered by the SQL layer. */
export const batchSortKind: OperatorFactory<BatchSortParams> = {
  kind: 'sqlBatchSort',
  create: (params) => new BatchSortOperator(params) as Operator<unknown>,
  describe: ({ text }) => ({ orderBy: text.orderBy, ...(text.limit !== undefined ? { limit: text.limit } : {}) }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'all',
};
