// mysql-cdc over several tables at once (table-name and database-name as regular expressions) with
// composite and non-integer primary keys, and schema changes while it streams, against a private
// MariaDB server: the folded changelog of each table must be that table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { TableEnvironment } from '../../../src/sql/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { MysqlCdcSourceBuilder, type Row } from '../../../src/connectors/mysql-cdc/index.js';
import { RowKind } from '../../../src/core/row-kind.js';
import { sleep, until } from '../cdc-test-support.js';
import { startMariadb, type MariadbInstance } from './mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../../support/server-binaries.js';

let db: MariadbInstance;
let dir: string;
const serversInstalled = serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server');

beforeAll(async () => {
  if (!serversInstalled) return;
  db = await startMariadb();
  dir = mkdtempSync(join(tmpdir(), 'weir-cdc-'));
}, 60_000);
afterAll(async () => {
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const KEYS: Record<string, string[]> = { 'weir.mt_orders': ['id'], 'weir.mt_lines': ['o', 'n'], 'weir2.mt_codes': ['code'] };
const keyText = (table: string, r: Row) => KEYS[table]!.map((k) => String(r[k])).join('/');

/** Applies a changelog of several tables by (database, table, key); lists +I of present and -U/-D of absent keys. */
function fold(values: readonly Row[], kinds: readonly RowKind[]) {
  const tables = new Map<string, Map<string, Row>>();
  const anomalies: string[] = [];
  values.forEach((row, i) => {
    const { op_ts: _t, table_name, database_name, ...data } = row;
    const table = `${String(database_name)}.${String(table_name)}`;
    let t = tables.get(table);
    if (!t) tables.set(table, (t = new Map()));
    const key = keyText(table, data);
    const kind = kinds[i]!;
    if (kind === RowKind.INSERT && t.has(key)) anomalies.push(`+I of present ${table} ${key}`);
    if ((kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE) && !t.has(key)) anomalies.push(`-U/-D of absent ${table} ${key}`);
    if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) t.set(key, data);
    else t.delete(key);
  });
  return { tables, anomalies };
}

async function expectEqual(tables: Map<string, Map<string, Row>>, table: string): Promise<void> {
  const expected = await db.query<Row>(`SELECT * FROM ${table}`);
  const got = tables.get(table) ?? new Map();
  expect(got.size, table).toBe(expected.length);
  for (const r of expected) expect(got.get(keyText(table, r)), `${table} ${keyText(table, r)}`).toEqual({ ...r });
}

describe.runIf(serversInstalled)('mysql-cdc over several tables', () => {
  it('captures every table the patterns match, with composite and text keys, through the snapshot and the binlog', async () => {
    await db.query('CREATE DATABASE weir2');
    await db.query(`GRANT SELECT ON weir2.* TO 'weir'@'%'`);
    await db.query('CREATE TABLE mt_orders (id int PRIMARY KEY, v int NOT NULL)');
    await db.query('CREATE TABLE mt_lines (o int, n int, v varchar(20), PRIMARY KEY (o, n))');
    await db.query('CREATE TABLE weir2.mt_codes (code varchar(20) PRIMARY KEY, v int)');
    await db.query('CREATE TABLE not_captured (id int PRIMARY KEY)');
    await db.query('INSERT INTO mt_orders SELECT seq, seq FROM seq_1_to_3000');
    // 10 lines per order: chunks on `o` (about 50 rows each at chunk size 40) keep an order's lines together.
    await db.query(`INSERT INTO mt_lines SELECT seq DIV 10, seq MOD 10, CONCAT('l', seq) FROM seq_10_to_2009`);
    await db.query(`INSERT INTO weir2.mt_codes SELECT CONCAT('c', seq), seq FROM seq_1_to_500`);
    let running = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 1; running; i++) {
        await db.query('UPDATE mt_orders SET v = v + 1 WHERE id = ?', [1 + ((i * 37) % 3000)]);
        await db.query('DELETE FROM mt_lines WHERE o = ? AND n = ?', [1 + ((i * 13) % 200), i % 10]);
        await db.query('INSERT INTO mt_lines VALUES (?, ?, ?)', [1000 + i, 0, `new ${i}`]);
        await db.query(`UPDATE weir2.mt_codes SET v = v * 2 WHERE code = ?`, [`c${1 + ((i * 7) % 500)}`]);
        await db.query(`INSERT INTO weir2.mt_codes VALUES (?, ?)`, [`n${i}`, i]);
        await db.query('INSERT INTO not_captured VALUES (?)', [i]);
        writes += 6;
      }
    })();
    const env = StreamEnvironment.create({
      parallelism: 2,
      slotMode: 'single-thread',
      'execution.checkpointing.interval': '200ms',
      'state.checkpoints.dir': dir,
    });
    const sink = new CollectSink<Row>();
    const source = MysqlCdcSourceBuilder.create()
      .hostname('127.0.0.1')
      .port(db.port)
      .username('weir')
      .password('weir')
      .databaseName('weir2?')
      .tableName('mt_.*')
      .serverId('5700-5704')
      .chunkSize(40)
      .metadata('op_ts', 'table_name', 'database_name')
      .build();
    env.fromSource(source).sinkTo(sink);
    const job = env.executeAsync('cdc-tables');
    try {
      await until('the log split', () => sink.values.some((r, i) => r.op_ts !== 0 && sink.kinds[i] === RowKind.UPDATE_AFTER));
      running = false;
      await writer;
      await db.query(`INSERT INTO weir2.mt_codes VALUES ('last', 0)`);
      await until('the last row', () => sink.values.some((r) => r.code === 'last'));
      const { tables, anomalies } = fold(sink.values, sink.kinds);
      expect(anomalies).toEqual([]);
      expect([...tables.keys()].sort()).toEqual(['weir.mt_lines', 'weir.mt_orders', 'weir2.mt_codes']);
      for (const t of Object.keys(KEYS)) await expectEqual(tables, t);
      expect(writes).toBeGreaterThan(0);
      console.log(`mysql-cdc tables: ${sink.values.length} changelog rows, ${writes} concurrent writes`);
    } finally {
      running = false;
      await writer;
      await job.cancel();
    }
  }, 120_000);

  it('is one SQL table over sharded tables, told apart by the table_name metadata', async () => {
    await db.query('CREATE TABLE shard_1 (id int PRIMARY KEY, v int)');
    await db.query('CREATE TABLE shard_2 (id int PRIMARY KEY, v int)');
    await db.query('INSERT INTO shard_1 SELECT seq, seq FROM seq_1_to_300');
    await db.query('INSERT INTO shard_2 SELECT seq, seq * 2 FROM seq_1_to_200');
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(`CREATE TABLE shards (id INT, v INT, tbl STRING METADATA FROM 'table_name' VIRTUAL, PRIMARY KEY (id) NOT ENFORCED) WITH (
      'connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '${db.port}', 'username' = 'weir', 'password' = 'weir',
      'database-name' = 'weir', 'table-name' = 'shard_[0-9]+', 'server-id' = '5740', 'scan.startup.mode' = 'snapshot')`);
    const rows = await tEnv.sqlQuery('SELECT tbl, COUNT(*) AS n, SUM(v) AS total FROM shards GROUP BY tbl').execute().collect();
    const final = new Map(rows.map((r) => [r.tbl, `${r.n}/${r.total}`]));
    const expected = await db.query<{ tbl: string; n: number; total: string }>(
      "SELECT 'shard_1' AS tbl, COUNT(*) AS n, SUM(v) AS total FROM shard_1 UNION ALL SELECT 'shard_2', COUNT(*), SUM(v) FROM shard_2",
    );
    expect(final).toEqual(new Map(expected.map((r) => [r.tbl, `${r.n}/${r.total}`])));
  }, 60_000);

  it('fails naming the patterns when no table matches', async () => {
    const env = StreamEnvironment.create({ parallelism: 1, slotMode: 'single-thread' });
    const source = MysqlCdcSourceBuilder.create()
      .hostname('127.0.0.1')
      .port(db.port)
      .username('weir')
      .password('weir')
      .databaseName('weir')
      .tableName('nothing_\\d+')
      .serverId(5710)
      .build();
    env.fromSource(source).sinkTo(new CollectSink<Row>());
    await expect(env.execute('none')).rejects.toThrow(/no table matches 'database-name' = 'weir' and 'table-name' = 'nothing_\\d\+'/);
  }, 60_000);

  for (const behavior of ['evolve', 'ignore'] as const) {
    it(`ADD COLUMN while streaming (${behavior}), then DROP COLUMN stops the job with a clear message`, async () => {
      const table = `sc_${behavior}`;
      await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v int)`);
      await db.query(`INSERT INTO ${table} SELECT seq, seq FROM seq_1_to_100`);
      const env = StreamEnvironment.create({ parallelism: 1, slotMode: 'single-thread' });
      const sink = new CollectSink<Row>();
      const source = MysqlCdcSourceBuilder.create()
        .hostname('127.0.0.1')
        .port(db.port)
        .username('weir')
        .password('weir')
        .databaseName('weir')
        .tableName(table)
        .serverId(behavior === 'evolve' ? 5720 : 5730)
        .option('schema.change.behavior', behavior)
        .build();
      env.fromSource(source).sinkTo(sink);
      const job = env.executeAsync(`sc-${behavior}`);
      try {
        await until('the snapshot', () => sink.values.length >= 100);
        await db.query(`INSERT INTO ${table} VALUES (101, 1)`);
        await until('a streamed row', () => sink.values.some((r) => r.id === 101));
        await db.query(`ALTER TABLE ${table} ADD COLUMN note varchar(20) DEFAULT 'none'`);
        await db.query(`INSERT INTO ${table} VALUES (102, 2, 'added')`);
        await db.query(`UPDATE ${table} SET v = 0 WHERE id = 1`);
        await until('rows after the ALTER', () => sink.values.some((r) => r.id === 1 && r.v === 0));
        const after = sink.values.filter((r) => r.id === 102 || (r.id === 1 && r.v === 0));
        if (behavior === 'evolve')
          expect(after).toEqual([
            { id: 102, v: 2, note: 'added' },
            { id: 1, v: 0, note: 'none' },
          ]);
        else
          expect(after).toEqual([
            { id: 102, v: 2 },
            { id: 1, v: 0 },
          ]);
        // Handled from now on: the job may fail before the ALTER's query returns.
        const outcome = job.result.then(
          () => undefined,
          (e: unknown) => e,
        );
        await db.query(`ALTER TABLE ${table} DROP COLUMN v`);
        expect(String(await outcome)).toMatch(
          new RegExp(
            `mysql-cdc weir\\.${table}: schema change at mysql-bin\\.\\d+:\\d+ stops the job \\(only ADD COLUMN is followed\\): ALTER TABLE ${table} DROP COLUMN v`,
          ),
        );
      } finally {
        await job.cancel().catch(() => {});
        await sleep(10);
      }
    }, 60_000);
  }
});
