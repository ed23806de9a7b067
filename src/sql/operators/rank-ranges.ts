import type { BatchBuilder } from '../../core/batch.js';
import { RowKind } from '../../core/row-kind.js';
import type { Row } from './calc-operator.js';
import { compareKeys, type SortOrder } from './sort-keys.js';

/** How a Top-N numbers its rows: ROW_NUMBER 1, 2, 3, 4; RANK 1, 2, 2, 4; DENSE_RANK 1, 2, 2, 3 (rows 2 and 3 tie). */
export type RankFunction = 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK';

/** The rows of a rank range, with their ranks, in order. */
export interface RankedRows {
  rows: Row[];
  ranks: number[];
}

/** The rank of each row, up to the first that is past `end`: the number of leading rows that can still reach [start, end]. */
export function keptCount(fn: RankFunction, order: SortOrder, keys: readonly (readonly unknown[])[], end: number): number {
  if (fn === 'ROW_NUMBER') return Math.min(keys.length, end);
  let rank = 0;
  for (let i = 0; i < keys.length; i++) {
    const tie = i > 0 && compareKeys(order, keys[i - 1]!, keys[i]!) === 0;
    if (!tie) rank = fn === 'RANK' ? i + 1 : rank + 1;
    if (rank > end) return i;
  }
  return keys.length;
}

/** The rows (sorted as `keys`) whose rank lies in [start, end]. */
export function rankedRows(
  fn: RankFunction,
  order: SortOrder,
  rows: readonly Row[],
  keys: readonly (readonly unknown[])[],
  start: number,
  end: number,
): RankedRows {
  const out: RankedRows = { rows: [], ranks: [] };
  let rank = 0;
  for (let i = 0; i < rows.length; i++) {
    const tie = fn !== 'ROW_NUMBER' && i > 0 && compareKeys(order, keys[i - 1]!, keys[i]!) === 0;
    if (!tie) rank = fn === 'DENSE_RANK' ? rank + 1 : i + 1;
    if (rank > end) break;
    if (rank >= start) {
      out.rows.push(rows[i]!);
      out.ranks.push(rank);
    }
  }
  return out;
}

/**
 * The changes from the ranked rows `before` to `after` (rows compared by identity): with the rank
 * in the output, `-U`/`+U` for a row whose rank changed; `-D` for a row that left the range, `+I`
 * for one that entered it.
 */
export function emitRankDiff(
  b: BatchBuilder<Row>,
  output: (r: Row, rank: readonly unknown[]) => Row,
  rankOutput: boolean,
  before: RankedRows,
  after: RankedRows,
  ts: number,
): void {
  const rank: [number | null] = [null];
  for (let i = 0; i < before.rows.length; i++) {
    const row = before.rows[i]!;
    const j = after.rows.indexOf(row);
    if (j >= 0 && (!rankOutput || after.ranks[j] === before.ranks[i])) continue;
    if (rankOutput) rank[0] = before.ranks[i]!;
    if (j < 0) {
      b.addRow(output(row, rank), ts, RowKind.DELETE);
      continue;
    }
    b.addRow(output(row, rank), ts, RowKind.UPDATE_BEFORE);
    rank[0] = after.ranks[j]!;
    b.addRow(output(row, rank), ts, RowKind.UPDATE_AFTER);
  }
  for (let j = 0; j < after.rows.length; j++) {
    const row = after.rows[j]!;
    if (before.rows.indexOf(row) >= 0) continue;
    rank[0] = rankOutput ? after.ranks[j]! : null;
    b.addRow(output(row, rank), ts, RowKind.INSERT);
  }
}
