// OVER aggregations, Top-N, deduplication, window Top-N, UNION ALL, ORDER BY and LIMIT in Weir
// against DuckDB on the same random rows (fast-check), as Flink defines them. Weir's updating
// results are folded into a table by plain code and compared with DuckDB's ROW_NUMBER/QUALIFY
// results as multisets. Ties are broken by the row's position in the file (`i`) in DuckDB, which
// is the order Weir's single source reads them in; event times are distinct per row.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-ordering-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 0, 1);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const tsText = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
};

/** Random rows: few keys, nullable INT and DOUBLE values (quarters, so float sums are exact whatever the order), ten minutes of event time out of order (distinct per row). */
const rowsArb = fc
  .array(
    fc.record({
      k: fc.constantFrom('a', 'b', 'c', 'd'),
      v: fc.option(fc.integer({ min: -20, max: 20 }), { freq: 6 }),
      d: fc.option(fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), { freq: 6 }),
      sec: fc.integer({ min: 0, max: 600 }),
    }),
    { minLength: 1, maxLength: 120 },
  )
  .map((rs) => rs.map((r, i) => ({ i, k: r.k, v: r.v, d: r.d === null ? null : Math.round(r.d * 4) / 4, ts: T0 + r.sec * 1000 + i })));
type Item = { i: number; k: string; v: number | null; d: number | null; ts: number };

let files = 0;
/** Weir and DuckDB over the same JSON Lines file of `rows`. */
async function engines(rows: readonly Item[]) {
  const path = join(dir, `t${files++}.json`);
  writeFileSync(path, rows.map((r) => JSON.stringify({ ...r, ts: tsText(r.ts) })).join('\n') + '\n');
  const oracle = await duckdb({
    t: `read_json('${path}', format = 'newline_delimited', columns = {'i': 'INTEGER', 'k': 'VARCHAR', 'v': 'INTEGER', 'd': 'DOUBLE', 'ts': 'TIMESTAMP'})`,
  });
  const ddl = `CREATE TABLE t (i INT, k STRING, v INT, d DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)
    WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`;
  return {
    oracle,
    /** The final table of a query: its changelog folded (+I/+U add a row, -U/-D remove an equal one). */
    async weir(query: string, parallelism = 1, setup: readonly string[] = []): Promise<{ rows: Values[]; updating: boolean; kinds: string[] }> {
      const tEnv = TableEnvironment.create();
      tEnv.executeSql(ddl);
      for (const statement of setup) tEnv.executeSql(statement);
      tEnv.executeSql(`SET 'parallelism.default' = '${parallelism}'`);
      const table = tEnv.sqlQuery(query);
      const result = table.execute();
      const changes = await result.changelog();
      const out: Values[] = [];
      for (const { kind, row } of changes) {
        const values = table.columns.map((c) => row[c.name]);
        if (kind === '+I' || kind === '+U') out.push(values);
        else {
          const at = out.findIndex((x) => JSON.stringify(x) === JSON.stringify(values));
          if (at < 0) throw new Error(`${kind} of a row the table does not hold: ${JSON.stringify(values)}`);
          out.splice(at, 1);
        }
      }
      return { rows: out, updating: result.updating, kinds: changes.map((c) => c.kind) };
    },
  };
}

