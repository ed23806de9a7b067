import { chunkIndexOf } from '../postgres-cdc/chunks.js';
import { comparePositions, type BinlogPosition } from './binlog-position.js';
import { BinlogStream } from './binlog-stream.js';
import { tableIdOf, type CapturedTable } from './captured-tables.js';
import type { ChunkLow } from './cdc-splits.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import type { BinlogTransaction, Row } from './row-changes.js';

/** Queued changes past which the binlog connection stops reading until a poll takes them. */
const MAX_READY_CHANGES = 20_000;

/**
 * The log split: follows the binlog from `from`, keeps of each transaction the changes whose chunk
 * was snapshotted as of an earlier position (the others are in the chunk's rows already), and
 * queues them for the reader. Its position is the end of the last transaction taken.
 */
export class LogStream {
  private readonly stream: BinlogStream;
  private readonly ready: BinlogTransaction[] = [];
  private readyChanges = 0;
  private paused = false;
  private failure: unknown;
  private emitted: BinlogPosition;
  /** The latest low mark: from there on every change passes. */
  private readonly lastLow: BinlogPosition | undefined;
  /** Each table's chunks, in key order. */
  private readonly chunksOf = new Map<string, ChunkLow[]>();
  private readonly names = new Map<string, CapturedTable>();

  constructor(
    private readonly o: ResolvedMysqlCdcOptions,
    tables: readonly CapturedTable[],
    chunks: readonly ChunkLow[],
    start: BinlogPosition,
    from: BinlogPosition | undefined,
  ) {
    this.emitted = from ?? start;
    for (const t of tables) this.names.set(tableIdOf(t), t);
    for (const c of chunks) {
      if (!this.lastLow || comparePositions(c.low, this.lastLow) > 0) this.lastLow = c.low;
      let list = this.chunksOf.get(c.table);
      if (!list) this.chunksOf.set(c.table, (list = []));
      list.push(c);
    }
    this.stream = new BinlogStream(
      o,
      tables,
      o.serverIds.first,
      this.emitted,
      (tx) => this.onTransaction(tx),
      (e) => {
        if (this.failure === undefined) this.failure = e;
      },
    );
  }

  /** Every queued change, or undefined when no transaction is complete; throws what broke the stream. */
  take(): { values: Row[]; kinds: Uint8Array; timestamps: number[] } | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (this.ready.length === 0) return undefined;
    const values: Row[] = [];
    const kinds: number[] = [];
    const timestamps: number[] = [];
    const metadata = this.o.metadata.length > 0;
    for (const tx of this.ready) {
      const all = this.lastLow === undefined || comparePositions(tx.end, this.lastLow) > 0;
      for (const c of tx.changes) {
        if (!all) {
          const list = this.chunksOf.get(c.table);
          const chunk = list && (c.chunkKey === undefined ? list[0] : list[chunkIndexOf(list, c.chunkKey)]);
          if (chunk && comparePositions(tx.end, chunk.low) <= 0) continue;
        }
        values.push(metadata ? this.withMetadata(c.row, c.table, tx.opTs) : c.row);
        kinds.push(c.kind);
        timestamps.push(tx.opTs);
      }
    }
    this.emitted = this.ready[this.ready.length - 1]!.end;
    this.ready.length = 0;
    this.readyChanges = 0;
    if (this.paused) {
      this.paused = false;
      this.stream.resume();
    }
    return { values, kinds: Uint8Array.from(kinds), timestamps };
  }

  /** The number of changes queued for the next take (flow control keeps it near {@link MAX_READY_CHANGES}). */
  queued(): number {
    return this.readyChanges;
  }

  position(): BinlogPosition {
    return this.emitted;
  }

  close(): Promise<void> {
    return this.stream.stop();
  }

  private onTransaction(tx: BinlogTransaction): void {
    this.ready.push(tx);
    this.readyChanges += tx.changes.length;
    if (!this.paused && this.readyChanges >= MAX_READY_CHANGES) {
      this.paused = true;
      this.stream.pause();
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
