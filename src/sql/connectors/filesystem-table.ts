import { toMillis } from '../../core/duration.js';
import { fileSource } from '../../connectors/filesystem/file-source.js';
import { fileSink } from '../../connectors/filesystem/file-sink.js';
import { readAllRecords } from '../../connectors/filesystem/file-lookup.js';
import type { RollingPolicyOptions } from '../../connectors/filesystem/rolling-policy.js';
import type { Row } from '../operators/calc-operator.js';
import { partitionCommit, PARTITION_COMMIT_OPTIONS } from './partition-commit-options.js';
import { partitionPaths, partitionValues } from './partition-path.js';
import type { TableConnector, TableContext } from './table-connector.js';

function format(ctx: TableContext): 'csv' | 'json' {
  const f = ctx.options.get('format');
  if (f === undefined) ctx.fail("needs option 'format' ('csv' or 'json')");
  if (f !== 'csv' && f !== 'json') ctx.fail(`format '${f}' is not supported yet (supported: 'csv', 'json')`);
  return f;
}

function path(ctx: TableContext): string {
  const p = ctx.options.get('path');
  if (p === undefined) ctx.fail("needs option 'path'");
  return p.replace(/^file:\/\//, '');
}

function delimiter(ctx: TableContext): string {
  const d = ctx.options.get('csv.field-delimiter') ?? ',';
  return d === '\\t' ? '\t' : d;
}

function errorPolicy(ctx: TableContext, fmt: 'csv' | 'json'): 'fail' | 'skip' {
  return ctx.options.get(`${fmt}.ignore-parse-errors`) === 'true' ? 'skip' : 'fail';
}

/** Flink's `sink.rolling-policy.*` options: sizes as `128MB`, `1kb` or bytes; durations as `30 min`, `10s`. */
function rollingPolicy(ctx: TableContext): RollingPolicyOptions {
  const duration = (key: string) => {
    const v = ctx.options.get(key);
    if (v === undefined) return undefined;
    try {
      return toMillis(v);
    } catch {
      return ctx.fail(`option '${key}' must be a duration such as '30 min' or '10s', not '${v}'`);
    }
  };
  const size = ctx.options.get('sink.rolling-policy.file-size');
  const m = size === undefined ? undefined : /^\s*(\d+)\s*(b|bytes|kb|k|mb|m|gb|g)?\s*$/i.exec(size);
  if (size !== undefined && !m) ctx.fail(`option 'sink.rolling-policy.file-size' must be a size such as '128MB', not '${size}'`);
  const unit = { b: 1, bytes: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 }[(m?.[2] ?? 'b').toLowerCase()]!;
  const rollover = duration('sink.rolling-policy.rollover-interval');
  const inactivity = duration('sink.rolling-policy.inactivity-interval');
  return {
    ...(m ? { maxPartSize: Number(m[1]) * unit } : {}),
    ...(rollover !== undefined ? { rolloverInterval: rollover } : {}),
    ...(inactivity !== undefined ? { inactivityInterval: inactivity } : {}),
  };
}

/**
 * Flink's `filesystem` connector over CSV (no header, columns in declared order) and JSON Lines:
 * a bounded source (or a directory watched with 'source.monitor-interval') and a part-file sink,
 * partitioned into `col=value/` directories by PARTITIONED BY, with Flink's rolling options.
 */
export const filesystemTable: TableConnector = {
  name: 'filesystem',
  options: [
    'path',
    'format',
    'csv.field-delimiter',
    'csv.ignore-parse-errors',
    'json.ignore-parse-errors',
    'source.monitor-interval',
    'partition.default-name',
    'sink.rolling-policy.file-size',
    'sink.rolling-policy.rollover-interval',
    'sink.rolling-policy.inactivity-interval',
    ...PARTITION_COMMIT_OPTIONS,
  ],
  partitioned: true,
  source(ctx) {
    const fmt = format(ctx);
    const monitor = ctx.options.get('source.monitor-interval');
    const keys = ctx.partitionKeys;
    // The part files of a partitioned table hold the other columns; the partition values are in the paths.
    const inFile = ctx.columns.map((c) => c.name).filter((c) => !keys.includes(c));
    const defaultName = ctx.options.get('partition.default-name') ?? '__DEFAULT_PARTITION__';
    const filter = ctx.partitionFilter;
    const pathFields = (relativePath: string) => {
      const values = partitionValues(keys, relativePath, defaultName);
      return values === undefined || (filter !== undefined && !filter(values)) ? undefined : values;
    };
    const source = fileSource<Row>({
      path: path(ctx),
      format: fmt,
      ...(fmt === 'csv' ? { csv: { columns: inFile, delimiter: delimiter(ctx) } } : {}),
      ...(keys.length > 0 ? { pathFields } : {}),
      errorPolicy: errorPolicy(ctx, fmt),
      ...(monitor !== undefined ? { monitorInterval: toMillis(monitor as `${number}s`) } : {}),
      name: `filesystem ${ctx.table}`,
    });
    // CSV fields are text; JSON values may already be numbers or booleans, and are checked the same way.
    return { source, values: 'text' };
  },
  lookup(ctx) {
    if (ctx.partitionKeys.length > 0) ctx.fail('a PARTITIONED BY filesystem table as the table of a lookup join is not supported yet');
    const fmt = format(ctx);
    const csv = { columns: ctx.columns.map((c) => c.name), delimiter: delimiter(ctx) };
    // The whole file, read once per subtask and kept in memory (Flink's filesystem lookup source).
    const rows = () => readAllRecords(path(ctx), fmt, csv, errorPolicy(ctx, fmt)) as Promise<Row[]>;
    return { values: 'text', whole: true, connect: async () => ({ lookup: rows, close: async () => {} }) };
  },
  sink(ctx) {
    const fmt = format(ctx);
    const keys = ctx.partitionKeys;
    // As Flink's, the files of a partitioned table leave out the partition columns: the directories name them.
    const written = ctx.columns.map((c) => c.name).filter((c) => !keys.includes(c));
    const defaultName = ctx.options.get('partition.default-name') ?? '__DEFAULT_PARTITION__';
    const commit = partitionCommit(ctx, keys, defaultName);
    return fileSink<Row>({
      path: path(ctx),
      format: fmt,
      ...(fmt === 'csv' ? { csv: { columns: written, delimiter: delimiter(ctx) } } : {}),
      ...(fmt === 'json' && keys.length > 0 ? { encode: (row: Row) => JSON.stringify(Object.fromEntries(written.map((c) => [c, row[c]]))) } : {}),
      ...(keys.length > 0 ? { bucket: partitionPaths(keys, defaultName) } : {}),
      rollingPolicy: rollingPolicy(ctx),
      ...(commit ? { partitionCommit: commit } : {}),
      name: `filesystem ${ctx.table}`,
    });
  },
  sinkShuffle(ctx) {
    // Each partition on one subtask: its commit is then that subtask's decision alone (Flink's 'sink.shuffle-by-partition.enable').
    const on = ctx.options.get('sink.shuffle-by-partition.enable');
    if (on !== undefined && on !== 'true' && on !== 'false') ctx.fail(`option 'sink.shuffle-by-partition.enable' must be 'true' or 'false', not '${on}'`);
    const committing = ctx.options.has('sink.partition-commit.policy.kind');
    return ctx.partitionKeys.length > 0 && (on === 'true' || committing) ? ctx.partitionKeys : undefined;
  },
};