/** [Weir query (Flink's dialect), DuckDB query]; `ts` leaves DuckDB as epoch milliseconds. */
const ORACLE_QUERIES: Record<string, [string, string]> = {
  'OVER ROWS': [
    `SELECT k, i, SUM(v) OVER w AS s, COUNT(v) OVER w AS c, MIN(d) OVER w AS lo, MAX(v) OVER w AS hi, AVG(d) OVER w AS a
     FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`,
    `SELECT k, i, SUM(v) OVER w, COUNT(v) OVER w, MIN(d) OVER w, MAX(v) OVER w, AVG(d) OVER w
     FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`,
  ],
  'OVER ROWS with DISTINCT (values leaving the frame taken back)': [
    `SELECT k, i, SUM(DISTINCT v % 4) OVER w AS s, COUNT(DISTINCT v % 4) OVER w AS c, AVG(DISTINCT d) OVER w AS a
     FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)`,
    `SELECT k, i, SUM(DISTINCT v % 4) OVER w, COUNT(DISTINCT v % 4) OVER w, AVG(DISTINCT d) OVER w
     FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)`,
  ],
  'OVER RANGE': [
    `SELECT k, i, COUNT(*) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) AS n,
            SUM(d) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) AS s
     FROM t WHERE v IS NULL OR v > -15`,
    `SELECT k, i, COUNT(*) OVER w, SUM(d) OVER w FROM t WHERE v IS NULL OR v > -15
     WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL 1 MINUTE PRECEDING AND CURRENT ROW)`,
  ],
  'OVER unbounded, no partition': [
    'SELECT i, v, MAX(v) OVER (ORDER BY ts) AS m, COUNT(*) OVER (ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n FROM t',
    'SELECT i, v, MAX(v) OVER (ORDER BY ts), COUNT(*) OVER (ORDER BY ts) FROM t',
  ],
  'OVER a time attribute renamed in a subquery': [
    'SELECT i, COUNT(*) OVER (PARTITION BY k ORDER BY t2 ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS n FROM (SELECT k, i, ts AS t2 FROM t WHERE i % 2 = 0) AS s',
    'SELECT i, COUNT(*) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM t WHERE i % 2 = 0',
  ],
  'Top-N with the row number': [
    'SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn <= 3',
    'SELECT i, k, v, d, epoch_ms(ts), row_number() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST, i) AS rn FROM t QUALIFY rn <= 3',
  ],
  'Top-N without the row number, two ORDER BY items, another condition': [
    'SELECT k, i, d FROM (SELECT k, i, d, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY d, v DESC) AS rn FROM t WHERE i % 3 <> 0) WHERE rn < 3 AND i > 5',
    'SELECT k, i, d FROM (SELECT k, i, d FROM t WHERE i % 3 <> 0 QUALIFY row_number() OVER (PARTITION BY k ORDER BY d NULLS FIRST, v DESC NULLS LAST, i) < 3) WHERE i > 5',
  ],
  'deduplication, keep last': [
    'SELECT k, i, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM t) WHERE rn BETWEEN 1 AND 1',
    'SELECT k, i, v FROM t QUALIFY row_number() OVER (PARTITION BY k ORDER BY ts DESC) = 1',
  ],
  'deduplication, keep first': [
    'SELECT k, i, v, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k, v % 2 ORDER BY ts ASC) AS rn FROM t) WHERE rn <= 1',
    'SELECT k, i, v, row_number() OVER (PARTITION BY k, v % 2 ORDER BY ts) AS rn FROM t QUALIFY rn = 1',
  ],
  'window Top-N over TUMBLE': [
    `SELECT window_start, window_end, k, i, rn FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v DESC) AS rn
       FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE))) WHERE rn <= 2`,
    `SELECT epoch_ms(ts) // 60000 * 60000 AS ws, ws + 60000, k, i, row_number() OVER (PARTITION BY ws ORDER BY v DESC NULLS LAST, i) AS rn
     FROM t QUALIFY rn <= 2`,
  ],
  'window Top-N with RANK over TUMBLE': [
    `SELECT window_start, window_end, k, i, r FROM (
       SELECT *, RANK() OVER (PARTITION BY window_start, window_end ORDER BY v DESC) AS r
       FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE))) WHERE r <= 2`,
    `SELECT epoch_ms(ts) // 60000 * 60000 AS ws, ws + 60000, k, i, rank() OVER (PARTITION BY ws ORDER BY v DESC NULLS LAST) AS r
     FROM t QUALIFY r <= 2`,
  ],
  'window deduplication over HOP': [
    `SELECT window_start, window_end, k, i FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts DESC) AS rn
       FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '2' MINUTE))) WHERE rn = 1`,
    `SELECT ws, ws + 120000, k, i FROM (SELECT (epoch_ms(ts) // 60000 - j) * 60000 AS ws, * FROM t, range(0, 2) AS r(j))
     QUALIFY row_number() OVER (PARTITION BY ws, k ORDER BY ts DESC) = 1`,
  ],
  'window Top-N over a window aggregation': [
    `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY n DESC, k) AS rn FROM (
       SELECT window_start, window_end, k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '2' MINUTE))
       GROUP BY window_start, window_end, k)) WHERE rn <= 2`,
    `SELECT ws, ws + 120000, k, n, row_number() OVER (PARTITION BY ws ORDER BY n DESC, k) AS rn FROM (
       SELECT epoch_ms(ts) // 120000 * 120000 AS ws, k, COUNT(*) AS n FROM t GROUP BY ws, k) QUALIFY rn <= 2`,
  ],
  'UNION ALL with a widened column': [
    'SELECT k, v AS x FROM t WHERE v > 0 UNION ALL SELECT k, d FROM t WHERE d < 0 UNION ALL SELECT UPPER(k), i FROM t WHERE i < 10',
    'SELECT k, v FROM t WHERE v > 0 UNION ALL SELECT k, d FROM t WHERE d < 0 UNION ALL SELECT upper(k), i FROM t WHERE i < 10',
  ],
  'UNION ALL of Top-N results (changelogs)': [
    `SELECT k, i FROM (SELECT k, i, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn FROM t) WHERE rn <= 1
     UNION ALL SELECT k, i FROM (SELECT k, i, ROW_NUMBER() OVER (PARTITION BY k ORDER BY d DESC) AS rn FROM t) WHERE rn <= 2`,
    `SELECT k, i FROM t QUALIFY row_number() OVER (PARTITION BY k ORDER BY v NULLS FIRST, i) <= 1
     UNION ALL SELECT k, i FROM t QUALIFY row_number() OVER (PARTITION BY k ORDER BY d DESC NULLS LAST, i) <= 2`,
  ],
  'Top-N over a GROUP BY (a changelog), with the row number': [
    'SELECT * FROM (SELECT k2, c, ROW_NUMBER() OVER (ORDER BY c DESC, k2) AS rn FROM (SELECT v % 5 AS k2, COUNT(*) AS c FROM t GROUP BY v % 5)) WHERE rn <= 2',
    'SELECT k2, c, row_number() OVER (ORDER BY c DESC, k2 NULLS FIRST) AS rn FROM (SELECT v % 5 AS k2, COUNT(*) AS c FROM t GROUP BY v % 5) QUALIFY rn <= 2',
  ],
  'Top-N per partition over a GROUP BY, without the row number': [
    'SELECT k, m FROM (SELECT k, m, ROW_NUMBER() OVER (PARTITION BY k ORDER BY c DESC, m) AS rn FROM (SELECT k, i % 4 AS m, COUNT(*) AS c FROM t GROUP BY k, i % 4)) WHERE rn <= 2',
    'SELECT k, m FROM (SELECT k, i % 4 AS m, COUNT(*) AS c FROM t GROUP BY k, i % 4) QUALIFY row_number() OVER (PARTITION BY k ORDER BY c DESC, m) <= 2',
  ],
  'Top-N with RANK (ties share a rank, so a partition may keep more than N rows)': [
    'SELECT * FROM (SELECT *, RANK() OVER (PARTITION BY k ORDER BY v DESC) AS r FROM t) WHERE r <= 3',
    'SELECT i, k, v, d, epoch_ms(ts), rank() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST) AS r FROM t QUALIFY r <= 3',
  ],
  'Top-N with DENSE_RANK and a rank range': [
    'SELECT i, v, r FROM (SELECT i, v, DENSE_RANK() OVER (ORDER BY v) AS r FROM t) WHERE r BETWEEN 2 AND 4',
    'SELECT i, v, dense_rank() OVER (ORDER BY v NULLS FIRST) AS r FROM t QUALIFY r BETWEEN 2 AND 4',
  ],
  'Top-N rank ranges of ROW_NUMBER (rn = N, BETWEEN)': [
    `SELECT k, i, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn BETWEEN 2 AND 3
     UNION ALL SELECT k, i, 0 FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY d) AS rn FROM t) WHERE rn = 2`,
    `SELECT k, i, row_number() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST, i) AS rn FROM t QUALIFY rn BETWEEN 2 AND 3
     UNION ALL SELECT k, i, 0 FROM t QUALIFY row_number() OVER (PARTITION BY k ORDER BY d NULLS FIRST, i) = 2`,
  ],
  'RANK, DENSE_RANK and rn = N over a GROUP BY (a changelog)': [
    `SELECT CAST(k2 AS STRING) AS k2, c, r FROM (SELECT k2, c, RANK() OVER (ORDER BY c DESC) AS r FROM (SELECT v % 5 AS k2, COUNT(*) AS c FROM t GROUP BY v % 5)) WHERE r <= 2
     UNION ALL SELECT k, m, r FROM (SELECT k, m, DENSE_RANK() OVER (PARTITION BY k ORDER BY c DESC) AS r FROM (SELECT k, i % 4 AS m, COUNT(*) AS c FROM t GROUP BY k, i % 4)) WHERE r BETWEEN 2 AND 3
     UNION ALL SELECT k, m, -1 FROM (SELECT k, m, ROW_NUMBER() OVER (PARTITION BY k ORDER BY c DESC, m) AS rn FROM (SELECT k, i % 4 AS m, COUNT(*) AS c FROM t GROUP BY k, i % 4)) WHERE rn = 2`,
    `SELECT CAST(k2 AS VARCHAR), c, rank() OVER (ORDER BY c DESC) AS r FROM (SELECT v % 5 AS k2, COUNT(*) AS c FROM t GROUP BY v % 5) QUALIFY r <= 2
     UNION ALL SELECT k, m, dense_rank() OVER (PARTITION BY k ORDER BY c DESC) AS r FROM (SELECT k, i % 4 AS m, COUNT(*) AS c FROM t GROUP BY k, i % 4) QUALIFY r BETWEEN 2 AND 3
     UNION ALL SELECT k, m, -1 FROM (SELECT k, i % 4 AS m, COUNT(*) AS c FROM t GROUP BY k, i % 4) QUALIFY row_number() OVER (PARTITION BY k ORDER BY c DESC, m) = 2`,
  ],
  'ORDER BY ... LIMIT over a GROUP BY': [
    'SELECT k, SUM(v) AS s FROM t GROUP BY k ORDER BY s DESC, k LIMIT 2',
    'SELECT k, SUM(v) AS s FROM t GROUP BY k ORDER BY s DESC NULLS LAST, k LIMIT 2',
  ],
  'ORDER BY ... LIMIT': ['SELECT i, v FROM t ORDER BY v DESC, i LIMIT 5', 'SELECT i, v FROM t ORDER BY v DESC NULLS LAST, i LIMIT 5'],
};

