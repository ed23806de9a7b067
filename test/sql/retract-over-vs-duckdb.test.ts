// OVER aggregations over a changelog (sqlRetractOverAggregate) against DuckDB on the same random
// rows (fast-check). The changelog comes from random insert / update / delete sequences: events
// (id, seq, del, values) where each id's row is its latest event unless that one deletes it, a
// Top-1 per id in Weir (it takes the old version back when a new one arrives) and QUALIFY in
// DuckDB. Folding Weir's OVER changelog must give the window computed by DuckDB over the final
// table, ties on ORDER BY broken by the OVER input's columns left to right, NULL first.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { duckdb, foldChangelog, multiset, type Values } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-retract-over-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 0, 1);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const tsText = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
};

/** Events over few ids, with few distinct values so that ORDER BY ties and NULLs are common; DOUBLEs are quarters, so sums are exact in any order. */
const event = fc.record({
  id: fc.integer({ min: 0, max: 9 }),
  k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 8 }),
  o: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 5 }),
  v: fc.option(fc.integer({ min: -5, max: 5 }), { freq: 5 }),
  d: fc.option(
    fc.integer({ min: -40, max: 40 }).map((q) => q / 4),
    { freq: 5 },
  ),
  sec: fc.option(
    fc.integer({ min: 0, max: 5 }).map((m) => m * 30),
    { freq: 6 },
  ),
  del: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});
type Event = typeof event extends fc.Arbitrary<infer E> ? E : never;
const events = (min: number, max: number) => fc.array(event, { minLength: min, maxLength: max });

