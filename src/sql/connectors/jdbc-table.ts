import { openJdbcLookup } from '../../connectors/jdbc/jdbc-lookup.js';
import { jdbcSink } from '../../connectors/jdbc/jdbc-sink.js';
import { parseJdbcUrl } from '../../connectors/jdbc/jdbc-url.js';
import { numberOption, type TableConnector } from './table-connector.js';
import { checked } from './cdc-table-options.js';
import { LOOKUP_OPTIONS } from '../lookup-options.js';

/**
 * Flink's `jdbc` connector as a sink: PostgreSQL (`jdbc:postgresql://`), MySQL or MariaDB
 * (`jdbc:mysql://`, `jdbc:mariadb://`). With PRIMARY KEY, a changelog is written as upserts and
 * deletes on it; without, rows are appended (insert-only queries).
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
    ...LOOKUP_OPTIONS,
  ],
  upsertOnPrimaryKey: true,
  lookup(ctx, keys) {
    const get = (k: string) => ctx.options.get(k);
    for (const k of ['url', 'table-name']) if (get(k) === undefined) ctx.fail(`needs option '${k}'`);
    checked(ctx, () => parseJdbcUrl(get('url')!));
    return {
      values: 'text',
      whole: false,
      connect: () =>
        openJdbcLookup({
          url: get('url')!,
          'table-name': get('table-name')!,
          ...(get('username') !== undefined ? { username: get('username')! } : {}),
          ...(get('password') !== undefined ? { password: get('password')! } : {}),
          columns: ctx.columns.map((c) => c.name),
          keys,
        }),
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
