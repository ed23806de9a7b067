import type { SourceSplit } from '../../core/source.js';
import type { Chunk } from './chunks.js';
import type { LogPosition } from './log-stream.js';

/** A snapshot chunk of the table. */
export interface ChunkSplit extends SourceSplit {
  readonly kind: 'chunk';
  readonly keyColumn: string;
  readonly chunk: Chunk;
}

/** The one log split, which follows the slot after the chunks; it routes changes by `chunks`. */
export interface LogSplit extends SourceSplit {
  readonly kind: 'log';
  readonly keyColumn: string;
  readonly chunks: Chunk[];
}

export type CdcSplit = ChunkSplit | LogSplit;

/** A reader's checkpointed positions by split id: a chunk `'done'` once its rows were emitted, or the log position. */
export type CdcReaderState = Record<string, 'done' | LogPosition>;

export const LOG_SPLIT_ID = 'log';
