import { Batch } from '../../core/batch.js';
import { ConfigError } from '../../core/errors.js';
import type { PollResult, Source, SourceSplit } from '../../core/source.js';
import { openQueryClient, type JdbcQueryClient } from './jdbc-query-client.js';
import { quoteTable } from './jdbc-statements.js';
import { parseJdbcUrl, redactUrl } from './jdbc-url.js';

/** Options of the `jdbc` scan source, under Flink's JDBC connector names. */
export interface JdbcScanOptions {
  /** `jdbc:postgresql://host:port/db`, `jdbc:mysql://...` or `jdbc:mariadb://...`. */
  readonly url: string;
  /** `table` or `schema.table`. */
  readonly 'table-name': string;
  readonly username?: string;
  readonly password?: string;
  /** The columns read, by their names in the table. */
  readonly columns: readonly string[];
  /** The table's primary key: the rows are read in key order, in pages after the last key read. */
  readonly primaryKey?: readonly string[];
  /** Rows per query (Flink's `scan.fetch-size`); default 1000. */
  readonly 'scan.fetch-size'?: number;
  readonly name?: string;
}

/** Where the scan stands: the key (or, without a key, the number) of the rows read so far. */
interface ScanPosition {
  readonly after: readonly unknown[] | null;
  readonly read: number;
  readonly done: boolean;
}

const SPLIT: SourceSplit = { id: 'jdbc-scan' };

/**
 * Reads a database table once (bounded), as Flink's JDBC scan source, in pages of
 * `scan.fetch-size` rows: with a primary key in key order, each page after the last key read;
 * without, ordered by every column, each page after the rows counted so far. The position goes
 * into checkpoints, so a restored job reads on from there (replayable while the table does not
 * change during the job). One reader reads the table; at a higher parallelism the others end at once.
 *
 * @example
 * env.fromSource(jdbcScan({ url: 'jdbc:postgresql://localhost:5432/shop', 'table-name': 'public.orders', columns: ['id', 'amount'], primaryKey: ['id'] }));
 */
export function jdbcScan(options: JdbcScanOptions): Source<Record<string, unknown>> {
  if (!options['table-name']) throw new ConfigError("jdbc: option 'table-name' is required");
  const target = parseJdbcUrl(options.url);
  const fetchSize = options['scan.fetch-size'] ?? 1000;
  if (!Number.isSafeInteger(fetchSize) || fetchSize <= 0) throw new ConfigError(`jdbc: 'scan.fetch-size' must be a positive integer, got ${fetchSize}`);
  const key = options.primaryKey && options.primaryKey.length > 0 ? options.primaryKey : undefined;
  const name = options.name ?? `jdbc ${options['table-name']}`;
  return {
    name,
    bounded: true,
    replayable: true,
    splits: () => [SPLIT],
    createReader(splits, _ctx, restored) {
      if (splits.length === 0) return { poll: () => 'end' };
      let pos: ScanPosition = (restored as Record<string, ScanPosition> | undefined)?.[SPLIT.id] ?? { after: null, read: 0, done: false };
      let client: JdbcQueryClient | undefined;
      return {
        async poll(): Promise<PollResult<Record<string, unknown>>> {
          if (pos.done) return 'end';
          try {
            client ??= await openQueryClient(target, options.username ?? target.user, options.password ?? target.password);
          } catch (e) {
            throw new Error(`${name}: cannot connect to ${redactUrl(options.url)}: ${e instanceof Error ? e.message : String(e)}`);
          }
          const q = client.dialect.quote;
          const cols = options.columns.map(q).join(', ');
          const table = quoteTable(client.dialect, options['table-name']);
          let sql: string;
          let params: unknown[] = [];
          if (key) {
            const k = key.map(q);
            const tuple = k.length === 1 ? k[0]! : `(${k.join(', ')})`;
            const marks = key.map((_c, i) => client!.param(i + 1));
            const after = pos.after === null ? '' : ` WHERE ${tuple} > ${marks.length === 1 ? marks[0] : `(${marks.join(', ')})`}`;
            params = pos.after === null ? [] : [...pos.after];
            sql = `SELECT ${cols} FROM ${table}${after} ORDER BY ${k.join(', ')} LIMIT ${fetchSize}`;
          } else {
            sql = `SELECT ${cols} FROM ${table} ORDER BY ${options.columns.map((_c, i) => i + 1).join(', ')} LIMIT ${fetchSize} OFFSET ${pos.read}`;
          }
          const rows = await client.query(sql, params);
          const last = rows[rows.length - 1];
          pos = {
            after: key && last ? key.map((c) => last[c]) : pos.after,
            read: pos.read + rows.length,
            done: rows.length < fetchSize,
          };
          if (rows.length === 0) return 'end';
          return Batch.of(rows);
        },
        snapshotState: () => ({ [SPLIT.id]: pos }),
        async close() {
          await client?.close().catch(() => {});
        },
      };
    },
  };
}
