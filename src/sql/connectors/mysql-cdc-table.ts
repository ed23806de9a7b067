import { mysqlCdcSource } from '../../connectors/mysql-cdc/mysql-cdc-source.js';
import type { MysqlCdcOptions } from '../../connectors/mysql-cdc/mysql-cdc-options.js';
import { cdcRowConverter } from './cdc-row-converter.js';
import { CDC_OPTIONS_NOT_YET, cdcOptions, checked } from './cdc-table-options.js';
import type { TableConnector } from './table-connector.js';

/** Options of {@link CDC_OPTIONS_NOT_YET} that mysql-cdc runs. */
const MYSQL_CDC_RUNS = [
  'scan.newly-added-table.enabled',
  'heartbeat.interval',
  'scan.startup.timestamp-millis',
  'scan.startup.specific-offset.file',
  'scan.startup.specific-offset.pos',
  'scan.startup.specific-offset.gtid-set',
];

/**
 * Flink CDC's `mysql-cdc`: a MySQL or MariaDB table as a changelog, snapshot then binlog (see
 * docs/cdc.md); `database-name` and `table-name` may be regular expressions matching several
 * tables (with `database_name` and `table_name` metadata to tell them apart). Needs the tables' PRIMARY KEY; metadata columns `op_ts`, `database_name`, `table_name`.
 */
export const mysqlCdcTable: TableConnector = {
  name: 'mysql-cdc',
  options: [
    'hostname',
    'port',
    'username',
    'password',
    'database-name',
    'table-name',
    'server-id',
    'scan.startup.mode',
    'scan.incremental.snapshot.chunk.size',
    'chunk-key.even-distribution.factor.upper-bound',
    'scan.snapshot.fetch.size',
    'schema.change.behavior',
    ...CDC_OPTIONS_NOT_YET,
  ],
  metadata: ['op_ts', 'database_name', 'table_name'],
  changelogSource: true,
  source(ctx) {
    const options = cdcOptions(ctx, 'mysql-cdc', MYSQL_CDC_RUNS) as unknown as MysqlCdcOptions;
    const source = checked(ctx, () => mysqlCdcSource(options));
    return { source, values: 'typed', convert: cdcRowConverter(ctx.table, ctx.columns, ctx.metadata, ctx.primaryKey!) };
  },
};
