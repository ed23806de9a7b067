/**
 * The `mysql-cdc` connector (Flink CDC's name): a MySQL or MariaDB table as a changelog, snapshot
 * then binlog.
 *
 * @example
 * import { MysqlCdcSourceBuilder } from 'weir/connectors/mysql-cdc';
 * env.fromSource(MysqlCdcSourceBuilder.create().hostname('db').username('cdc').databaseName('shop').tableName('orders').build());
 */
export { mysqlCdcSource } from './mysql-cdc-source.js';
export { MysqlCdcSourceBuilder } from './mysql-cdc-builder.js';
export type { MysqlCdcOptions, StartupMode, MetadataColumn, SchemaChangeBehavior } from './mysql-cdc-options.js';
export type { CapturedTable } from './captured-tables.js';
export type { MysqlCdcSplit, ChunkSplit, LogSplit, ChunkLow, TableChunk, MysqlCdcReaderState } from './cdc-splits.js';
export type { BinlogPosition } from './binlog-position.js';
export type { Row } from './row-changes.js';
