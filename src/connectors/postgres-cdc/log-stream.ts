import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { tableIdOf, type CapturedTable } from './captured-tables.js';
import type { TableChunk } from './cdc-splits.js';
import { lastWatermarks, parseWatermark, WATERMARK_PREFIX } from './chunk-read.js';
import { LogFilter } from './log-filter.js';
import { formatLsn, parseLsn } from './lsn.js';
import { slotDroppedError, withClient } from './pg-catalog.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';
import { RelationTracker, type RelationShape } from './relation-changes.js';
import { rowChanges, type DecodedChange, type Row } from './row-changes.js';
import { keepTextTypes } from './text-types.js';
import { ToastLookup, type DecodedUpdate } from './toast-lookup.js';

/** Where the log split is: after the transaction that ended at `lsn`, with the chunk watermarks seen by then. */
export interface LogPosition {
  readonly lsn: string;
  readonly seen: string[] | 'all';
}

/** A whole transaction's rows, queued until a poll takes them. */
interface ReadyTransaction {
  readonly values: Row[];
  readonly kinds: number[];
  readonly opTs: number;
  readonly endLsn: bigint;
  /** The filter's state after this point of the log. */
  readonly seen: string[] | 'all';
}

/** Transactions queued before the replication stream is paused. */
const MAX_READY_ROWS = 20_000;
const SQLSTATE_UNDEFINED_OBJECT = '42704';

/**
 * The log split: streams the slot's changes to the table (pgoutput over the replication protocol),
 * drops those the snapshot chunks already hold, and queues whole transactions for the reader. The
 * slot is confirmed only up to what a completed checkpoint covers.
 */
export class LogStream {
  private readonly service: LogicalReplicationService;
  private readonly filter: LogFilter;
  private readonly toast: ToastLookup;
  private readonly ready: ReadyTransaction[] = [];
  private readyRows = 0;
  private wake: (() => void) | undefined;
  private failure: unknown;
  private current: { values: Row[]; kinds: number[]; opTs: number } | undefined;
  private emitted: LogPosition;
  private confirmed = 0n;
  private closed = false;
  /** Each captured table, and its schema tracker, by `schema.table`. */
  private readonly tables = new Map<string, { table: CapturedTable; relation: RelationTracker }>();
  /** The commit LSN of the transaction being read, for errors. */
  private txLsn = '?';
  private readonly heartbeat: NodeJS.Timeout | undefined;
  /** The read id of each chunk's valid watermark (see {@link lastWatermarks}); earlier ones are ignored. */
  private validWatermarks: Map<string, string> | undefined;

