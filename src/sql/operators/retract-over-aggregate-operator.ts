import { BatchBuilder, type Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { isRetraction, RowKind } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';
import { accumulate, createAccs, results, sameResults } from './sql-accumulators.js';
import type { OverFrameParams } from './over-aggregate-operator.js';
import { describeTtl, sqlStateTtl } from './sql-state-ttl.js';
import { compareKeys, compareRows, type SortOrder } from './sort-keys.js';

/** Parameters of a `sqlRetractOverAggregate` node, compiled once per query; a RANGE frame measures back along one ascending ORDER BY value. */
export interface RetractOverAggregateParams extends OverFrameParams {
  /** The ORDER BY values of a row. */
  readonly sortKey: (r: Row) => unknown[];
  readonly order: SortOrder;
  /** The input's columns: rows that tie on ORDER BY are ordered by these, left to right, ascending, NULL first. */
  readonly columns: readonly string[];
  /** `table.exec.state.ttl` in milliseconds: a partition's rows expire after that long without a write; 0 or absent: never. */
  readonly ttl?: number;
}

/** Per partition: its rows in window order, their ORDER BY values, and the results last emitted for each. */
interface RetractOverEntry {
  rows: Row[];
  keys: unknown[][];
  res: unknown[][];
}

/**
 * An OVER aggregation over a changelog (Nexmark q6: the average of each seller's last winning bids,
 * over the updates of a Top-1). Its output is the window evaluated over the input table as it
 * stands: per partition every row is kept in window order (the ORDER BY values, ties broken by
 * the whole row), `+I`/`+U` add a row, `-U`/`-D` take an equal one back. A change recomputes only
 * the rows whose frame it touches (for `ROWS n PRECEDING` the row and the n after it; for RANGE the
 * rows whose ORDER BY value lies within the offset after it; for UNBOUNDED the rest of the
 * partition) and emits `+I` for the new row, `-D` for the removed one and `-U`/`+U` for each row
 * whose results changed. Nothing waits for a watermark.
 */
export class RetractOverAggregateOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<RetractOverEntry>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: RetractOverAggregateParams) {}

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<RetractOverEntry>('retract-over-aggregate', sqlStateTtl(this.params.ttl)));
  }

  processBatch(batch: Batch<Row>): void {
    try {
      this.apply(batch);
    } catch (err) {
      throw err instanceof SqlError ? err : new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  private apply(batch: Batch<Row>): void {
    const { values, keys, kinds, timestamps } = batch;
    const { sortKey, output } = this.params;
    const keyed = this.ctx.keyed!;
    for (let i = 0; i < values.length; i++) {
      keyed.setCurrentKey(keys![i]);
      const row = values[i]!;
      const k = sortKey(row);
      const e = this.state.value() ?? { rows: [], keys: [], res: [] };
      const ts = timestamps[i]!;
      const at = this.upperBound(e, k, row);
      if (kinds !== undefined && isRetraction(kinds[i]!)) {
        // Equal rows sit together, just before the upper bound.
        const gone = at - 1;
        if (gone < 0 || this.compare(e.keys[gone]!, e.rows[gone]!, k, row) !== 0) continue; // nothing to take back (expired state)
        this.builder.addRow(output(e.rows[gone]!, e.res[gone]!), ts, RowKind.DELETE);
        e.rows.splice(gone, 1);
        e.keys.splice(gone, 1);
        e.res.splice(gone, 1);
        if (e.rows.length === 0) {
          this.state.clear();
          continue;
        }
        this.refresh(e, gone, k, -1, ts);
      } else {
        e.rows.splice(at, 0, row);
        e.keys.splice(at, 0, k);
        e.res.splice(at, 0, NONE);
        this.refresh(e, at, k, at, ts);
      }
      this.state.update(e);
    }
  }

  /**
   * Recomputes the rows whose frame changed when a row with ORDER BY values `k` entered at `at`
   * (`inserted` = `at`) or left from `at` (`inserted` = -1), and emits what changed.
   */
  private refresh(e: RetractOverEntry, at: number, k: unknown[], inserted: number, ts: number): void {
    const { unit, preceding, calls, output, order } = this.params;
    const { rows, keys, res } = e;
    const n = rows.length;
    let lo: number;
    let hi: number;
    if (unit === 'ROWS') {
      lo = at;
      hi = preceding === Infinity ? n - 1 : Math.min(n - 1, at + preceding - (inserted < 0 ? 1 : 0));
    } else {
      // The row's peers (their frames end after their last peer) and the rows whose frame reaches back to it.
      lo = boundOfKeys(order, keys, k, false);
      if (preceding === Infinity) hi = n - 1;
      // A NULL ORDER BY value is only in its peers' frames.
      else if (k[0] === null) hi = boundOfKeys(order, keys, k, true) - 1;
      else hi = boundOfKeys(order, keys, [(k[0] as number) + preceding], true) - 1;
    }
    if (lo > hi) return;
    // One pass over the affected rows with the frame's two ends moving forward.
    const accs = createAccs(calls);
    let start = this.frameStart(e, lo);
    let end = start - 1;
    let peersEnd = -1;
    for (let i = lo; i <= hi; i++) {
      let last = i;
      if (unit === 'RANGE') {
        if (i > peersEnd) {
          peersEnd = i;
          while (peersEnd + 1 < n && compareKeys(order, keys[peersEnd + 1]!, keys[i]!) === 0) peersEnd++;
        }
        last = peersEnd;
      }
      while (end < last) accumulate(calls, accs, rows[++end]!, 1);
      const first = this.frameStart(e, i, start);
      while (start < first) accumulate(calls, accs, rows[start++]!, -1);
      const now = results(calls, accs);
      const before = res[i]!;
      if (i === inserted) this.builder.addRow(output(rows[i]!, now), ts, RowKind.INSERT);
      else if (!sameResults(before, now)) {
        this.builder.addRow(output(rows[i]!, before), ts, RowKind.UPDATE_BEFORE);
        this.builder.addRow(output(rows[i]!, now), ts, RowKind.UPDATE_AFTER);
      } else continue;
      res[i] = now;
    }
  }

  /** The first row of row i's frame; `from` (a frame start of an earlier row) lets RANGE walk forward instead of searching. */
  private frameStart(e: RetractOverEntry, i: number, from?: number): number {
    const { unit, preceding, order } = this.params;
    if (preceding === Infinity) return 0;
    if (unit === 'ROWS') return Math.max(0, i - preceding);
    const keys = e.keys;
    const v = keys[i]![0];
    if (from === undefined) return boundOfKeys(order, keys, v === null ? keys[i]! : [(v as number) - preceding], false);
    // A NULL ORDER BY value's frame is its peers; a value's frame holds no NULLs.
    let s = from;
    if (v === null) while (keys[s]![0] !== null) s++;
    else while (keys[s]![0] === null || (keys[s]![0] as number) < (v as number) - preceding) s++;
    return s;
  }

  /** The index after every row that sorts before or equal to (`k`, `row`). */
  private upperBound(e: RetractOverEntry, k: unknown[], row: Row): number {
    let lo = 0;
    let hi = e.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(e.keys[mid]!, e.rows[mid]!, k, row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compare(ak: unknown[], a: Row, bk: unknown[], b: Row): number {
    return compareKeys(this.params.order, ak, bk) || compareRows(this.params.columns, a, b);
  }
}

/** Results not computed yet (a row just inserted). */
const NONE: unknown[] = [];

/** The first index whose ORDER BY values sort after `k` (`after`) or at or after it. */
function boundOfKeys(order: SortOrder, keys: readonly (readonly unknown[])[], k: readonly unknown[], after: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(order, keys[mid]!, k);
    if (c < 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The `sqlRetractOverAggregate` operator kind, registered by the SQL layer. */
export const retractOverAggregateKind: OperatorFactory<RetractOverAggregateParams> = {
  kind: 'sqlRetractOverAggregate',
  create: (params) => new RetractOverAggregateOperator(params) as Operator<unknown>,
  describe: ({ text, ttl }) => ({
    ...(text.partitionBy ? { partitionBy: text.partitionBy } : {}),
    orderBy: text.orderBy,
    frame: text.frame,
    select: text.select,
    ...describeTtl(ttl),
  }),
  outputChangelogMode: () => 'changelog',
  inputChangelogMode: () => 'all',
};
