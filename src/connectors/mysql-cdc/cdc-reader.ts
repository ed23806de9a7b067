import { Batch } from '../../core/batch.js';
import type { PollResult, SourceReader, SourceSplit } from '../../core/source.js';
import type { BinlogPosition } from './binlog-position.js';
import { tableIdOf } from './captured-tables.js';
import { readChunks } from './chunk-read.js';
import type { ChunkSplit, LogSplit, MysqlCdcReaderState, MysqlCdcSplit } from './cdc-splits.js';
import { LogStream } from './log-stream.js';
import { connect, type Connection } from './mysql-catalog.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import type { Row } from './row-changes.js';

/**
 * Reads the splits the enumerator hands this subtask: each chunk as one batch of `+I` rows (so a
 * checkpoint never splits a chunk), then, if it gets it, the log split for as long as the job runs.
 */
export class MysqlCdcReader implements SourceReader<Row> {
  private readonly chunks: ChunkSplit[] = [];
  /** Chunks read but not yet emitted, with their rows. */
  private readonly read: { split: ChunkSplit; rows: Row[] }[] = [];
  private readonly done = new Set<string>();
  private log: { split: LogSplit; stream: LogStream } | undefined;
  private conn: Connection | undefined;
  private noMore = false;

  /** `serverId` is this reader's replication client id for the binlog reads of its chunks. */
  constructor(
    private readonly o: ResolvedMysqlCdcOptions,
    private readonly serverId: number,
  ) {}

  addSplits(splits: SourceSplit[], positions?: Readonly<Record<string, unknown>>): void {
    for (const s of splits as MysqlCdcSplit[]) {
      const at = positions?.[s.id];
      if (s.kind === 'chunk') {
        if (at === 'done') this.done.add(s.id);
        else this.chunks.push(s);
      } else if (s.kind === 'tables') {
        if (!this.log) throw new Error(`mysql-cdc: new tables ${s.tables.map((t) => tableIdOf(t)).join(', ')} were handed to a reader without the log split`);
        this.log.stream.addTables(s.tables, s.chunks);
        // Taken over by the log split's position: a restore rebuilds the log split with these tables.
        this.done.add(s.id);
      } else {
        this.log = { split: s, stream: new LogStream(this.o, s.tables, s.chunks, s.start, at as BinlogPosition | undefined) };
      }
    }
  }

  notifyNoMoreSplits(): void {
    this.noMore = true;
  }

  poll(): PollResult<Row> | Promise<PollResult<Row>> {
    const read = this.read.shift();
    if (read) return this.emitChunk(read.split, read.rows);
    if (this.chunks.length > 0) return this.readChunks();
    if (this.log) {
      const taken = this.log.stream.take();
      return taken ? new Batch(taken.values, taken.timestamps, undefined, taken.kinds) : 'later';
    }
    return this.noMore ? 'end' : 'later';
  }

  snapshotState(): MysqlCdcReaderState {
    const state: MysqlCdcReaderState = {};
    for (const id of this.done) state[id] = 'done';
    if (this.log) state[this.log.split.id] = this.log.stream.position();
    return state;
  }

  async close(): Promise<void> {
    await this.log?.stream.close();
    await this.conn?.end().catch(() => {});
  }

  /** Reads every chunk held (the enumerator hands out a few at a time) and emits the first. */
  private async readChunks(): Promise<PollResult<Row>> {
    this.conn ??= await connect(this.o);
    // A chunk leaves `chunks` before it is emitted, and is `done` only then: a checkpoint between
    // the two keeps neither, so a restore reads it again (the enumerator hands it back).
    const splits = this.chunks.splice(0);
    const rows = await readChunks(this.conn, this.o, splits, this.serverId);
    for (let i = 1; i < splits.length; i++) this.read.push({ split: splits[i]!, rows: rows[i]! });
    return this.emitChunk(splits[0]!, rows[0]!);
  }

  private emitChunk(split: ChunkSplit, rows: Row[]): Batch<Row> {
    this.done.add(split.id);
    for (const r of rows) {
      for (const m of this.o.metadata) {
        if (m === 'op_ts') r.op_ts = 0;
        else if (m === 'table_name') r.table_name = split.table.table;
        else r.database_name = split.table.database;
      }
    }
    // Snapshot rows are insertions read at no single commit time: op_ts 0, as in Flink CDC.
    return new Batch(rows, new Array<number>(rows.length).fill(0));
  }
}
