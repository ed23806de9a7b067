import type { SourceSplit } from '../../core/source.js';
import type { Chunk } from '../postgres-cdc/chunks.js';
import type { BinlogPosition } from './binlog-position.js';
import type { CapturedTable } from './captured-tables.js';

/** A snapshot chunk of one captured table (`table` is its id, `database.table`). */
export interface TableChunk extends Chunk {
  readonly table: string;
}

/**
 * A snapshot chunk of a table, with `low`, the binlog's end when the enumerator handed it out: the
 * reader emits the chunk's rows as of `low`, and the log split emits the chunk's changes after it.
 * `start` is where the log split begins, from which the reader reads the binlog to reconcile.
 */
export interface ChunkSplit extends SourceSplit {
  readonly kind: 'chunk';
  readonly table: CapturedTable;
  readonly chunk: TableChunk;
  readonly low: BinlogPosition;
  readonly start: BinlogPosition;
}

/** A chunk as the log split routes by it. */
export interface ChunkLow extends TableChunk {
  readonly low: BinlogPosition;
}

/** The one log split, which follows the binlog from `start` after the chunks. */
export interface LogSplit extends SourceSplit {
  readonly kind: 'log';
  readonly tables: readonly CapturedTable[];
  readonly chunks: ChunkLow[];
  readonly start: BinlogPosition;
}

/**
 * Tables found after the log split was handed out, with their chunks (all read), for the reader
 * that holds the log split: it captures them from then on. A restore rebuilds the log split with
 * every table instead, so this split is never handed out again.
 */
export interface TablesSplit extends SourceSplit {
  readonly kind: 'tables';
  readonly tables: readonly CapturedTable[];
  readonly chunks: ChunkLow[];
}

export type MysqlCdcSplit = ChunkSplit | LogSplit | TablesSplit;

/** A reader's checkpointed positions by split id: a chunk `'done'` once its rows were emitted, or the log position. */
export type MysqlCdcReaderState = Record<string, 'done' | BinlogPosition>;

export const LOG_SPLIT_ID = 'binlog';
