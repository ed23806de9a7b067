/**
 * The job the CDC-to-jdbc crash test kills and resumes: the `mysql-cdc` source on table `items` of a
 * private MariaDB, upserted into table WEIR_JDBC_TABLE of the machine's PostgreSQL by the jdbc sink.
 * Configured by environment: WEIR_CDC_PORT, WEIR_JDBC_TABLE.
 */
import { StreamEnvironment } from '../../src/index.js';
import { MysqlCdcSourceBuilder } from '../../src/connectors/mysql-cdc/index.js';
import { JdbcSinkBuilder } from '../../src/connectors/jdbc/index.js';

const port = Number(process.env.WEIR_CDC_PORT);
const table = process.env.WEIR_JDBC_TABLE;
if (!port || !table) throw new Error('WEIR_CDC_PORT and WEIR_JDBC_TABLE must be set');

const env = StreamEnvironment.create({ batchSize: 256 });
const source = MysqlCdcSourceBuilder.create()
  .hostname('127.0.0.1')
  .port(port)
  .username('weir')
  .password('weir')
  .databaseName('weir')
  .tableName('items')
  .serverId('5700-5704')
  .chunkSize(100)
  .build();
const sink = JdbcSinkBuilder.create()
  .url('jdbc:postgresql://127.0.0.1:5432/test')
  .username('postgres')
  .tableName(table)
  .primaryKey('id')
  .columns('id', 'v', 's')
  .bufferFlushMaxRows(500)
  .bufferFlushInterval(0)
  .build();
env.fromSource(source).uid('cdc').sinkTo(sink).uid('sink');
await env.execute('cdc-jdbc-chaos');
