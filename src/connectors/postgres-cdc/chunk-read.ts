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
import { parseXidSnapshot, type XidSnapshot } from './xid-snapshot.js';

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
const STATEMENTS_PER_CHUNK = 9;
const SNAPSHOT_AT = 1;
const WATERMARK_AT = 6;
const NEXT_XID_AT = 7;

/**
 * The next transaction id to be assigned, as `age` of the first normal id: `age` reads it (without
 * assigning one) once per transaction, so in the same statement as the snapshot it is read after it.
 */
export const NEXT_XID_AGE = `age('3'::xid)::text`;

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
    `SELECT pg_current_snapshot()::text, ${NEXT_XID_AGE}`,
    `${select} LIMIT 0`,
    `COPY (${select}) TO STDOUT`,
    'COMMIT',
    // In a transaction of its own: statements of a script outside one share one implicitly, and the
    // next chunk's BEGIN ISOLATION LEVEL must be its transaction's first statement.
    'BEGIN',
    `SELECT pg_logical_emit_message(false, ${client.escapeLiteral(WATERMARK_PREFIX)}, ${watermark})::text`,
    // After the watermark is in the log, so any transaction that committed before it has its id by then.
    `SELECT ${NEXT_XID_AGE}`,
    'COMMIT',
  ];
}

/**
 * Whether no transaction can have committed between a chunk's snapshot and its high watermark
 * unseen by the snapshot, from the snapshot and the next transaction id read after it (`ageAtSnapshot`)
 * and after the watermark (`ageAfterWatermark`), both as `age('3'::xid)`. It holds when, at the
 * snapshot, every id assigned so far had ended (none in progress, none at or past `xmax`, which is
 * one past the latest ended id) and no id was assigned until after the watermark: a transaction
 * that writes has an id before it commits. The chunk's rows are then the selected ones, and the
 * log need not be read for it.
 */
export function quietBetween(snapshot: XidSnapshot, ageAtSnapshot: string, ageAfterWatermark: string): boolean {
  const next = (3n + BigInt(ageAtSnapshot)) & 0xffffffffn;
  return snapshot.xip.size === 0 && ageAtSnapshot === ageAfterWatermark && next === (snapshot.xmax & 0xffffffffn);
}

/**
 * Reads chunks without locks, each as if alone: COPY its rows in a repeatable-read transaction
 * (remembering which transactions that snapshot saw), write a watermark message into the log (its
 * LSN is the chunk's high watermark); then reconcile each chunk with the part of the log before its
 * own watermark, which a peek at the slot (not consuming it) reads.
 * One round trip sends every chunk's statements (the simple query protocol takes several at once),
 * so the server streams the chunks back to back. A chunk whose database saw no write from its
 * snapshot to its watermark ({@link quietBetween}) is final as soon as its statements are answered,
 * while the server still sends the next; the others wait for one peek that serves them all, so the
 * fixed costs of a round trip and of starting to decode the log are paid once.
 *
 * @example
 * const reads = new ChunkReads(client, options, splits);
 * const first = await reads.rows(0);
 */
export class ChunkReads {
  private readonly q: CopyQuery;
  /** The peeks at each slot's log, started as the first chunk reconciled from it needs one. */
  private readonly logged = new Map<string, Promise<LoggedTransaction[]>>();

  constructor(
    private readonly client: pg.Client,
    private readonly o: ResolvedCdcOptions,
    private readonly splits: readonly ChunkSplit[],
  ) {
    this.q = new CopyQuery(splits.flatMap((s) => chunkStatements(client, o, s)).join('; '), (oid) => textTypes.getTypeParser(oid, 'text') as TextParser);
    void client.query(this.q);
  }

  /** The rows of chunk `i` as of its high watermark, decoded now. */
  async rows(i: number): Promise<Row[]> {
    await this.q.whenStatements((i + 1) * STATEMENTS_PER_CHUNK);
    const answer = (at: number, field = 0) => this.q.statements[i * STATEMENTS_PER_CHUNK + at]![0]![field]!;
    const snapshot = parseXidSnapshot(answer(SNAPSHOT_AT));
    const copied = this.q.copies[i]!;
    if (quietBetween(snapshot, answer(SNAPSHOT_AT, 1), answer(NEXT_XID_AT))) return copied.rows();
    // Chunks of tables found after the start are reconciled from another slot's log (see ChunkSplit).
    const s = this.splits[i]!;
    const slot = s.slot ?? this.o.slot;
    let logged = this.logged.get(slot);
    if (!logged) this.logged.set(slot, (logged = this.peek(slot)));
    return reconcileChunk(copied.rows(), s.table, s.chunk, snapshot, parseLsn(answer(WATERMARK_AT)), await logged);
  }

  /** `slot`'s log up to the watermark of the last chunk reconciled from it, once the script is done (the connection is free then). */
  private async peek(slot: string): Promise<LoggedTransaction[]> {
    const { statements } = await this.q.result;
    const of = this.splits.map((s, i) => [s, i] as const).filter(([s]) => (s.slot ?? this.o.slot) === slot);
    const high = parseLsn(statements[of[of.length - 1]![1] * STATEMENTS_PER_CHUNK + WATERMARK_AT]![0]![0]!);
    return peekTransactions(this.client, this.o, slot, [...new Set(of.map(([s]) => s.table))], high);
  }
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
