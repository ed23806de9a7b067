// SUM/AVG/MIN/MAX/COUNT with DISTINCT in Weir against DuckDB on the same seeded rows: in batch mode
// (final rows), in streaming mode with and without mini-batch (the changelog folded), over an
// insert-only input and over an updating one (rows taken back), and in window aggregations.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../src/index.js';
import { aggregateFunction, TableEnvironment, type Row } from '../../src/sql/index.js';
import { TransactionalMemorySink } from '../checkpoint/transactional-memory-sink.js';
import { duckdb, foldChangelog, multiset, type Values } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-distinct-'));

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(12);
const maybe = <T>(v: T): T | null => (r() < 0.15 ? null : v);
const T0 = Date.UTC(2024, 0, 1);
// Few distinct values per column, so DISTINCT leaves out many rows.
const rows = Array.from({ length: 600 }, (_v, i) => ({
  id: i,
  k: maybe(Math.floor(r() * 6)),
  qty: maybe(Math.floor(r() * 30) - 10),
  price: maybe(Math.floor(r() * 40) / 4),
  d: maybe((Math.floor(r() * 50) / 10).toFixed(2)),
  ts: new Date(T0 + Math.floor(r() * 60_000)).toISOString().replace('T', ' ').replace('Z', ''),
}));
const jsonPath = join(dir, 'items.json');
writeFileSync(jsonPath, rows.map((x) => JSON.stringify(x)).join('\n') + '\n');
const DDL = `CREATE TABLE items (id INT, k INT, qty INT, price DOUBLE, d DECIMAL(10, 2), ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' HOUR) WITH ('connector' = 'filesystem', 'path' = '${jsonPath}', 'format' = 'json')`;

let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  oracle = await duckdb({
    items: `read_json('${jsonPath}', format = 'newline_delimited', columns = {'id': 'INTEGER', 'k': 'INTEGER', 'qty': 'INTEGER', 'price': 'DOUBLE', 'd': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP'})`,
  });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Mode = 'batch' | 'streaming' | 'mini-batch';

async function weir(query: string, mode: Mode, parallelism = 1): Promise<{ rows: Values[]; updating: boolean }> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(DDL);
  tEnv.executeSql(`SET 'parallelism.default' = '${parallelism}'`);
  tEnv.executeSql(`SET 'execution.runtime-mode' = '${mode === 'batch' ? 'batch' : 'streaming'}'`);
  if (mode === 'mini-batch') tEnv.executeSql("SET 'table.exec.mini-batch.enabled' = 'true'");
  // Batches of 50 rows: a group changes over several (mini-)batches.
  tEnv.executeSql("SET 'batchSize' = '50'");
  const t = tEnv.sqlQuery(query);
  const result = t.execute();
  if (!t.updating) return { rows: (await result.collect()).map((row) => t.columns.map((c) => row[c.name])), updating: false };
  const changes = (await result.changelog()).map((c) => ({ kind: c.kind, row: t.columns.map((col) => c.row[col.name]) }));
  return { rows: foldChangelog(changes), updating: true };
}

// [Weir (Flink's dialect), DuckDB when it differs]: Flink's AVG of an INT is an INT (truncated).
const QUERIES: [string, string][] = [
  ['SELECT k, SUM(DISTINCT qty), COUNT(DISTINCT qty), MIN(DISTINCT qty), MAX(DISTINCT price), SUM(qty) FROM items GROUP BY k', ''],
  [
    'SELECT k, AVG(DISTINCT qty), AVG(DISTINCT price), SUM(DISTINCT price) FROM items GROUP BY k',
    'SELECT k, CAST(trunc(AVG(DISTINCT qty)) AS INT), AVG(DISTINCT price), SUM(DISTINCT price) FROM items GROUP BY k',
  ],
  // AVG of a DECIMAL(10, 2) is a DECIMAL(38, 6) in Flink, a DOUBLE in DuckDB.
  [
    'SELECT k, CAST(SUM(DISTINCT d) AS STRING), CAST(AVG(DISTINCT d) AS STRING) FROM items GROUP BY k',
    'SELECT k, CAST(SUM(DISTINCT d) AS VARCHAR), CAST(CAST(AVG(DISTINCT d) AS DECIMAL(38, 6)) AS VARCHAR) FROM items GROUP BY k',
  ],
  ['SELECT SUM(DISTINCT qty) FILTER (WHERE price > 3), SUM(DISTINCT qty), COUNT(*) FROM items', ''],
  // Over an updating input: each change of an inner count takes a value back and adds another.
  [
    'SELECT SUM(DISTINCT c), AVG(DISTINCT c), MIN(DISTINCT c), COUNT(DISTINCT c), SUM(c) FROM (SELECT qty, COUNT(*) AS c FROM items GROUP BY qty)',
    'SELECT SUM(DISTINCT c), CAST(trunc(AVG(DISTINCT c)) AS BIGINT), MIN(DISTINCT c), COUNT(DISTINCT c), SUM(c) FROM (SELECT qty, COUNT(*) AS c FROM items GROUP BY qty)',
  ],
  ['SELECT m, SUM(DISTINCT s), MAX(DISTINCT s) FROM (SELECT qty, qty % 3 AS m, SUM(price) AS s FROM items GROUP BY qty) GROUP BY m', ''],
];

