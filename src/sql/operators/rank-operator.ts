import { BatchBuilder, type Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { RowKind } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import type { Row } from './calc-operator.js';
import { describeTtl, sqlStateTtl } from './sql-state-ttl.js';
import { LATE_RECORDS_DROPPED } from './over-aggregate-operator.js';
import { compareKeys, insertionPoint, type SortOrder } from './sort-keys.js';
import { emitRankDiff, keptCount, rankedRows, type RankFunction } from './rank-ranges.js';

/** Parameters of a `sqlRank` node (Top-N), compiled once per query. */
export interface RankParams {
  /** The ORDER BY values of a row. */
  readonly sortKey: (r: Row) => unknown[];
  readonly order: SortOrder;
  /** N of `rn <= N`: the last rank kept. */
  readonly limit: number;
  /** The first rank kept (`rn = N`, `rn BETWEEN a AND b`); 1 when absent. */
  readonly start?: number;
  /** ROW_NUMBER when absent. */
  readonly rankFunction?: RankFunction;
  /** The query reads the row number: a row whose rank changes is updated (-U/+U); else -D/+I. */
  readonly rankOutput: boolean;
  /** Window Top-N: the window_end of a row; the window's ranks are emitted once, when the watermark passes it. */
  readonly windowEnd: ((r: Row) => number) | undefined;
  /** The output row: the input row with its row number. */
  readonly output: (r: Row, rn: readonly unknown[]) => Row;
  readonly text: { readonly partitionBy: string; readonly orderBy: string; readonly limit: number };
  /** `table.exec.state.ttl` in milliseconds: a partition's rows expire after that long without a write; 0 or absent: never. Not for window Top-N, whose state ends with its window. */
  readonly ttl?: number;
}

/** The row number of a query that does not read it. */
const NO_RANK: readonly unknown[] = [null];

/** Per partition: its top rows in rank order, with their sort keys. */
interface RankEntry {
  rows: Row[];
  keys: unknown[][];
}

/**
 * Top-N over an insert-only input, as Flink's AppendOnlyTopN: per partition key the best `limit`
 * rows in ORDER BY order (a row that ties goes after the rows already there). Each row that enters
 * the top N is emitted at once: with the row number in the output, every rank it shifts is updated
 * (`-U` old / `+U` new, `+I` for a rank filled for the first time); without it, the row pushed out
 * is deleted (`-D`) and the new one inserted (`+I`). Window Top-N (`windowEnd` set) keeps the top
 * rows of each window and emits them once, insert-only, when the watermark passes the window's end.
 */
export class RankOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<RankEntry>;
  private readonly builder = new BatchBuilder<Row>();
  private readonly rn: [number] = [0];
  /** RANK, DENSE_RANK or a range not starting at 1: the general path. */
  private readonly ranged: boolean;
  constructor(private readonly params: RankParams) {
    this.ranged = (params.start ?? 1) > 1 || (params.rankFunction ?? 'ROW_NUMBER') !== 'ROW_NUMBER';
  }

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<RankEntry>('rank', sqlStateTtl(this.params.ttl)));
  }

  processBatch(batch: Batch<Row>): void {
    const { values, keys, timestamps } = batch;
    const { sortKey, order, limit, windowEnd } = this.params;
    const keyed = this.ctx.keyed!;
    const watermark = this.ctx.currentWatermark();
    for (let i = 0; i < values.length; i++) {
      const row = values[i]!;
      let fires = 0;
      if (windowEnd !== undefined) {
        fires = windowEnd(row) - 1;
        if (fires <= watermark) {
          this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
          continue;
        }
      }
      keyed.setCurrentKey(keys![i]);
      const k = sortKey(row);
      let e = this.state.value();
      if (e === undefined) {
        e = { rows: [], keys: [] };
        if (windowEnd !== undefined) keyed.timers.registerEventTimeTimer(0, fires);
      }
      const at = insertionPoint(order, e.keys, k);
      if (this.ranged) {
        if (this.insertRanged(e, row, k, at, windowEnd === undefined, timestamps[i]!)) this.state.update(e);
        continue;
      }
      if (at >= limit) continue;
      const before = e.rows.length;
      e.rows.splice(at, 0, row);
      e.keys.splice(at, 0, k);
      const evicted = e.rows.length > limit ? e.rows.pop() : undefined;
      if (evicted !== undefined) e.keys.pop();
      this.state.update(e);
      if (windowEnd === undefined) this.emitChanges(e.rows, at, before, evicted, timestamps[i]!);
    }
    this.flush();
  }

  /**
   * RANK, DENSE_RANK or a range not starting at 1: keeps the rows that can still rank within the
   * range (a later row only pushes ranks up) and emits the range's changes. False when the row is not kept.
   */
  private insertRanged(e: RankEntry, row: Row, k: unknown[], at: number, emit: boolean, ts: number): boolean {
    const { order, limit, output, rankOutput } = this.params;
    const fn = this.params.rankFunction ?? 'ROW_NUMBER';
    const start = this.params.start ?? 1;
    const n = e.rows.length;
    // After every kept row, it is kept only when it ties with the last one or the ranks go on below the limit.
    if (at === n && n > 0 && compareKeys(order, e.keys[n - 1]!, k) !== 0 && keptCount(fn, order, [...e.keys, k], limit) === n) return false;
    const before = emit ? rankedRows(fn, order, e.rows, e.keys, start, limit) : undefined;
    e.rows.splice(at, 0, row);
    e.keys.splice(at, 0, k);
    const kept = keptCount(fn, order, e.keys, limit);
    e.rows.length = kept;
    e.keys.length = kept;
    if (before !== undefined) emitRankDiff(this.builder, output, rankOutput, before, rankedRows(fn, order, e.rows, e.keys, start, limit), ts);
    return true;
  }

  /** The changelog of row `at` entering a top list that held `before` rows (`evicted` fell out). */
  private emitChanges(rows: readonly Row[], at: number, before: number, evicted: Row | undefined, ts: number): void {
    const { output } = this.params;
    const b = this.builder;
    const rn = this.rn;
    if (!this.params.rankOutput) {
      if (evicted !== undefined) b.addRow(output(evicted, NO_RANK), ts, RowKind.DELETE);
      b.addRow(output(rows[at]!, NO_RANK), ts, RowKind.INSERT);
      return;
    }
    for (let r = at; r < rows.length; r++) {
      rn[0] = r + 1;
      if (r < before) {
        b.addRow(output(r + 1 < rows.length ? rows[r + 1]! : evicted!, rn), ts, RowKind.UPDATE_BEFORE);
        b.addRow(output(rows[r]!, rn), ts, RowKind.UPDATE_AFTER);
      } else b.addRow(output(rows[r]!, rn), ts, RowKind.INSERT);
    }
  }

  onEventTime(_ns: string | number, t: number): void {
    const e = this.state.value();
    if (e === undefined) return;
    const { output, rankOutput, order, limit } = this.params;
    const ranked = rankedRows(this.params.rankFunction ?? 'ROW_NUMBER', order, e.rows, e.keys, this.params.start ?? 1, limit);
    for (let r = 0; r < ranked.rows.length; r++) {
      this.rn[0] = ranked.ranks[r]!;
      this.builder.add(output(ranked.rows[r]!, rankOutput ? this.rn : NO_RANK), t);
    }
    this.state.clear();
  }

  private flush(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  onWatermark(w: number): void {
    this.flush();
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    this.flush();
  }
}

/** The `sqlRank` operator kind, registered by the SQL layer. */
export const rankKind: OperatorFactory<RankParams> = {
  kind: 'sqlRank',
  create: (params) => new RankOperator(params) as Operator<unknown>,
  describe: ({ text, windowEnd, ttl }) => ({
    ...(text.partitionBy ? { partitionBy: text.partitionBy } : {}),
    orderBy: text.orderBy,
    limit: text.limit,
    ...(windowEnd ? { window: true } : {}),
    ...describeTtl(ttl),
  }),
  outputChangelogMode: ({ windowEnd }) => (windowEnd ? 'insert-only' : 'changelog'),
  inputChangelogMode: () => 'insert-only',
};
