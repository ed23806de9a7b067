// postgres-cdc with 'scan.newly-added-table.enabled': tables created while the job streams are found,
// added to the publication, snapshotted by chunks (with writers changing them before and during
// their snapshot) and then followed in the log, against a private PostgreSQL server; the folded
// changelog of each table must be the table, with no +I of a present key and no -U/-D of an absent
// one. One variant fails once in the middle and is restored from a checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment, type JobClient, type Sink } from '../../../src/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { PostgresCdcSourceBuilder, type Row } from '../../../src/connectors/postgres-cdc/index.js';
import { RowKind } from '../../../src/core/row-kind.js';
import { TransactionalMemorySink } from '../../checkpoint/transactional-memory-sink.js';
import pgClient from 'pg';
import { foldTables, startTableWriter, until } from '../cdc-test-support.js';
import { startPostgres, type PgInstance } from './pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';

let pg: PgInstance;
let dir: string;
const serversInstalled = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');

beforeAll(async () => {
  if (!serversInstalled) return;
  pg = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'weir-pg-new-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const writes = (table: string) => ({
  insert: (id: number, v: number) => pg.query(`INSERT INTO ${table} VALUES ($1, $2, $3)`, [id, v, `r${id}`]),
  update: (id: number) => pg.query(`UPDATE ${table} SET v = v + 1, note = note || '+' WHERE id = $1`, [id]),
  delete: (id: number) => pg.query(`DELETE FROM ${table} WHERE id = $1`, [id]),
});

const source = (p: string, slot: string, chunkSize = 100) =>
  PostgresCdcSourceBuilder.create()
    .hostname('127.0.0.1')
    .port(pg.port)
    .username('weir')
    .password('weir')
    .databaseName('weir')
    .tableName(`${p}_[a-z]`)
    .slotName(slot)
    .chunkSize(chunkSize)
    .newlyAddedTables()
    .metadata('op_ts', 'table_name')
    .build();

const createTable = (name: string) => pg.query(`CREATE TABLE ${name} (id bigint PRIMARY KEY, v int NOT NULL, note text)`);

/**
 * Inserts a last row (-1, v 0) into each table and waits until each table's row reaches `rows` from
 * the log (op_ts set): a table found late may take its -1 from its snapshot while its other chunks
 * are still being read, so only a change the log split emitted says that the table's snapshot is
 * done and every earlier change of it was emitted. Until one came, the row is updated again (v + 1);
 * then the wait is for the row with the last v.
 */
async function lastRowsFromLog(p: string, rows: () => readonly Row[]) {
  for (const t of ['a', 'b', 'c']) await pg.query(`INSERT INTO ${p}_${t} VALUES (-1, 0, 'last')`);
  const v = new Map<string, number>();
  await until('the last rows from the log', async () => {
    let done = true;
    for (const t of ['a', 'b', 'c'].map((x) => `${p}_${x}`)) {
      const logged = rows().filter((r) => r.table_name === t && String(r.id) === '-1' && r.op_ts !== 0);
      if (logged.some((r) => r.v === (v.get(t) ?? 0))) continue;
      done = false;
      if (logged.length > 0) continue;
      await pg.query(`UPDATE ${t} SET v = v + 1 WHERE id = -1`);
      v.set(t, (v.get(t) ?? 0) + 1);
    }
    return done;
  });
}

/** Each table's rows at the end must be the folded changelog's. */
async function expectTables(p: string, values: readonly Row[], kinds: readonly RowKind[]) {
  const { tables, anomalies } = foldTables(values, kinds);
  expect(anomalies).toEqual([]);
  expect([...tables.keys()].sort()).toEqual([`${p}_a`, `${p}_b`, `${p}_c`]);
  for (const t of ['a', 'b', 'c']) {
    const expected = await pg.query<Row>(`SELECT * FROM ${p}_${t}`);
    const got = tables.get(`${p}_${t}`)!;
    expect(got.size, t).toBe(expected.length);
    for (const r of expected) expect(got.get(String(r.id)), `${t} ${String(r.id)}`).toEqual({ ...r });
  }
}

