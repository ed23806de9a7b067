// mysql-cdc's startup modes without a snapshot (earliest-offset, specific-offset, timestamp) and
// heartbeats, against a private MariaDB: rows are written before and after the point a mode names,
// and exactly the changes after it must arrive; a restored job resumes at its checkpoint, not at
// the startup point; with heartbeats an idle server moves the log position past a rotation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { MysqlCdcSourceBuilder, type Row } from '../../../src/connectors/mysql-cdc/index.js';
import { readChunks } from '../../../src/connectors/mysql-cdc/chunk-read.js';
import { LogStream } from '../../../src/connectors/mysql-cdc/log-stream.js';
import { connect } from '../../../src/connectors/mysql-cdc/mysql-catalog.js';
import { resolveOptions, type MysqlCdcOptions } from '../../../src/connectors/mysql-cdc/mysql-cdc-options.js';
import { RowKind } from '../../../src/core/row-kind.js';
import { sleep, until } from '../cdc-test-support.js';
import { startMariadb, type MariadbInstance } from './mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../../support/server-binaries.js';

let db: MariadbInstance;
const serversInstalled = serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server');

beforeAll(async () => {
  if (!serversInstalled) return;
  db = await startMariadb();
}, 60_000);
afterAll(async () => {
  await db?.stop();
});

type Position = { file: string; pos: number };
const masterStatus = async (): Promise<Position> => {
  const [r] = await db.query<{ File: string; Position: number }>('SHOW MASTER STATUS');
  return { file: r!.File, pos: Number(r!.Position) };
};

/** One change as the test expects it: kind and row. */
type Change = [RowKind, number, string];
const ins = (id: number, v: string): Change[] => [[RowKind.INSERT, id, v]];
const upd = (id: number, from: string, to: string): Change[] => [
  [RowKind.UPDATE_BEFORE, id, from],
  [RowKind.UPDATE_AFTER, id, to],
];
const del = (id: number, v: string): Change[] => [[RowKind.DELETE, id, v]];

/** Writes `changes` to `table` one statement each, as the changes they are. */
async function write(table: string, changes: Change[]): Promise<void> {
  for (let i = 0; i < changes.length; i++) {
    const [kind, id, v] = changes[i]!;
    if (kind === RowKind.INSERT) await db.query(`INSERT INTO ${table} VALUES (?, ?)`, [id, v]);
    else if (kind === RowKind.DELETE) await db.query(`DELETE FROM ${table} WHERE id = ?`, [id]);
    else if (kind === RowKind.UPDATE_AFTER) await db.query(`UPDATE ${table} SET v = ? WHERE id = ?`, [v, id]);
  }
}

const builder = (table: string, serverId: number) =>
  MysqlCdcSourceBuilder.create().hostname('127.0.0.1').port(db.port).username('weir').password('weir').databaseName('weir').tableName(table).serverId(serverId);

/** Runs a job over `source` until its sink holds `n` changes, then waits a little for any extra one. */
async function collect(source: ReturnType<MysqlCdcSourceBuilder['build']>, before: () => Promise<void>, n: number): Promise<Change[]> {
  const env = StreamEnvironment.create({ parallelism: 1, slotMode: 'single-thread' });
  const sink = new CollectSink<Row>();
  env.fromSource(source).sinkTo(sink);
  const job = env.executeAsync('startup');
  try {
    await before();
    await until(`${n} changes`, () => sink.values.length >= n);
    await sleep(500);
  } finally {
    await job.cancel();
  }
  return sink.values.map((r, i) => [sink.kinds[i]!, Number(r.id), String(r.v)]);
}

/**
 * Runs a job over `source()` until it emitted `first` and a checkpoint completed after them,
 * cancels it, writes `second`, and restores a job from the latest checkpoint: the first must emit
 * exactly `first`, the restored one exactly `second`.
 */
async function expectResumedAfter(
  name: string,
  source: () => ReturnType<MysqlCdcSourceBuilder['build']>,
  first: Change[],
  second: { table: string; changes: Change[] },
): Promise<void> {
  const checkpoints = mkdtempSync(join(tmpdir(), `weir-cdc-${name}-`));
  const start = (restore: boolean) => {
    const env = StreamEnvironment.create({
      parallelism: 1,
      slotMode: 'single-thread',
      'execution.checkpointing.interval': '100ms',
      'state.checkpoints.dir': checkpoints,
      ...(restore ? { restore: { latest: true } } : {}),
    });
    const sink = new CollectSink<Row>();
    env.fromSource(source()).uid('cdc').sinkTo(sink).uid('sink');
    return { client: env.executeAsync(name), sink };
  };
  const changes = (sink: CollectSink<Row>): Change[] => sink.values.map((r, i) => [sink.kinds[i]!, Number(r.id), String(r.v)]);
  try {
    const one = start(false);
    await until('the first changes', () => one.sink.values.length >= first.length);
    // A checkpoint completed after the changes were emitted holds a position past them.
    const completed = () => one.client.checkpoints().filter((c) => c.status === 'COMPLETED').length;
    const seen = completed();
    await until('a checkpoint after them', () => completed() > seen + 1);
    await one.client.cancel();
    await one.client.result.catch(() => {});
    expect(changes(one.sink)).toEqual(first);
    await write(second.table, second.changes);
    const two = start(true);
    try {
      await until('the later changes', () => two.sink.values.length >= second.changes.length);
      await sleep(500);
      expect(changes(two.sink)).toEqual(second.changes);
    } finally {
      await two.client.cancel();
    }
  } finally {
    rmSync(checkpoints, { recursive: true, force: true });
  }
}