describe('OVER, Top-N, deduplication and UNION ALL agree with DuckDB on random rows', () => {
  it('for every query, over each random table', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const { oracle, weir } = await engines(rows);
        try {
          for (const [name, [q, duck]] of Object.entries(ORACLE_QUERIES)) {
            const expected = await oracle.query(duck);
            const got = await weir(q);
            expect(multiset(got.rows), name).toEqual(multiset(expected));
          }
        } finally {
          oracle.close();
        }
      }),
      { numRuns: Number(process.env.SQL_ORDERING_RUNS ?? 20) },
    );
  }, 600_000);

  it('at parallelism 2 (partitions hashed over two subtasks; ties need no arrival order here)', async () => {
    const names = [
      'OVER ROWS',
      'OVER RANGE',
      'deduplication, keep last',
      'deduplication, keep first',
      'window deduplication over HOP',
      'UNION ALL with a widened column',
      'Top-N with RANK (ties share a rank, so a partition may keep more than N rows)',
      'RANK, DENSE_RANK and rn = N over a GROUP BY (a changelog)',
    ];
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const { oracle, weir } = await engines(rows);
        try {
          for (const name of names) {
            const [q, duck] = ORACLE_QUERIES[name]!;
            expect(multiset((await weir(q, 2)).rows), name).toEqual(multiset(await oracle.query(duck)));
          }
        } finally {
          oracle.close();
        }
      }),
      { numRuns: 5 },
    );
  }, 600_000);

  it('ORDER BY a time attribute emits the rows in time order; LIMIT n the first n rows read', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.integer({ min: 0, max: 30 }), async (rows, n) => {
        const { oracle, weir } = await engines(rows);
        try {
          const sorted = await weir('SELECT i, ts FROM t ORDER BY ts');
          expect(sorted.updating).toBe(false);
          expect(sorted.rows.map((r) => r.map(Number))).toEqual((await oracle.query('SELECT i, epoch_ms(ts) FROM t ORDER BY ts')).map((r) => r.map(Number)));
          const union = await weir('SELECT i, ts FROM t WHERE v > 0 UNION ALL SELECT i, ts FROM t WHERE v <= 0 ORDER BY ts');
          expect(union.rows.map((r) => r.map(Number))).toEqual(
            (await oracle.query('SELECT i, epoch_ms(ts) FROM t WHERE v IS NOT NULL ORDER BY ts')).map((r) => r.map(Number)),
          );
          const limited = await weir(`SELECT i FROM t LIMIT ${n}`);
          expect(limited.rows).toEqual(rows.slice(0, n).map((r) => [r.i]));
        } finally {
          oracle.close();
        }
      }),
      { numRuns: 3 },
    );
  }, 600_000);
});

