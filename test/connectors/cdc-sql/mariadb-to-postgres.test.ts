// Replication MariaDB -> PostgreSQL in SQL: a mysql-cdc table (a private MariaDB with the binlog on)
// copied into a jdbc upsert table (the machine's PostgreSQL) while three connections insert, update
// and delete; a GROUP BY over the same CDC table into a second jdbc table. At the end the copy
// equals the source row by row, and the aggregate equals the same GROUP BY run by MariaDB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableEnvironment } from '../../../src/sql/index.js';
import '../../../src/index.js';
import { startTableWriter, until } from '../cdc-test-support.js';
import { startMariadb, type MariadbInstance } from '../mysql-cdc/mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { haveTestDatabases, postgresTest, type TestDatabase } from '../jdbc/jdbc-databases.js';
import { asText, diffTables } from './table-diff.js';

const run = serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server') && (await haveTestDatabases());
let db: MariadbInstance;
let target: TestDatabase;
let dir: string;

beforeAll(async () => {
  if (!run) return;
  db = await startMariadb();
  target = await postgresTest();
  dir = mkdtempSync(join(tmpdir(), 'weir-cdc-sql-'));
}, 60_000);
afterAll(async () => {
  await target?.close();
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ROWS = 20_000;

const sourceDdl = (name: string, serverId: string, port: number) => `
CREATE TABLE ${name} (
  id BIGINT,
  v INT,
  s STRING,
  price STRING,
  updated TIMESTAMP(3),
  ts TIMESTAMP(3) METADATA FROM 'op_ts' VIRTUAL,
  src_table STRING METADATA FROM 'table_name' VIRTUAL,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '${port}', 'username' = 'weir', 'password' = 'weir',
  'database-name' = 'weir', 'table-name' = 'items', 'server-id' = '${serverId}',
  'scan.incremental.snapshot.chunk.size' = '1000'
)`;

describe.runIf(run)('mysql-cdc -> jdbc (PostgreSQL) in SQL', () => {
  it('copies a table changed during the snapshot, and keeps a GROUP BY of it, equal to MariaDB at the end', async () => {
    await db.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200), price decimal(12,2), updated datetime(3)) ENGINE=InnoDB');
    await db.query(
      `INSERT INTO items SELECT seq, seq % 1000, IF(seq % 7 = 0, NULL, CONCAT('row ', seq)), seq * 1.25, TIMESTAMP('2024-01-01') + INTERVAL seq * 1001000 MICROSECOND FROM seq_1_to_${ROWS}`,
    );
    await target.query('DROP TABLE IF EXISTS weir_cdc_items_copy');
    await target.query('CREATE TABLE weir_cdc_items_copy (id bigint PRIMARY KEY, v int NOT NULL, s text, price numeric(12,2), updated timestamp(3))');
    await target.query('DROP TABLE IF EXISTS weir_cdc_items_agg');
    await target.query('CREATE TABLE weir_cdc_items_agg (bucket int PRIMARY KEY, n bigint NOT NULL, total bigint NOT NULL)');
    const writer = startTableWriter(
      {
        insert: (id, v) => db.query(`INSERT INTO items VALUES (?, ?, ?, ?, NOW(3))`, [id, v, 'new', v / 8]),
        update: (id) => db.query(`UPDATE items SET v = v + 1, s = CONCAT(s, 'u'), price = price + 0.01, updated = NOW(3) WHERE id = ?`, [id]),
        delete: (id) => db.query('DELETE FROM items WHERE id = ?', [id]),
      },
      { rows: ROWS, seed: 3, connections: 3 },
    );
    const tEnv = TableEnvironment.create({ parallelism: 2, 'execution.checkpointing.interval': '300ms', 'state.checkpoints.dir': dir });
    tEnv.executeSql(sourceDdl('items', '5400-5404', db.port));
    tEnv.executeSql(sourceDdl('items_for_agg', '5410-5414', db.port));
    const jdbc = (table: string, cols: string, key: string) =>
      `CREATE TABLE ${table} (${cols}, PRIMARY KEY (${key}) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:5432/test', 'username' = 'postgres', 'table-name' = 'weir_cdc_${table}', 'sink.buffer-flush.max-rows' = '2000', 'sink.buffer-flush.interval' = '200ms')`;
    tEnv.executeSql(jdbc('items_copy', 'id BIGINT, v INT, s STRING, price STRING, updated TIMESTAMP(3)', 'id'));
    tEnv.executeSql(jdbc('items_agg', 'bucket INT, n BIGINT, total BIGINT', 'bucket'));
    const plan = await tEnv.executeSql('EXPLAIN INSERT INTO items_copy SELECT id, v, s, price, updated FROM items').format();
    expect(plan).not.toMatch(/password/i);
    expect(plan).toMatch(/changelogMode=\[I,UB,UA,D\]/);
    const copy = tEnv.executeSql('INSERT INTO items_copy SELECT id, v, s, price, updated FROM items');
    const agg = tEnv.executeSql('INSERT INTO items_agg SELECT v % 10 AS bucket, COUNT(*) AS n, SUM(v) AS total FROM items_for_agg GROUP BY v % 10');
    const copied = async () => Number((await target.query<{ n: string }>('SELECT count(*) AS n FROM weir_cdc_items_copy'))[0]!.n);
    try {
      await until('the snapshot', async () => (await copied()) >= ROWS * 0.9);
      const ops = await writer.stop();
      const sourceRows = async () =>
        asText(await db.query(`SELECT id, v, s, CAST(price AS CHAR) AS price, DATE_FORMAT(updated, '%Y-%m-%d %H:%i:%s.%f') AS updated FROM items ORDER BY id`));
      const targetRows = async () =>
        asText(
          await target.query(
            `SELECT id, v, s, price::text AS price, to_char(updated, 'YYYY-MM-DD HH24:MI:SS.US') AS updated FROM weir_cdc_items_copy ORDER BY id`,
          ),
        );
      const expected = await sourceRows();
      let diff: string[] = [];
      // The last changes reach the table with the next flush: compare until equal, then assert.
      await until('the copy to converge', async () => (diff = diffTables(expected, await targetRows())).length === 0).catch(() => {});
      expect(diff).toEqual([]);
      const groupBy = 'SELECT v % 10 AS bucket, COUNT(*) AS n, SUM(v) AS total FROM items GROUP BY v % 10 ORDER BY bucket';
      const expectedAgg = asText(await db.query(groupBy));
      const aggRows = async () => asText(await target.query('SELECT bucket, n, total FROM weir_cdc_items_agg ORDER BY bucket'));
      await until('the aggregate to converge', async () => diffTables(expectedAgg, await aggRows()).length === 0).catch(() => {});
      expect(diffTables(expectedAgg, await aggRows())).toEqual([]);
      expect(ops).toBeGreaterThan(100);
      console.log(`mariadb -> postgres: ${expected.length} rows copied under ${ops} concurrent writes; ${expectedAgg.length} groups`);
    } finally {
      await writer.stop();
      await copy.jobClient?.cancel();
      await agg.jobClient?.cancel();
    }
  }, 180_000);

  it('reads metadata columns, and a bounded copy with scan.startup.mode snapshot', async () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(
      sourceDdl('items', '5420-5424', db.port)
        .replace("'scan.incremental.snapshot.chunk.size' = '1000'", "'scan.startup.mode' = 'snapshot'")
        .replace('  PRIMARY KEY', "  db_name STRING METADATA FROM 'database_name' VIRTUAL,\n  PRIMARY KEY"),
    );
    const rows = await tEnv.sqlQuery('SELECT id, price, updated, ts, src_table, db_name FROM items WHERE id <= 50').execute().collect();
    const expected = await db.query<{ id: number; price: string; updated: string }>(
      `SELECT id, CAST(price AS CHAR) AS price, DATE_FORMAT(updated, '%Y-%m-%d %H:%i:%s.%f') AS updated FROM items WHERE id <= 50 ORDER BY id`,
    );
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.sort((a, b) => Number(a.id) - Number(b.id))).toEqual(
      expected.map((r) => ({
        id: Number(r.id),
        price: r.price,
        updated: Date.parse(r.updated.slice(0, 23).replace(' ', 'T') + 'Z'),
        ts: 0,
        src_table: 'items',
        db_name: 'weir',
      })),
    );
  }, 60_000);
});
