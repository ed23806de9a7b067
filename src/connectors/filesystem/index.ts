/** Rolling part files as output (Flink's `FileSink` / 'filesystem' connector). */
export { fileSink, type FileSinkOptions } from './file-sink.js';
export { RollingPolicy, type RollingPolicyOptions } from './rolling-policy.js';
export { InProgressPart, PendingPart } from './part-file.js';
export { RollingFileWriter, type PartNaming } from './rolling-file-writer.js';
export type { SinkFormat, CsvWriteOptions, RecordEncoder } from './record-encoders.js';
