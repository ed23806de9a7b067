/**
 * The `jdbc` sink (Flink's name): rows into a PostgreSQL, MySQL or MariaDB table, upserted on its
 * primary key or appended.
 *
 * @example
 * import { JdbcSinkBuilder } from 'weir/connectors/jdbc';
 * stream.sinkTo(JdbcSinkBuilder.create().url('jdbc:postgresql://db:5432/shop').tableName('orders').primaryKey('id').build());
 */
export { jdbcSink } from './jdbc-sink.js';
export { JdbcSinkBuilder } from './jdbc-sink-builder.js';
export type { JdbcSinkOptions } from './jdbc-options.js';
export { parseJdbcUrl, type JdbcTarget } from './jdbc-url.js';
export type { Row } from './jdbc-buffer.js';
export { openJdbcLookup, type JdbcLookup, type JdbcLookupOptions } from './jdbc-lookup.js';
