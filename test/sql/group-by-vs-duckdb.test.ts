// GROUP BY and window aggregations in Weir against DuckDB on the same seeded rows (NULLs in every
// nullable column). Weir's result is a changelog: the test applies it to an empty table in plain
// code and compares the final table with DuckDB's GROUP BY as multisets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment, type TableResult } from '../../src/sql/index.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-groupby-'));
const N = 500;

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(7);
const maybe = <T>(v: T): T | null => (r() < 0.15 ? null : v);
const words = ['apple', 'Banana', ' kiwi ', 'date', 'fig'];
const T0 = Date.UTC(2024, 0, 1);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const tsText = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
};
const rows = Array.from({ length: N }, (_v, i) => ({
  id: i,
  qty: maybe(Math.floor(r() * 200) - 50),
  price: maybe(Math.round(r() * 10_000) / 100),
  name: maybe(words[Math.floor(r() * words.length)]!),
  flag: maybe(r() < 0.5),
  // Two minutes of event time, out of order.
  ts: tsText(T0 + Math.floor(r() * 120_000)),
}));
const jsonPath = join(dir, 'items.json');
writeFileSync(jsonPath, rows.map((x) => JSON.stringify(x)).join('\n') + '\n');

const emptyPath = join(dir, 'none.json');
writeFileSync(emptyPath, '');

const DDL = `CREATE TABLE items (id INT, qty INT, price DOUBLE, name STRING, flag BOOLEAN, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' HOUR) WITH ('connector' = 'filesystem', 'path' = '${jsonPath}', 'format' = 'json')`;
const EMPTY_DDL = `CREATE TABLE none (id INT, qty INT, price DOUBLE) WITH ('connector' = 'filesystem', 'path' = '${emptyPath}', 'format' = 'json')`;

let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  oracle = await duckdb({
    items: `read_json('${jsonPath}', format = 'newline_delimited', columns = {'id': 'INTEGER', 'qty': 'INTEGER', 'price': 'DOUBLE', 'name': 'VARCHAR', 'flag': 'BOOLEAN', 'ts': 'TIMESTAMP'})`,
    none: `read_json('${emptyPath}', format = 'newline_delimited', columns = {'id': 'INTEGER', 'qty': 'INTEGER', 'price': 'DOUBLE'})`,
  });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The final table of a changelog: +I/+U add a row, -U/-D remove one equal row. */
function fold(changes: readonly { kind: string; row: Values }[]): Values[] {
  const table: Values[] = [];
  for (const { kind, row } of changes) {
    if (kind === '+I' || kind === '+U') table.push(row);
    else {
      const at = table.findIndex((x) => JSON.stringify(x) === JSON.stringify(row));
      expect(at, `${kind} of a row the table does not hold: ${JSON.stringify(row)}`).toBeGreaterThanOrEqual(0);
      table.splice(at, 1);
    }
  }
  return table;
}

async function weir(
  query: string,
  parallelism = 1,
  miniBatch = false,
  phases?: string,
  mode: 'streaming' | 'batch' = 'streaming',
): Promise<{ result: TableResult; rows: Values[]; plan: string }> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(DDL);
  tEnv.executeSql(EMPTY_DDL);
  tEnv.executeSql(`SET 'execution.runtime-mode' = '${mode}'`);
  tEnv.executeSql(`SET 'parallelism.default' = '${parallelism}'`);
  if (miniBatch) tEnv.executeSql("SET 'table.exec.mini-batch.enabled' = 'true'");
  if (phases) tEnv.executeSql(`SET 'table.optimizer.agg-phase-strategy' = '${phases}'`);
  // Batches of 40 rows, so a group changes over several (mini-)batches.
  tEnv.executeSql("SET 'batchSize' = '40'");
  const t = tEnv.sqlQuery(query);
  const result = t.execute();
  const changes = await result.changelog();
  const plan = String(await tEnv.executeSql(`EXPLAIN ${query}`).format());
  return { result, rows: fold(changes.map((c) => ({ kind: c.kind, row: t.columns.map((col) => c.row[col.name]) }))), plan };
}

