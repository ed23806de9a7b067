import type pg from 'pg';
import { quotedTable, type CapturedTable } from './captured-tables.js';
import { ident } from './pg-catalog.js';
import { connectPg } from './pg-connect.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';
import type { Row } from './row-changes.js';
import { textTypes } from './text-types.js';

/** The parts of a decoded pgoutput update this module reads. */
export interface DecodedUpdate {
  readonly new?: Row | null;
  readonly relation: { readonly columns: readonly { readonly name: string }[] };
}

/**
 * Fills in the values an update left out of the log: under REPLICA IDENTITY DEFAULT, pgoutput
 * sends an unchanged TOAST value (a large text, bytea or JSON stored out of line) as "unchanged",
 * which the decoder reads as undefined. They are read back from the table by key on a connection
 * of their own, so the +U row carries the real value, never a placeholder. The table may already
 * hold a later version of the row: a later change of those columns is in the log after this one,
 * so the copy ends equal to the table. When the row is gone (deleted later), the update is dropped:
 * its delete follows in the log.
 *
 * @example
 * const toast = new ToastLookup(options);
 * const missing = ToastLookup.missing(change);
 * if (missing && !(await toast.fill(table, change, missing))) skip(change); // change.new now has every column
 */
export class ToastLookup {
  private client: pg.Client | undefined;

  constructor(private readonly o: ResolvedCdcOptions) {}

  /** The columns of `m.new` the log left out, or undefined for none (most updates, which then cost a loop). */
  static missing(m: DecodedUpdate): string[] | undefined {
    const row = m.new;
    if (!row) return undefined;
    let out: string[] | undefined;
    for (const c of m.relation.columns) if (row[c.name] === undefined) (out ??= []).push(c.name);
    return out;
  }

  /** Sets the `missing` columns of `m.new` from the table; false when the row is no longer there. */
  async fill(t: CapturedTable, m: DecodedUpdate, missing: readonly string[]): Promise<boolean> {
    if (!this.client) {
      this.client = await connectPg({ ...this.o.connection, types: textTypes });
    }
    const where = t.keyColumns.map((k, i) => `${ident(k)} = $${i + 1}`).join(' AND ');
    const sql = `SELECT ${missing.map(ident).join(', ')} FROM ${quotedTable(t)} WHERE ${where}`;
    const found = (
      await this.client.query<Row>(
        sql,
        t.keyColumns.map((k) => String(m.new![k])),
      )
    ).rows[0];
    if (!found) return false;
    for (const n of missing) m.new![n] = found[n];
    return true;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.end();
  }
}