describe('batch mode and views', () => {
  const BATCH = ["SET 'execution.runtime-mode' = 'batch'"];
  it('ORDER BY any columns [LIMIT] sorts the final rows, also of a GROUP BY, in DuckDB order', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const { oracle, weir } = await engines(rows);
        try {
          const sorted = await weir('SELECT k, v FROM t ORDER BY v DESC, i', 1, BATCH);
          expect(sorted.updating).toBe(false);
          expect(sorted.rows).toEqual(await oracle.query('SELECT k, v FROM t ORDER BY v DESC NULLS LAST, i'));
          const top = await weir('SELECT k, COUNT(*) AS n, SUM(v) AS s FROM t GROUP BY k ORDER BY n DESC, k LIMIT 3', 1, BATCH);
          expect(top.kinds.every((k) => k === '+I')).toBe(true);
          expect(top.rows.map((r) => r.map(Number))).toEqual(
            (await oracle.query('SELECT k, COUNT(*) AS n, SUM(v) FROM t GROUP BY k ORDER BY n DESC, k LIMIT 3')).map((r) =>
              r.map((x) => (x === null ? 0 : Number(x))),
            ),
          );
        } finally {
          oracle.close();
        }
      }),
      { numRuns: 5 },
    );
  }, 600_000);

  it('a view that numbers its rows is a Top-N subquery', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const { oracle, weir } = await engines(rows);
        try {
          const view = 'CREATE VIEW ranked AS SELECT k, i, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t';
          const got = await weir('SELECT r.k, r.i, rn FROM ranked AS r WHERE rn <= 2', 1, [view]);
          const expected = await oracle.query('SELECT k, i, row_number() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST, i) AS rn FROM t QUALIFY rn <= 2');
          expect(multiset(got.rows)).toEqual(multiset(expected));
        } finally {
          oracle.close();
        }
      }),
      { numRuns: 3 },
    );
  }, 600_000);
});

