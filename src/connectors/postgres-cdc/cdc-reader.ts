import type pg from 'pg';
import { Batch } from '../../core/batch.js';
import type { PollResult, SourceReader, SourceSplit } from '../../core/source.js';
import { tableIdOf, type CapturedTable } from './captured-tables.js';
import { ChunkReads } from './chunk-read.js';
import type { CdcReaderState, CdcSplit, ChunkSplit, LogSplit } from './cdc-splits.js';
import { LogStream, type LogPosition } from './log-stream.js';
import { parseLsn } from './lsn.js';
import { connectPg } from './pg-connect.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';
import type { Row } from './row-changes.js';
import { textTypes } from './text-types.js';

/** Chunks of one hand-out being read on one of the reader's connections, emitted in order from `next`. */
interface Reading {
  readonly reads: ChunkReads;
  readonly splits: ChunkSplit[];
  next: number;
}

/**
 * Reads the splits the enumerator hands this subtask: each chunk as one batch of `+I` rows (so a
 * checkpoint never splits a chunk), then, if it gets it, the log split for as long as the job runs.
 *
 * The server reads one hand-out ahead: once the reader starts on a hand-out it asks for the next
 * (by returning `'later'` once, which makes the runtime ask the enumerator) and sends its chunks'
 * statements on its second connection, so the server scans them while the job decodes and emits
 * the current ones. At most two hand-outs are held (their COPY text, off the heap).
 */
export class CdcReader implements SourceReader<Row> {
  private readonly chunks: ChunkSplit[] = [];
  /** Chunks being read, emitted one per poll (so a checkpoint never splits a chunk) as each is final. */
  private reading: Reading | undefined;
  /** The next hand-out, read by the server on the other connection while `reading` is emitted. */
  private ahead: Reading | undefined;
  /** Whether this reader returned `'later'` to ask for its next hand-out and has had no split since. */
  private asked = false;
  private readonly done = new Set<string>();
  private log: { split: LogSplit; stream: LogStream } | undefined;
  /** Two connections, used in turn by successive hand-outs. */
  private readonly clients: pg.Client[] = [];
  private turn = 0;
  private noMore = false;
  /** Log positions by the checkpoint they were taken for, until that checkpoint completes. */
  private readonly pendingConfirms: [number, string][] = [];

  constructor(private readonly o: ResolvedCdcOptions) {}

  addSplits(splits: SourceSplit[], positions?: Readonly<Record<string, unknown>>): void {
    for (const s of splits as CdcSplit[]) {
      const at = positions?.[s.id];
      // No chunks left: the next request must wait until every chunk held was emitted (so `asked`
      // stays). Finished at once, so that a restore does not hand it back.
      if (s.kind === 'drain') this.done.add(s.id);
      else if (s.kind === 'chunk') {
        // The runtime asks again at the next `'later'` once it got a split.
        this.asked = false;
        if (at === 'done') this.done.add(s.id);
        else this.chunks.push(s);
      } else if (s.kind === 'tables') {
        if (!this.log) throw new Error(`postgres-cdc: new tables ${s.tables.map(tableIdOf).join(', ')} were handed to a reader without the log split`);
        this.log.stream.addTables(s.tables, s.chunks);
        // Taken over by the log split's position: a restore rebuilds the log split with these tables.
        this.done.add(s.id);
      } else {
        this.log = { split: s, stream: new LogStream(this.o, s.tables, s.chunks, at as LogPosition | undefined) };
      }
    }
  }

  notifyNoMoreSplits(): void {
    this.noMore = true;
  }

  poll(): PollResult<Row> | Promise<PollResult<Row>> {
    if (this.reading) {
      if (!this.ahead && this.chunks.length > 0) return this.readAhead();
      // Every hand-out before this one was emitted: what the enumerator takes a request to say.
      if (!this.ahead && !this.asked && !this.noMore) {
        this.asked = true;
        return 'later';
      }
      return this.emitNext(this.reading);
    }
    if (this.chunks.length > 0) return this.readChunks();
    if (this.log) {
      const taken = this.log.stream.take();
      return taken ? new Batch(taken.values, taken.timestamps, undefined, taken.kinds) : 'later';
    }
    return this.noMore ? 'end' : 'later';
  }

  snapshotState(checkpointId?: number): CdcReaderState {
    const state: CdcReaderState = {};
    for (const id of this.done) state[id] = 'done';
    if (this.log) {
      const at = this.log.stream.position();
      state[this.log.split.id] = at;
      if (checkpointId !== undefined) this.pendingConfirms.push([checkpointId, at.lsn]);
    }
    return state;
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    let lsn: string | undefined;
    while (this.pendingConfirms.length > 0 && this.pendingConfirms[0]![0] <= checkpointId) lsn = this.pendingConfirms.shift()![1];
    if (lsn !== undefined && this.log) await this.log.stream.confirmUpTo(parseLsn(lsn));
  }

  async close(): Promise<void> {
    await this.log?.stream.close();
    await Promise.all(this.clients.map((c) => c.end().catch(() => {})));
  }

  /** Starts reading every chunk held (the enumerator hands out a few at a time). */
  private async readChunks(): Promise<PollResult<Row>> {
    this.reading = await this.startReading();
    return this.poll();
  }

  /** Starts reading the next hand-out while the current one is emitted, then emits the current one's next chunk. */
  private async readAhead(): Promise<PollResult<Row>> {
    this.ahead = await this.startReading();
    return this.emitNext(this.reading!);
  }

  /**
   * Sends the statements of every chunk held on the connection whose turn it is. A chunk leaves
   * `chunks` here and is `done` only once emitted: a checkpoint between the two keeps neither, so
   * a restore reads it again (the enumerator hands it back), read ahead or not.
   */
  private async startReading(): Promise<Reading> {
    const k = this.turn;
    this.turn = 1 - k;
    // connectPg gives the connection its 'error' listener; close() ends both.
    this.clients[k] ??= await connectPg({ ...this.o.connection, types: textTypes });
    const splits = this.chunks.splice(0);
    return { reads: new ChunkReads(this.clients[k], this.o, splits), splits, next: 0 };
  }

  /** Emits the next chunk of `r` once its rows are final; the server meanwhile sends the chunks after it. */
  private async emitNext(r: Reading): Promise<PollResult<Row>> {
    const i = r.next++;
    if (r.next === r.splits.length) {
      this.reading = this.ahead;
      this.ahead = undefined;
    }
    return this.emitChunk(r.splits[i]!, await r.reads.rows(i));
  }

  private emitChunk(split: ChunkSplit, rows: Row[]): Batch<Row> {
    this.done.add(split.id);
    for (const r of rows) this.addMetadata(r, split.table);
    // Snapshot rows are insertions read at no single commit time: op_ts 0, as in Flink CDC.
    return new Batch(rows, new Array<number>(rows.length).fill(0));
  }

  private addMetadata(row: Row, t: CapturedTable): void {
    for (const m of this.o.metadata) {
      if (m === 'op_ts') row.op_ts = 0;
      else if (m === 'table_name') row.table_name = t.table;
      else if (m === 'schema_name') row.schema_name = t.schema;
      else row.database_name = this.o.connection.database;
    }
  }
}
