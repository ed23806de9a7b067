// Upsert output of GROUP BY: a jdbc sink whose PRIMARY KEY is the GROUP BY key gets `+U` without
// `-U` (Flink's `[I,UA,D]`), which EXPLAIN shows; the table in the machine's PostgreSQL must equal
// DuckDB's GROUP BY over the same rows, in streaming, mini-batch and batch mode, at parallelism 1
// and 2, over insert-only and updating inputs. A sink keyed otherwise keeps the full changelog.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { RowKind, rowKindShort } from '../../src/core/row-kind.js';
import { TableEnvironment, type Row } from '../../src/sql/index.js';
import { GroupAggregateOperator } from '../../src/sql/operators/group-aggregate-operator.js';
import { AggCode } from '../../src/sql/operators/sql-accumulators.js';
import { OperatorHarness } from '../../src/testing/index.js';
import { haveTestDatabases, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const available = await haveTestDatabases();
const dir = mkdtempSync(join(tmpdir(), 'weir-sql-upsert-'));

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(5);
const maybe = <T>(v: T): T | null => (r() < 0.1 ? null : v);
const rows = Array.from({ length: 800 }, (_v, i) => ({
  id: i,
  k: maybe(Math.floor(r() * 12)),
  qty: maybe(Math.floor(r() * 100) - 20),
  name: maybe(['a', 'b', 'c', 'd'][Math.floor(r() * 4)]!),
}));
const jsonPath = join(dir, 'items.json');
writeFileSync(jsonPath, rows.map((x) => JSON.stringify(x)).join('\n') + '\n');

let oracle: Awaited<ReturnType<typeof duckdb>>;
let pg: TestDatabase;
beforeAll(async () => {
  oracle = await duckdb({
    items: `read_json('${jsonPath}', format = 'newline_delimited', columns = {'id': 'INTEGER', 'k': 'INTEGER', 'qty': 'INTEGER', 'name': 'VARCHAR'})`,
  });
  if (available) pg = await postgresTest();
});
afterAll(async () => {
  oracle?.close();
  await pg?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sqlGroupAggregate with upsert output', () => {
  const operator = (miniBatch: boolean) =>
    new GroupAggregateOperator({
      groupValues: (row: Row) => [row.k],
      calls: [{ code: AggCode.Sum, arg: (row: Row) => row.v, filter: undefined, integral: true }],
      output: (g, a) => ({ k: g[0], s: a[0] }),
      text: { groupBy: 'k', select: 'SUM(v)' },
      miniBatch,
      upsert: true,
    });
  const changes = (h: OperatorHarness<Row, Row>) => h.output().map((o) => `${rowKindShort(o.kind ?? RowKind.INSERT)} ${JSON.stringify(o.value)}`);

  it('emits +I, then +U alone for a change, and -D when the group is left empty', async () => {
    const h = await OperatorHarness.forOperator<Row, Row>(operator(false), { key: (row: Row) => row.k });
    h.processElement({ k: 1, v: 5 }, 1);
    h.processElement({ k: 1, v: 2 }, 2);
    h.processElement({ k: 1, v: 0 }, 3); // same sum: nothing
    h.processElement({ k: 1, v: 5 }, 4, 0, RowKind.UPDATE_BEFORE);
    h.processElement({ k: 1, v: 2 }, 5, 0, RowKind.DELETE);
    h.processElement({ k: 1, v: 0 }, 6, 0, RowKind.DELETE);
    expect(changes(h)).toEqual(['+I {"k":1,"s":5}', '+U {"k":1,"s":7}', '+U {"k":1,"s":2}', '+U {"k":1,"s":0}', '-D {"k":1,"s":0}']);
  });

  it('with mini-batch (each harness element is a batch of its own)', async () => {
    const h = await OperatorHarness.forOperator<Row, Row>(operator(true), { key: (row: Row) => row.k });
    h.processElement({ k: 1, v: 5 }, 1);
    h.processElement({ k: 1, v: 2 }, 2);
    h.processElement({ k: 1, v: 5 }, 3, 0, RowKind.DELETE);
    h.processElement({ k: 1, v: 2 }, 4, 0, RowKind.DELETE);
    expect(changes(h)).toEqual(['+I {"k":1,"s":5}', '+U {"k":1,"s":7}', '+U {"k":1,"s":2}', '-D {"k":1,"s":2}']);
  });
});

type Mode = 'batch' | 'streaming' | 'mini-batch';
let tableNo = 0;

/** Runs `INSERT INTO sink <query>` into a fresh PostgreSQL table; returns the table's rows and the plan. */
async function intoPostgres(columns: string, key: string, query: string, mode: Mode, parallelism = 1): Promise<{ rows: Values[]; plan: string }> {
  const table = `weir_upsert_${process.pid}_${tableNo++}`;
  const pgColumns = columns.replace(/\bSTRING\b/g, 'text').replace(/\bDOUBLE\b/g, 'double precision');
  await pg.query(`DROP TABLE IF EXISTS ${table}`);
  await pg.query(`CREATE TABLE ${table} (${pgColumns}, PRIMARY KEY (${key}))`);
  try {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(`SET 'parallelism.default' = '${parallelism}'`);
    tEnv.executeSql(`SET 'execution.runtime-mode' = '${mode === 'batch' ? 'batch' : 'streaming'}'`);
    if (mode === 'mini-batch') tEnv.executeSql("SET 'table.exec.mini-batch.enabled' = 'true'");
    tEnv.executeSql("SET 'batchSize' = '50'");
    tEnv.executeSql(`CREATE TABLE items (id INT, k INT, qty INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${jsonPath}', 'format' = 'json')`);
    tEnv.executeSql(
      `CREATE TABLE sink (${columns}, PRIMARY KEY (${key}) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:5432/test', 'username' = 'postgres', 'table-name' = '${table}', 'sink.buffer-flush.max-rows' = '7')`,
    );
    const plan = String(await tEnv.executeSql(`EXPLAIN INSERT INTO sink ${query}`).format());
    await tEnv.executeSql(`INSERT INTO sink ${query}`).await();
    const got = await pg.query(`SELECT * FROM ${table}`);
    return { rows: got.map((row) => Object.values(row).map((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v))), plan };
  } finally {
    await pg.query(`DROP TABLE IF EXISTS ${table}`);
  }
}

/** The (global) GroupAggregate lines of EXPLAIN's tree, from the sink down (the outer one first). */
const aggregations = (plan: string) =>
  plan
    .split('== Plan as JSON ==')[0]!
    .split('\n')
    .filter((l) => l.includes('GroupAggregate(') && !l.includes('LocalGroupAggregate('));

describe.runIf(available)('GROUP BY into a jdbc sink keyed by the GROUP BY key', () => {
  const cases: [string, string, string, string, string][] = [
    // [sink columns, sink key, query, DuckDB's query, changelog mode of the aggregation]
    [
      'k INT, n BIGINT, total BIGINT, hi INT',
      'k',
      'SELECT COALESCE(k, -1), COUNT(*), SUM(qty), MAX(qty) FROM items GROUP BY COALESCE(k, -1)',
      'SELECT COALESCE(k, -1), COUNT(*), SUM(qty), MAX(qty) FROM items GROUP BY COALESCE(k, -1)',
      'I,UA,D',
    ],
    // The key columns written in another order than the GROUP BY's, as the sink's columns.
    [
      'n BIGINT, name STRING, k INT',
      'k, name',
      'SELECT COUNT(DISTINCT qty), name, k FROM items WHERE k IS NOT NULL AND name IS NOT NULL GROUP BY k, name',
      '',
      'I,UA,D',
    ],
    // Over an updating input: outer groups are left empty (-D) as inner counts grow.
    ['c BIGINT, n BIGINT', 'c', 'SELECT c, COUNT(*) FROM (SELECT qty, COUNT(*) AS c FROM items GROUP BY qty) GROUP BY c', '', 'I,UA,D'],
    // HAVING drops rows a -U would take back: the full changelog stays.
    ['k INT, n BIGINT', 'k', 'SELECT k, COUNT(*) FROM items WHERE k IS NOT NULL GROUP BY k HAVING SUM(qty) > 1500', '', 'I,UB,UA,D'],
  ];

  for (const mode of ['streaming', 'mini-batch', 'batch'] as const) {
    it.each(cases)(`${mode}: %s <- %s`, async (columns, key, query, duck, changelog) => {
      const expected = await oracle.query(duck || query);
      expect(expected.length).toBeGreaterThan(0);
      const { rows: got, plan } = await intoPostgres(columns, key, query, mode);
      expect(multiset(got)).toEqual(multiset(expected));
      const [outer, ...inners] = aggregations(plan);
      // The outer aggregation feeds the sink; an inner one keeps the changelog its consumer needs.
      expect(outer).toContain(`changelogMode=[${mode === 'batch' ? 'I' : changelog}]`);
      for (const inner of inners) expect(inner).toContain(`changelogMode=[${mode === 'batch' ? 'I' : 'I,UB,UA,D'}]`);
    });
  }

  it('keeps the full changelog for a sink keyed by another column than the GROUP BY key', async () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(`CREATE TABLE items (id INT, k INT, qty INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${jsonPath}', 'format' = 'json')`);
    tEnv.executeSql(
      "CREATE TABLE sink (n INT, k INT, PRIMARY KEY (n) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:5432/test', 'username' = 'postgres', 'table-name' = 'never_written')",
    );
    const plan = String(await tEnv.executeSql('EXPLAIN INSERT INTO sink SELECT MAX(id), k FROM items GROUP BY k').format());
    expect(aggregations(plan)[0]).toContain('changelogMode=[I,UB,UA,D]');
  });

  it('at parallelism 2 (upserts keyed to one sink subtask per key)', async () => {
    const [columns, key, query, , changelog] = cases[0]!;
    const { rows: got, plan } = await intoPostgres(columns, key, query, 'streaming', 2);
    expect(multiset(got)).toEqual(multiset(await oracle.query(query)));
    expect(aggregations(plan)[0]).toContain(`changelogMode=[${changelog}]`);
  });
});
