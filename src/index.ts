import { StreamEnvironment } from './api/stream-environment.js';
import { LocalExecutor } from './runtime/local-executor.js';
import { servingExecutor } from './rest/rest-executor.js';

// The package entry is the one place that knows both the API and the runtime.
StreamEnvironment.setDefaultExecutor(servingExecutor(new LocalExecutor()));

export { StreamEnvironment, type EnvironmentConfig } from './api/stream-environment.js';
export { closeRestServers } from './rest/rest-service.js';
export { DataStream } from './api/data-stream.js';
export { KeyedStream } from './api/keyed-stream.js';
export { ConnectedStreams } from './api/connected-streams.js';
export { BroadcastStream } from './api/broadcast-stream.js';
export { BroadcastConnectedStream, KeyedBroadcastConnectedStream } from './api/broadcast-connected-stream.js';
export { AsyncDataStream, type AsyncWaitOptions } from './api/async-data-stream.js';
export { IntervalJoin, IntervalJoined, type SignedDuration } from './api/interval-join.js';
export * from './core/broadcast-functions.js';
export * from './core/async-function.js';
export * from './core/async-retry-strategy.js';
export * from './core/join-functions.js';
export { JoinedStreams, WindowedJoin } from './api/joined-streams.js';
export { CoGroupedStreams, WindowedCoGroup } from './api/co-grouped-streams.js';
export type { TaggedUnion, TwoInputWindowedStreams } from './api/two-input-windowed-streams.js';
export { Batch, BatchBuilder, NO_TIMESTAMP, MAX_WATERMARK } from './core/batch.js';
export { SystemClock, ManualClock, type Clock } from './core/clock.js';
export { toMillis, type Duration } from './core/duration.js';
export { WeirError, UserFunctionError, MalformedInputError, ConfigError, UnrecoverableError } from './core/errors.js';
export { InvalidTimestampError } from './core/errors.js';
export * from './core/functions.js';
export type { MetricGroup, Counter, Histogram, HistogramStatistics, Meter } from './core/metric-group.js';
export * from './core/state.js';
export type { KeyedStateBackend, KeyedStateBackendContext, KeyedStateBackendSnapshot, StateBackendFactory } from './core/state-backend.js';
export { registerStateBackend, stateBackendFor, stateBackendNames, heapStateBackend, diskStateBackend } from './runtime/state/state-backends.js';
export type { Operator, OperatorContext, Output, TimerService, KeyedContext } from './core/operator.js';
export type { Source, SourceReader, SourceSplit, SourceReaderContext, PollResult, ErrorPolicy, DeadLetter, RecordStep, SteppedBatch } from './core/source.js';
export { SKIP_RECORD } from './core/source.js';
export type { SplitEnumerator, SplitEnumeratorContext } from './core/split-enumerator.js';
export type { Sink, SinkWriter, SinkWriterContext } from './core/sink.js';
export { WatermarkStrategy, type WatermarkGenerator } from './core/watermark-strategy.js';
export { keyGroupFor, keyGroupRangeFor, DEFAULT_MAX_PARALLELISM } from './core/key-group.js';
export type { JobClient, JobResult, JobStatus, OperatorMetricsSnapshot, SubtaskWatermarks, JobExecutor } from './graph/job-executor.js';
export { StateQueryError } from './graph/job-executor.js';
export { StreamGraph } from './graph/stream-graph.js';
export { planGraph } from './graph/planning/plan-graph.js';
export { registerOperatorKind, registeredOperatorKinds } from './graph/operator-registry.js';
export type { OperatorSpec } from './graph/operator-spec.js';
export type { OperatorFactory, OperatorFactoryContext, ChangelogMode } from './core/operator-factory.js';
export { print } from './connectors/print/index.js';
export { blackhole } from './connectors/blackhole/index.js';
export { CollectSink, collect, arraySource, changelogSource, type ChangelogRow, asyncIterableSource } from './connectors/memory/index.js';
export { RowKind, rowKindOf, rowKindShort, isRetraction, type RowKindShort } from './core/row-kind.js';
export { schemaOf, formatSchema, sameSchema, type Schema, type SchemaField, type LogicalType } from './core/schema.js';
export * from './core/window/index.js';
export { WindowedStream } from './api/windowed-stream.js';
export { AllWindowedStream } from './api/all-windowed-stream.js';
export { sequence, datagen, RowRandom, type DataGenOptions } from './connectors/datagen/index.js';
export { socketTextSource, type SocketTextSourceOptions } from './connectors/socket/index.js';
export {
  fileSource,
  type FileSourceOptions,
  type CsvOptions,
  fileSink,
  type FileSinkOptions,
  type RollingPolicyOptions,
} from './connectors/filesystem/index.js';
