import { StreamEnvironment } from './api/stream-environment.js';
import { LocalExecutor } from './runtime/local-executor.js';

// The package entry is the one place that knows both the API and the runtime.
StreamEnvironment.setDefaultExecutor(new LocalExecutor());

export { StreamEnvironment, type EnvironmentConfig } from './api/stream-environment.js';
export { DataStream } from './api/data-stream.js';
export { KeyedStream } from './api/keyed-stream.js';
export { ConnectedStreams } from './api/connected-streams.js';
export { Batch, BatchBuilder, NO_TIMESTAMP, MAX_WATERMARK } from './core/batch.js';
export { SystemClock, ManualClock, type Clock } from './core/clock.js';
export { toMillis, type Duration } from './core/duration.js';
export { WeirError, UserFunctionError, MalformedInputError, ConfigError } from './core/errors.js';
export * from './core/functions.js';
export * from './core/state.js';
export type { Operator, OperatorContext, Output, TimerService, KeyedContext } from './core/operator.js';
export type { Source, SourceReader, SourceSplit, SourceReaderContext, PollResult, ErrorPolicy, DeadLetter } from './core/source.js';
export type { Sink, SinkWriter, SinkWriterContext } from './core/sink.js';
export { WatermarkStrategy, type WatermarkGenerator } from './core/watermark-strategy.js';
export { keyGroupFor, keyGroupRangeFor, DEFAULT_MAX_PARALLELISM } from './core/key-group.js';
export type { JobClient, JobResult, JobStatus, OperatorMetricsSnapshot, JobExecutor } from './graph/job-executor.js';
export { StreamGraph } from './graph/stream-graph.js';
export { print } from './connectors/print/print-sink.js';
export { blackhole } from './connectors/blackhole/blackhole-sink.js';
export { CollectSink, collect } from './connectors/collect/collect-sink.js';
export { arraySource } from './connectors/collection/array-source.js';
export { asyncIterableSource } from './connectors/collection/async-iterable-source.js';
export { sequence, datagen, RowRandom, type DataGenOptions } from './connectors/datagen/index.js';
export { fileSource, type FileSourceOptions, type CsvOptions } from './connectors/file/index.js';
export { socketTextSource, type SocketTextSourceOptions } from './connectors/socket/index.js';
export { fileSink, type FileSinkOptions, type RollingPolicyOptions } from './connectors/filesystem/index.js';
