import { mkdirSync } from 'node:fs';
import { SystemClock, type Clock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Sink } from '../../core/sink.js';
import { createEncoder, type CsvWriteOptions, type SinkFormat } from './record-encoders.js';
import { BucketedFileWriter } from './bucketed-file-writer.js';
import type { PartitionCommitOptions } from './partition-commit.js';
import { RollingFileWriter } from './rolling-file-writer.js';
import { RollingPolicy, type RollingPolicyOptions } from './rolling-policy.js';

export interface FileSinkOptions<T> {
  /** Directory the part files go to; created if missing. */
  readonly path: string;
  readonly format: SinkFormat;
  readonly csv?: CsvWriteOptions;
  /** Overrides `format`: turns a record into one line. */
  readonly encode?: (value: T) => string;
  readonly rollingPolicy?: RollingPolicyOptions;
  /** Default 'part'. */
  readonly partPrefix?: string;
  /** Default: '.json', '.csv' or '.txt' after the format. */
  readonly partSuffix?: string;
  /**
   * The bucket of a record: a relative directory under `path` its part files go to (Flink's
   * `BucketAssigner`), e.g. `dt=2024-01-01`. Default: every record in `path` itself.
   */
  readonly bucket?: (value: T) => string;
  /**
   * With `bucket`: write a success file into each bucket once it is complete (Flink's
   * `sink.partition-commit.*`). Under exactly-once checkpoints a bucket is committed when a
   * checkpoint whose barrier found its trigger holding completes; otherwise when input ends.
   * Several subtasks writing one bucket each decide alone: route a bucket's records to one subtask.
   */
  readonly partitionCommit?: PartitionCommitOptions;
  /** Processing time for the time-based rolling rules; default the system clock. */
  readonly clock?: Clock;
  readonly name?: string;
}

const SUFFIX: Record<SinkFormat, string> = { json: '.json', csv: '.csv', text: '.txt' };

/**
 * Writes records into rolling part files, as Flink's `FileSink` with the default rolling policy.
 * Each subtask writes `<path>/part-<subtask>-<n><suffix>`; a part is written under a hidden
 * `.…inprogress` name and renamed to its final name when it rolls (size, age, inactivity) or input
 * ends, so readers see only complete files. A rerun into the same directory continues the numbering.
 * With exactly-once checkpoints it is a two-phase-commit sink: parts become visible only when the
 * checkpoint that covers them completes (or at the end of input), and a restore commits the parts of
 * the restored checkpoint and deletes the rest.
 *
 * @example
 * stream.sinkTo(fileSink({ path: 'out/orders', format: 'json', rollingPolicy: { maxPartSize: 64 * 1024 * 1024, rolloverInterval: '15 min' } }))
 */
export function fileSink<T>(options: FileSinkOptions<T>): Sink<T> {
  if (options.partitionCommit && !options.bucket) throw new ConfigError('fileSink: partitionCommit needs bucket (the partitions to commit)');
  if (options.partitionCommit?.trigger === 'partition-time' && !options.partitionCommit.partitionTime)
    throw new ConfigError("fileSink: partitionCommit with trigger 'partition-time' needs partitionTime");
  const encode = (options.encode as ((v: unknown) => string) | undefined) ?? createEncoder(options.format, options.csv);
  const policy = new RollingPolicy(options.rollingPolicy);
  const naming = { prefix: options.partPrefix ?? 'part', suffix: options.partSuffix ?? SUFFIX[options.format] ?? '' };
  const clock = options.clock ?? new SystemClock();
  return {
    name: options.name ?? 'File Sink',
    deliveryGuarantee: 'exactly-once',
    describeUncommitted: (mode) =>
      mode === 'EXACTLY_ONCE'
        ? `part files in ${options.path} become visible as checkpoints complete; if the job stops, what it wrote after the last completed checkpoint stays in hidden .inprogress files there, which --resume deletes and writes again`
        : `part files in ${options.path} become visible as they roll; if the job stops early, its open part files are finished and made visible too${mode ? '' : ' (without checkpoints a rerun writes all output again)'}`,
    createWriter(ctx) {
      mkdirSync(options.path, { recursive: true });
      // Each writer learns CSV columns from its own first record.
      const own = options.encode || options.format !== 'csv' ? encode : createEncoder('csv', options.csv);
      const writerIn = (dir: string) =>
        new RollingFileWriter(dir, ctx.subtaskIndex, naming, own, policy, clock, ctx.checkpointingMode === 'EXACTLY_ONCE', ctx.parallelism, ctx.metrics);
      const commit = options.partitionCommit && { options: options.partitionCommit, clock, twoPhase: ctx.checkpointingMode === 'EXACTLY_ONCE' };
      return options.bucket ? new BucketedFileWriter(options.path, options.bucket as (v: unknown) => string, writerIn, commit) : writerIn(options.path);
    },
  };
}
