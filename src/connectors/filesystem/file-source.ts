import { toMillis, type Duration } from '../../core/duration.js';
import type { ErrorPolicy, Source, SourceSplit } from '../../core/source.js';
import { FileReader } from './file-reader.js';
import { listFilesSync } from './file-listing.js';
import { FileEnumerator, type FileEnumeratorState } from './file-enumerator.js';
import { selectedFiles } from './path-fields.js';
import { createDecoder, type CsvOptions, type FileFormat } from './line-decoders.js';

export interface FileSourceOptions {
  /** A file, or a directory whose files (recursively, sorted, hidden names skipped) are read. */
  readonly path: string;
  readonly format: FileFormat;
  readonly csv?: CsvOptions;
  /**
   * What a malformed line, or a record whose event timestamp is not a safe integer, does: fail the
   * job (default), be skipped and counted, or go to the dead-letter output.
   */
  readonly errorPolicy?: ErrorPolicy;
  /**
   * Keep watching the directory for new files at this interval; the source never ends. A split
   * enumerator in the main thread then lists the directory and hands each new file to the next idle
   * reader; checkpoints keep which files it has seen.
   */
  readonly monitorInterval?: Duration;
  /**
   * Fields a file's records get from its path relative to `path` (a partitioned table's
   * `col=value/` directories), set on every record of the file (JSON and CSV records); a file for
   * which it returns undefined is not read (not a partition, or one the query does not need).
   */
  readonly pathFields?: (relativePath: string) => Readonly<Record<string, unknown>> | undefined;
  readonly name?: string;
}

/** One file. */
export interface FileSplit extends SourceSplit {
  readonly path: string;
}

/** Where a reader is in a file: the byte offset and number of the next line, and CSV header columns. */
export interface FilePosition {
  readonly offset: number;
  readonly line: number;
  readonly columns?: readonly string[];
}

/**
 * A reader's checkpointed state: per file path (the split id), its position or 'done'. Flat, so
 * the states of all readers merge into one and a restore at any parallelism finds every file.
 */
export type FileSourceState = Record<string, FilePosition | 'done'>;

/**
 * Reads text, JSON Lines or CSV files, as Flink's `FileSource`. Each file is one split, read line by
 * line in batches, so files of any size stream through bounded memory. Positions (byte offset and
 * line number per file) are checkpointed, so the source is replayable. With `monitorInterval` it
 * keeps watching the directory and reads each new file once it appears (write files elsewhere or
 * under a hidden name, then rename them in).
 *
 * @example
 * env.fromSource(fileSource({ path: 'data/orders', format: 'csv', csv: { header: true, types: { amount: 'number' } }, errorPolicy: 'dead-letter' }))
 */
export function fileSource(options: FileSourceOptions & { format: 'text' }): Source<string, FileSplit>;
export function fileSource<T = Record<string, unknown>>(options: FileSourceOptions): Source<T, FileSplit>;
export function fileSource<T>(options: FileSourceOptions): Source<T, FileSplit> {
  createDecoder(options.format, options.csv); // validates the format options before the job starts
  const monitorMs = options.monitorInterval === undefined ? undefined : toMillis(options.monitorInterval);
  return {
    name: options.name ?? 'File Source',
    bounded: monitorMs === undefined,
    replayable: true,
    ...(options.errorPolicy ? { errorPolicy: options.errorPolicy } : {}),
    splits() {
      return selectedFiles(options, listFilesSync(options.path)).map((path) => ({ id: path, path }));
    },
    createReader(splits, ctx, restored) {
      return new FileReader<T>(options, monitorMs !== undefined, splits, ctx, restored as FileSourceState | undefined);
    },
    ...(monitorMs === undefined
      ? {}
      : {
          createEnumerator: (ctx, restored) =>
            new FileEnumerator(options.path, monitorMs, ctx, restored as FileEnumeratorState | undefined, (paths) => selectedFiles(options, paths)),
          isSplitFinished: (position) => position === 'done',
        }),
  };
}