  constructor(
    private readonly o: ResolvedCdcOptions,
    tables: readonly CapturedTable[],
    chunks: readonly TableChunk[],
    from: LogPosition | undefined,
  ) {
    this.emitted = from ?? { lsn: '0/0', seen: [] };
    this.filter = new LogFilter(chunks, this.emitted.seen);
    for (const t of tables) this.tables.set(tableIdOf(t), { table: t, relation: new RelationTracker(tableIdOf(t), o.schemaChange) });
    this.toast = new ToastLookup(o);
    this.service = new LogicalReplicationService({ ...o.connection, replication: 'database' } as ConstructorParameters<typeof LogicalReplicationService>[0], {
      acknowledge: { auto: false, timeoutSeconds: 0 },
      flowControl: { enabled: true },
    });
    this.service.on('data', (_lsn: string, msg: Pgoutput.Message) => this.onMessage(msg));
    this.service.on('heartbeat', (lsn: string, _ts: number, reply: boolean) => {
      this.onKeepalive(parseLsn(lsn));
      if (reply) void this.confirm();
    });
    // Asking for a reply makes the server send a keepalive with how far it has read the log.
    if (o.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => void this.confirm(true), o.heartbeatMs);
      this.heartbeat.unref();
    }
    this.service.on('error', (e: unknown) => this.fail(e));
    this.start().catch((e: unknown) => this.fail(e));
  }

  private async start(): Promise<void> {
    if (this.filter.state() !== 'all') this.validWatermarks = await withClient(this.o, (c) => lastWatermarks(c, this.o));
    if (this.closed) return;
    const plugin = keepTextTypes(new PgoutputPlugin({ protoVersion: 1, publicationNames: [this.o.publication], messages: true }));
    await this.service.subscribe(plugin, this.o.slot, this.emitted.lsn);
  }

  /** Every queued transaction, or undefined when none is complete; throws what broke the stream. */
  take(): { values: Row[]; kinds: Uint8Array; timestamps: number[] } | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (this.ready.length === 0) return undefined;
    const values: Row[] = [];
    const kinds: number[] = [];
    const timestamps: number[] = [];
    for (const tx of this.ready) {
      for (let i = 0; i < tx.values.length; i++) {
        values.push(tx.values[i]!);
        kinds.push(tx.kinds[i]!);
        timestamps.push(tx.opTs);
      }
    }
    const last = this.ready[this.ready.length - 1]!;
    this.emitted = { lsn: formatLsn(last.endLsn), seen: last.seen };
    this.ready.length = 0;
    this.readyRows = 0;
    this.wake?.();
    return { values, kinds: Uint8Array.from(kinds), timestamps };
  }

  position(): LogPosition {
    return this.emitted;
  }

  /** Tells the server it may drop the log before `lsn` (a position a completed checkpoint holds). */
  confirmUpTo(lsn: bigint): Promise<void> {
    if (lsn > this.confirmed) this.confirmed = lsn;
    return this.confirm();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.wake?.();
    await this.service.destroy();
    await this.toast.close();
  }

  /**
   * Sends a standby status update itself: the library's reports lsn + 1 (the slot must restart at
   * the confirmed end exactly) and cannot report nothing. Before the first completed checkpoint the
   * flush position is 0, which the server reads as "no news" but which still keeps the walsender
   * from timing out.
   */
  private async confirm(replyRequested = false): Promise<void> {
    const conn = (this.service as unknown as { _connection?: { sendCopyFromChunk(b: Buffer): void } })._connection;
    conn?.sendCopyFromChunk(standbyStatusUpdate(this.confirmed, replyRequested));
  }

  /**
   * A keepalive says the server has sent everything up to `walEnd`. When every message before it
   * was handled and no transaction is open, the position may move there: the transactions in
   * between touched other tables only (pgoutput leaves them out), so a restart skips nothing.
   * Without this an idle table's slot would hold the server's log for as long as it stays idle.
   */
  private onKeepalive(walEnd: bigint): void {
    // The library queues data messages and handles them one by one, keepalives at once.
    const svc = this.service as unknown as { _messageQueue?: unknown[]; _processing?: boolean };
    if (this.current || (svc._messageQueue?.length ?? 0) > 0 || svc._processing) return;
    const prev = this.ready[this.ready.length - 1];
    if (walEnd <= (prev ? prev.endLsn : parseLsn(this.emitted.lsn))) return;
    const entry: ReadyTransaction = { values: [], kinds: [], opTs: 0, endLsn: walEnd, seen: this.filter.state() };
    if (prev && prev.values.length === 0) this.ready[this.ready.length - 1] = entry;
    else this.ready.push(entry);
  }

  private onMessage(m: Pgoutput.Message): Promise<void> | undefined {
    switch (m.tag) {
      case 'begin':
        this.txLsn = m.commitLsn ?? '?';
        this.current = { values: [], kinds: [], opTs: Number((m.commitTime as unknown as bigint) / 1000n) };
        return undefined;
      case 'update': {
        // The stream waits for the returned promise, so changes stay in log order.
        const captured = this.tables.get(`${m.relation.schema}.${m.relation.name}`);
        const missing = captured ? ToastLookup.missing(m as unknown as DecodedUpdate) : [];
        if (!captured || missing.length === 0 || !this.current) break;
        return this.toast.fill(captured.table, m as unknown as DecodedUpdate, missing).then(
          (found) => {
            if (found) this.onChange(m);
          },
          (e: unknown) => this.fail(e),
        );
      }
      case 'insert':
      case 'delete':
        this.onChange(m);
        return undefined;
      case 'relation':
        if (this.tables.has(`${m.schema}.${m.name}`)) {
          try {
            this.tables.get(`${m.schema}.${m.name}`)!.relation.onRelation(m as RelationShape, this.txLsn);
          } catch (e) {
            this.fail(e);
          }
        }
        return undefined;
      case 'message': {
        if (m.prefix !== WATERMARK_PREFIX) return undefined;
        const { slot, chunk, read } = parseWatermark(Buffer.from(m.content).toString('utf8'));
        if (slot !== this.o.slot || chunk === undefined) return undefined;
        // The watermark of a read whose rows a crash threw away: the chunk's rows are those of a later read.
        const valid = this.validWatermarks?.get(chunk);
        if (valid !== undefined && read !== valid) return undefined;
        this.filter.see(chunk);
        // A watermark is a point in the log a restart must not forget: it travels as an empty transaction.
        return this.enqueue({ values: [], kinds: [], opTs: 0, endLsn: parseLsn(this.emitted.lsn), seen: this.filter.state() }, false);
      }
      case 'commit': {
        const cur = this.current;
        this.current = undefined;
        if (!cur) return undefined;
        return this.enqueue({ ...cur, endLsn: parseLsn(m.commitEndLsn!), seen: this.filter.state() }, true);
      }
      default:
        return undefined;
    }
    this.onChange(m as DecodedChange & { relation: { schema: string; name: string } });
    return undefined;
  }

  private onChange(m: DecodedChange & { relation: { schema: string; name: string } }): void {
    const cur = this.current;
    const id = `${m.relation.schema}.${m.relation.name}`;
    const captured = this.tables.get(id);
    if (!cur || !captured) return;
    for (const c of rowChanges(m, captured.table, id)) {
      if (!this.filter.passes(id, c.chunkKey)) continue;
      cur.values.push(this.withMetadata(captured.relation.shape(c.row), captured.table, cur.opTs));
      cur.kinds.push(c.kind);
    }
  }

  private withMetadata(row: Row, t: CapturedTable, opTs: number): Row {
    for (const m of this.o.metadata) {
      if (m === 'op_ts') row.op_ts = opTs;
      else if (m === 'table_name') row.table_name = t.table;
      else if (m === 'schema_name') row.schema_name = t.schema;
      else row.database_name = this.o.connection.database;
    }
    return row;
  }

  private enqueue(tx: ReadyTransaction, hasEnd: boolean): Promise<void> | undefined {
    // A watermark between transactions keeps the end of the last one queued (or emitted).
    const prev = this.ready[this.ready.length - 1];
    const entry = hasEnd ? tx : { ...tx, endLsn: prev ? prev.endLsn : tx.endLsn };
    if (entry.values.length === 0 && !hasEnd && prev) {
      this.ready[this.ready.length - 1] = { ...prev, seen: entry.seen };
    } else this.ready.push(entry);
    this.readyRows += entry.values.length;
    if (this.readyRows < MAX_READY_ROWS || this.closed) return undefined;
    return new Promise<void>((r) => (this.wake = r));
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
