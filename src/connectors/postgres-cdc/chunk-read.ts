import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { quotedTable, tableIdOf, type CapturedTable } from './captured-tables.js';
import type { ChunkSplit } from './cdc-splits.js';
import { reconcileChunk, type LoggedTransaction } from './chunk-reconciler.js';
import { formatLsn, parseLsn } from './lsn.js';
import { ident } from './pg-catalog.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';
import { PgoutputDecoder } from './pgoutput-decoder.js';
import { rowChanges, type Row, type RowChange } from './row-changes.js';
import { textTypes } from './text-types.js';
import { CopyQuery } from './copy-query.js';
import type { TextParser } from './copy-text-decoder.js';
import { parseXidSnapshot } from './xid-snapshot.js';

/**
 * The prefix of the watermark messages chunks write into the log; the content is
 * `slot:chunk id:read id`. A chunk read again after a crash writes a second watermark: the read id
 * tells the log split which one belongs to the rows that were kept (the last).
 */
export const WATERMARK_PREFIX = 'weir-cdc-watermark';

/**
 * A watermark message's parts. The slot name has no colon and the read id (a UUID) has none, while a
 * chunk id holds its table's name, which may: so the chunk is what lies between the first and the
 * last colon.
 */
export function parseWatermark(text: string): { slot: string; chunk: string | undefined; read: string | undefined } {
  const first = text.indexOf(':');
  if (first < 0) return { slot: text, chunk: undefined, read: undefined };
  const last = text.lastIndexOf(':');
  if (last === first) return { slot: text.slice(0, first), chunk: text.slice(first + 1), read: undefined };
  return { slot: text.slice(0, first), chunk: text.slice(first + 1, last), read: text.slice(last + 1) };
}

/** SQLSTATE object_in_use: another reader is peeking at the slot. */
const OBJECT_IN_USE = '55006';

/** The statements that read one chunk, and where their answers are among a script's statements. */
const STATEMENTS_PER_CHUNK = 8;
const SNAPSHOT_AT = 1;
const WATERMARK_AT = 6;

function chunkStatements(client: pg.Client, o: ResolvedCdcOptions, { table: t, chunk }: ChunkSplit): string[] {
  const conds: string[] = [];
  if (t.chunkColumn !== undefined) {
    const k = ident(t.chunkColumn);
    if (chunk.lo !== null) conds.push(`${k} >= ${client.escapeLiteral(chunk.lo)}`);
    if (chunk.hi !== null) conds.push(`${k} < ${client.escapeLiteral(chunk.hi)}`);
  }
  const watermark = client.escapeLiteral(`${o.slot}:${chunk.id}:${randomUUID()}`);
  const select = `SELECT * FROM ${quotedTable(t)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`;
  // COPY's text costs the server and the driver less than a SELECT's rows; the SELECT with LIMIT 0
  // in the same transaction gives the columns' names and types.
  return [
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    'SELECT pg_current_snapshot()::text',
    `${select} LIMIT 0`,
    `COPY (${select}) TO STDOUT`,
    'COMMIT',
    // In a transaction of its own: statements of a script outside one share one implicitly, and the
    // next chunk's BEGIN ISOLATION LEVEL must be its transaction's first statement.
    'BEGIN',
    `SELECT pg_logical_emit_message(false, ${client.escapeLiteral(WATERMARK_PREFIX)}, ${watermark})::text`,
    'COMMIT',
  ];
}

/**
 * Reads chunks without locks, each as if alone: COPY its rows in a repeatable-read transaction
 * (remembering which transactions that snapshot saw), write a watermark message into the log (its
 * LSN is the chunk's high watermark); then read the log up to the last watermark from the slot
 * without consuming it, and reconcile each chunk with the part of it before its own watermark.
 * One round trip sends every chunk's statements (the simple query protocol takes several at once)
 * and one peek serves them all, so the server streams the chunks back to back while their rows are
 * decoded, and the fixed costs of a round trip and of starting to decode the log are paid once.
 */
