import { RowKind } from '../../core/row-kind.js';
import { chunkKeyOf, rowKeyOf } from '../postgres-cdc/chunks.js';
import type { CapturedTable } from './captured-tables.js';

export type Row = Record<string, unknown>;

/** One changelog row a binlog row event stands for, with its table and primary key. */
export interface RowChange {
  readonly kind: RowKind;
  /** The table's id, `database.table`. */
  readonly table: string;
  /** The whole primary key as text (one row's identity). */
  readonly key: string;
  /** The chunk column's value, when the table is split on one. */
  readonly chunkKey: bigint | undefined;
  readonly row: Row;
}

/** One committed transaction's changes to the captured tables, and the binlog position after its commit. */
export interface BinlogTransaction {
  readonly end: { readonly file: string; readonly pos: number; readonly gtid?: string };
  /** Commit time, epoch milliseconds. */
  readonly opTs: number;
  readonly changes: RowChange[];
  /**
   * Tables that match the patterns but are not captured (created after the job's table list was
   * taken) whose rows this transaction changed; only when the stream watches for new tables.
   */
  readonly unknown?: readonly string[];
  /** The DDL statement, when the transaction is one. */
  readonly statement?: string;
}

export type RowsEventName = 'writerows' | 'updaterows' | 'deleterows';

/**
 * Appends the changelog rows of one binlog rows event, given as its row images (an update's before
 * image then its after image): an insert is `+I`, an update `-U` then `+U` (full before and after
 * images, which binlog_row_image=FULL guarantees), a delete `-D`. The decoder's row objects are taken
 * over as they are; `project`, when given, maps each of them (columns left out under
 * schema.change.behavior `ignore`).
 */
export function appendRowChanges(
  out: RowChange[],
  eventName: RowsEventName,
  images: readonly Row[],
  t: CapturedTable,
  table: string,
  project: ((r: Row) => Row) | undefined,
): void {
  if (eventName === 'updaterows') {
    for (let i = 0; i + 1 < images.length; i += 2) {
      out.push(change(RowKind.UPDATE_BEFORE, project ? project(images[i]!) : images[i]!, t, table));
      out.push(change(RowKind.UPDATE_AFTER, project ? project(images[i + 1]!) : images[i + 1]!, t, table));
    }
    return;
  }
  const kind = eventName === 'writerows' ? RowKind.INSERT : RowKind.DELETE;
  for (const r of images) out.push(change(kind, project ? project(r) : r, t, table));
}

function change(kind: RowKind, row: Row, t: CapturedTable, table: string): RowChange {
  return { kind, table, key: rowKeyOf(t, row), chunkKey: chunkKeyOf(t, row), row };
}
