// An event-time temporal join against a live postgres-cdc table (a private PostgreSQL with
// wal_level=logical): orders and rates are both CDC tables timed by their commit time (op_ts);
// each order joins the rate its currency (by number) had when the order was committed, an update counts from
// its commit on, and after a delete the currency has no rate (LEFT pads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { until } from '../connectors/cdc-test-support.js';
import { startPostgres, type PgInstance } from '../connectors/postgres-cdc/pg-instance.js';
import { haveTestDatabases, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';
import { havePostgresBinaries, serverTestsRun } from '../support/server-binaries.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql') && (await haveTestDatabases());
let src: PgInstance;
let out: TestDatabase;
const sinkTable = `temporal_cdc_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  if (!run) return;
  src = await startPostgres();
  out = await postgresTest();
}, 60_000);
afterAll(async () => {
  await out?.query(`DROP TABLE IF EXISTS ${sinkTable}`);
  await out?.close();
  await src?.stop();
});

/** Commits land in distinct milliseconds, so each change has a commit time of its own. */
const tick = () => new Promise((r) => setTimeout(r, 20));

describe.runIf(run)('temporal join against a postgres-cdc versioned table', () => {
  it('joins each order with the rate valid at its commit time', async () => {
    for (const t of ['rates (cur int PRIMARY KEY, rate int NOT NULL)', 'orders (id int PRIMARY KEY, cur int NOT NULL)']) {
      await src.query(`CREATE TABLE ${t}`);
      await src.query(`ALTER TABLE ${t.split(' ')[0]} REPLICA IDENTITY FULL`);
    }
    await out.query(`CREATE TABLE ${sinkTable} (id int PRIMARY KEY, rate int)`);
    const tEnv = TableEnvironment.create({ 'execution.checkpointing.interval': '100ms' });
    const cdc = (table: string, slot: string) =>
      `'connector' = 'postgres-cdc', 'hostname' = '127.0.0.1', 'port' = '${src.port}', 'username' = 'weir', 'password' = 'weir',
       'database-name' = 'weir', 'schema-name' = 'public', 'table-name' = '${table}', 'slot.name' = '${slot}', 'decoding.plugin.name' = 'pgoutput'`;
    tEnv.executeSql(`CREATE TABLE rates (cur INT, rate INT, op_ts TIMESTAMP(3) METADATA FROM 'op_ts' VIRTUAL,
      PRIMARY KEY (cur) NOT ENFORCED, WATERMARK FOR op_ts AS op_ts) WITH (${cdc('rates', 'rates_slot')})`);
    tEnv.executeSql(`CREATE TABLE orders (id INT, cur INT, op_ts TIMESTAMP(3) METADATA FROM 'op_ts' VIRTUAL,
      PRIMARY KEY (id) NOT ENFORCED, WATERMARK FOR op_ts AS op_ts) WITH (${cdc('orders', 'orders_slot')})`);
    tEnv.executeSql(`CREATE TABLE joined (id INT, rate INT, PRIMARY KEY (id) NOT ENFORCED)
      WITH ('connector' = 'jdbc', 'url' = '${out.url}', 'table-name' = '${sinkTable}', 'username' = '${out.username}')`);
    const job = tEnv.executeSql('INSERT INTO joined SELECT o.id, r.rate FROM orders o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.op_ts AS r ON o.cur = r.cur');
    try {
      const steps = [
        'INSERT INTO rates VALUES (1, 1)',
        'INSERT INTO orders VALUES (1, 1)',
        'UPDATE rates SET rate = 2 WHERE cur = 1',
        'INSERT INTO orders VALUES (2, 1)',
        'INSERT INTO orders VALUES (3, 2)',
        'DELETE FROM rates WHERE cur = 1',
        'INSERT INTO orders VALUES (4, 1)',
        // Later changes on both tables move the watermark past order 4.
        'INSERT INTO rates VALUES (3, 9)',
        'INSERT INTO orders VALUES (5, 3)',
        'INSERT INTO rates VALUES (4, 7)',
      ];
      // The job's replication slots exist once its sources have started.
      await until('the replication slots', async () => (await src.query('SELECT slot_name FROM pg_replication_slots')).length === 2);
      for (const s of steps) {
        await src.query(s);
        await tick();
      }
      const rows = async () =>
        (await out.query<{ id: number; rate: number | null }>(`SELECT id, rate FROM ${sinkTable} ORDER BY id`)).map((r) => [r.id, r.rate]);
      await until('orders 1 to 4 joined', async () => (await rows()).length >= 4);
      expect((await rows()).slice(0, 4)).toEqual([
        [1, 1],
        [2, 2],
        [3, null],
        [4, null],
      ]);
    } finally {
      await job.jobClient?.cancel();
    }
  });
});
