/**
 * The `filesystem` connector (Flink's name): files as input and as output.
 *
 * @example
 * import { fileSource, fileSink } from 'weir/connectors/filesystem';
 * env.fromSource(fileSource({ path: 'in', format: 'json' })).sinkTo(fileSink({ path: 'out', format: 'json' }));
 */
/** Files as input: text lines, JSON Lines and CSV, bounded or watching a directory (Flink's `FileSource`). */
export { fileSource, type FileSourceOptions, type FileSplit, type FilePosition, type FileSourceState } from './file-source.js';
export type { CsvOptions, CsvType, FileFormat } from './line-decoders.js';
export { parseCsvLine } from './csv-line-parser.js';
/** Rolling part files as output (Flink's `FileSink`). */
export { fileSink, type FileSinkOptions } from './file-sink.js';
export { RollingPolicy, type RollingPolicyOptions } from './rolling-policy.js';
export type { PartitionCommitOptions } from './partition-commit.js';
export { InProgressPart, PendingPart } from './part-file.js';
export { RollingFileWriter, type PartNaming } from './rolling-file-writer.js';
export type { SinkFormat, CsvWriteOptions, RecordEncoder } from './record-encoders.js';