// [Weir (Flink's dialect), DuckDB]: Flink's AVG of an INT is an INT (truncated).
const GROUP_QUERIES: [string, string][] = [
  ['SELECT name, COUNT(*) AS c, COUNT(qty), SUM(qty), MIN(price), MAX(price) FROM items GROUP BY name', ''],
  ['SELECT name, AVG(qty), AVG(price) FROM items GROUP BY name', 'SELECT name, CAST(trunc(AVG(qty)) AS INT), AVG(price) FROM items GROUP BY name'],
  ['SELECT flag, qty % 3, COUNT(*), COUNT(DISTINCT name), MIN(name), MAX(name) FROM items GROUP BY flag, qty % 3', ''],
  [
    'SELECT name, COUNT(*) FILTER (WHERE qty > 0), SUM(price) FILTER (WHERE flag), COUNT(DISTINCT qty % 10) FILTER (WHERE price < 50) FROM items GROUP BY name',
    '',
  ],
  ['SELECT COUNT(*), COUNT(name), SUM(qty), MIN(qty), MAX(price), COUNT(DISTINCT flag) FROM items', ''],
  ['SELECT name, SUM(qty) * 2 + COUNT(*) AS score, MAX(qty) - MIN(qty) FROM items WHERE price > 20 GROUP BY name', ''],
  ['SELECT flag, qty % 3 AS m, COUNT(*) FROM items GROUP BY flag, qty % 3 HAVING COUNT(*) > 20 AND MIN(qty) < 0', ''],
  // Aggregations over an updating input: every change of the inner groups is taken back and re-added.
  ['SELECT c, COUNT(*) AS groups FROM (SELECT qty % 7 AS k, COUNT(*) AS c FROM items GROUP BY qty % 7) GROUP BY c', ''],
  ['SELECT MIN(c), MAX(c), SUM(c), COUNT(DISTINCT c) FROM (SELECT qty % 11 AS k, COUNT(*) AS c FROM items GROUP BY qty % 11)', ''],
  ['SELECT MIN(s), MAX(s) FROM (SELECT name, MAX(price) AS s FROM items GROUP BY name)', ''],
];

