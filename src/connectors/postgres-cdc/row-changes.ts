import { RowKind } from '../../core/row-kind.js';
import { keyOf } from './chunks.js';

export type Row = Record<string, unknown>;

/** One changelog row a log event stands for, with the integer primary key it is routed by. */
export interface RowChange {
  readonly kind: RowKind;
  readonly key: bigint;
  readonly row: Row;
}

/** The parts of a decoded pgoutput change this connector reads. */
export interface DecodedChange {
  readonly tag: 'insert' | 'update' | 'delete';
  readonly new?: Row | null;
  readonly old?: Row | null;
  readonly key?: Row | null;
}

// The decoder builds rows without a prototype; downstream code (codecs, printing) expects plain objects.
const plain = (r: Row): Row => ({ ...r });

/**
 * The changelog rows of one insert, update or delete. An update is `-U` then `+U`; without
 * REPLICA IDENTITY FULL the server sends no old row, so `-U` and `-D` carry only the key columns.
 */
export function rowChanges(change: DecodedChange, keyColumn: string): RowChange[] {
  const after = change.new ? plain(change.new) : undefined;
  if (change.tag === 'insert') return [{ kind: RowKind.INSERT, key: keyOf(after![keyColumn]), row: after! }];
  const before = change.old ? plain(change.old) : change.key ? plain(change.key) : after ? { [keyColumn]: after[keyColumn] } : undefined;
  if (!before) throw new Error(`a ${change.tag} without its old key`);
  const out: RowChange = { kind: change.tag === 'delete' ? RowKind.DELETE : RowKind.UPDATE_BEFORE, key: keyOf(before[keyColumn]), row: before };
  if (change.tag === 'delete') return [out];
  return [out, { kind: RowKind.UPDATE_AFTER, key: keyOf(after![keyColumn]), row: after! }];
}
