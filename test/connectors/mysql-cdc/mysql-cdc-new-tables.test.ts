// mysql-cdc with 'scan.newly-added-table.enabled': tables created while the job streams are found,
// snapshotted by chunks (with a writer changing them during their snapshot) and then followed by the
// binlog, against a private MariaDB server; the folded changelog of each table must be the table,
// with no +I of a present key and no -U/-D of an absent one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { MysqlCdcSourceBuilder, type Row } from '../../../src/connectors/mysql-cdc/index.js';
import { foldTables, startTableWriter, until } from '../cdc-test-support.js';
import { startMariadb, type MariadbInstance } from './mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../../support/server-binaries.js';

let db: MariadbInstance;
let dir: string;
const serversInstalled = serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server');

beforeAll(async () => {
  if (!serversInstalled) return;
  db = await startMariadb();
  dir = mkdtempSync(join(tmpdir(), 'weir-cdc-new-'));
}, 60_000);
afterAll(async () => {
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const writes = (table: string) => ({
  insert: (id: number, v: number) => db.query(`INSERT INTO ${table} VALUES (?, ?, ?)`, [id, v, `r${id}`]),
  update: (id: number) => db.query(`UPDATE ${table} SET v = v + 1, note = CONCAT(note, '+') WHERE id = ?`, [id]),
  delete: (id: number) => db.query(`DELETE FROM ${table} WHERE id = ?`, [id]),
});

describe.runIf(serversInstalled)('mysql-cdc with scan.newly-added-table.enabled', () => {
  for (const parallelism of [1, 2]) {
    it(`snapshots and then follows tables created while it streams, under a writer (parallelism ${parallelism})`, async () => {
      const p = `nt${parallelism}`;
      await db.query(`CREATE TABLE ${p}_a (id int PRIMARY KEY, v int NOT NULL, note varchar(200))`);
      await db.query(`INSERT INTO ${p}_a SELECT seq, seq, CONCAT('a', seq) FROM seq_1_to_2000`);
      await db.query(`CREATE TABLE ${p}_other (id int PRIMARY KEY)`);
      const env = StreamEnvironment.create({
        parallelism,
        slotMode: 'single-thread',
        'execution.checkpointing.interval': '200ms',
        'state.checkpoints.dir': join(dir, p),
      });
      const sink = new CollectSink<Row>();
      const source = MysqlCdcSourceBuilder.create()
        .hostname('127.0.0.1')
        .port(db.port)
        .username('weir')
        .password('weir')
        .databaseName('weir')
        .tableName(`${p}_[a-z]`)
        .serverId(parallelism === 1 ? '5800-5804' : '5810-5814')
        .chunkSize(100)
        .newlyAddedTables()
        .metadata('op_ts', 'table_name')
        .build();
      env.fromSource(source).sinkTo(sink);
      const job = env.executeAsync(`new-tables-${parallelism}`);
      const writers = [startTableWriter(writes(`${p}_a`), { rows: 2000, seed: 7, connections: 2 })];
      try {
        await until('the log split', () => sink.values.some((r) => r.op_ts !== 0));
        // b: created and filled while the job streams; c: created, then filled by the writer alone.
        await db.query(`CREATE TABLE ${p}_b (id int PRIMARY KEY, v int NOT NULL, note varchar(200))`);
        await db.query(`INSERT INTO ${p}_b SELECT seq, seq, CONCAT('b', seq) FROM seq_1_to_3000`);
        writers.push(startTableWriter(writes(`${p}_b`), { rows: 3000, seed: 11, connections: 2 }));
        await db.query(`CREATE TABLE ${p}_c (id int PRIMARY KEY, v int NOT NULL, note varchar(200))`);
        writers.push(startTableWriter(writes(`${p}_c`), { rows: 0, seed: 13, connections: 1 }));
        // Not matched (two letters): never captured, and never waited for.
        await db.query(`INSERT INTO ${p}_other SELECT seq FROM seq_1_to_100`);
        await until('the snapshot of the new table', () => sink.values.some((r) => r.table_name === `${p}_b` && r.op_ts === 0));
        await until('changes of the new table from the log', () => sink.values.some((r) => r.table_name === `${p}_b` && r.op_ts !== 0));
        let ops = 0;
        for (const w of writers) ops += await w.stop();
        for (const t of ['a', 'b', 'c']) await db.query(`INSERT INTO ${p}_${t} VALUES (-1, 0, 'last')`);
        await until('the last rows', () => sink.values.filter((r) => r.id === -1).length === 3);
        const { tables, anomalies } = foldTables(sink.values, sink.kinds);
        expect(anomalies).toEqual([]);
        expect([...tables.keys()].sort()).toEqual([`${p}_a`, `${p}_b`, `${p}_c`]);
        for (const t of ['a', 'b', 'c']) {
          const expected = await db.query<Row>(`SELECT * FROM ${p}_${t}`);
          const got = tables.get(`${p}_${t}`)!;
          expect(got.size, t).toBe(expected.length);
          for (const r of expected) expect(got.get(String(r.id)), `${t} ${String(r.id)}`).toEqual({ ...r });
        }
        console.log(`mysql-cdc new tables (p=${parallelism}): ${sink.values.length} changelog rows, ${ops} concurrent writes`);
      } finally {
        for (const w of writers) await w.stop();
        await job.cancel();
      }
    }, 180_000);
  }
});
