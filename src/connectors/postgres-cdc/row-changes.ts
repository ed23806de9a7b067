import { RowKind } from '../../core/row-kind.js';
import type { CapturedTable } from './captured-tables.js';
import { chunkKeyOf, rowKeyOf } from './chunks.js';

export type Row = Record<string, unknown>;

/** One changelog row a log event stands for, with its table and primary key. */
export interface RowChange {
  readonly kind: RowKind;
  /** The table's id, `schema.table`. */
  readonly table: string;
  /** The whole primary key as text (one row's identity). */
  readonly key: string;
  /** The chunk column's value, when the table is split on one. */
  readonly chunkKey: bigint | undefined;
  readonly row: Row;
}

/** The parts of a decoded pgoutput change this connector reads. */
export interface DecodedChange {
  readonly tag: 'insert' | 'update' | 'delete';
  readonly new?: Row | null;
  readonly old?: Row | null;
  readonly key?: Row | null;
}

/**
 * The changelog rows of one insert, update or delete of table `t` (id `table`). An update is `-U`
 * then `+U`; without REPLICA IDENTITY FULL the server sends no old row, so `-U` and `-D` carry
 * only the key columns.
 */
export function rowChanges(change: DecodedChange, t: CapturedTable, table: string): RowChange[] {
  const of = (kind: RowKind, row: Row): RowChange => ({ kind, table, key: rowKeyOf(t, row), chunkKey: chunkKeyOf(t, row), row });
  const after = change.new ? change.new : undefined;
  if (change.tag === 'insert') return [of(RowKind.INSERT, after!)];
  const before = change.old ? change.old : change.key ? change.key : after ? Object.fromEntries(t.keyColumns.map((k) => [k, after[k]])) : undefined;
  if (!before) throw new Error(`a ${change.tag} of ${table} without its old key`);
  const out = of(change.tag === 'delete' ? RowKind.DELETE : RowKind.UPDATE_BEFORE, before);
  if (change.tag === 'delete') return [out];
  return [out, of(RowKind.UPDATE_AFTER, after!)];
}
