import pg from 'pg';
import { ConfigError, UnrecoverableError, WeirError } from '../../core/errors.js';
import { quotedTable, tableIdOf, type CapturedTable } from './captured-tables.js';
import type { TableChunk } from './cdc-splits.js';
import { chunksAt, type Chunk } from './chunks.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';

/** Double-quoted identifier. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Cuts table `t` into chunks of `chunkSize` keys on its chunk column (one chunk without one), walking the primary-key index. */
export async function splitTable(client: pg.Client, o: ResolvedCdcOptions, t: CapturedTable): Promise<TableChunk[]> {
  const id = tableIdOf(t);
  const named = (chunks: Chunk[]): TableChunk[] => chunks.map((c) => ({ ...c, id: `${id}#${c.id}`, table: id }));
  if (t.chunkColumn === undefined) return named(chunksAt([]));
  const boundaries: string[] = [];
  const k = ident(t.chunkColumn);
  const from = quotedTable(t);
  let { rows } = await client.query<{ b: string | null }>(`SELECT min(${k})::text AS b FROM ${from}`);
  let prev = rows[0]?.b ?? null;
  while (prev !== null) {
    ({ rows } = await client.query<{ b: string | null }>(`SELECT ${k}::text AS b FROM ${from} WHERE ${k} >= $1 ORDER BY ${k} OFFSET $2 LIMIT 1`, [
      prev,
      o.chunkSize,
    ]));
    let next = rows[0]?.b ?? null;
    if (next === prev) {
      // With a composite key many rows share a first-column value: a boundary never repeats.
      ({ rows } = await client.query<{ b: string | null }>(`SELECT min(${k})::text AS b FROM ${from} WHERE ${k} > $1`, [prev]));
      next = rows[0]?.b ?? null;
    }
    prev = next;
    if (prev !== null) boundaries.push(prev);
  }
  return named(chunksAt(boundaries));
}

/** Creates the publication of the captured tables and the replication slot unless they exist. */
export async function ensureSlot(client: pg.Client, o: ResolvedCdcOptions, tables: readonly CapturedTable[]): Promise<void> {
  const pub = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [o.publication]);
  if (pub.rowCount === 0) await client.query(`CREATE PUBLICATION ${ident(o.publication)} FOR TABLE ${tables.map(quotedTable).join(', ')}`);
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
  c.on('error', () => {}); // a lost connection fails `work`'s query
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end().catch(() => {});
  }
}
