// The mysql-cdc source against a private MariaDB server (binlog in ROW format) started here:
// snapshot in chunks while a writer changes the table, then the log; the folded changelog must be
// the table, with no row missing and none twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { MysqlCdcSourceBuilder, type Row } from '../../../src/connectors/mysql-cdc/index.js';
import { RowKind } from '../../../src/core/row-kind.js';
import { foldChangelog, startTableWriter, until } from '../cdc-test-support.js';
import { LogStream } from '../../../src/connectors/mysql-cdc/log-stream.js';
import { resolveOptions } from '../../../src/connectors/mysql-cdc/mysql-cdc-options.js';
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

const ROWS = 100_000;

/** Three connections changing the table while the job reads it. */
function startWriter(): { stop: () => Promise<number> } {
  return startTableWriter(
    {
      insert: (id, v) => db.query('INSERT INTO items VALUES (?, ?, ?)', [id, v, 'new']),
      update: (id) => db.query(`UPDATE items SET v = v + 1, s = CONCAT(s, 'u') WHERE id = ?`, [id]),
      delete: (id) => db.query('DELETE FROM items WHERE id = ?', [id]),
    },
    { rows: ROWS, seed: 7, connections: 3 },
  );
}

describe.runIf(serversInstalled)('mysql-cdc source', () => {
  it('snapshot with a concurrent writer, then the binlog: the folded changelog equals the table', async () => {
    await db.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200)) ENGINE=InnoDB');
    await db.query(`INSERT INTO items SELECT seq, seq % 1000, CONCAT('row ', seq) FROM seq_1_to_${ROWS}`);
    const writer = startWriter();
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
      .databaseName('weir')
      .tableName('items')
      .serverId('5400-5404')
      .chunkSize(2000)
      .metadata('op_ts', 'table_name')
      .build();
    env.fromSource(source).sinkTo(sink);
    const job = env.executeAsync('cdc');
    // A job left running would hold the binlog open, which PURGE skips.
    try {
      // Changes made after the snapshot ended reach the log split.
      await until('the snapshot', () => sink.values.length >= ROWS - 2000 && sink.values.some((r, i) => r.op_ts !== 0 && sink.kinds[i] !== RowKind.INSERT));
      const ops = await writer.stop();
      await db.query(`INSERT INTO items VALUES (-1, 0, 'last')`);
      await until('the last row', () => sink.values.some((r) => String(r.id) === '-1'));
      const { table, anomalies } = foldChangelog(sink.values, sink.kinds);
      const expected = await db.query<Row>('SELECT * FROM items');
      expect(anomalies).toEqual([]);
      expect(table.size).toBe(expected.length);
      for (const r of expected) expect(table.get(String(r.id))).toEqual({ ...r });
      expect(ops).toBeGreaterThan(0);
      expect(sink.values.every((r) => r.table_name === 'items')).toBe(true);
      console.log(`mysql-cdc: ${sink.values.length} changelog rows, ${ops} concurrent writes, ${expected.length} rows at the end`);
    } finally {
      await writer.stop();
      await job.cancel();
    }
  }, 120_000);

  it('stops with an error naming the purge when its binlog position is gone', async () => {
    const [{ File: first }] = await db.query<{ File: string }>('SHOW MASTER STATUS');
    await db.query('FLUSH BINARY LOGS');
    const [{ File: now }] = await db.query<{ File: string }>('SHOW MASTER STATUS');
    // The server keeps a file a replica (such as a job being cancelled) still reads: purge until it is gone.
    await until('the purge', async () => {
      await db.query(`PURGE BINARY LOGS TO '${now}'`);
      return !(await db.query<{ Log_name: string }>('SHOW BINARY LOGS')).some((r) => r.Log_name === first);
    });
    const o = resolveOptions({
      hostname: '127.0.0.1',
      port: db.port,
      username: 'weir',
      password: 'weir',
      'database-name': 'weir',
      'table-name': 'items',
      'server-id': 5500,
    });
    const items = { database: 'weir', table: 'items', keyColumns: ['id'], chunkColumn: 'id', columns: ['id', 'v', 's'] };
    const stream = new LogStream(o, [items], [], { file: first!, pos: 4 }, undefined);
    let error: unknown;
    await until('the error', () => {
      try {
        stream.take();
        return false;
      } catch (e) {
        error = e;
        return true;
      }
    });
    await stream.close();
    expect(String((error as Error).message)).toMatch(/no longer on the server \(purged/);
    expect(String((error as Error).message)).toContain(`${first}:4`);
  }, 60_000);

  it('stops reading the binlog past 20,000 queued changes, and reads on once a poll takes them', async () => {
    await db.query('CREATE TABLE flow (id bigint PRIMARY KEY, v int NOT NULL)');
    const [{ File: file, Position: pos }] = await db.query<{ File: string; Position: number }>('SHOW MASTER STATUS');
    const o = resolveOptions({
      hostname: '127.0.0.1',
      port: db.port,
      username: 'weir',
      password: 'weir',
      'database-name': 'weir',
      'table-name': 'flow',
      'server-id': 5501,
    });
    const flow = { database: 'weir', table: 'flow', keyColumns: ['id'], chunkColumn: 'id', columns: ['id', 'v'] };
    // 60 transactions of 1,000 rows, three times the bound, written before the stream starts.
    for (let t = 0; t < 60; t++) await db.query(`INSERT INTO flow (id, v) SELECT seq, 0 FROM seq_${t * 1000 + 1}_to_${(t + 1) * 1000}`);
    const stream = new LogStream(o, [flow], [], { file: file!, pos: pos! }, undefined);
    try {
      await until('the queue to fill', () => stream.queued() >= 20_000);
      // Given time to read on, it does not: the connection stopped at the transaction that reached the bound.
      await new Promise((r) => setTimeout(r, 1000));
      expect(stream.queued()).toBe(20_000);
      const ids: number[] = [];
      await until('every change', () => {
        for (const v of stream.take()?.values ?? []) ids.push(Number(v.id));
        return ids.length >= 60_000;
      });
      expect(ids).toEqual(Array.from({ length: 60_000 }, (_, i) => i + 1));
    } finally {
      await stream.close();
    }
  }, 60_000);

  it('refuses a server whose binlog has no full row images, naming the setting', async () => {
    await db.query(`SET GLOBAL binlog_row_image = 'MINIMAL'`);
    try {
      const env = StreamEnvironment.create({ parallelism: 1, slotMode: 'single-thread' });
      const source = MysqlCdcSourceBuilder.create()
        .hostname('127.0.0.1')
        .port(db.port)
        .username('weir')
        .password('weir')
        .databaseName('weir')
        .tableName('items')
        .serverId(5600)
        .startupMode('snapshot')
        .build();
      env.fromSource(source).sinkTo(new CollectSink<Row>());
      await expect(env.execute('refused')).rejects.toThrow(/binlog_row_image is MINIMAL, not FULL/);
    } finally {
      await db.query(`SET GLOBAL binlog_row_image = 'FULL'`);
    }
  }, 60_000);
});
