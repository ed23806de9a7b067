/**
 * The job the CDC crash tests kill and resume: the `mysql-cdc` source on table `items` of a private
 * MariaDB (or `postgres-cdc` with WEIR_CDC_KIND=postgres), written through the exactly-once file
 * sink as one line per changelog row (`+I {"id":1,...}`). Configured by environment:
 * WEIR_CHAOS_OUT (output directory), WEIR_CDC_PORT, WEIR_CDC_KIND (`mysql`, the default, or `postgres`).
 */
import { Batch, StreamEnvironment, rowKindShort, type Sink, type SinkWriter } from '../../src/index.js';
import { fileSink } from '../../src/connectors/filesystem/index.js';
import { MysqlCdcSourceBuilder, type Row } from '../../src/connectors/mysql-cdc/index.js';
import { PostgresCdcSourceBuilder } from '../../src/connectors/postgres-cdc/index.js';

const out = process.env.WEIR_CHAOS_OUT;
const port = Number(process.env.WEIR_CDC_PORT);
if (!out || !port) throw new Error('WEIR_CHAOS_OUT and WEIR_CDC_PORT must be set');

/** The file sink takes insert-only rows: this one writes each changelog row as `kind json`. */
function changelogLines(inner: Sink<string>): Sink<Row> {
  return {
    ...inner,
    inputChangelogMode: 'all',
    createWriter(ctx) {
      const w = inner.createWriter(ctx);
      const write = w.write.bind(w);
      return Object.assign(w, {
        write: (b: Batch<Row>) =>
          write(
            new Batch(
              b.values.map((v, i) => `${rowKindShort(b.kinds ? b.kinds[i]! : 0)} ${JSON.stringify(v)}`),
              b.timestamps,
            ),
          ),
      }) as unknown as SinkWriter<Row>;
    },
  };
}

const env = StreamEnvironment.create({ batchSize: 256 });
const source =
  process.env.WEIR_CDC_KIND === 'postgres'
    ? PostgresCdcSourceBuilder.create()
        .hostname('127.0.0.1')
        .port(port)
        .username('weir')
        .password('weir')
        .databaseName('weir')
        .tableName('items')
        .slotName('chaos_slot')
        // Each chunk peeks at the log since the slot's start, which the writer keeps growing: fewer,
        // larger chunks keep the snapshot within the test's time on a busy machine.
        .chunkSize(500)
        .build()
    : MysqlCdcSourceBuilder.create()
        .hostname('127.0.0.1')
        .port(port)
        .username('weir')
        .password('weir')
        .databaseName('weir')
        .tableName('items')
        .serverId('5600-5604')
        .chunkSize(100)
        .build();
env
  .fromSource(source)
  .uid('cdc')
  .sinkTo(changelogLines(fileSink<string>({ path: out, format: 'text' })))
  .uid('sink');
await env.execute('cdc-chaos');
