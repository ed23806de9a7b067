// The jdbc sink against the machine's PostgreSQL and MariaDB (each test on a table of its own):
// upserts and deletes on the key, -U skipped, batching by max rows and on checkpoints, appends
// without a key, errors that name the table and never the password. The expected tables are
// computed by plain code from the changelog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { Batch } from '../../../src/core/batch.js';
import { RowKind, rowKindOf } from '../../../src/core/row-kind.js';
import type { SinkWriter } from '../../../src/core/sink.js';
import { changelogSource, type ChangelogRow } from '../../../src/connectors/memory/changelog-source.js';
import { JdbcSinkBuilder, jdbcSink, parseJdbcUrl, type Row } from '../../../src/connectors/jdbc/index.js';
import { insertStatements, deleteStatements, POSTGRES_SQL, MYSQL_SQL } from '../../../src/connectors/jdbc/jdbc-statements.js';
import { UpsertBuffer } from '../../../src/connectors/jdbc/jdbc-buffer.js';
import { haveTestDatabases, mariadbTest, postgresTest, type TestDatabase } from './jdbc-databases.js';

const available = await haveTestDatabases();
if (!available && !process.env.CI) console.warn('jdbc sink tests skipped: no PostgreSQL on 127.0.0.1:5432 or MariaDB on 127.0.0.1:3306');

const metrics = { counter: () => ({ inc: () => {} }), gauge: () => {}, histogram: () => ({ update: () => {} }) } as never;
const writerOf = (sink: ReturnType<typeof jdbcSink>, checkpointingMode?: 'EXACTLY_ONCE'): SinkWriter<Row> =>
  sink.createWriter({ sinkName: 'jdbc', subtaskIndex: 0, parallelism: 1, metrics, checkpointingMode });

/** The changelog folded by key in plain code: what the target table must hold. */
function fold(changes: readonly ChangelogRow<Row>[]): Row[] {
  const t = new Map<unknown, Row>();
  for (const [k, r] of changes) {
    const kind = rowKindOf(k);
    if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) t.set(r.id, r);
    else if (kind === RowKind.DELETE) t.delete(r.id);
  }
  return [...t.values()].sort((a, b) => Number(a.id) - Number(b.id));
}

