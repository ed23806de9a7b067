import { postgresCdcSource } from '../../connectors/postgres-cdc/postgres-cdc-source.js';
import type { PostgresCdcOptions } from '../../connectors/postgres-cdc/postgres-cdc-options.js';
import { cdcRowConverter } from './cdc-row-converter.js';
import { CDC_OPTIONS_NOT_YET, cdcOptions, checked } from './cdc-table-options.js';
import type { TableConnector } from './table-connector.js';

/**
 * Flink CDC's `postgres-cdc`: a PostgreSQL table as a changelog, snapshot then logical replication
 * (`pgoutput`, see docs/cdc.md). Needs the table's PRIMARY KEY and 'slot.name'; metadata columns
 * `op_ts`, `database_name`, `schema_name`, `table_name`.
 */
export const postgresCdcTable: TableConnector = {
  name: 'postgres-cdc',
  options: [
    'hostname',
    'port',
    'username',
    'password',
    'database-name',
    'schema-name',
    'table-name',
    'slot.name',
    'decoding.plugin.name',
    'scan.startup.mode',
    'scan.incremental.snapshot.chunk.size',
    'chunk-key.even-distribution.factor.upper-bound',
    'scan.snapshot.fetch.size',
    'schema.change.behavior',
    ...CDC_OPTIONS_NOT_YET,
  ],
  metadata: ['op_ts', 'database_name', 'schema_name', 'table_name'],
  changelogSource: true,
  source(ctx) {
    const options = cdcOptions(ctx, 'postgres-cdc', ['heartbeat.interval', 'scan.newly-added-table.enabled']) as unknown as PostgresCdcOptions;
    const source = checked(ctx, () => postgresCdcSource(options));
    return { source, values: 'typed', convert: cdcRowConverter(ctx.table, ctx.columns, ctx.metadata, ctx.primaryKey!) };
  },
};
