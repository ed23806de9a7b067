import { jdbcScan } from '../../connectors/jdbc/jdbc-scan-source.js';
import { jdbcSink } from '../../connectors/jdbc/jdbc-sink.js';
import { databaseRowConverter } from './cdc-row-converter.js';
import { openJdbcLookup } from '../../connectors/jdbc/jdbc-lookup.js';
import { parseJdbcUrl } from '../../connectors/jdbc/jdbc-url.js';
import { numberOption, type TableConnector } from './table-connector.js';
import { checked } from './cdc-table-options.js';
import { LOOKUP_OPTIONS, lookupOptions } from '../lookup-options.js';

/**
 * Flink's `jdbc` connector: PostgreSQL (`jdbc:postgresql://`), MySQL or MariaDB (`jdbc:mysql://`,
 * `jdbc:mariadb://`). As a sink, with PRIMARY KEY a changelog is written as upserts and deletes on
 * it; without, rows are appended (insert-only queries). As a source, the table is read once
 * (bounded), in pages of `scan.fetch-size` rows.
 */
export const jdbcTable: TableConnector = {
  name: 'jdbc',
  options: [
    'url',
    'table-name',
    'username',
    'password',
    'driver',
    'sink.buffer-flush.max-rows',
    'sink.buffer-flush.interval',
    'sink.parallelism',
    'scan.fetch-size',
    'scan.partition.column',
    'scan.partition.num',
    'scan.partition.lower-bound',
    'scan.partition.upper-bound',
    ...LOOKUP_OPTIONS,
  ],
  upsertOnPrimaryKey: true,
  source(ctx) {
    if (ctx.options.has('scan.partition.column'))
      ctx.fail("option 'scan.partition.column' is not supported yet: one reader scans the whole table, in key order when it has a primary key");
    const fetchSize = numberOption(ctx, 'scan.fetch-size');
    const get = (k: string) => ctx.options.get(k);
    const source = checked(ctx, () =>
      jdbcScan({
        url: get('url') ?? '',
        'table-name': get('table-name') ?? '',
        ...(get('username') !== undefined ? { username: get('username')! } : {}),
        ...(get('password') !== undefined ? { password: get('password')! } : {}),
        ...(fetchSize !== undefined ? { 'scan.fetch-size': fetchSize } : {}),
        columns: ctx.columns.map((c) => c.name),
        ...(ctx.primaryKey ? { primaryKey: ctx.primaryKey } : {}),
        name: `jdbc ${ctx.table}`,
      }),
    );
    return { source, values: 'typed', convert: databaseRowConverter(ctx.columns) };
  },
  lookup(ctx, keys) {
    const get = (k: string) => ctx.options.get(k);
    for (const k of ['url', 'table-name']) if (get(k) === undefined) ctx.fail(`needs option '${k}'`);
    checked(ctx, () => parseJdbcUrl(get('url')!));
    // 'lookup.cache' = 'FULL': the table read whole (and again at each reload), joined in memory.
    const full = lookupOptions(ctx).full !== undefined;
    const open = () =>
      openJdbcLookup({
        url: get('url')!,
        'table-name': get('table-name')!,
        ...(get('username') !== undefined ? { username: get('username')! } : {}),
        ...(get('password') !== undefined ? { password: get('password')! } : {}),
        columns: ctx.columns.map((c) => c.name),
        keys,
      });
    if (!full) return { values: 'text', whole: false, connect: open };
    return {
      values: 'text',
      whole: true,
      connect: async () => {
        const c = await open();
        return { lookup: () => c.readAll(), close: () => c.close() };
      },
    };
  },
  sink(ctx) {
    if (ctx.options.has('sink.parallelism')) ctx.fail("option 'sink.parallelism' is not supported yet: the sink runs at the job's parallelism");
    const maxRows = numberOption(ctx, 'sink.buffer-flush.max-rows');
    const interval = ctx.options.get('sink.buffer-flush.interval');
    const get = (k: string) => ctx.options.get(k);
    return checked(ctx, () =>
      jdbcSink({
        url: get('url') ?? '',
        'table-name': get('table-name') ?? '',
        ...(get('username') !== undefined ? { username: get('username')! } : {}),
        ...(get('password') !== undefined ? { password: get('password')! } : {}),
        ...(maxRows !== undefined ? { 'sink.buffer-flush.max-rows': maxRows } : {}),
        ...(interval !== undefined ? { 'sink.buffer-flush.interval': interval } : {}),
        columns: ctx.columns.map((c) => c.name),
        ...(ctx.primaryKey ? { primaryKey: ctx.primaryKey } : {}),
        name: `jdbc ${ctx.table}`,
      }),
    );
  },
};
