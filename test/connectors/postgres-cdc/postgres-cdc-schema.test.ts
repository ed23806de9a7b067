// postgres-cdc under schema changes while it streams, against a private PostgreSQL server: ADD
// COLUMN passes on (evolve) or is left out (ignore), a changed column type stops the job naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { PostgresCdcSourceBuilder, type Row } from '../../../src/connectors/postgres-cdc/index.js';
import { until } from '../cdc-test-support.js';
import { startPostgres, type PgInstance } from './pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';

let pg: PgInstance;
const serversInstalled = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');

beforeAll(async () => {
  if (!serversInstalled) return;
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

describe.runIf(serversInstalled)('postgres-cdc schema changes', () => {
  for (const behavior of ['evolve', 'ignore'] as const) {
    it(`ADD COLUMN while streaming (${behavior}), then a type change stops the job with a clear message`, async () => {
      const table = `sc_${behavior}`;
      await pg.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, v int)`);
      await pg.query(`INSERT INTO ${table} SELECT g, g FROM generate_series(1, 100) g`);
      const env = StreamEnvironment.create({ parallelism: 1, slotMode: 'single-thread' });
      const sink = new CollectSink<Row>();
      const source = PostgresCdcSourceBuilder.create()
        .hostname('127.0.0.1')
        .port(pg.port)
        .username('weir')
        .password('weir')
        .databaseName(pg.connection.database)
        .tableName(table)
        .slotName(`slot_${behavior}`)
        .option('schema.change.behavior', behavior)
        .build();
      env.fromSource(source).sinkTo(sink);
      const job = env.executeAsync(`pg-sc-${behavior}`);
      const outcome = job.result.then(
        () => undefined,
        (e: unknown) => e,
      );
      try {
        await until('the snapshot', () => sink.values.length >= 100);
        await pg.query(`INSERT INTO ${table} VALUES (101, 1)`);
        await until('a streamed row', () => sink.values.some((r) => String(r.id) === '101'));
        await pg.query(`ALTER TABLE ${table} ADD COLUMN note text DEFAULT 'none'`);
        await pg.query(`INSERT INTO ${table} VALUES (102, 2, 'added')`);
        await pg.query(`UPDATE ${table} SET v = 0 WHERE id = 1`);
        await until('rows after the ALTER', () => sink.values.some((r) => String(r.id) === '1' && r.v === 0));
        const after = sink.values.filter((r) => String(r.id) === '102' || (String(r.id) === '1' && r.v === 0)).map((r) => ({ ...r, id: String(r.id) }));
        if (behavior === 'evolve')
          expect(after).toEqual([
            { id: '102', v: 2, note: 'added' },
            { id: '1', v: 0, note: 'none' },
          ]);
        else
          expect(after).toEqual([
            { id: '102', v: 2 },
            { id: '1', v: 0 },
          ]);
        await pg.query(`ALTER TABLE ${table} ALTER COLUMN v TYPE bigint`);
        await pg.query(`INSERT INTO ${table} VALUES (103, 3)`);
        expect(String(await outcome)).toMatch(
          new RegExp(
            `postgres-cdc public\\.${table}: schema change in the transaction committed at LSN [0-9A-F]+/[0-9A-F]+ stops the job \\(only ADD COLUMN is followed\\): column\\(s\\) v changed type`,
          ),
        );
      } finally {
        await job.cancel().catch(() => {});
      }
    }, 60_000);
  }
});