describe.runIf(serversInstalled)('mysql-cdc startup modes', () => {
  it('earliest-offset: every change in the binlog the server has, and those after the start, no snapshot', async () => {
    await db.query('CREATE TABLE early (id bigint PRIMARY KEY, v varchar(20))');
    const before = [...ins(1, 'a'), ...ins(2, 'b'), ...ins(3, 'c'), ...upd(2, 'b', 'b2'), ...del(3, 'c')];
    await write('early', before);
    const after = [...ins(4, 'd'), ...upd(1, 'a', 'a2')];
    const got = await collect(builder('early', 5700).startupMode('earliest-offset').build(), () => write('early', after), before.length + after.length);
    expect(got).toEqual([...before, ...after]);
  }, 60_000);

  it('specific-offset: the changes from the given file and offset on, none before', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS spec (id bigint PRIMARY KEY, v varchar(20))');
    await write('spec', [...ins(1, 'a'), ...ins(2, 'b')]);
    const at = await masterStatus();
    const between = [...upd(1, 'a', 'a2'), ...ins(3, 'c'), ...del(2, 'b')];
    await write('spec', between);
    const after = ins(4, 'd');
    const source = builder('spec', 5701).startupMode('specific-offset').specificOffset(at.file, at.pos).build();
    const got = await collect(source, () => write('spec', after), between.length + after.length);
    expect(got).toEqual([...between, ...after]);
  }, 60_000);

  it('specific-offset: a file the server does not have, an offset past its end or inside an event, fails at once saying so', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS spec (id bigint PRIMARY KEY, v varchar(20))');
    const now = await masterStatus();
    await db.query(`INSERT INTO spec VALUES (100, 'x')`);
    for (const [file, pos, why] of [
      ['mysql-bin.999999', 4, /mysql-bin\.999999:4 \('scan\.startup\.specific-offset\.\*'\) is not on the server: no such file/],
      [now.file, now.pos + 1_000_000, /is not on the server: the file is \d+ bytes long/],
      // Inside the GTID event that starts the insert's transaction.
      [now.file, now.pos + 7, /the server cannot send the binlog from mysql-bin\.\d+:\d+ \(.*\): the offset is not where an event starts/],
    ] as const) {
      const env = StreamEnvironment.create({
        parallelism: 1,
        slotMode: 'single-thread',
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 100,
      });
      env.fromSource(builder('spec', 5702).startupMode('specific-offset').specificOffset(file, pos).build()).sinkTo(new CollectSink<Row>());
      const job = env.executeAsync('bad-offset');
      const error = await job.result.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(why);
      if (pos !== now.pos + 7) expect(error?.message).toMatch(/its binlog files: mysql-bin\.000001 to mysql-bin\.\d+/);
      expect(job.restarts()).toEqual([]);
    }
  }, 60_000);

  it('specific-offset by GTID: the changes after the given GTID position on, none before; a checkpoint after them resumes by file and offset', async () => {
    await db.query('CREATE TABLE by_gtid (id bigint PRIMARY KEY, v varchar(20))');
    await write('by_gtid', [...ins(1, 'a'), ...ins(2, 'b')]);
    const [{ g }] = (await db.query<{ g: string }>('SELECT @@gtid_binlog_pos AS g')) as [{ g: string }];
    expect(g).toMatch(/^\d+-\d+-\d+/);
    const between = [...upd(1, 'a', 'a2'), ...ins(3, 'c'), ...del(2, 'b')];
    await write('by_gtid', between);
    // A file and offset given beside the GTID set lose to it, as in Flink CDC.
    const source = () => builder('by_gtid', 5705).startupMode('specific-offset').specificGtidSet(g).specificOffset('mysql-bin.000001', 4).build();
    await expectResumedAfter('by-gtid', source, between, { table: 'by_gtid', changes: [...ins(4, 'd'), ...upd(3, 'c', 'c2')] });
  }, 60_000);

  it('specific-offset by a GTID the server never wrote fails at once, naming it', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS spec (id bigint PRIMARY KEY, v varchar(20))');
    const env = StreamEnvironment.create({
      parallelism: 1,
      slotMode: 'single-thread',
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 100,
    });
    env.fromSource(builder('spec', 5706).startupMode('specific-offset').specificGtidSet('0-1-999999').build()).sinkTo(new CollectSink<Row>());
    const job = env.executeAsync('bad-gtid');
    const error = await job.result.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/the server's binlog does not hold GTID 0-1-999999 \(.*\): purged, or never written on this server/);
    expect(job.restarts()).toEqual([]);
  }, 60_000);

  it('timestamp: only transactions stamped at or after the time, read from the first binlog file', async () => {
    await db.query('CREATE TABLE stamped (id bigint PRIMARY KEY, v varchar(20))');
    const before = [...ins(1, 'a'), ...ins(2, 'b')];
    await write('stamped', before);
    // The binlog stamps whole seconds of the server's clock (this machine's): start at the next second.
    const startMs = (Math.floor(Date.now() / 1000) + 1) * 1000;
    await sleep(startMs - Date.now() + 50);
    const between = [...upd(1, 'a', 'a2'), ...ins(3, 'c'), ...del(2, 'b')];
    await write('stamped', between);
    const after = ins(4, 'd');
    const source = builder('stamped', 5703).startupMode('timestamp').startupTimestamp(startMs).build();
    const got = await collect(source, () => write('stamped', after), between.length + after.length);
    expect(got).toEqual([...between, ...after]);
  }, 60_000);

  it('a restored job resumes at its checkpointed position, not at the startup position', async () => {
    await db.query('CREATE TABLE resumed (id bigint PRIMARY KEY, v varchar(20))');
    const at = await masterStatus();
    const first = [...ins(1, 'a'), ...ins(2, 'b')];
    await write('resumed', first);
    const source = () => builder('resumed', 5704).startupMode('specific-offset').specificOffset(at.file, at.pos).build();
    await expectResumedAfter('resumed', source, first, { table: 'resumed', changes: [...upd(2, 'b', 'b2'), ...ins(3, 'c')] });
  }, 60_000);
});