describe('GROUP BY agrees with DuckDB after folding the changelog', () => {
  it.each(GROUP_QUERIES)('%s', async (q, duck) => {
    const expected = await oracle.query(duck || q);
    expect(expected.length).toBeGreaterThan(0);
    const { result, rows } = await weir(q);
    expect(result.updating).toBe(true);
    expect(multiset(rows)).toEqual(multiset(expected));
  });

  it('deletes a group whose last row is taken back (-D), over an updating input', async () => {
    // Inner counts grow, so each outer group (a count value) is left by its last row: -D.
    const { result, rows } = await weir('SELECT c, COUNT(*) AS n FROM (SELECT name, COUNT(*) AS c FROM items GROUP BY name) GROUP BY c');
    const changes = await result.changelog();
    expect(changes.filter((ch) => ch.kind === '-D').length).toBeGreaterThan(0);
    expect(multiset(rows)).toEqual(multiset(await oracle.query('SELECT c, COUNT(*) FROM (SELECT name, COUNT(*) AS c FROM items GROUP BY name) GROUP BY c')));
  });

  it('at parallelism 2 (groups hashed over two subtasks)', async () => {
    const q = GROUP_QUERIES[0]![0];
    expect(multiset((await weir(q, 2)).rows)).toEqual(multiset(await oracle.query(q)));
  });

  it('emits +I for a new group, -U/+U on a change and nothing when results stay the same', async () => {
    const { result } = await weir('SELECT name, MAX(qty) AS m FROM items WHERE name IS NOT NULL GROUP BY name');
    const changes = await result.changelog();
    const kinds = new Set(changes.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(['+I', '+U', '-U']);
    expect(changes.filter((c) => c.kind === '+I')).toHaveLength(new Set(rows.filter((x) => x.name !== null).map((x) => x.name)).size);
    // Every -U repeats the row last emitted for its group, and is followed by that group's +U.
    const last = new Map<unknown, unknown>();
    changes.forEach((c, i) => {
      if (c.kind === '-U') {
        expect(c.row).toEqual(last.get(c.row.name));
        expect(changes[i + 1]).toMatchObject({ kind: '+U', row: { name: c.row.name } });
        expect(changes[i + 1]!.row.m).not.toEqual(c.row.m);
      } else last.set(c.row.name, c.row);
    });
  });
});

// SQL's aggregation without GROUP BY has one row even over no rows (COUNT 0, SUM NULL): batch mode
// gives it, as Flink's batch; streaming, as Flink's, emits nothing until a row arrives (issue 12).
const NOTHING_QUERIES = [
  'SELECT COUNT(*), COUNT(qty), SUM(qty), AVG(price), MIN(name), MAX(price), COUNT(DISTINCT flag) FROM items WHERE id < 0',
  'SELECT COUNT(*), SUM(qty), MAX(price) FROM none',
  'SELECT COUNT(*) + 1 AS c, COALESCE(SUM(qty), -1) AS s FROM items WHERE qty > 1000',
  'SELECT COUNT(*) FROM items WHERE id < 0 HAVING COUNT(*) > 0',
  'SELECT COUNT(*), SUM(qty) FROM items WHERE price > 50',
  // Over an updating input whose rows all leave: the inner counts are taken back as they grow.
  'SELECT COUNT(*), SUM(c) FROM (SELECT name, COUNT(*) AS c FROM items GROUP BY name) WHERE c < 5',
  'SELECT name, COUNT(*) FROM items WHERE id < 0 GROUP BY name',
];

describe('an aggregation without GROUP BY over no rows', () => {
  it.each(NOTHING_QUERIES)("batch mode at parallelism 1 and 2 gives DuckDB's rows: %s", async (q) => {
    const expected = multiset(await oracle.query(q));
    for (const parallelism of [1, 2]) {
      const { result, rows } = await weir(q, parallelism, false, undefined, 'batch');
      expect(result.updating).toBe(false);
      // At parallelism 2 one row, not one per subtask.
      expect(multiset(rows), `p=${parallelism}`).toEqual(expected);
    }
  });

  it('with mini-batch on, batch mode gives the same row', async () => {
    const q = NOTHING_QUERIES[0]!;
    expect(multiset((await weir(q, 2, true, undefined, 'batch')).rows)).toEqual(multiset(await oracle.query(q)));
  });

  it("streaming over a bounded empty input emits nothing, as Flink's streaming mode", async () => {
    for (const q of NOTHING_QUERIES.slice(0, 3)) {
      expect(await oracle.query(q)).toHaveLength(1);
      expect((await weir(q)).rows, q).toEqual([]);
      expect((await weir(q, 2)).rows, q).toEqual([]);
    }
  });
});

describe('GROUP BY with mini-batch (table.exec.mini-batch.enabled)', () => {
  it.each(GROUP_QUERIES)('%s', async (q, duck) => {
    const { result, rows } = await weir(q, 1, true);
    expect(multiset(rows)).toEqual(multiset(await oracle.query(duck || q)));
    expect(result.updating).toBe(true);
  });

  it('emits one change per group and input batch: fewer rows than without it, same final table', async () => {
    const q = 'SELECT c, COUNT(*) AS n FROM (SELECT name, COUNT(*) AS c FROM items GROUP BY name) GROUP BY c';
    const plain = await weir(q);
    const folded = await weir(q, 1, true);
    expect(multiset(folded.rows)).toEqual(multiset(plain.rows));
    const [a, b] = [(await plain.result.changelog()).length, (await folded.result.changelog()).length];
    expect(b).toBeLessThan(a);
  });

  it("takes Flink's mini-batch keys and rejects a value that is not a boolean", () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql("SET 'table.exec.mini-batch.allow-latency' = '2 s'");
    tEnv.executeSql("SET 'table.exec.mini-batch.size' = '5000'");
    expect(() => tEnv.executeSql("SET 'table.exec.mini-batch.enabled' = 'yes'")).toThrow(
      "'table.exec.mini-batch.enabled' must be one of 'true', 'false', not 'yes'",
    );
  });
});

