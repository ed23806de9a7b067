import type pg from 'pg';
import { PgoutputPlugin } from 'pg-logical-replication';
import type { Chunk } from './chunks.js';
import { reconcileChunk, type LoggedTransaction } from './chunk-reconciler.js';
import { formatLsn, parseLsn } from './lsn.js';
import { ident, tableRef } from './pg-catalog.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';
import { rowChanges, type DecodedChange, type Row, type RowChange } from './row-changes.js';
import { keepTextTypes } from './text-types.js';
import { parseXidSnapshot } from './xid-snapshot.js';

/** The prefix of the watermark messages chunks write into the log; the content is `slot:chunk id`. */
export const WATERMARK_PREFIX = 'weir-cdc-watermark';

/** SQLSTATE object_in_use: another reader is peeking at the slot. */
const OBJECT_IN_USE = '55006';

/**
 * Reads one chunk without locks: SELECT its rows in a repeatable-read transaction (remembering which
 * transactions that snapshot saw), write a watermark message into the log (its LSN is the chunk's
 * high watermark), read the log up to it from the slot without consuming it, and reconcile.
 */
export async function readChunk(client: pg.Client, o: ResolvedCdcOptions, keyColumn: string, chunk: Chunk): Promise<Row[]> {
  const k = ident(keyColumn);
  const conds: string[] = [];
  const params: string[] = [];
  if (chunk.lo !== null) conds.push(`${k} >= $${params.push(chunk.lo)}`);
  if (chunk.hi !== null) conds.push(`${k} < $${params.push(chunk.hi)}`);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let snapshot: string;
  let selected: Row[];
  try {
    snapshot = (await client.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s')).rows[0]!.s;
    selected = (await client.query<Row>(`SELECT * FROM ${tableRef(o)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`, params)).rows;
  } finally {
    await client.query('COMMIT');
  }
  const mark = await client.query<{ l: string }>('SELECT pg_logical_emit_message(false, $1, $2)::text AS l', [WATERMARK_PREFIX, `${o.slot}:${chunk.id}`]);
  const high = parseLsn(mark.rows[0]!.l);
  const logged = await peekTransactions(client, o, keyColumn, high);
  return reconcileChunk(selected, keyColumn, chunk, parseXidSnapshot(snapshot), high, logged);
}

interface PeekRow {
  readonly xid: string;
  readonly data: Buffer;
}

/** The committed transactions on the table from the slot's position up to `upto`, without consuming them. */
async function peekTransactions(client: pg.Client, o: ResolvedCdcOptions, keyColumn: string, upto: bigint): Promise<LoggedTransaction[]> {
  const rows = await peekWithRetry(client, o, upto);
  const decoder = keepTextTypes(new PgoutputPlugin({ protoVersion: 1, publicationNames: [o.publication] }));
  const out: LoggedTransaction[] = [];
  let changes: RowChange[] = [];
  for (const r of rows) {
    const m = decoder.parse(r.data) as { tag: string; commitLsn?: string | null; relation?: { schema: string; name: string } };
    if (m.tag === 'begin') changes = [];
    else if (m.tag === 'commit') out.push({ xid: Number(r.xid), commitLsn: parseLsn(m.commitLsn!), changes });
    else if ((m.tag === 'insert' || m.tag === 'update' || m.tag === 'delete') && m.relation!.schema === o.schema && m.relation!.name === o.table) {
      for (const c of rowChanges(m as DecodedChange, keyColumn)) changes.push(c);
    }
  }
  return out;
}

async function peekWithRetry(client: pg.Client, o: ResolvedCdcOptions, upto: bigint): Promise<PeekRow[]> {
  const sql = `SELECT xid::text AS xid, data FROM pg_logical_slot_peek_binary_changes($1, $2::pg_lsn, NULL, 'proto_version', '1', 'publication_names', $3)`;
  for (let attempt = 0; ; attempt++) {
    try {
      return (await client.query<PeekRow>(sql, [o.slot, formatLsn(upto), o.publication])).rows;
    } catch (e) {
      // Readers of other chunks peek at the same slot; one at a time may hold it.
      if ((e as { code?: string }).code !== OBJECT_IN_USE || attempt > 2000) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
}
