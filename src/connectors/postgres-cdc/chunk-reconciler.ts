import { RowKind } from '../../core/row-kind.js';
import type { CapturedTable } from './captured-tables.js';
import type { TableChunk } from './cdc-splits.js';
import { inTableChunk, rowKeyOf } from './chunks.js';
import type { Row, RowChange } from './row-changes.js';
import { visibleIn, type XidSnapshot } from './xid-snapshot.js';

/** A committed transaction read back from the log while a chunk is reconciled. */
export interface LoggedTransaction {
  readonly xid: number;
  readonly commitLsn: bigint;
  readonly changes: readonly RowChange[];
}

/**
 * The rows of `chunk` as of the log position `high`: the rows its SELECT returned under `snapshot`,
 * with the changes of every transaction that committed before `high` and that the SELECT did not
 * see applied in commit order (DBLog's reconciliation, keyed by transaction visibility instead of a
 * low watermark). The log reader then emits a change of this chunk only if it committed at or after
 * `high`, so each change lands exactly once.
 */
export function reconcileChunk(
  selected: readonly Row[],
  t: CapturedTable,
  chunk: TableChunk,
  snapshot: XidSnapshot,
  high: bigint,
  transactions: Iterable<LoggedTransaction>,
): Row[] {
  const missed: LoggedTransaction[] = [];
  for (const tx of transactions) {
    if (tx.commitLsn < high && !visibleIn(snapshot, tx.xid) && tx.changes.some((c) => c.table === chunk.table)) missed.push(tx);
  }
  // Most chunks meet no change their SELECT missed: their rows are the selected ones, unkeyed.
  if (missed.length === 0) return selected.slice();
  const rows = new Map<string, Row>();
  for (const r of selected) rows.set(rowKeyOf(t, r), r);
  for (const tx of missed) {
    // An update is -U then +U: the row -U removes holds the TOAST values the +U may leave out.
    let before: Row | undefined;
    for (const c of tx.changes) {
      if (c.table !== chunk.table) continue;
      if (c.kind === RowKind.UPDATE_BEFORE) before = rows.get(c.key);
      if (!inTableChunk(chunk, c.chunkKey)) continue;
      if (c.kind === RowKind.INSERT) rows.set(c.key, c.row);
      else if (c.kind === RowKind.UPDATE_AFTER) rows.set(c.key, withUnchanged(c.row, before));
      else rows.delete(c.key);
    }
  }
  return [...rows.values()];
}

/** `after` with the columns the log left out (unchanged TOAST values, undefined) taken from `before`. */
function withUnchanged(after: Row, before: Row | undefined): Row {
  if (!before) return after;
  for (const k of Object.keys(before)) if (after[k] === undefined) after[k] = before[k];
  return after;
}