describe('local-global GROUP BY (mini-batch, table.optimizer.agg-phase-strategy)', () => {
  // Over an insert-only input the local phase folds each batch before the exchange; over an
  // updating one (the outer aggregation of the queries over a subquery's) the plan keeps one phase.
  it.each(GROUP_QUERIES)('%s', async (q, duck) => {
    const expected = multiset(await oracle.query(duck || q));
    const two = await weir(q, 2, true, 'TWO_PHASE');
    expect(multiset(two.rows)).toEqual(expected);
    const physical = two.plan.split('== Plan as JSON ==')[0]!;
    expect(physical.match(/LocalGroupAggregate\(/g)).toHaveLength(1);
    expect(/ GroupAggregate\(/.test(physical)).toBe(q.includes('(SELECT'));
  });

  it('TWO_PHASE splits; ONE_PHASE and AUTO keep one aggregation; without mini-batch nothing is split', async () => {
    const q = GROUP_QUERIES[0]![0];
    expect((await weir(q, 2, true, 'ONE_PHASE')).plan).not.toContain('LocalGroupAggregate(');
    expect((await weir(q, 2, true)).plan).not.toContain('LocalGroupAggregate(');
    const two = await weir(q, 1, true, 'TWO_PHASE');
    expect(two.plan).toMatch(/LocalGroupAggregate\(.*changelogMode=\[I\]/);
    expect(two.plan).toMatch(/GlobalGroupAggregate\(.*phase=global.*changelogMode=\[I,UB,UA,D\]/);
    expect((await weir(q, 2, false, 'TWO_PHASE')).plan).not.toContain('LocalGroupAggregate(');
  });

  it('keeps one phase for FIRST_VALUE/LISTAGG (order) and SUM(DISTINCT) (costly merge)', async () => {
    for (const q of ['SELECT name, LISTAGG(CAST(qty AS STRING)) FROM items GROUP BY name', 'SELECT name, SUM(DISTINCT qty) FROM items GROUP BY name'])
      expect((await weir(q, 1, true, 'TWO_PHASE')).plan).not.toContain('LocalGroupAggregate(');
  });
});

const epoch = (col: string) => `epoch_ms(${col})`;
const WINDOW_QUERIES: [string, string][] = [
  [
    "SELECT window_start, window_end, name, COUNT(*), SUM(qty), MAX(price) FROM TABLE(TUMBLE(TABLE items, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name",
    `SELECT ${epoch("time_bucket(INTERVAL '10 seconds', ts)")} AS ws, ws + 10000, name, COUNT(*), SUM(qty), MAX(price) FROM items GROUP BY ws, name`,
  ],
  [
    "SELECT window_start, window_end, COUNT(*), COUNT(DISTINCT name), MIN(qty) FROM TABLE(HOP(TABLE items, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND)) WHERE price > 10 GROUP BY window_start, window_end",
    `SELECT (${epoch('ts')} // 5000 - k) * 5000 AS ws, ws + 15000, COUNT(*), COUNT(DISTINCT name), MIN(qty) FROM items, range(0, 3) AS t(k) WHERE price > 10 GROUP BY ws`,
  ],
  [
    "SELECT window_start, window_end, flag, COUNT(*), SUM(price) FROM TABLE(CUMULATE(TABLE items, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '30' SECOND)) GROUP BY window_start, window_end, flag",
    `SELECT ws, we, flag, COUNT(*), SUM(price) FROM (SELECT ${epoch('ts')} // 30000 * 30000 AS ws, ws + j * 10000 AS we, * FROM items, range(1, 4) AS t(j)) WHERE we > ${epoch('ts')} GROUP BY ws, we, flag`,
  ],
];

describe('window table functions agree with DuckDB', () => {
  it.each(WINDOW_QUERIES)('%s', async (q, duck) => {
    const expected = await oracle.query(duck);
    expect(expected.length).toBeGreaterThan(0);
    const { result, rows } = await weir(q);
    expect(result.updating).toBe(false);
    expect(multiset(rows)).toEqual(multiset(expected));
  });
});
