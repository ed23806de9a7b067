import { toMillis } from '../../core/duration.js';
import type { PartitionCommitOptions } from '../../connectors/filesystem/partition-commit.js';
import { partitionValues } from './partition-path.js';
import type { TableContext } from './table-connector.js';

/** Flink's partition-commit options of the filesystem sink. */
export const PARTITION_COMMIT_OPTIONS = [
  'sink.partition-commit.trigger',
  'sink.partition-commit.delay',
  'sink.partition-commit.policy.kind',
  'sink.partition-commit.success-file.name',
  'partition.time-extractor.kind',
  'partition.time-extractor.timestamp-pattern',
  'sink.shuffle-by-partition.enable',
] as const;

/**
 * `sink.partition-commit.*` as Flink reads them: nothing is committed unless
 * `sink.partition-commit.policy.kind` names a policy; Weir has `success-file` (Flink's `metastore`
 * needs a Hive metastore). The partition time of `partition-time` comes from
 * `partition.time-extractor.timestamp-pattern` (`$dt $hm:00`), by default the first partition value.
 *
 * @example
 * partitionCommit(ctx, ['dt', 'hm'], '__DEFAULT_PARTITION__') // { trigger: 'partition-time', delay: 3600000, partitionTime, successFileName: '_SUCCESS' }
 */
export function partitionCommit(ctx: TableContext, keys: readonly string[], defaultName: string): PartitionCommitOptions | undefined {
  const get = (k: (typeof PARTITION_COMMIT_OPTIONS)[number]) => ctx.options.get(k);
  const kinds = get('sink.partition-commit.policy.kind');
  if (kinds === undefined) {
    const set = PARTITION_COMMIT_OPTIONS.filter((k) => k !== 'sink.shuffle-by-partition.enable' && get(k) !== undefined);
    if (set.length > 0) ctx.fail(`option '${set[0]}' needs 'sink.partition-commit.policy.kind' (Weir has 'success-file')`);
    return undefined;
  }
  if (keys.length === 0) ctx.fail("option 'sink.partition-commit.policy.kind' needs a PARTITIONED BY table");
  for (const kind of kinds.split(',').map((k) => k.trim().toLowerCase())) {
    if (kind === 'metastore') ctx.fail("partition commit policy 'metastore' is not supported (it needs a Hive metastore); use 'success-file'");
    if (kind !== 'success-file') ctx.fail(`partition commit policy '${kind}' is not supported yet; use 'success-file'`);
  }
  const trigger = get('sink.partition-commit.trigger') ?? 'process-time';
  if (trigger !== 'process-time' && trigger !== 'partition-time')
    ctx.fail(`option 'sink.partition-commit.trigger' must be 'process-time' or 'partition-time', not '${trigger}'`);
  const extractor = get('partition.time-extractor.kind') ?? 'default';
  if (extractor !== 'default')
    ctx.fail(`option 'partition.time-extractor.kind' = '${extractor}' is not supported yet; Weir has 'default' (with a timestamp-pattern)`);
  const delayText = get('sink.partition-commit.delay');
  let delay = 0;
  try {
    if (delayText !== undefined) delay = toMillis(delayText);
  } catch {
    ctx.fail(`option 'sink.partition-commit.delay' must be a duration such as '1 h' or '0 s', not '${delayText}'`);
  }
  const pattern = get('partition.time-extractor.timestamp-pattern');
  const name = get('sink.partition-commit.success-file.name');
  return {
    trigger,
    delay,
    ...(trigger === 'partition-time' ? { partitionTime: partitionTimeOf(ctx.table, keys, defaultName, pattern) } : {}),
    ...(name !== undefined ? { successFileName: name } : {}),
  };
}

/**
 * A partition's time from its directory names, as Flink's default extractor: the pattern with each
 * `$col` replaced by that partition value (the first value when there is no pattern), read as
 * `yyyy-MM-dd[ HH:mm[:ss[.fff]]]` in UTC.
 */
export function partitionTimeOf(table: string, keys: readonly string[], defaultName: string, pattern: string | undefined): (bucket: string) => number {
  // Longest names first, so `$dt` does not eat the start of `$dt2`.
  const names = [...keys].sort((a, b) => b.length - a.length);
  return (bucket) => {
    const values = partitionValues(keys, `${bucket}/file`, defaultName) ?? {};
    let text = pattern === undefined ? (values[keys[0]!] ?? '') : pattern;
    if (pattern !== undefined) for (const k of names) text = text.split(`$${k}`).join(values[k] ?? '');
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?$/.exec(text.trim());
    if (!m) throw new Error(`Table '${table}': partition '${bucket}' gives no time for 'partition-time' commit: '${text}' is not 'yyyy-MM-dd[ HH:mm:ss]'`);
    const n = (i: number) => Number(m[i] ?? 0);
    return Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6), Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  };
}
