import { RowKind } from '../../core/row-kind.js';
import { comparePositions, type BinlogPosition } from './binlog-position.js';
import type { CapturedTable } from './captured-tables.js';
import type { TableChunk } from './cdc-splits.js';
import { inTableChunk, rowKeyOf } from '../postgres-cdc/chunks.js';
import type { BinlogTransaction, Row } from './row-changes.js';

/**
 * The rows of `chunk` as they were at the binlog position `low`, from a SELECT that ran after
 * `low` (at a moment nobody can name) and the binlog from before `low` up to a point after the
 * SELECT. For each key: if a transaction after `low` changed it, the before image of the first such
 * change is the row at `low` (absent for an insert); otherwise, if one up to `low` changed it, the
 * after image of the last (this covers a transaction already in the binlog whose commit the SELECT
 * did not yet see); otherwise the SELECT's row. Full row images (binlog_row_image=FULL) make the
 * before images whole. The log reader then emits exactly the changes after `low`.
 */
export function rowsAtLow(
  selected: readonly Row[],
  t: CapturedTable,
  chunk: TableChunk,
  low: BinlogPosition,
  transactions: Iterable<BinlogTransaction>,
): Row[] {
  // Mostly no change touches the chunk: then the SELECT's rows are the rows at `low`, with no need to key them.
  if (!touches(chunk, transactions)) return selected as Row[];
  const rows = new Map<string, Row | undefined>();
  for (const r of selected) rows.set(rowKeyOf(t, r), r);
  const fixed = new Set<string>();
  for (const tx of transactions) {
    const afterLow = comparePositions(tx.end, low) > 0;
    for (const c of tx.changes) {
      if (c.table !== chunk.table || !inTableChunk(chunk, c.chunkKey) || fixed.has(c.key)) continue;
      const upsert = c.kind === RowKind.INSERT || c.kind === RowKind.UPDATE_AFTER;
      if (afterLow) {
        fixed.add(c.key);
        rows.set(c.key, upsert ? undefined : c.row);
      } else rows.set(c.key, upsert ? c.row : undefined);
    }
  }
  const out: Row[] = [];
  for (const r of rows.values()) if (r !== undefined) out.push(r);
  return out;
}

function touches(chunk: TableChunk, transactions: Iterable<BinlogTransaction>): boolean {
  for (const tx of transactions) for (const c of tx.changes) if (c.table === chunk.table && inTableChunk(chunk, c.chunkKey)) return true;
  return false;
}
