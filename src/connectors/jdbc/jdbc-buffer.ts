import { RowKind } from '../../core/row-kind.js';

export type Row = Record<string, unknown>;

/** What one flush writes: rows to insert or update, and rows whose keys to delete. */
export interface PendingWrites {
  readonly upserts: Row[];
  readonly deletes: Row[];
}

/**
 * The changes buffered between two flushes, reduced by primary key as Flink's JDBC upsert buffer
 * does: the last change of a key wins (`+I`/`+U` write the row, `-D` deletes it), and `-U` rows are
 * skipped since the `+U` that follows replaces the row. One flush thus touches each key once,
 * which an `INSERT ... ON CONFLICT` statement requires.
 *
 * @example
 * const b = new UpsertBuffer(['id']);
 * b.add({ id: 1, n: 1 }, RowKind.INSERT); b.add({ id: 1, n: 1 }, RowKind.UPDATE_BEFORE); b.add({ id: 1, n: 2 }, RowKind.UPDATE_AFTER);
 * b.drain() // { upserts: [{ id: 1, n: 2 }], deletes: [] }
 */
export class UpsertBuffer {
  private pending = new Map<unknown, { row: Row; deleted: boolean }>();
  private readonly keyOf: (r: Row) => unknown;

  constructor(key: readonly string[]) {
    const first = key[0]!;
    // Keys compare as text: a driver may give one key as a number in a snapshot row and as a string or
    // bigint in a log row, and the database sees them as the same key.
    this.keyOf = key.length === 1 ? (r) => String(r[first]) : (r) => key.map((k) => String(r[k])).join('\u0000');
  }

  get size(): number {
    return this.pending.size;
  }

  add(row: Row, kind: RowKind): void {
    if (kind === RowKind.UPDATE_BEFORE) return;
    this.pending.set(this.keyOf(row), { row, deleted: kind === RowKind.DELETE });
  }

  /** The reduced changes, emptying the buffer. */
  drain(): PendingWrites {
    const upserts: Row[] = [];
    const deletes: Row[] = [];
    for (const { row, deleted } of this.pending.values()) (deleted ? deletes : upserts).push(row);
    this.pending = new Map();
    return { upserts, deletes };
  }
}

/** Rows buffered for a table without a key: appended as they came. */
export class AppendBuffer {
  private rows: Row[] = [];

  get size(): number {
    return this.rows.length;
  }

  add(row: Row): void {
    this.rows.push(row);
  }

  drain(): PendingWrites {
    const upserts = this.rows;
    this.rows = [];
    return { upserts, deletes: [] };
  }
}
