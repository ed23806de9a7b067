// The postgres-cdc source against a private PostgreSQL server (wal_level=logical) started here:
// snapshot in chunks while a writer changes the table, then the log; the folded changelog must be
// the table, with no row missing and none twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { PostgresCdcSourceBuilder, type Row } from '../../../src/connectors/postgres-cdc/index.js';
import { RowKind } from '../../../src/core/row-kind.js';
import { foldChangelog, startTableWriter, until } from '../cdc-test-support.js';
import { startPostgres, type PgInstance } from './pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';

let pg: PgInstance;
let dir: string;
const serversInstalled = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');

beforeAll(async () => {
  if (!serversInstalled) return;
  pg = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'weir-cdc-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ROWS = 100_000;

/** Three connections changing the table while the job reads it. */
function startWriter(): { stop: () => Promise<number> } {
  return startTableWriter(
    {
      insert: (id, v) => pg.query('INSERT INTO items VALUES ($1, $2, $3)', [id, v, 'new']),
      update: (id) => pg.query(`UPDATE items SET v = v + 1, s = s || 'u' WHERE id = $1`, [id]),
      delete: (id) => pg.query('DELETE FROM items WHERE id = $1', [id]),
    },
    { rows: ROWS, seed: 7, connections: 3 },
  );
}

describe.runIf(serversInstalled)('postgres-cdc source', () => {
  it('snapshot with a concurrent writer, then the log: the folded changelog equals the table; checkpoints confirm the slot', async () => {
    await pg.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s text)');
    await pg.query('ALTER TABLE items REPLICA IDENTITY FULL');
    await pg.query(`INSERT INTO items SELECT g, g % 1000, 'row ' || g FROM generate_series(1, ${ROWS}) g`);
    const writer = startWriter();
    const env = StreamEnvironment.create({
      parallelism: 2,
      slotMode: 'single-thread',
      'execution.checkpointing.interval': '200ms',
      'state.checkpoints.dir': dir,
    });
    const sink = new CollectSink<Row>();
    const source = PostgresCdcSourceBuilder.create()
      .hostname('127.0.0.1')
      .port(pg.port)
      .username('weir')
      .password('weir')
      .databaseName('weir')
      .tableName('items')
      .slotName('items_slot')
      .chunkSize(2000)
      .metadata('op_ts', 'table_name')
      .build();
    env.fromSource(source).sinkTo(sink);
    const job = env.executeAsync('cdc');
    const confirmed = async () =>
      (await pg.query<{ l: string }>(`SELECT (confirmed_flush_lsn - '0/0')::text AS l FROM pg_replication_slots WHERE slot_name = 'items_slot'`))[0]?.l;
    await until('the slot', async () => (await confirmed()) !== undefined);
    const created = BigInt((await confirmed())!);
    // Changes made after the snapshot ended reach the log split.
    await until('the snapshot', () => sink.values.length >= ROWS - 2000 && sink.values.some((r, i) => r.op_ts !== 0 && sink.kinds[i] !== RowKind.INSERT));
    const ops = await writer.stop();
    await pg.query(`INSERT INTO items VALUES (-1, 0, 'last')`);
    await until('the last row', () => sink.values.some((r) => String(r.id) === '-1'));
    const { table, anomalies } = foldChangelog(sink.values, sink.kinds);
    const expected = await pg.query<Row>('SELECT * FROM items');
    expect(anomalies).toEqual([]);
    expect(table.size).toBe(expected.length);
    for (const r of expected) expect(table.get(String(r.id))).toEqual(r);
    expect(ops).toBeGreaterThan(0);
    expect(sink.values.every((r) => r.table_name === 'items')).toBe(true);
    // The slot moves on only once checkpoints covering the log completed.
    await until('the slot to be confirmed', async () => BigInt((await confirmed())!) > created);
    console.log(`cdc: ${sink.values.length} changelog rows, ${ops} concurrent writes, ${expected.length} rows at the end`);
    await job.cancel();
  }, 120_000);

  it('a restored job whose slot was dropped while it was stopped fails at once, saying so and what to do', async () => {
    await pg.query('CREATE TABLE gone (id bigint PRIMARY KEY, v int NOT NULL)');
    await pg.query('INSERT INTO gone SELECT g, g FROM generate_series(1, 1000) g');
    const checkpoints = mkdtempSync(join(tmpdir(), 'weir-cdc-slot-'));
    // A restart strategy that would retry for long: the lost slot must not be retried.
    const start = (restore: boolean) => {
      const env = StreamEnvironment.create({
        parallelism: 1,
        slotMode: 'single-thread',
        'execution.checkpointing.interval': '100ms',
        'state.checkpoints.dir': checkpoints,
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 1000,
        'restart-strategy.fixed-delay.delay': '10ms',
        ...(restore ? { restore: { latest: true } } : {}),
      });
      const sink = new CollectSink<Row>();
      const source = PostgresCdcSourceBuilder.create()
        .hostname('127.0.0.1')
        .port(pg.port)
        .username('weir')
        .password('weir')
        .databaseName('weir')
        .tableName('gone')
        .slotName('gone_slot')
        .build();
      env.fromSource(source).uid('cdc').sinkTo(sink).uid('sink');
      return { client: env.executeAsync('dropped-slot'), sink };
    };
    try {
      const first = start(false);
      await pg.query('INSERT INTO gone VALUES (-1, 0)');
      await until('the log', () => first.sink.values.some((r) => String(r.id) === '-1'));
      // A checkpoint taken once the log split streams holds the slot's position.
      const completed = () => first.client.checkpoints().filter((c) => c.status === 'COMPLETED').length;
      const before = completed();
      await until('a checkpoint of the log split', () => completed() > before + 1);
      await first.client.cancel();
      await first.client.result.catch(() => {});
      // The server lets go of the slot once the cancelled job's walsender has ended.
      await until('the slot to be dropped', () =>
        pg.query(`SELECT pg_drop_replication_slot('gone_slot')`).then(
          () => true,
          () => false,
        ),
      );
      const second = start(true);
      const error = await second.client.result.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/replication slot 'gone_slot' does not exist any more/);
      expect(error?.message).toMatch(/Start the job again without restoring \(a new snapshot\)/);
      expect(second.client.restarts()).toEqual([]);
    } finally {
      rmSync(checkpoints, { recursive: true, force: true });
    }
  }, 120_000);

  it('heartbeats move the slot while the watched table is idle and other tables are written', async () => {
    await pg.query('CREATE TABLE quiet (id bigint PRIMARY KEY, v int NOT NULL)');
    await pg.query('CREATE TABLE busy (id bigint PRIMARY KEY, v int NOT NULL)');
    await pg.query('INSERT INTO quiet SELECT g, g FROM generate_series(1, 10) g');
    const checkpoints = mkdtempSync(join(tmpdir(), 'weir-cdc-heartbeat-'));
    const env = StreamEnvironment.create({
      parallelism: 1,
      slotMode: 'single-thread',
      'execution.checkpointing.interval': '100ms',
      'state.checkpoints.dir': checkpoints,
    });
    const sink = new CollectSink<Row>();
    const source = PostgresCdcSourceBuilder.create()
      .hostname('127.0.0.1')
      .port(pg.port)
      .username('weir')
      .password('weir')
      .databaseName('weir')
      .tableName('quiet')
      .slotName('quiet_slot')
      .heartbeatInterval('100ms')
      .build();
    env.fromSource(source).sinkTo(sink);
    const job = env.executeAsync('heartbeat');
    const confirmed = async () =>
      BigInt((await pg.query<{ l: string }>(`SELECT (confirmed_flush_lsn - '0/0')::text AS l FROM pg_replication_slots WHERE slot_name = 'quiet_slot'`))[0]!.l);
    const walNow = async () => BigInt((await pg.query<{ l: string }>(`SELECT (pg_current_wal_lsn() - '0/0')::text AS l`))[0]!.l);
    try {
      await pg.query('INSERT INTO quiet VALUES (-1, 0)');
      await until('the log', () => sink.values.some((r) => String(r.id) === '-1'));
      // Only the other table is written from here on: the slot must still follow the log.
      for (let i = 1; i <= 200; i++) await pg.query('INSERT INTO busy VALUES ($1, $2)', [i, i]);
      const written = await walNow();
      await until('the slot to pass the writes to the other table', async () => (await confirmed()) >= written);
      expect(sink.values.length).toBe(11);
    } finally {
      await job.cancel();
      rmSync(checkpoints, { recursive: true, force: true });
    }
  }, 120_000);
});
