import { toMillis, type Duration } from '../../core/duration.js';
import { ConfigError } from '../../core/errors.js';
import { parseJdbcUrl, type JdbcTarget } from './jdbc-url.js';

/** The sink's options under Flink's JDBC connector names, as SQL's WITH clause passes them. */
export interface JdbcSinkOptions {
  /** `jdbc:postgresql://host:port/db`, `jdbc:mysql://...` or `jdbc:mariadb://...`. */
  readonly url: string;
  /** The target table, `table` or `schema.table`. */
  readonly 'table-name': string;
  readonly username?: string;
  readonly password?: string;
  /** Rows buffered before a flush (default 100, as Flink); 0: flush only on checkpoints, the interval and the end. */
  readonly 'sink.buffer-flush.max-rows'?: number;
  /** Flush at least this often (default `'1s'`, as Flink); 0: never on a timer. */
  readonly 'sink.buffer-flush.interval'?: Duration;
  /** The columns written; default: the properties of the first row. */
  readonly columns?: readonly string[];
  /**
   * The target's primary key: changes are upserts and deletes on it (idempotent, so exactly-once
   * after a restore). Without a key every row is appended, and only `+I` rows are accepted.
   */
  readonly primaryKey?: readonly string[];
  /** Shown in plans and errors (never the URL, which may hold a password). */
  readonly name?: string;
}

export interface ResolvedJdbcOptions {
  readonly target: JdbcTarget;
  readonly table: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly maxRows: number;
  readonly intervalMs: number;
  readonly columns: readonly string[] | undefined;
  readonly key: readonly string[] | undefined;
  readonly name: string;
}

export function resolveJdbcOptions(o: JdbcSinkOptions): ResolvedJdbcOptions {
  if (!o.url) throw new ConfigError("jdbc: option 'url' is required");
  if (!o['table-name']) throw new ConfigError("jdbc: option 'table-name' is required");
  const target = parseJdbcUrl(o.url);
  const maxRows = o['sink.buffer-flush.max-rows'] ?? 100;
  if (!Number.isSafeInteger(maxRows) || maxRows < 0) throw new ConfigError(`jdbc: 'sink.buffer-flush.max-rows' must be a non-negative integer, got ${maxRows}`);
  const intervalMs = toMillis(o['sink.buffer-flush.interval'] ?? '1s');
  if (!(intervalMs >= 0)) throw new ConfigError(`jdbc: 'sink.buffer-flush.interval' must be a duration, got ${String(o['sink.buffer-flush.interval'])}`);
  if (o.primaryKey && o.primaryKey.length === 0) throw new ConfigError('jdbc: primaryKey is empty; leave it out for an append-only sink');
  if (o.primaryKey && o.columns) {
    const missing = o.primaryKey.filter((k) => !o.columns!.includes(k));
    if (missing.length) throw new ConfigError(`jdbc: primary key column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not among the columns written`);
  }
  return {
    target,
    table: o['table-name'],
    user: o.username ?? target.user,
    password: o.password ?? target.password,
    maxRows,
    intervalMs,
    columns: o.columns,
    key: o.primaryKey,
    name: o.name ?? `jdbc ${o['table-name']}`,
  };
}