let files = 0;
async function engines(es: readonly Event[]) {
  const path = join(dir, `e${files++}.json`);
  writeFileSync(
    path,
    es
      .map((e, seq) => JSON.stringify({ seq, id: e.id, del: e.del, k: e.k, o: e.o, v: e.v, d: e.d, ts: e.sec === null ? null : tsText(T0 + e.sec * 1000) }))
      .join('\n') + '\n',
  );
  const oracle = await duckdb({
    e: `read_json('${path}', format = 'newline_delimited', columns = {'seq': 'INTEGER', 'id': 'INTEGER', 'del': 'BOOLEAN', 'k': 'VARCHAR', 'o': 'INTEGER', 'v': 'INTEGER', 'd': 'DOUBLE', 'ts': 'TIMESTAMP'})`,
  });
  return {
    duck: (sql: string) => oracle.query(sql.replaceAll('$cur', DUCK_CUR)),
    async weir(sql: string, opts: { parallelism?: number; batch?: boolean } = {}): Promise<{ rows: Values[]; kinds: string[] }> {
      const tEnv = TableEnvironment.create();
      tEnv.executeSql(
        `CREATE TABLE e (seq INT, id INT, del BOOLEAN, k STRING, o INT, v INT, d DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
      );
      tEnv.executeSql(`SET 'parallelism.default' = '${opts.parallelism ?? 1}'`);
      if (opts.batch) tEnv.executeSql("SET 'execution.runtime-mode' = 'batch'");
      const t = tEnv.sqlQuery(sql.replaceAll('$cur', WEIR_CUR));
      const result = t.execute();
      if (!t.updating) return { rows: (await result.collect()).map((row) => t.columns.map((c) => row[c.name])), kinds: [] };
      const changes = (await result.changelog()).map((c) => ({ kind: c.kind, row: t.columns.map((col) => c.row[col.name]) }));
      return { rows: foldChangelog(changes), kinds: changes.map((c) => c.kind) };
    },
    close: () => oracle.close(),
  };
}

/** Each id's latest event, unless it deletes the row: an updating table in Weir (Top-1 on seq), a plain one in DuckDB. */
const WEIR_CUR = `(SELECT id, k, o, v, d, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY seq DESC) AS rn FROM e) WHERE rn = 1 AND NOT del)`;
const DUCK_CUR = `(SELECT id, k, o, v, d, epoch_ms(ts) AS ts FROM (SELECT * FROM e QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1) WHERE NOT del)`;
/** The tie-break of ROWS frames: the OVER input's columns (id, k, o, v, d, ts), ascending, NULL first. */
const TIES = 'id NULLS FIRST, k NULLS FIRST, o NULLS FIRST, v NULLS FIRST, d NULLS FIRST, ts NULLS FIRST';

/** [Weir query, DuckDB query]; $cur is the current table. Weir's AVG of an INT truncates, as Flink's. */
const QUERIES: [string, string][] = [
  [
    `SELECT id, k, SUM(v) OVER w AS s, COUNT(*) OVER w AS n, COUNT(v) OVER w AS nv, MIN(d) OVER w AS lo, MAX(v) OVER w AS hi, AVG(d) OVER w AS a, AVG(v) OVER w AS ai
     FROM $cur AS c WINDOW w AS (PARTITION BY k ORDER BY o ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`,
    `SELECT id, k, sum(v) OVER w, count(*) OVER w, count(v) OVER w, min(d) OVER w, max(v) OVER w, avg(d) OVER w, trunc(avg(v) OVER w)
     FROM $cur AS c WINDOW w AS (PARTITION BY k ORDER BY o ASC NULLS FIRST, ${TIES} ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`,
  ],
  [
    `SELECT id, SUM(d) OVER (PARTITION BY k ORDER BY o DESC, v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s,
            MIN(v) OVER (PARTITION BY k ORDER BY o DESC, v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS m FROM $cur AS c`,
    `SELECT id, sum(d) OVER w, min(v) OVER w FROM $cur AS c
     WINDOW w AS (PARTITION BY k ORDER BY o DESC NULLS LAST, v ASC NULLS FIRST, ${TIES} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
  ],
  // RANGE: peers share the frame's end, so the tie-break does not show.
  [
    'SELECT id, o, COUNT(*) OVER (PARTITION BY k ORDER BY o) AS n, SUM(v) OVER (PARTITION BY k ORDER BY o) AS s FROM $cur AS c',
    'SELECT id, o, count(*) OVER w, sum(v) OVER w FROM $cur AS c WINDOW w AS (PARTITION BY k ORDER BY o ASC NULLS FIRST)',
  ],
  [
    `SELECT id, COUNT(*) OVER w AS n, SUM(d) OVER w AS s, MAX(v) OVER w AS m FROM $cur AS c
     WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)`,
    `SELECT id, count(*) OVER w, sum(d) OVER w, max(v) OVER w FROM $cur AS c
     WINDOW w AS (PARTITION BY k ORDER BY ts ASC NULLS FIRST RANGE BETWEEN 60000 PRECEDING AND CURRENT ROW)`,
  ],
  // No partition, a WHERE, and rows that are equal once the id is gone (duplicates in the OVER input).
  [
    `SELECT k, v, COUNT(*) OVER w AS n, SUM(d) OVER w AS s FROM (SELECT k, v, d FROM $cur AS c) AS x WHERE v IS NULL OR v > -3
     WINDOW w AS (ORDER BY v ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)`,
    `SELECT k, v, count(*) OVER w, sum(d) OVER w FROM (SELECT k, v, d FROM $cur AS c) AS x WHERE v IS NULL OR v > -3
     WINDOW w AS (ORDER BY v ASC NULLS FIRST, k NULLS FIRST, v NULLS FIRST, d NULLS FIRST ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)`,
  ],
  // A GROUP BY's -U/+U as the input.
  [
    `SELECT k, o, c, SUM(c) OVER (PARTITION BY k ORDER BY c ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s
     FROM (SELECT k, o, COUNT(*) AS c FROM e GROUP BY k, o)`,
    `SELECT k, o, c, sum(c) OVER (PARTITION BY k ORDER BY c ASC NULLS FIRST, k NULLS FIRST, o NULLS FIRST, c NULLS FIRST ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
     FROM (SELECT k, o, count(*) AS c FROM e GROUP BY k, o)`,
  ],
];

describe('OVER over a changelog vs DuckDB', () => {
  it('folding the changelog gives the window over the final table (streaming and batch)', async () => {
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(events(0, 50), async (es) => {
        const e = await engines(es);
        try {
          for (const [weir, duck] of QUERIES) {
            const expected = multiset(await e.duck(duck));
            const streamed = await e.weir(weir);
            streamed.kinds.forEach((k) => kinds.add(k));
            expect(multiset(streamed.rows), weir).toEqual(expected);
            expect(multiset((await e.weir(weir, { batch: true })).rows), `${weir} (batch)`).toEqual(expected);
          }
        } finally {
          e.close();
        }
      }),
      { numRuns: 15 },
    );
    // The runs took rows back and updated others, not only inserted.
    expect([...kinds].sort()).toEqual(['+I', '+U', '-D', '-U']);
  }, 300_000);

  it('at parallelism 2 give the same rows', async () => {
    const [es] = fc.sample(events(300, 300), { numRuns: 1, seed: 11 });
    const e = await engines(es!);
    try {
      for (const [weir, duck] of QUERIES) expect(multiset((await e.weir(weir, { parallelism: 2 })).rows), weir).toEqual(multiset(await e.duck(duck)));
    } finally {
      e.close();
    }
  }, 120_000);
});
