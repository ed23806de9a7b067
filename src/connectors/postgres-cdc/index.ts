/**
 * The `postgres-cdc` connector (Flink CDC's name): a PostgreSQL table as a changelog, snapshot then
 * logical replication log.
 *
 * @example
 * import { PostgresCdcSourceBuilder } from 'weir/connectors/postgres-cdc';
 * env.fromSource(PostgresCdcSourceBuilder.create().hostname('db').username('cdc').databaseName('shop').tableName('orders').slotName('orders_slot').build());
 */
export { postgresCdcSource } from './postgres-cdc-source.js';
export { PostgresCdcSourceBuilder } from './postgres-cdc-builder.js';
export type { PostgresCdcOptions, StartupMode, MetadataColumn, SchemaChangeBehavior } from './postgres-cdc-options.js';
export type { CdcSplit, ChunkSplit, LogSplit, CdcReaderState, TableChunk } from './cdc-splits.js';
export type { CapturedTable } from './captured-tables.js';
export type { LogPosition } from './log-stream.js';
export type { Row } from './row-changes.js';
