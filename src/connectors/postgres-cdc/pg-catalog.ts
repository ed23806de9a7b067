import pg from 'pg';
import { ConfigError, UnrecoverableError, WeirError } from '../../core/errors.js';
import { chunksAt, type Chunk } from './chunks.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';

const INTEGER_TYPES = ['int2', 'int4', 'int8'];

/** Double-quoted identifier. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const tableRef = (o: ResolvedCdcOptions): string => `${ident(o.schema)}.${ident(o.table)}`;

/** What the enumerator learns from the database at the start: the key column and the chunks. */
export interface TableLayout {
  readonly keyColumn: string;
  readonly chunks: Chunk[];
}

/** The single integer primary-key column (the only key the first version splits on). */
export async function keyColumnOf(client: pg.Client, o: ResolvedCdcOptions): Promise<string> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, t.typname AS type FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       JOIN pg_type t ON t.oid = a.atttypid
     WHERE i.indrelid = to_regclass($1) AND i.indisprimary`,
    [tableRef(o)],
  );
  if (rows.length !== 1 || !INTEGER_TYPES.includes(rows[0]!.type)) {
    throw new ConfigError(
      `postgres-cdc: ${o.schema}.${o.table} needs a primary key of one integer column (smallint, integer, bigint); it has ${rows.length === 0 ? 'none' : rows.map((r) => `${r.name} ${r.type}`).join(', ')}`,
    );
  }
  return rows[0]!.name;
}

/** Cuts the table into chunks of `chunkSize` keys, walking the primary-key index. */
export async function splitTable(client: pg.Client, o: ResolvedCdcOptions, key: string): Promise<Chunk[]> {
  const boundaries: string[] = [];
  const k = ident(key);
  let { rows } = await client.query<{ b: string | null }>(`SELECT min(${k})::text AS b FROM ${tableRef(o)}`);
  let prev = rows[0]?.b ?? null;
  while (prev !== null) {
    ({ rows } = await client.query<{ b: string | null }>(`SELECT ${k}::text AS b FROM ${tableRef(o)} WHERE ${k} >= $1 ORDER BY ${k} OFFSET $2 LIMIT 1`, [
      prev,
      o.chunkSize,
    ]));
    prev = rows[0]?.b ?? null;
    if (prev !== null) boundaries.push(prev);
  }
  return chunksAt(boundaries);
}

/** Creates the publication and the replication slot unless they exist. */
export async function ensureSlot(client: pg.Client, o: ResolvedCdcOptions): Promise<void> {
  const pub = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [o.publication]);
  if (pub.rowCount === 0) await client.query(`CREATE PUBLICATION ${ident(o.publication)} FOR TABLE ${tableRef(o)}`);
  const slot = await client.query<{ plugin: string }>('SELECT plugin FROM pg_replication_slots WHERE slot_name = $1', [o.slot]);
  if (slot.rowCount === 0) await client.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [o.slot]);
}

/** The error a job gets when the slot its checkpoint depends on is gone. */
export function slotDroppedError(o: ResolvedCdcOptions): WeirError {
  return new UnrecoverableError(
    `postgres-cdc: the replication slot '${o.slot}' does not exist any more (dropped, or removed by max_slot_wal_keep_size), ` +
      `so the changes since the last checkpoint are lost. Start the job again without restoring (a new snapshot), ` +
      `or under a new 'slot.name'.`,
  );
}

export async function slotExists(client: pg.Client, o: ResolvedCdcOptions): Promise<boolean> {
  const r = await client.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND wal_status IS DISTINCT FROM 'lost'`, [o.slot]);
  return (r.rowCount ?? 0) > 0;
}

/** Runs `work` on a fresh connection and closes it. */
export async function withClient<T>(o: ResolvedCdcOptions, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(o.connection);
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end().catch(() => {});
  }
}
