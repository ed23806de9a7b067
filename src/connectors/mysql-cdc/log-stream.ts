import type mysql from 'mysql2/promise';
import { chunkIndexOf } from '../postgres-cdc/chunks.js';
import { comparePositions, type BinlogPosition } from './binlog-position.js';
import { BinlogStream, MissingTableError } from './binlog-stream.js';
import { tableIdOf, type CapturedTable } from './captured-tables.js';
import type { ChunkLow } from './cdc-splits.js';
import { withConnection } from './mysql-catalog.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import type { BinlogTransaction, Row } from './row-changes.js';

/** Queued changes past which the binlog connection stops reading until a poll takes them. */
const MAX_READY_CHANGES = 20_000;

/** How often a log split that waits for a new table checks that the table still exists. */
const WAIT_CHECK_MS = 1000;

/**
 * The log split: follows the binlog from `from`, keeps of each transaction the changes whose chunk
 * was snapshotted as of an earlier position (the others are in the chunk's rows already), and
 * queues them for the reader. Its position is the end of the last transaction taken.
 *
 * With `scan.newly-added-table.enabled`, a transaction that changes a matching table the split does
 * not capture yet stops it just before that transaction: the enumerator finds the table, has its
 * chunks read (each with a low mark), and hands the table over (`addTables`); the split then reads
 * the binlog again from where it stopped, and the new table's changes pass the same low-mark test.
 * Waiting, rather than dropping or keeping those rows, is what makes the switch exact whatever the
 * order of the enumerator's marks and the split's reading.
 *
 * With startup mode `timestamp` the changes of transactions stamped before the startup time are
 * dropped; their positions still count.
 */
export class LogStream {
  private stream: BinlogStream | undefined;
  /** Counts restarts of the binlog reader: a callback of an older one is ignored. */
  private generation = 0;
  private stopping: Promise<void> = Promise.resolve();
  private ready: BinlogTransaction[] = [];
  private readyChanges = 0;
  private paused = false;
  private failure: unknown;
  private emitted: BinlogPosition;
  /** The latest low mark: from there on every change passes. */
  private lastLow: BinlogPosition | undefined;
  /** Each table's chunks, in key order. */
  private readonly chunksOf = new Map<string, ChunkLow[]>();
  private readonly names = new Map<string, CapturedTable>();
  /** Matching tables not captured yet whose changes the split stopped at. */
  private waitingFor: readonly string[] | undefined;
  private lastCheck = 0;
  /** The decoder could not read this table's columns: waited for like a new table, failed on if it exists. */
  private missing: MissingTableError | undefined;
  private checking = false;
  /**
   * Tables the split stopped at that no longer exist (dropped or renamed before the enumerator saw
   * them): their rows are skipped until a DDL statement names them again (a new table of that name).
   */
  private readonly gone = new Set<string>();

  constructor(
    private readonly o: ResolvedMysqlCdcOptions,
    tables: readonly CapturedTable[],
    chunks: readonly ChunkLow[],
    start: BinlogPosition,
    from: BinlogPosition | undefined,
  ) {
    this.emitted = from ?? start;
    this.addChunks(tables, chunks);
    this.open();
  }

  /** Captures `tables` from now on, whose `chunks` were snapshotted as of their low marks. */
  addTables(tables: readonly CapturedTable[], chunks: readonly ChunkLow[]): void {
    this.addChunks(tables, chunks);
    this.waitingFor = undefined;
    this.restart(true);
  }

