// postgres-cdc over several tables at once (schema-name and table-name as regular expressions) with
// composite and text primary keys, against a private PostgreSQL server: the folded changelog of each
// table must be that table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { PostgresCdcSourceBuilder, type Row } from '../../../src/connectors/postgres-cdc/index.js';
import { RowKind } from '../../../src/core/row-kind.js';
import { until } from '../cdc-test-support.js';
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

const KEYS: Record<string, string[]> = { 'public.mt_orders': ['id'], 'public.mt_lines': ['o', 'n'], 's2.mt_codes': ['code'] };
const keyText = (table: string, r: Row) => KEYS[table]!.map((k) => String(r[k])).join('/');

/** Applies a changelog of several tables by (schema, table, key); lists +I of present and -U/-D of absent keys. */
function fold(values: readonly Row[], kinds: readonly RowKind[]) {
  const tables = new Map<string, Map<string, Row>>();
  const anomalies: string[] = [];
  values.forEach((row, i) => {
    const { op_ts: _t, table_name, schema_name, ...data } = row;
    const table = `${String(schema_name)}.${String(table_name)}`;
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

describe.runIf(serversInstalled)('postgres-cdc over several tables', () => {
  it('captures every table the patterns match, with composite and text keys, through the snapshot and the log', async () => {
    await pg.query('CREATE SCHEMA s2');
    await pg.query('CREATE TABLE mt_orders (id bigint PRIMARY KEY, v int NOT NULL)');
    await pg.query('CREATE TABLE mt_lines (o int, n int, v text, PRIMARY KEY (o, n))');
    await pg.query('CREATE TABLE s2.mt_codes (code text PRIMARY KEY, v int)');
    await pg.query('CREATE TABLE not_captured (id int PRIMARY KEY)');
    await pg.query('INSERT INTO mt_orders SELECT g, g FROM generate_series(1, 3000) g');
    await pg.query(`INSERT INTO mt_lines SELECT g / 10, g % 10, 'l' || g FROM generate_series(10, 2009) g`);
    await pg.query(`INSERT INTO s2.mt_codes SELECT 'c' || g, g FROM generate_series(1, 500) g`);
    let running = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 1; running; i++) {
        await pg.query('UPDATE mt_orders SET v = v + 1 WHERE id = $1', [1 + ((i * 37) % 3000)]);
        await pg.query('DELETE FROM mt_lines WHERE o = $1 AND n = $2', [1 + ((i * 13) % 200), i % 10]);
        await pg.query('INSERT INTO mt_lines VALUES ($1, 0, $2)', [1000 + i, `new ${i}`]);
        await pg.query('UPDATE s2.mt_codes SET v = v * 2 WHERE code = $1', [`c${1 + ((i * 7) % 500)}`]);
        await pg.query('INSERT INTO s2.mt_codes VALUES ($1, $2)', [`n${i}`, i]);
        await pg.query('INSERT INTO not_captured VALUES ($1)', [i]);
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
    const source = PostgresCdcSourceBuilder.create()
      .hostname('127.0.0.1')
      .port(pg.port)
      .username('weir')
      .password('weir')
      .databaseName('weir')
      .schemaName('public|s2')
      .tableName('mt_.*')
      .slotName('tables_slot')
      .chunkSize(40)
      .metadata('op_ts', 'table_name', 'schema_name')
      .build();
    env.fromSource(source).sinkTo(sink);
    const job = env.executeAsync('pg-cdc-tables');
    try {
      await until('the log split', () => sink.values.some((r, i) => r.op_ts !== 0 && sink.kinds[i] === RowKind.UPDATE_AFTER));
      running = false;
      await writer;
      await pg.query(`INSERT INTO s2.mt_codes VALUES ('last', 0)`);
      await until('the last row', () => sink.values.some((r) => r.code === 'last'));
      const { tables, anomalies } = fold(sink.values, sink.kinds);
      expect(anomalies).toEqual([]);
      expect([...tables.keys()].sort()).toEqual(['public.mt_lines', 'public.mt_orders', 's2.mt_codes']);
      for (const t of Object.keys(KEYS)) {
        const expected = await pg.query<Row>(`SELECT * FROM ${t}`);
        const got = tables.get(t)!;
        expect(got.size, t).toBe(expected.length);
        for (const r of expected) expect(got.get(keyText(t, r)), `${t} ${keyText(t, r)}`).toEqual({ ...r });
      }
      const [{ tables: published }] = await pg.query<{ tables: string }>(
        `SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY schemaname, tablename) AS tables FROM pg_publication_tables WHERE pubname = 'tables_slot_pub'`,
      );
      expect(published).toBe('public.mt_lines,public.mt_orders,s2.mt_codes');
      console.log(`postgres-cdc tables: ${sink.values.length} changelog rows, ${writes} concurrent writes`);
    } finally {
      running = false;
      await writer;
      await job.cancel();
    }
  }, 120_000);
});