describe('DISTINCT aggregates agree with DuckDB', () => {
  for (const mode of ['batch', 'streaming', 'mini-batch'] as const) {
    it.each(QUERIES)(`${mode}: %s`, async (q, duck) => {
      const expected = await oracle.query(duck || q);
      expect(expected.length).toBeGreaterThan(0);
      const got = await weir(q, mode);
      expect(got.updating).toBe(mode !== 'batch');
      expect(multiset(got.rows)).toEqual(multiset(expected));
    });
  }

  it('at parallelism 2', async () => {
    const [q] = QUERIES[0]!;
    expect(multiset((await weir(q, 'streaming', 2)).rows)).toEqual(multiset(await oracle.query(q)));
  });

  it('in TUMBLE and HOP windows (slices merged: a value in two slices counts once)', async () => {
    const tumble =
      "SELECT window_start, k, SUM(DISTINCT qty), AVG(DISTINCT price) FROM TABLE(TUMBLE(TABLE items, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k";
    const duckTumble = "SELECT epoch_ms(time_bucket(INTERVAL '10 seconds', ts)) AS ws, k, SUM(DISTINCT qty), AVG(DISTINCT price) FROM items GROUP BY ws, k";
    expect(multiset((await weir(tumble, 'streaming')).rows)).toEqual(multiset(await oracle.query(duckTumble)));
    const hop =
      "SELECT window_start, SUM(DISTINCT qty), CAST(AVG(DISTINCT d) AS STRING) FROM TABLE(HOP(TABLE items, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND)) GROUP BY window_start, window_end";
    const duckHop =
      'SELECT (epoch_ms(ts) // 5000 - j) * 5000 AS ws, SUM(DISTINCT qty), CAST(CAST(AVG(DISTINCT d) AS DECIMAL(38, 6)) AS VARCHAR) FROM items, range(0, 3) AS t(j) GROUP BY ws';
    expect(multiset((await weir(hop, 'streaming')).rows)).toEqual(multiset(await oracle.query(duckHop)));
  });
});

describe('DISTINCT accumulators in checkpoints', () => {
  it('a job restarted after a failure resumes with the per-value counts and gives the same results', async () => {
    let failures = 1;
    let failedAt = -1;
    let firstRowAt = Infinity;
    const seen = new Map<number, number>();
    // Fails once, past v = 1000 and after a checkpoint that holds v = 0 completed (so the restart
    // must resume from it, not from the start); counts what it was given.
    const failOnce = aggregateFunction({
      resultType: 'INT',
      createAccumulator: () => ({ n: 0 }),
      accumulate(acc, v: number) {
        seen.set(v, (seen.get(v) ?? 0) + 1);
        if (v === 0) firstRowAt = Math.min(firstRowAt, Date.now());
        const checkpointed = () => client.checkpoints().some((c) => c.status === 'COMPLETED' && c.triggeredAt > firstRowAt);
        if (failures > 0 && v >= 1000 && checkpointed()) {
          failures--;
          failedAt = v;
          throw new Error(`injected failure at ${v}`);
        }
        acc.n++;
      },
      getValue: (acc) => acc.n,
    });
    const env = StreamEnvironment.create({
      'execution.checkpointing.interval': '10ms',
      'state.checkpoints.dir': join(dir, 'checkpoints'),
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      'restart-strategy.fixed-delay.delay': '1ms',
    });
    const t = TableEnvironment.create(env);
    t.executeSql(
      "CREATE TABLE seq (v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.v.kind' = 'sequence', 'fields.v.start' = '0', 'fields.v.end' = '1999')",
    );
    t.createTemporarySystemFunction('fail_once', failOnce);
    const sink = Object.assign(new TransactionalMemorySink<Row>(), { inputChangelogMode: 'all' as const });
    t.sqlQuery('SELECT v % 4 AS k, SUM(DISTINCT v % 50) AS s, AVG(DISTINCT v % 50) AS a, fail_once(v) AS n FROM seq GROUP BY v % 4')
      .toDataStream()
      .sinkTo(sink);
    const client = env.executeAsync('distinct-recovery');
    await client.result;
    expect(failures).toBe(0);
    expect(client.restarts()).toHaveLength(1);
    const last = new Map<number, unknown>();
    for (const row of sink.committed) last.set(row.k as number, [row.s, row.a, row.n]);
    // Plain code: the distinct values of v % 50 among v = k, k + 4, ... below 2000.
    const expected = new Map(
      [0, 1, 2, 3].map((k) => {
        const values = [...new Set(Array.from({ length: 500 }, (_v, i) => (4 * i + k) % 50))];
        const sum = values.reduce((x, y) => x + y, 0);
        return [k, [sum, Math.trunc(sum / values.length), 500]];
      }),
    );
    expect(last).toEqual(expected);
    // Resumed from a checkpoint, not from the start.
    expect(seen.get(0)).toBe(1);
    expect(seen.get(failedAt)).toBe(2);
  }, 60_000);
});