describe.runIf(serversInstalled)('postgres-cdc with scan.newly-added-table.enabled', () => {
  for (const parallelism of [1, 2]) {
    it(`snapshots and then follows tables created while it streams, under writers (parallelism ${parallelism})`, async () => {
      const p = `nt${parallelism}`;
      await createTable(`${p}_a`);
      await pg.query(`INSERT INTO ${p}_a SELECT g, g, 'a' || g FROM generate_series(1, 2000) g`);
      await pg.query(`CREATE TABLE ${p}_other (id int PRIMARY KEY)`);
      const env = StreamEnvironment.create({
        parallelism,
        slotMode: 'single-thread',
        'execution.checkpointing.interval': '200ms',
        'state.checkpoints.dir': join(dir, p),
      });
      const sink = new CollectSink<Row>();
      env.fromSource(source(p, `${p}_slot`)).sinkTo(sink);
      const job = env.executeAsync(`pg-new-tables-${parallelism}`);
      const writers = [startTableWriter(writes(`${p}_a`), { rows: 2000, seed: 7, connections: 1 })];
      try {
        await until('the log split', () => sink.values.some((r) => r.op_ts !== 0));
        // b: created and filled while the job streams, then changed before and during its snapshot; c: filled by a writer alone.
        await createTable(`${p}_b`);
        await pg.query(`INSERT INTO ${p}_b SELECT g, g, 'b' || g FROM generate_series(1, 3000) g`);
        writers.push(startTableWriter(writes(`${p}_b`), { rows: 3000, seed: 11, connections: 2 }));
        await createTable(`${p}_c`);
        writers.push(startTableWriter(writes(`${p}_c`), { rows: 0, seed: 13, connections: 1 }));
        // Not matched (two letters): never captured, and never waited for.
        await pg.query(`INSERT INTO ${p}_other SELECT g FROM generate_series(1, 100) g`);
        await until('the snapshot of the new table', () => sink.values.some((r) => r.table_name === `${p}_b` && r.op_ts === 0));
        await until('changes of the new table from the log', () => sink.values.some((r) => r.table_name === `${p}_b` && r.op_ts !== 0));
        const aBefore = sink.values.filter((r) => r.table_name === `${p}_a`).length;
        await until('the old table to keep flowing', () => sink.values.filter((r) => r.table_name === `${p}_a`).length > aBefore + 10);
        let ops = 0;
        for (const w of writers) ops += await w.stop();
        await lastRowsFromLog(p, () => sink.values);
        await expectTables(p, sink.values, sink.kinds);
        const published = await pg.query<{ t: string }>(`SELECT tablename AS t FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1`, [`${p}_slot_pub`]);
        expect(published.map((r) => r.t)).toEqual([`${p}_a`, `${p}_b`, `${p}_c`]);
        // The second slot, which reconciled the new tables' chunks, is gone once they were handed over.
        await until(
          'the second slot to go',
          async () => (await pg.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = $1`, [`${p}_slot_new`])).length === 0,
        );
        console.log(`postgres-cdc new tables (p=${parallelism}): ${sink.values.length} changelog rows, ${ops} concurrent writes`);
      } finally {
        for (const w of writers) await w.stop();
        await job.cancel();
      }
    }, 180_000);
  }

  it('with a publication FOR ALL TABLES, waits at a new table until it is snapshotted, and skips one dropped before it was listed', async () => {
    const p = 'nta';
    // Only a superuser may publish all tables: the publication is made beforehand, as its docs say.
    const admin = new pgClient.Client({ host: '127.0.0.1', port: pg.port, user: 'postgres', database: 'weir' });
    admin.on('error', () => {});
    await admin.connect();
    await admin.query(`CREATE PUBLICATION ${p}_slot_pub FOR ALL TABLES`);
    await admin.end();
    await createTable(`${p}_a`);
    await pg.query(`INSERT INTO ${p}_a SELECT g, g, 'a' || g FROM generate_series(1, 500) g`);
    const env = StreamEnvironment.create({
      parallelism: 2,
      slotMode: 'single-thread',
      'execution.checkpointing.interval': '200ms',
      'state.checkpoints.dir': join(dir, p),
    });
    const sink = new CollectSink<Row>();
    env.fromSource(source(p, `${p}_slot`)).sinkTo(sink);
    const job = env.executeAsync('pg-new-tables-all');
    const writers = [startTableWriter(writes(`${p}_a`), { rows: 500, seed: 21, connections: 1, pauseMs: 2 })];
    try {
      await until('the log split', () => sink.values.some((r) => r.op_ts !== 0));
      // Its rows reach the log split at once, before the enumerator can have listed it; it is gone by then.
      await pg.query(
        `BEGIN; CREATE TABLE ${p}_t (id bigint PRIMARY KEY, v int NOT NULL, note text); INSERT INTO ${p}_t VALUES (1, 1, 'gone'); DROP TABLE ${p}_t; COMMIT`,
      );
      await createTable(`${p}_b`);
      await pg.query(`INSERT INTO ${p}_b SELECT g, g, 'b' || g FROM generate_series(1, 2000) g`);
      writers.push(startTableWriter(writes(`${p}_b`), { rows: 2000, seed: 23, connections: 2 }));
      await createTable(`${p}_c`);
      writers.push(startTableWriter(writes(`${p}_c`), { rows: 0, seed: 25, connections: 1 }));
      await until('changes of the new table from the log', () => sink.values.some((r) => r.table_name === `${p}_b` && r.op_ts !== 0));
      let ops = 0;
      for (const w of writers) ops += await w.stop();
      await lastRowsFromLog(p, () => sink.values);
      await expectTables(p, sink.values, sink.kinds);
      console.log(`postgres-cdc new tables, FOR ALL TABLES: ${sink.values.length} changelog rows, ${ops} concurrent writes`);
    } finally {
      for (const w of writers) await w.stop();
      await job.cancel();
    }
  }, 180_000);

  // At parallelism 2 each reader's output goes to its own sink subtask, and the fold takes each
  // checkpoint's commits subtask after subtask: a log split started in the checkpoint that holds the
  // last chunks' rows showed as '-U/-D of absent' and '+I of present' keys of `a` (about 1 run in 6
  // on a loaded machine, before the enumerator waited for a checkpoint after the chunks).
  it('a job that fails while a new table is snapshotted is restored from a checkpoint and ends with every table exact', async () => {
    const p = 'ntr';
    await createTable(`${p}_a`);
    await pg.query(`INSERT INTO ${p}_a SELECT g, g, 'a' || g FROM generate_series(1, 1000) g`);
    const env = StreamEnvironment.create({
      parallelism: 2,
      slotMode: 'single-thread',
      'execution.checkpointing.interval': '50ms',
      'state.checkpoints.dir': join(dir, p),
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      // Chunks read before the failure are read again after it: a second apart, so the writer changes
      // them in between, and taking the first read's watermark for the second's would show.
      'restart-strategy.fixed-delay.delay': '1s',
    });
    // A two-phase sink of (row, kind): what a restore replays is not committed twice.
    const tx = new TransactionalMemorySink<[Row, RowKind]>();
    const sink: Sink<Row> = {
      name: tx.name,
      inputChangelogMode: 'all',
      createWriter(ctx) {
        const w = tx.createWriter(ctx);
        return {
          ...w,
          // A timer tick per batch, and a longer pause per chunk of the new table, so checkpoints
          // complete while its chunks are emitted, however loaded the machine (the failure waits for two).
          write: (b) => (
            w.write({ values: b.values.map((v, i) => [v, (b.kinds?.[i] ?? RowKind.INSERT) as RowKind]) }),
            new Promise<void>((r) => setTimeout(r, b.values.some((v) => v.table_name === `${p}_b` && v.op_ts === 0) ? 20 : 2))
          ),
        };
      },
    };
    let client: JobClient | undefined;
    const completed = () => client?.checkpoints().filter((c) => c.status === 'COMPLETED').length ?? 0;
    let firstB: number | undefined;
    let failedAt: string | undefined;
    env
      // Small chunks of a small table: the writer changes most chunks while their reads are redone.
      .fromSource(source(p, `${p}_slot`, 20))
      .uid('cdc')
      .map((r) => {
        if (r.table_name === `${p}_b` && r.op_ts === 0 && failedAt === undefined) {
          firstB ??= completed();
          // Once a checkpoint completed after the first row of b: it holds b's layout and some of its chunks.
          if (completed() >= firstB + 2) {
            failedAt = String(r.id);
            throw new Error('injected failure');
          }
        }
        return r;
      })
      .uid('fail')
      .sinkTo(sink)
      .uid('sink');
    client = env.executeAsync('pg-new-tables-restore');
    const writers = [startTableWriter(writes(`${p}_a`), { rows: 1000, seed: 3, connections: 1 })];
    const rows = () => tx.committed.map(([r]) => r);
    try {
      await until('the log split', () => rows().some((r) => r.op_ts !== 0));
      await createTable(`${p}_b`);
      await pg.query(`INSERT INTO ${p}_b SELECT g, g, 'b' || g FROM generate_series(1, 1500) g`);
      writers.push(startTableWriter(writes(`${p}_b`), { rows: 1500, seed: 5, connections: 2 }));
      await createTable(`${p}_c`);
      writers.push(startTableWriter(writes(`${p}_c`), { rows: 0, seed: 9, connections: 1 }));
      await until('the failure', () => failedAt !== undefined);
      await until('changes of the new table from the log', () => rows().some((r) => r.table_name === `${p}_b` && r.op_ts !== 0));
      let ops = 0;
      for (const w of writers) ops += await w.stop();
      await lastRowsFromLog(p, rows);
      await expectTables(
        p,
        rows(),
        tx.committed.map(([, k]) => k),
      );
      console.log(
        `postgres-cdc new tables, restored (failed in b's snapshot at id ${failedAt}): ${tx.committed.length} changelog rows, ${ops} concurrent writes`,
      );
    } finally {
      for (const w of writers) await w.stop();
      await client.cancel();
    }
  }, 180_000);
});
