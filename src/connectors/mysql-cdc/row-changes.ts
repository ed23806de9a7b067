import { RowKind } from '../../core/row-kind.js';
import { keyOf } from '../postgres-cdc/chunks.js';

export type Row = Record<string, unknown>;

/** One changelog row a binlog row event stands for, with the integer primary key it is routed by. */
export interface RowChange {
  readonly kind: RowKind;
  readonly key: bigint;
  readonly row: Row;
}

/** One committed transaction's changes to the table, and the binlog position after its commit. */
export interface BinlogTransaction {
  readonly end: { readonly file: string; readonly pos: number; readonly gtid?: string };
  /** Commit time, epoch milliseconds. */
  readonly opTs: number;
  readonly changes: RowChange[];
}

/**
 * Appends the changelog rows of one binlog rows event: an insert is `+I`, an update `-U` then `+U`
 * (full before and after images, which binlog_row_image=FULL guarantees), a delete `-D`.
 */
export function appendRowChanges(out: RowChange[], eventName: string, rows: readonly unknown[], keyColumn: string): void {
  for (const r of rows) {
    if (eventName === 'writerows') out.push({ kind: RowKind.INSERT, key: keyOf((r as Row)[keyColumn]), row: { ...(r as Row) } });
    else if (eventName === 'deleterows') out.push({ kind: RowKind.DELETE, key: keyOf((r as Row)[keyColumn]), row: { ...(r as Row) } });
    else {
      const { before, after } = r as { before: Row; after: Row };
      out.push({ kind: RowKind.UPDATE_BEFORE, key: keyOf(before[keyColumn]), row: { ...before } });
      out.push({ kind: RowKind.UPDATE_AFTER, key: keyOf(after[keyColumn]), row: { ...after } });
    }
  }
}
