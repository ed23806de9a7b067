import type { SourceSplit } from '../../core/source.js';
import type { CapturedTable } from './captured-tables.js';
import type { Chunk } from './chunks.js';
import type { LogPosition } from './log-stream.js';

/** A snapshot chunk of one captured table (`table` is its id, `schema.table`). */
export interface TableChunk extends Chunk {
  readonly table: string;
}

/**
 * A snapshot chunk of a table. A chunk of a table found after the start has `slot`, the slot
 * whose log reconciles it (see `newTablesSlotOf`).
 */
export interface ChunkSplit extends SourceSplit {
  readonly kind: 'chunk';
  readonly table: CapturedTable;
  readonly chunk: TableChunk;
  readonly slot?: string;
}

/** The one log split, which follows the slot after the chunks; it routes changes by `chunks`. */
export interface LogSplit extends SourceSplit {
  readonly kind: 'log';
  readonly tables: readonly CapturedTable[];
  readonly chunks: TableChunk[];
}

/**
 * Tables found after the log split was handed out, with their chunks (all read),
 * for the reader holding the log split: it captures them from then on. A restore rebuilds the log
 * split with every table instead, so this split is never handed out again.
 */
export interface TablesSplit extends SourceSplit {
  readonly kind: 'tables';
  readonly tables: readonly CapturedTable[];
  readonly chunks: TableChunk[];
}

/**
 * Nothing to read: the answer to a request of a reader that may still be emitting chunks when none
 * are left to hand out, so that it asks again once it has emitted them (see `CdcEnumerator`).
 */
export interface DrainSplit extends SourceSplit {
  readonly kind: 'drain';
}

export type CdcSplit = ChunkSplit | LogSplit | TablesSplit | DrainSplit;

/** A reader's checkpointed positions by split id: a chunk `'done'` once its rows were emitted, or the log position. */
export type CdcReaderState = Record<string, 'done' | LogPosition>;

export const LOG_SPLIT_ID = 'log';
