import { BatchBuilder, type Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { isRetraction, RowKind } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import type { Row } from './calc-operator.js';
import type { RankParams } from './rank-operator.js';
import { describeTtl, sqlStateTtl } from './sql-state-ttl.js';
import { compareKeys, insertionPoint } from './sort-keys.js';
import { emitRankDiff, keptCount, rankedRows } from './rank-ranges.js';

/** Per partition: every row it holds, in rank order, with their sort keys. */
interface RetractRankEntry {
  rows: Row[];
  keys: unknown[][];
}

const NO_RANK: readonly unknown[] = [null];

/** Whether two rows hold the same values (a `-U`/`-D` row is a new object equal to the one it takes back). */
function sameRow(a: Row, b: Row): boolean {
  for (const k in a) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Top-N over a changelog, as Flink's RetractableTopN: per partition every row is kept in rank
 * order (`+I`/`+U` add one, `-U`/`-D` take an equal one back), and each change that reaches the
 * first N ranks is emitted as the difference between the top N before and after it: with the row
 * number, `-U`/`+U` per rank whose row changed (`+I` for a new rank, `-D` for a rank left empty);
 * without it, `-D` for rows that left the top N and `+I` for rows that entered it.
 */
export class RetractRankOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<RetractRankEntry>;
  private readonly builder = new BatchBuilder<Row>();
  private readonly rn: [number] = [0];
  /** RANK, DENSE_RANK or a range not starting at 1: the general path. */
  private readonly ranged: boolean;
  constructor(private readonly params: RankParams) {
    this.ranged = (params.start ?? 1) > 1 || (params.rankFunction ?? 'ROW_NUMBER') !== 'ROW_NUMBER';
  }

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<RetractRankEntry>('retract-rank', sqlStateTtl(this.params.ttl)));
  }

  processBatch(batch: Batch<Row>): void {
    const { values, keys, kinds, timestamps } = batch;
    const { sortKey, order, limit } = this.params;
    const keyed = this.ctx.keyed!;
    for (let i = 0; i < values.length; i++) {
      keyed.setCurrentKey(keys![i]);
      const row = values[i]!;
      const k = sortKey(row);
      const e = this.state.value() ?? { rows: [], keys: [] };
      let at: number;
      if (this.ranged) {
        this.changeRanged(e, row, k, kinds !== undefined && isRetraction(kinds[i]!), timestamps[i]!);
      } else if (kinds !== undefined && isRetraction(kinds[i]!)) {
        // The equal row among those that tie with it (they sit just before its insertion point).
        at = insertionPoint(order, e.keys, k) - 1;
        while (at >= 0 && compareKeys(order, e.keys[at]!, k) === 0 && !sameRow(e.rows[at]!, row)) at--;
        if (at < 0 || compareKeys(order, e.keys[at]!, k) !== 0) continue; // nothing to take back (expired state)
        const before = at < limit ? e.rows.slice(0, limit) : undefined;
        e.rows.splice(at, 1);
        e.keys.splice(at, 1);
        if (before !== undefined) this.emitDiff(before, e.rows, timestamps[i]!);
      } else {
        at = insertionPoint(order, e.keys, k);
        const before = at < limit ? e.rows.slice(0, limit) : undefined;
        e.rows.splice(at, 0, row);
        e.keys.splice(at, 0, k);
        if (before !== undefined) this.emitDiff(before, e.rows, timestamps[i]!);
      }
      if (e.rows.length === 0) this.state.clear();
      else this.state.update(e);
    }
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  /** RANK, DENSE_RANK or a range not starting at 1: the range's rows before and after the change, and their difference. */
  private changeRanged(e: RetractRankEntry, row: Row, k: unknown[], retract: boolean, ts: number): void {
    const { order, limit, output, rankOutput } = this.params;
    const fn = this.params.rankFunction ?? 'ROW_NUMBER';
    const start = this.params.start ?? 1;
    let at = insertionPoint(order, e.keys, k);
    if (retract) {
      at--;
      while (at >= 0 && compareKeys(order, e.keys[at]!, k) === 0 && !sameRow(e.rows[at]!, row)) at--;
      if (at < 0 || compareKeys(order, e.keys[at]!, k) !== 0) return;
    }
    // A change past every row that ranks within the limit changes no rank.
    const reach = keptCount(fn, order, e.keys, limit);
    const before = at < reach || (at === reach && !retract) ? rankedRows(fn, order, e.rows, e.keys, start, limit) : undefined;
    if (retract) {
      e.rows.splice(at, 1);
      e.keys.splice(at, 1);
    } else {
      e.rows.splice(at, 0, row);
      e.keys.splice(at, 0, k);
    }
    if (before !== undefined) emitRankDiff(this.builder, output, rankOutput, before, rankedRows(fn, order, e.rows, e.keys, start, limit), ts);
  }

  /** The changes from the top N `before` to the first N of `after` (rows compared by identity). */
  private emitDiff(before: readonly Row[], after: readonly Row[], ts: number): void {
    const { output, limit, rankOutput } = this.params;
    const b = this.builder;
    const n = Math.min(limit, after.length);
    if (!rankOutput) {
      for (const o of before) if (after.indexOf(o) < 0 || after.indexOf(o) >= n) b.addRow(output(o, NO_RANK), ts, RowKind.DELETE);
      for (let r = 0; r < n; r++) if (before.indexOf(after[r]!) < 0) b.addRow(output(after[r]!, NO_RANK), ts, RowKind.INSERT);
      return;
    }
    const rn = this.rn;
    for (let r = 0; r < Math.max(before.length, n); r++) {
      const o = before[r];
      const x = r < n ? after[r] : undefined;
      if (o === x) continue;
      rn[0] = r + 1;
      if (o !== undefined && x !== undefined) {
        b.addRow(output(o, rn), ts, RowKind.UPDATE_BEFORE);
        b.addRow(output(x, rn), ts, RowKind.UPDATE_AFTER);
      } else if (o !== undefined) b.addRow(output(o, rn), ts, RowKind.DELETE);
      else b.addRow(output(x!, rn), ts, RowKind.INSERT);
    }
  }
}

/** The `sqlRetractRank` operator kind, registered by the SQL layer. */
export const retractRankKind: OperatorFactory<RankParams> = {
  kind: 'sqlRetractRank',
  create: (params) => new RetractRankOperator(params) as Operator<unknown>,
  describe: ({ text, ttl }) => ({
    ...(text.partitionBy ? { partitionBy: text.partitionBy } : {}),
    orderBy: text.orderBy,
    limit: text.limit,
    ...describeTtl(ttl),
  }),
  outputChangelogMode: () => 'changelog',
  inputChangelogMode: () => 'all',
};
