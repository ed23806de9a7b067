import pg from 'pg';
import { RowKind } from '../../core/row-kind.js';
import { tableIdOf, type CapturedTable } from './captured-tables.js';
import type { TableChunk } from './cdc-splits.js';
import { chunkKeyOf } from './chunks.js';
import { lastWatermarks, parseWatermark, WATERMARK_PREFIX } from './chunk-read.js';
import { LogFilter } from './log-filter.js';
import { formatLsn, parseLsn } from './lsn.js';
import { ident, slotDroppedError, withClient } from './pg-catalog.js';
import { PgoutputDecoder, type ChangeMessage, type PgoutputMessage, type RelationMessage } from './pgoutput-decoder.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';
import { RelationTracker } from './relation-changes.js';
import type { Row } from './row-changes.js';
import { ToastLookup } from './toast-lookup.js';

/**
 * Where the log split is: after the transaction that ended at `lsn`, with the chunk watermarks seen
 * by then. With `scan.newly-added-table.enabled`, `tables` are the tables it captured there: `seen`
 * says nothing of the chunks of others.
 */
export interface LogPosition {
  readonly lsn: string;
  readonly seen: string[] | 'all';
  readonly tables?: string[];
}

/** A captured table as the stream follows it. */
interface Captured {
  readonly id: string;
  readonly table: CapturedTable;
  readonly relation: RelationTracker;
}

/** The parts of `pg`'s connection the replication protocol needs (it is not in the typings). */
interface ReplicationConnection {
  readonly stream: { pause(): void; resume(): void };
  on(event: 'copyData', listener: (msg: { chunk: Buffer }) => void): void;
  once(event: 'replicationStart', listener: () => void): void;
  sendCopyFromChunk(b: Buffer): void;
}

/** Committed rows queued before the replication connection stops reading (TCP then holds the server back). */
const MAX_READY_ROWS = 20_000;
const SQLSTATE_UNDEFINED_OBJECT = '42704';
const XLOG_DATA = 0x77;
const KEEPALIVE = 0x6b;
/** The XLogData header before the pgoutput message: tag, start and end LSN, send time. */
const XLOG_HEADER = 25;
/** How often a stream waiting for new tables checks that they still exist, and tells the server it is alive. */
const WAIT_CHECK_MS = 1000;

/**
 * The log split: streams the slot's changes to the table (pgoutput over the replication protocol,
 * decoded by {@link PgoutputDecoder}), drops those the snapshot chunks already hold, and queues
 * the rows of whole transactions for the reader. Messages are handled as they arrive, without a
 * promise each; only an update waiting for a TOAST lookup holds the following messages back. The
 * slot is confirmed only up to what a completed checkpoint covers.
 *
 * With `scan.newly-added-table.enabled`, a change or a chunk watermark of a matching table the
 * stream does not capture yet holds the stream there (as a TOAST lookup does) until the enumerator
 * hands the table over with its chunks, all read (`addTables`); the table's changes then pass the
 * watermark test like the others'. A table that is gone by then (dropped, renamed) is skipped.
 */
export class LogStream {
  private client: pg.Client | undefined;
  private connection: ReplicationConnection | undefined;
  private streaming = false;
  private readonly decoder = new PgoutputDecoder();
  private readonly filter: LogFilter;
  private readonly toast: ToastLookup;
  /** The rows of committed transactions not taken yet (the first `committed`), then the open transaction's. */
  private values: Row[] = [];
  private kinds: number[] = [];
  private timestamps: number[] = [];
  private committed = 0;
  /** Whether the position moved (a commit, a watermark, a keepalive) since the last take. */
  private moved = false;
  /** The position after the last committed transaction, and the filter's state there. */
  private end: bigint;
  private seen: string[] | 'all' = [];
  /** The captured tables' ids when `seen` was taken (with `scan.newly-added-table.enabled`). */
  private seenTables: string[] | undefined;
  private txOpen = false;
  private txOpTs = 0;
  /** The commit LSN of the transaction being read, for errors. */
  private txLsn = 0n;
  /** Replication messages that came while a TOAST lookup was pending, in order. */
  private held: Buffer[] = [];
  private holding = false;
  private paused = false;
  private failure: unknown;
  private emitted: LogPosition;
  private confirmed = 0n;
  private closed = false;
  /** Each captured table, by `schema.table`. */
  private readonly tables = new Map<string, Captured>();
  /** Each relation of the stream by OID: its captured table, or null for one not captured. */
  private readonly relations = new Map<number, Captured | null>();
  private readonly heartbeat: NodeJS.Timeout | undefined;
  /** The read id of each chunk's valid watermark (see {@link lastWatermarks}); earlier ones are ignored. */
  private validWatermarks: Map<string, string> | undefined;
  /** Relations of matching tables not captured yet, by OID, kept for when they are. */
  private readonly newRelations = new Map<number, RelationMessage>();
  /** Resolves when tables are added, while a message waits for them. */
  private tablesAdded: { promise: Promise<void>; resolve: () => void } | undefined;
  private waitCheck: NodeJS.Timeout | undefined;
  private checking = false;
  /** The ids of the captured tables (a new array at each change, so a position may keep it). */
  private tableIds: string[] = [];