describe('jdbc statements', () => {
  it('upserts in the dialect of each database, split at the parameter limit', () => {
    const [pgInsert] = insertStatements(POSTGRES_SQL, 'public.t', ['id', 'n'], ['id'], [{ id: 1, n: 2 }]);
    expect(pgInsert!.sql).toBe('INSERT INTO "public"."t" ("id", "n") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "n" = EXCLUDED."n"');
    const [myInsert] = insertStatements(MYSQL_SQL, 't', ['id', 'n'], ['id'], [{ id: 1, n: undefined }]);
    expect(myInsert).toEqual({ sql: 'INSERT INTO `t` (`id`, `n`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `n` = VALUES(`n`)', params: [1, null] });
    const many = Array.from({ length: 20_001 }, (_, i) => ({ id: i, n: i }));
    const parts = insertStatements(POSTGRES_SQL, 't', ['id', 'n'], undefined, many);
    expect(parts.map((p) => p.params.length)).toEqual([30_000, 10_002]);
    expect(parts[1]!.sql.startsWith('INSERT INTO "t" ("id", "n") VALUES ($1, $2), ($3, $4)')).toBe(true);
    expect(deleteStatements(MYSQL_SQL, 't', ['a', 'b'], [{ a: 1, b: 2 }])[0]!.sql).toBe('DELETE FROM `t` WHERE (`a`, `b`) IN ((?, ?))');
    expect(insertStatements(POSTGRES_SQL, 't', ['id'], ['id'], [{ id: 1 }])[0]!.sql).toContain('ON CONFLICT ("id") DO NOTHING');
  });

  it('reduces a flush to one change per key, skipping -U', () => {
    const b = new UpsertBuffer(['id']);
    b.add({ id: 1, n: 1 }, RowKind.INSERT);
    b.add({ id: 2, n: 1 }, RowKind.INSERT);
    b.add({ id: 1, n: 1 }, RowKind.UPDATE_BEFORE);
    b.add({ id: 1, n: 2 }, RowKind.UPDATE_AFTER);
    b.add({ id: 2, n: 1 }, RowKind.DELETE);
    expect(b.drain()).toEqual({ upserts: [{ id: 1, n: 2 }], deletes: [{ id: 2, n: 1 }] });
    expect(b.size).toBe(0);
    // A snapshot row's key as a number and a log row's as text or bigint are one key.
    b.add({ id: 7, n: 1 }, RowKind.INSERT);
    b.add({ id: '7', n: 1 }, RowKind.DELETE);
    b.add({ id: 8n, n: 1 }, RowKind.INSERT);
    b.add({ id: 8, n: 2 }, RowKind.UPDATE_AFTER);
    expect(b.drain()).toEqual({ upserts: [{ id: 8, n: 2 }], deletes: [{ id: '7', n: 1 }] });
  });

  it('reads jdbc URLs of the three schemes and names what is wrong with others', () => {
    expect(parseJdbcUrl('jdbc:mariadb://db:3307/shop?user=app&password=pw')).toEqual({
      dialect: 'mysql',
      host: 'db',
      port: 3307,
      database: 'shop',
      user: 'app',
      password: 'pw',
    });
    expect(parseJdbcUrl('jdbc:postgresql://db/shop').port).toBe(5432);
    expect(() => parseJdbcUrl('jdbc:oracle:thin:@db:1521/x?password=secret')).toThrow(/not a jdbc:postgresql:\/\//);
    expect(() => parseJdbcUrl('jdbc:oracle:thin:@db:1521/x?password=secret')).not.toThrow(/secret/);
    expect(() => parseJdbcUrl('jdbc:mysql://db:3306')).toThrow(/names no database/);
  });
});

describe.runIf(available || process.env.CI)('jdbc sink', () => {
  const dbs: TestDatabase[] = [];
  beforeAll(async () => {
    dbs.push(await postgresTest(), await mariadbTest());
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
  });

  for (const which of ['postgres', 'mariadb'] as const) {
    const db = () => dbs.find((d) => d.name === which)!;
    const fresh = async (name: string, key = true) => {
      const t = db().types;
      await db().query(`DROP TABLE IF EXISTS ${name}`);
      await db().query(
        `CREATE TABLE ${name} (id ${t.bigint} ${key ? 'PRIMARY KEY' : 'NOT NULL'}, n ${t.bigint}, s ${t.text}, d ${t.double}, ts ${t.timestamp})`,
      );
    };
    const rows = async (name: string) =>
      (await db().query<Row>(`SELECT id, n, s, d FROM ${name} ORDER BY id`)).map((r) => ({
        id: Number(r.id),
        n: r.n === null ? null : Number(r.n),
        s: r.s,
        d: r.d,
      }));

    it(`${which}: a changelog job leaves the table its fold gives (upserts, deletes, -U skipped)`, async () => {
      await fresh('weir_jdbc_upsert');
      const changes: ChangelogRow<Row>[] = [];
      let seed = 11;
      const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const live = new Map<number, Row>();
      for (let i = 0; i < 3000; i++) {
        const id = rnd(400);
        const old = live.get(id);
        const row = { id, n: i, s: `v${i}'"\\`, d: i / 7 };
        if (!old) {
          changes.push(['+I', row]);
          live.set(id, row);
        } else if (rnd(4) === 0) {
          changes.push(['-D', old]);
          live.delete(id);
        } else {
          changes.push(['-U', old], ['+U', row]);
          live.set(id, row);
        }
      }
      const env = StreamEnvironment.create({ parallelism: 1, slotMode: 'single-thread', batchSize: 128 });
      env
        .fromSource(changelogSource(changes))
        .sinkTo(
          JdbcSinkBuilder.create()
            .url(db().url)
            .username(db().username)
            .tableName('weir_jdbc_upsert')
            .primaryKey('id')
            .columns('id', 'n', 's', 'd')
            .bufferFlushMaxRows(250)
            .build(),
        );
      await env.execute('jdbc upsert');
      expect(await rows('weir_jdbc_upsert')).toEqual(fold(changes));
    }, 60_000);

    it(`${which}: flushes when max rows are buffered and on the checkpoint, not before`, async () => {
      await fresh('weir_jdbc_batch');
      const w = writerOf(
        jdbcSink({
          url: db().url,
          username: db().username,
          'table-name': 'weir_jdbc_batch',
          primaryKey: ['id'],
          'sink.buffer-flush.max-rows': 3,
          'sink.buffer-flush.interval': 0,
        }),
      );
      await w.recover!([]);
      const r = (id: number) => ({ id, n: id, s: null, d: null, ts: '2024-02-29 23:59:58.123' });
      expect(w.write(Batch.of([r(1), r(2)]))).toBeUndefined();
      expect(await rows('weir_jdbc_batch')).toEqual([]);
      await w.write(Batch.of([r(3)]));
      expect((await rows('weir_jdbc_batch')).map((x) => x.id)).toEqual([1, 2, 3]);
      w.write(Batch.changelog([r(4), r(1)], [RowKind.INSERT, RowKind.DELETE]));
      expect((await rows('weir_jdbc_batch')).map((x) => x.id)).toEqual([1, 2, 3]);
      await w.preCommit!(1);
      expect((await rows('weir_jdbc_batch')).map((x) => x.id)).toEqual([2, 3, 4]);
      const [ts] = await db().query<{ ts: unknown }>('SELECT ts FROM weir_jdbc_batch WHERE id = 4');
      expect(ts!.ts instanceof Date ? ts!.ts.getFullYear() : String(ts!.ts)).toSatisfy(
        (v: unknown) => v === 2024 || String(v).startsWith('2024-02-29 23:59:58.123'),
      );
      // Replaying the same changes after a restore leaves the same table: upserts are idempotent.
      await w.write(Batch.of([r(2), r(3), r(4)]));
      await w.preCommit!(2);
      expect((await rows('weir_jdbc_batch')).map((x) => x.id)).toEqual([2, 3, 4]);
      await w.close!();
    });

    it(`${which}: under exactly-once checkpoints writes a checkpoint's changes when it completes, and again after a restore`, async () => {
      await fresh('weir_jdbc_exactly_once');
      const options = { url: db().url, username: db().username, 'table-name': 'weir_jdbc_exactly_once', primaryKey: ['id'], 'sink.buffer-flush.max-rows': 1 };
      const ids = async () => (await rows('weir_jdbc_exactly_once')).map((x) => x.id);
      const w = writerOf(jdbcSink(options), 'EXACTLY_ONCE');
      await w.recover!([]);
      expect(w.write(Batch.of([{ id: 1 }, { id: 2 }]))).toBeUndefined();
      const c1 = await w.preCommit!(1);
      w.write(Batch.changelog([{ id: 3 }, { id: 1 }], [RowKind.INSERT, RowKind.DELETE]));
      const c2 = await w.preCommit!(2);
      expect(await ids()).toEqual([]);
      await w.commit!(1);
      expect(await ids()).toEqual([1, 2]);
      // Killed before checkpoint 2's completion reached the sink: the restore writes what checkpoint 2 holds.
      await w.close!();
      expect(c2).toEqual([
        { checkpointId: 1, upserts: [{ id: 1 }, { id: 2 }], deletes: [] },
        { checkpointId: 2, upserts: [{ id: 3 }], deletes: [{ id: 1 }] },
      ]);
      void c1;
      const restored = writerOf(jdbcSink(options), 'EXACTLY_ONCE');
      await restored.recover!([c2]);
      expect(await ids()).toEqual([2, 3]);
      await restored.close!();
    });

    it(`${which}: without a key appends +I rows and refuses a changelog`, async () => {
      await fresh('weir_jdbc_append', false);
      const w = writerOf(jdbcSink({ url: db().url, username: db().username, 'table-name': 'weir_jdbc_append' }));
      await w.recover!([]);
      w.write(
        Batch.of([
          { id: 1, n: 1 },
          { id: 1, n: 1 },
        ]),
      );
      await w.finish!();
      expect((await rows('weir_jdbc_append')).map((x) => x.id)).toEqual([1, 1]);
      expect(() => w.write(Batch.changelog([{ id: 1, n: 1 }], [RowKind.DELETE]))).toThrow(/a -D row came to a sink without a primary key/);
      await w.close!();
    });

    it(`${which}: a failed write names the table and the database, never the password`, async () => {
      const w = writerOf(jdbcSink({ url: db().url, username: db().username, 'table-name': 'weir_jdbc_missing', primaryKey: ['id'] }));
      await w.recover!([]);
      w.write(Batch.of([{ id: 1 }]));
      await expect(w.finish!()).rejects.toThrow(
        /jdbc weir_jdbc_missing \((PostgreSQL|MySQL) 127\.0\.0\.1:\d+\/test\): writing 1 row\(s\) and deleting 0 failed: .*weir_jdbc_missing/,
      );
      await w.close!();
      const bad = writerOf(jdbcSink({ url: `${db().url}?password=hunter2secret`, username: 'weir_no_such_user', 'table-name': 't', primaryKey: ['id'] }));
      const e = await Promise.resolve(bad.recover!([])).then(
        () => undefined,
        (x: unknown) => x as Error,
      );
      expect(e?.message).toMatch(/cannot connect/);
      expect(e?.message).not.toContain('hunter2secret');
    });
  }
});