describe.runIf(serversInstalled)('mysql-cdc heartbeats', () => {
  const options = (heartbeat: string, serverId: number): MysqlCdcOptions => ({
    hostname: '127.0.0.1',
    port: db.port,
    username: 'weir',
    password: 'weir',
    'database-name': 'weir',
    'table-name': 'idle',
    'server-id': serverId,
    'heartbeat.interval': heartbeat,
  });
  const idle = { database: 'weir', table: 'idle', keyColumns: ['id'], chunkColumn: 'id', columns: ['id', 'v'] };

  it('with heartbeat.interval, an idle log split position moves past a rotation; without, it stays', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS idle (id bigint PRIMARY KEY, v varchar(20))');
    const from = await masterStatus();
    const beating = new LogStream(resolveOptions(options('200ms', 5710)), [idle], [], from, undefined);
    const silent = new LogStream(resolveOptions(options('0', 5711)), [idle], [], from, undefined);
    try {
      await sleep(500);
      await db.query('FLUSH BINARY LOGS');
      const rotated = await masterStatus();
      expect(rotated.file).not.toBe(from.file);
      // The new file's first events (its GTID list, a binlog checkpoint) are written just after the rotation.
      await until('a heartbeat at the binlog end after the rotation', async () => {
        beating.take();
        const end = await masterStatus();
        return end.file === rotated.file && beating.position().file === end.file && beating.position().pos === end.pos;
      });
      await sleep(1000);
      silent.take();
      expect(silent.position()).toEqual(from);
    } finally {
      await beating.close();
      await silent.close();
    }
  }, 60_000);

  it('a chunk read whose high mark follows a rotation ends on a heartbeat, with no later write', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS idle (id bigint PRIMARY KEY, v varchar(20))');
    await db.query(`INSERT INTO idle VALUES (1, 'a')`);
    const low = await masterStatus();
    await db.query('FLUSH BINARY LOGS');
    const o = resolveOptions(options('200ms', 5712));
    const c = await connect(o);
    try {
      const chunk = { id: 'weir.idle#0', lo: null, hi: null, table: 'weir.idle' };
      const split = { id: chunk.id, kind: 'chunk' as const, table: idle, chunk, low, start: low };
      const rows = await Promise.race([readChunks(c, o, [split], 5713), sleep(10_000).then(() => 'waiting for a write' as const)]);
      expect(rows).toEqual([[{ id: 1, v: 'a' }]]);
    } finally {
      await c.end();
    }
  }, 60_000);
});