  constructor(
    private readonly o: ResolvedCdcOptions,
    tables: readonly CapturedTable[],
    chunks: readonly TableChunk[],
    from: LogPosition | undefined,
  ) {
    this.emitted = from ?? { lsn: '0/0', seen: [] };
    this.end = parseLsn(this.emitted.lsn);
    this.filter = new LogFilter(chunks, this.emitted.seen, from?.tables && new Set(from.tables));
    for (const t of tables) this.capture(t);
    this.mark();
    this.toast = new ToastLookup(o);
    // Asking for a reply makes the server send a keepalive with how far it has read the log.
    if (o.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.confirm(true), o.heartbeatMs);
      this.heartbeat.unref();
    }
    this.start().catch((e: unknown) => this.fail(e));
  }

  /** Captures `tables` from here on, whose `chunks` were all read. */
  addTables(tables: readonly CapturedTable[], chunks: readonly TableChunk[]): void {
    for (const t of tables) this.capture(t);
    this.filter.add(chunks);
    for (const [oid, m] of this.newRelations) {
      const captured = this.tables.get(`${m.schema}.${m.name}`);
      if (!captured) continue;
      this.newRelations.delete(oid);
      this.relations.set(oid, captured);
      captured.relation.onRelation(m, formatLsn(this.txLsn));
    }
    this.stopWaiting();
  }

  private capture(t: CapturedTable): void {
    const id = tableIdOf(t);
    this.tables.set(id, { id, table: t, relation: new RelationTracker(id, this.o.schemaChange) });
    this.tableIds = [...this.tables.keys()];
  }

  /** Notes the filter's state (and the tables it speaks for) as the one a position after this point keeps. */
  private mark(): void {
    this.seen = this.filter.state();
    if (this.o.newlyAddedTables) this.seenTables = this.tableIds;
  }

  private async start(): Promise<void> {
    if (this.filter.state() !== 'all') this.validWatermarks = await withClient(this.o, (c) => lastWatermarks(c, this.o));
    if (this.closed) return;
    const client = new pg.Client({ ...this.o.connection, replication: 'database' } as pg.ClientConfig);
    client.on('error', (e) => this.fail(e));
    this.client = client;
    await client.connect();
    if (this.closed) return;
    const conn = (client as unknown as { connection: ReplicationConnection }).connection;
    this.connection = conn;
    conn.once('replicationStart', () => (this.streaming = true));
    conn.on('copyData', (msg) => this.onCopyData(msg.chunk));
    // Resolves only when the stream ends, which it does not while the job runs.
    await client.query(
      `START_REPLICATION SLOT ${ident(this.o.slot)} LOGICAL ${this.emitted.lsn} ` +
        `(proto_version '1', publication_names ${client.escapeLiteral(this.o.publication)}, messages 'true')`,
    );
    if (!this.closed) throw new Error('postgres-cdc: the server ended the replication stream');
  }

  /** Every row of the transactions committed since the last take, or undefined when the position did not move; throws what broke the stream. */
  take(): { values: Row[]; kinds: Uint8Array; timestamps: number[] } | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (!this.moved) return undefined;
    this.moved = false;
    const n = this.committed;
    let values = this.values;
    let kinds = this.kinds;
    let timestamps = this.timestamps;
    if (n === values.length) {
      this.values = [];
      this.kinds = [];
      this.timestamps = [];
    } else {
      values = values.splice(0, n);
      kinds = kinds.splice(0, n);
      timestamps = timestamps.splice(0, n);
    }
    this.committed = 0;
    this.emitted = { lsn: formatLsn(this.end), seen: this.seen, ...(this.seenTables ? { tables: this.seenTables } : {}) };
    if (this.paused && !this.holding) {
      this.paused = false;
      this.connection?.stream.resume();
    }
    return { values, kinds: Uint8Array.from(kinds), timestamps };
  }

  position(): LogPosition {
    return this.emitted;
  }

  /** Tells the server it may drop the log before `lsn` (a position a completed checkpoint holds). */
  confirmUpTo(lsn: bigint): Promise<void> {
    if (lsn > this.confirmed) this.confirmed = lsn;
    this.confirm();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.waitCheck);
    await this.client?.end().catch(() => {});
    await this.toast.close();
  }

  /**
   * Sends a standby status update: the slot must restart at the confirmed end exactly. Before the
   * first completed checkpoint the flush position is 0, which the server reads as "no news" but
   * which still keeps the walsender from timing out.
   */
  private confirm(replyRequested = false): void {
    if (this.streaming && !this.closed) this.connection?.sendCopyFromChunk(standbyStatusUpdate(this.confirmed, replyRequested));
  }

  private onCopyData(chunk: Buffer): void {
    if (this.holding) this.held.push(chunk);
    else this.handle(chunk);
  }

  private handle(chunk: Buffer): void {
    if (this.failure !== undefined) return;
    if (chunk[0] === KEEPALIVE) {
      this.onKeepalive(chunk.readBigUInt64BE(1));
      if (chunk[17] === 1) this.confirm();
      return;
    }
    if (chunk[0] !== XLOG_DATA) return;
    let wait: Promise<void> | undefined;
    try {
      wait = this.onMessage(this.decoder.decode(chunk, XLOG_HEADER));
    } catch (e) {
      return this.fail(e);
    }
    if (wait) this.hold(wait);
    else if (!this.paused && this.committed >= MAX_READY_ROWS) this.pause();
  }

  /** Holds the messages that follow until `wait` is done, so changes stay in log order. */
  private hold(wait: Promise<void>): void {
    this.holding = true;
    this.pause();
    void wait
      .catch((e: unknown) => this.fail(e))
      .then(() => {
        this.holding = false;
        let i = 0;
        while (i < this.held.length && !this.holding) this.handle(this.held[i++]!);
        this.held = this.held.slice(i);
        if (!this.holding && this.paused && this.committed < MAX_READY_ROWS) {
          this.paused = false;
          this.connection?.stream.resume();
        }
      });
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.connection?.stream.pause();
  }

  /**
   * A keepalive says the server has sent everything up to `walEnd`. When every message before it
   * was handled and no transaction is open, the position may move there: the transactions in
   * between touched other tables only (pgoutput leaves them out), so a restart skips nothing.
   * Without this an idle table's slot would hold the server's log for as long as it stays idle.
   */
  private onKeepalive(walEnd: bigint): void {
    if (this.txOpen || this.holding || walEnd <= this.end) return;
    this.end = walEnd;
    this.mark();
    this.moved = true;
  }

  private onMessage(m: PgoutputMessage): Promise<void> | undefined {
    switch (m.tag) {
      case 'begin':
        this.txOpen = true;
        this.txLsn = m.commitLsn;
        this.txOpTs = m.commitTime;
        return undefined;
      case 'commit':
        if (!this.txOpen) return undefined;
        this.txOpen = false;
        this.committed = this.values.length;
        this.end = m.commitEndLsn;
        this.mark();
        this.moved = true;
        return undefined;
      case 'insert':
      case 'delete':
        if (this.newRelations.size > 0 && this.newRelations.has(m.relation.relationOid)) return this.waitForTables(m);
        this.onChange(m);
        return undefined;
      case 'update': {
        if (this.newRelations.size > 0 && this.newRelations.has(m.relation.relationOid)) return this.waitForTables(m);
        const captured = this.relations.get(m.relation.relationOid);
        const missing = captured && this.txOpen ? ToastLookup.missing(m) : undefined;
        if (!missing) {
          this.onChange(m);
          return undefined;
        }
        return this.toast.fill(captured!.table, m, missing).then((found) => {
          if (found) this.onChange(m);
        });
      }
      case 'relation': {
        const captured = this.tables.get(`${m.schema}.${m.name}`) ?? null;
        this.relations.set(m.relationOid, captured);
        if (captured) captured.relation.onRelation(m, formatLsn(this.txLsn));
        else if (this.o.newlyAddedTables && this.o.matches(m.schema, m.name)) this.newRelations.set(m.relationOid, m);
        else this.newRelations.delete(m.relationOid);
        return undefined;
      }
      case 'message': {
        if (m.prefix !== WATERMARK_PREFIX) return undefined;
        const { slot, chunk, read } = parseWatermark(m.content.toString('utf8'));
        if (slot !== this.o.slot || chunk === undefined) return undefined;
        // A chunk of a table not handed over yet: its reads are still going on.
        if (this.o.newlyAddedTables && !this.filter.knows(chunk)) return this.waitForTables(m);
        // The watermark of a read whose rows a crash threw away: the chunk's rows are those of a later read.
        const valid = this.validWatermarks?.get(chunk);
        if (valid !== undefined && read !== valid) return undefined;
        this.filter.see(chunk);
        // A point in the log a restart must not forget: the position stays, what was seen moves.
        this.mark();
        this.moved = true;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * Handles `m` again once tables were added. Meanwhile the stream holds, checks now and then that
   * the tables it waits for still exist (one gone is not captured: its changes are skipped), and
   * tells the server it is alive (it reads nothing, so it answers no keepalive).
   */
  private waitForTables(m: PgoutputMessage): Promise<void> {
    if (!this.tablesAdded) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.tablesAdded = { promise, resolve };
      this.waitCheck = setInterval(() => this.checkWaiting(), WAIT_CHECK_MS);
    }
    return this.tablesAdded.promise.then(() => this.onMessage(m));
  }

  private stopWaiting(): void {
    clearInterval(this.waitCheck);
    this.waitCheck = undefined;
    const added = this.tablesAdded;
    this.tablesAdded = undefined;
    added?.resolve();
  }

  private checkWaiting(): void {
    this.confirm();
    if (this.checking || this.newRelations.size === 0) return;
    this.checking = true;
    const waiting = [...this.newRelations];
    withClient(this.o, async (c) => {
      const gone: number[] = [];
      for (const [oid, m] of waiting) {
        const r = await c.query(
          'SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1 AND c.relname = $2 AND n.nspname = $3',
          [oid, m.name, m.schema],
        );
        if (r.rowCount === 0) gone.push(oid);
      }
      return gone;
    }).then(
      (gone) => {
        this.checking = false;
        if (gone.length === 0 || !this.tablesAdded) return;
        for (const oid of gone) this.newRelations.delete(oid);
        this.stopWaiting();
      },
      (e: unknown) => {
        this.checking = false;
        this.fail(e);
      },
    );
  }

  /**
   * Queues the changelog rows of one change: an update is `-U` then `+U`; without REPLICA IDENTITY
   * FULL the server sends no old row, so `-U` and `-D` carry only the key columns.
   */
  private onChange(m: ChangeMessage): void {
    const captured = this.relations.get(m.relation.relationOid);
    if (!this.txOpen || !captured) return;
    if (m.tag === 'insert') return this.push(captured, m.new!, RowKind.INSERT);
    let before = m.old ?? m.key;
    if (!before && m.new) {
      before = {};
      for (const k of captured.table.keyColumns) before[k] = m.new[k];
    }
    if (!before) throw new Error(`a ${m.tag} of ${captured.id} without its old key`);
    if (m.tag === 'delete') return this.push(captured, before, RowKind.DELETE);
    this.push(captured, before, RowKind.UPDATE_BEFORE);
    this.push(captured, m.new!, RowKind.UPDATE_AFTER);
  }

  private push(c: Captured, row: Row, kind: RowKind): void {
    if (!this.filter.passesAll() && !this.filter.passes(c.id, chunkKeyOf(c.table, row))) return;
    const out = c.relation.shape(row);
    for (const m of this.o.metadata) {
      if (m === 'op_ts') out.op_ts = this.txOpTs;
      else if (m === 'table_name') out.table_name = c.table.table;
      else if (m === 'schema_name') out.schema_name = c.table.schema;
      else out.database_name = this.o.connection.database;
    }
    this.values.push(out);
    this.kinds.push(kind);
    this.timestamps.push(this.txOpTs);
  }

  private fail(e: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    const code = (e as { code?: string }).code;
    this.failure = code === SQLSTATE_UNDEFINED_OBJECT && /replication slot/.test(String((e as Error).message)) ? slotDroppedError(this.o) : e;
  }
}

/** Microseconds between 1970 and PostgreSQL's epoch, 2000-01-01. */
const PG_EPOCH_US = 946_684_800_000_000n;

/**
 * The replication protocol's Standby Status Update ('r') reporting `flushed` as written, flushed and
 * applied; with `replyRequested` the server answers at once with a keepalive.
 */
export function standbyStatusUpdate(flushed: bigint, replyRequested = false): Buffer {
  const b = Buffer.alloc(34);
  b.write('r', 0, 'latin1');
  b.writeBigUInt64BE(flushed, 1);
  b.writeBigUInt64BE(flushed, 9);
  b.writeBigUInt64BE(flushed, 17);
  b.writeBigInt64BE(BigInt(Date.now()) * 1000n - PG_EPOCH_US, 25);
  b.writeUInt8(replyRequested ? 1 : 0, 33);
  return b;
}