export async function readChunks(client: pg.Client, o: ResolvedCdcOptions, splits: readonly ChunkSplit[]): Promise<Row[][]> {
  const q = new CopyQuery(splits.flatMap((s) => chunkStatements(client, o, s)).join('; '), (oid) => textTypes.getTypeParser(oid, 'text') as TextParser);
  void client.query(q);
  const { statements, copies } = await q.result;
  const answer = (i: number, at: number) => statements[i * STATEMENTS_PER_CHUNK + at]![0]![0]!;
  const highs = splits.map((_, i) => parseLsn(answer(i, WATERMARK_AT)));
  // Chunks of tables found after the start are reconciled from another slot's log (see ChunkSplit).
  const logged = new Map<string, LoggedTransaction[]>();
  for (const slot of new Set(splits.map((s) => s.slot ?? o.slot))) {
    const of = splits.map((s, i) => [s, i] as const).filter(([s]) => (s.slot ?? o.slot) === slot);
    logged.set(slot, await peekTransactions(client, o, slot, [...new Set(of.map(([s]) => s.table))], highs[of[of.length - 1]![1]]!));
  }
  return splits.map((s, i) => reconcileChunk(copies[i]!, s.table, s.chunk, parseXidSnapshot(answer(i, SNAPSHOT_AT)), highs[i]!, logged.get(s.slot ?? o.slot)!));
}

interface PeekRow {
  readonly xid: string;
  readonly data: Buffer;
}

/** The committed transactions on `tables` from the slot's position up to `upto`, without consuming them. */
async function peekTransactions(
  client: pg.Client,
  o: ResolvedCdcOptions,
  slot: string,
  tables: readonly CapturedTable[],
  upto: bigint,
): Promise<LoggedTransaction[]> {
  const rows = await peekWithRetry(client, o, slot, upto);
  const decoder = new PgoutputDecoder();
  const out: LoggedTransaction[] = [];
  let changes: RowChange[] = [];
  for (const r of rows) {
    const m = decoder.decode(r.data);
    if (m.tag === 'begin') changes = [];
    else if (m.tag === 'commit') out.push({ xid: Number(r.xid), commitLsn: m.commitLsn, changes });
    else if (m.tag === 'insert' || m.tag === 'update' || m.tag === 'delete') {
      const t = tables.find((x) => m.relation.schema === x.schema && m.relation.name === x.table);
      if (t) for (const c of rowChanges(m, t, tableIdOf(t))) changes.push(c);
    }
  }
  return out;
}

/**
 * The read id of the last watermark of each chunk in the log from the slot's position on: the read
 * whose rows were kept, as the log split starts only once every chunk was read for good.
 */
export async function lastWatermarks(client: pg.Client, o: ResolvedCdcOptions): Promise<Map<string, string>> {
  const rows = await peekWithRetry(client, o, o.slot, undefined, true);
  const decoder = new PgoutputDecoder();
  const last = new Map<string, string>();
  for (const r of rows) {
    const m = decoder.decode(r.data);
    if (m.tag !== 'message' || m.prefix !== WATERMARK_PREFIX) continue;
    const { slot, chunk, read } = parseWatermark(m.content.toString('utf8'));
    if (slot === o.slot && chunk !== undefined && read !== undefined) last.set(chunk, read);
  }
  return last;
}

async function peekWithRetry(client: pg.Client, o: ResolvedCdcOptions, slot: string, upto: bigint | undefined, messages = false): Promise<PeekRow[]> {
  const sql = `SELECT xid::text AS xid, data FROM pg_logical_slot_peek_binary_changes($1, $2::pg_lsn, NULL, 'proto_version', '1', 'publication_names', $3, 'messages', $4)`;
  for (let attempt = 0; ; attempt++) {
    try {
      return (await client.query<PeekRow>(sql, [slot, upto === undefined ? null : formatLsn(upto), o.publication, String(messages)])).rows;
    } catch (e) {
      // Readers of other chunks peek at the same slot; one at a time may hold it.
      if ((e as { code?: string }).code !== OBJECT_IN_USE || attempt > 2000) throw e;
      await new Promise((r) => setTimeout(r, 1 + Math.random() * 4));
    }
  }
}
