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

/**
 * Appends the changelog rows of one binlog rows event: an insert is `+I`, an update `-U` then `+U`
 * (full before and after images, which binlog_row_image=FULL guarantees), a delete `-D`.
 * `shape` is applied to each row (schema-change handling).
 */
export function appendRowChanges(out: RowChange[], eventName: string, rows: readonly unknown[], t: CapturedTable, table: string, shape: (r: Row) => Row): void {
  const change = (kind: RowKind, r: Row): RowChange => {
    const row = shape({ ...r });
    return { kind, table, key: rowKeyOf(t, row), chunkKey: chunkKeyOf(t, row), row };
  };
  for (const r of rows) {
    if (eventName === 'writerows') out.push(change(RowKind.INSERT, r as Row));
    else if (eventName === 'deleterows') out.push(change(RowKind.DELETE, r as Row));
    else {
      const { before, after } = r as { before: Row; after: Row };
      out.push(change(RowKind.UPDATE_BEFORE, before));
      out.push(change(RowKind.UPDATE_AFTER, after));
    }
  }
}