  /** Every queued change, or undefined when no transaction is complete; throws what broke the stream. */
  take(): { values: Row[]; kinds: Uint8Array; timestamps: number[] } | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (this.waitingFor) {
      this.checkWaiting();
      return undefined;
    }
    if (this.ready.length === 0) return undefined;
    const values: Row[] = [];
    const kinds: number[] = [];
    const timestamps: number[] = [];
    const metadata = this.o.metadata.length > 0;
    let taken = 0;
    for (const tx of this.ready) {
      if (tx.statement !== undefined && this.gone.size > 0)
        for (const id of this.gone) if (tx.statement.includes(id.slice(id.indexOf('.') + 1))) this.gone.delete(id);
      const unknown = tx.unknown?.filter((id) => !this.gone.has(id) && !this.names.has(id));
      if (unknown && unknown.length > 0) {
        this.waitingFor = unknown;
        break;
      }
      taken++;
      const all = this.lastLow === undefined || comparePositions(tx.end, this.lastLow) > 0;
      // Startup mode `timestamp`: by each transaction's own stamp, so a restore filters as the first run did.
      const early = this.o.startupTimestamp !== undefined && tx.opTs < this.o.startupTimestamp;
      for (const c of early ? [] : tx.changes) {
        if (!all) {
          const list = this.chunksOf.get(c.table);
          const chunk = list && (c.chunkKey === undefined ? list[0] : list[chunkIndexOf(list, c.chunkKey)]);
          if (chunk && comparePositions(tx.end, chunk.low) <= 0) continue;
        }
        values.push(metadata ? this.withMetadata(c.row, c.table, tx.opTs) : c.row);
        kinds.push(c.kind);
        timestamps.push(tx.opTs);
      }
      this.emitted = tx.end;
    }
    // Stopped at a new table: the binlog reader stops too (nothing queues while the table is snapshotted).
    if (this.waitingFor) this.restart(false);
    else {
      this.ready.length = 0;
      this.readyChanges = 0;
      if (this.paused) {
        this.paused = false;
        this.stream?.resume();
      }
    }
    if (taken === 0) return undefined;
    return { values, kinds: Uint8Array.from(kinds), timestamps };
  }

  /** The number of changes queued for the next take (flow control keeps it near {@link MAX_READY_CHANGES}). */
  queued(): number {
    return this.readyChanges;
  }

  position(): BinlogPosition {
    return this.emitted;
  }

  async close(): Promise<void> {
    this.generation++;
    await this.stream?.stop();
    await this.stopping;
  }

  private open(): void {
    const generation = ++this.generation;
    this.ready = [];
    this.readyChanges = 0;
    this.paused = false;
    this.stream = new BinlogStream(
      this.o,
      [...this.names.values()],
      this.o.serverIds.first,
      this.emitted,
      (tx) => {
        if (generation === this.generation) this.onTransaction(tx);
      },
      (e) => {
        if (generation !== this.generation) return;
        if (e instanceof MissingTableError && !this.waitingFor) {
          // Waits, as for a new table, and then skips it if it is gone.
          this.missing = e;
          this.waitingFor = [e.table];
          this.restart(false);
        } else if (this.failure === undefined) this.failure = e;
      },
      this.o.newlyAddedTables ? (d, t) => this.o.matches(d, t) && !this.gone.has(`${d}.${t}`) : undefined,
    );
  }

  /** Stops the binlog reader and, if `reopen`, starts a new one from the last position taken (same replica id: after the old one left). */
  private restart(reopen: boolean): void {
    const generation = ++this.generation;
    this.ready = [];
    this.readyChanges = 0;
    this.paused = false;
    const old = this.stream;
    this.stream = undefined;
    this.stopping = this.stopping
      .then(() => old?.stop())
      .then(() => {
        if (reopen && generation === this.generation) this.open();
      });
  }

  /** While waiting for tables, checks now and then that they still exist; gone ones are skipped. */
  private checkWaiting(): void {
    const now = Date.now();
    if (this.checking || now - this.lastCheck < WAIT_CHECK_MS) return;
    this.checking = true;
    this.lastCheck = now;
    const waiting = this.waitingFor!;
    withConnection(this.o, async (c) => {
      const gone: string[] = [];
      for (const id of waiting) {
        const dot = id.indexOf('.');
        const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [
          id.slice(0, dot),
          id.slice(dot + 1),
        ]);
        if (rows.length === 0) gone.push(id);
      }
      return gone;
    }).then(
      (gone) => {
        this.checking = false;
        for (const id of gone) this.gone.add(id);
        // The table is there but could not be read: no waiting will help.
        if (this.missing && !this.gone.has(this.missing.table) && this.failure === undefined) this.failure = this.missing.original;
        this.missing = undefined;
        if (this.waitingFor === waiting && waiting.every((id) => this.gone.has(id))) {
          this.waitingFor = undefined;
          this.restart(true);
        }
      },
      (e) => {
        this.checking = false;
        if (this.failure === undefined) this.failure = e;
      },
    );
  }

  private addChunks(tables: readonly CapturedTable[], chunks: readonly ChunkLow[]): void {
    for (const t of tables) this.names.set(tableIdOf(t), t);
    for (const c of chunks) {
      if (!this.lastLow || comparePositions(c.low, this.lastLow) > 0) this.lastLow = c.low;
      let list = this.chunksOf.get(c.table);
      if (!list) this.chunksOf.set(c.table, (list = []));
      list.push(c);
    }
  }

  private onTransaction(tx: BinlogTransaction): void {
    this.ready.push(tx);
    this.readyChanges += tx.changes.length;
    if (!this.paused && this.readyChanges >= MAX_READY_CHANGES) {
      this.paused = true;
      this.stream?.pause();
    }
  }

  private withMetadata(row: Row, table: string, opTs: number): Row {
    const t = this.names.get(table)!;
    for (const m of this.o.metadata) {
      if (m === 'op_ts') row.op_ts = opTs;
      else if (m === 'table_name') row.table_name = t.table;
      else row.database_name = t.database;
    }
    return row;
  }
}