describe('changelog shapes', () => {
  const rows: Item[] = [
    { i: 0, k: 'a', v: 1, d: 1, ts: T0 + 1000 },
    { i: 1, k: 'a', v: 5, d: 2, ts: T0 + 3000 },
    { i: 2, k: 'b', v: 2, d: 3, ts: T0 + 2000 },
    { i: 3, k: 'a', v: 3, d: 4, ts: T0 + 2500 },
    { i: 4, k: 'a', v: 0, d: 5, ts: T0 + 9000 },
  ];

  it('Top-N with the row number updates each rank a new row shifts (-U/+U), and fills new ranks with +I', async () => {
    const { oracle, weir } = await engines(rows);
    oracle.close();
    const r = await weir("SELECT i, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn <= 2 AND k = 'a'");
    expect(r.updating).toBe(true);
    // i=0 rank 1; i=1 takes rank 1 and pushes i=0 to rank 2; i=3 takes rank 2; i=4 is out.
    expect(r.kinds).toEqual(['+I', '-U', '+U', '+I', '-U', '+U']);
    expect(r.rows).toEqual([
      [1, 1],
      [3, 2],
    ]);
  });

  it('Top-N without the row number deletes the row pushed out (-D) and inserts the new one', async () => {
    const { oracle, weir } = await engines(rows);
    oracle.close();
    const r = await weir('SELECT i FROM t ORDER BY v DESC LIMIT 1');
    expect(r.kinds).toEqual(['+I', '-D', '+I']);
    expect(r.rows).toEqual([[1]]);
  });

  it('keep-first deduplication and window Top-N are insert-only; keep-last is updating', async () => {
    const { oracle, weir } = await engines(rows);
    oracle.close();
    const first = await weir('SELECT k, i FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) AS rn FROM t) WHERE rn = 1');
    expect(first.updating).toBe(false);
    expect(multiset(first.rows)).toEqual(
      multiset([
        ['a', 0],
        ['b', 2],
      ]),
    );
    const last = await weir('SELECT k, i FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM t) WHERE rn = 1');
    expect(last.updating).toBe(true);
    expect(last.kinds.filter((k) => k === '-U')).toHaveLength(2);
    expect(multiset(last.rows)).toEqual(
      multiset([
        ['a', 4],
        ['b', 2],
      ]),
    );
    const windowed = await weir(
      "SELECT i FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v) AS rn FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND))) WHERE rn = 1",
    );
    expect(windowed.updating).toBe(false);
    expect(windowed.rows).toEqual([[0], [4]]);
  });

  it('Top-N over a changelog updates the ranks a changed group moves through', async () => {
    const { oracle, weir } = await engines(rows);
    oracle.close();
    const r = await weir(
      'SELECT * FROM (SELECT k, c, ROW_NUMBER() OVER (ORDER BY c DESC, k) AS rn FROM (SELECT k, COUNT(*) AS c FROM t GROUP BY k)) WHERE rn <= 1',
    );
    // The GROUP BY emits +I a:1, -U a:1, +U a:2, +I b:1, -U a:2, +U a:3, -U a:3, +U a:4. Rank 1: a:1 (+I),
    // left empty (-D), a:2 (+I); b:1 is second (nothing); each -U of a hands rank 1 to b:1, each +U back to a.
    expect(r.kinds).toEqual(['+I', '-D', '+I', '-U', '+U', '-U', '+U', '-U', '+U', '-U', '+U']);
    expect(r.rows).toEqual([['a', 4, 1]]);
  });

  it('an OVER aggregation emits each row once, in time order per partition', async () => {
    const { oracle, weir } = await engines(rows);
    oracle.close();
    const r = await weir("SELECT i, SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t WHERE k = 'a'");
    expect(r.updating).toBe(false);
    expect(r.rows).toEqual([
      [0, 1],
      [3, 4],
      [1, 8],
      [4, 5],
    ]);
  });
});
