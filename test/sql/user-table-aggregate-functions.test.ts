// Table functions (LATERAL TABLE) and aggregate functions written in TypeScript, with expected
// results computed in plain code from the same rows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { aggregateFunction, tableFunction, TableEnvironment, type Row } from '../../src/sql/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-udf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Rec {
  id: number;
  s: string | null;
  n: number | null;
  ts: number;
}
const T0 = Date.UTC(2024, 0, 1);
const WORDS = ['a', 'bb', 'ccc', 'dd'];
// 60 rows over a minute of event time: sentences of 0..3 words (NULL every 7th), numbers with NULLs.
const RECS: Rec[] = Array.from({ length: 60 }, (_v, id) => ({
  id,
  s: id % 7 === 3 ? null : Array.from({ length: id % 4 }, (_w, j) => WORDS[(id + j) % WORDS.length]).join(' '),
  n: id % 5 === 4 ? null : (id * 7) % 11,
  ts: T0 + id * 1000,
}));
const tsText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const path = join(dir, 'recs.json');
writeFileSync(path, RECS.map((r) => JSON.stringify({ ...r, ts: tsText(r.ts) })).join('\n') + '\n');

const split = tableFunction({
  columns: { word: 'STRING', len: 'INT' },
  *eval(s: string | null) {
    if (s === null || s === '') return;
    for (const w of s.split(' ')) yield [w, w.length];
  },
});
const words = (s: string | null) => (s === null || s === '' ? [] : s.split(' '));

/** Sum of value * weight over the sum of weights; NULL arguments are skipped. Plain-data accumulator. */
const weightedAvg = aggregateFunction({
  resultType: 'DOUBLE',
  createAccumulator: () => ({ sum: 0, weight: 0 }),
  accumulate(acc, v: number | null, w: number | null) {
    if (v !== null && w !== null) {
      acc.sum += v * w;
      acc.weight += w;
    }
  },
  retract(acc, v: number | null, w: number | null) {
    if (v !== null && w !== null) {
      acc.sum -= v * w;
      acc.weight -= w;
    }
  },
  merge(acc, other) {
    acc.sum += other.sum;
    acc.weight += other.weight;
  },
  getValue: (acc) => (acc.weight === 0 ? null : acc.sum / acc.weight),
});

/** The distinct values seen, sorted and joined; returns a new accumulator each time (a Map of counts). */
const distinctList = aggregateFunction<Map<string, number>>({
  resultType: 'STRING',
  createAccumulator: () => new Map(),
  accumulate: (acc, v: unknown) => (v === null ? acc : new Map(acc).set(String(v), (acc.get(String(v)) ?? 0) + 1)),
  getValue: (acc) => [...acc.keys()].sort().join('|'),
});

function tEnv(batch = false): TableEnvironment {
  const t = TableEnvironment.create();
  t.executeSql(
    `CREATE TABLE recs (id INT, s STRING, n INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
  );
  if (batch) t.executeSql("SET 'execution.runtime-mode' = 'batch'");
  t.createTemporarySystemFunction('split', split);
  t.createTemporarySystemFunction('weighted_avg', weightedAvg);
  t.createTemporaryFunction('distinct_list', distinctList);
  return t;
}

const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
async function rows(sql: string, batch = false): Promise<unknown[][]> {
  const t = tEnv(batch).sqlQuery(sql);
  return (await t.execute().collect()).map((r: Row) => t.columns.map((c) => r[c.name]));
}

describe('table functions: LATERAL TABLE', () => {
  it('a comma and CROSS JOIN give a row per produced row; rows producing none are dropped', async () => {
    const expected = RECS.flatMap((r) => words(r.s).map((w) => [r.id, w, w.length]));
    expect(sorted(await rows('SELECT id, word, len FROM recs, LATERAL TABLE(split(s)) AS T(word, len)'))).toEqual(sorted(expected));
    expect(sorted(await rows('SELECT id, w, l FROM recs CROSS JOIN LATERAL TABLE(split(s)) AS T(w, l)'))).toEqual(sorted(expected));
  });

  it('LEFT JOIN ... ON TRUE keeps rows producing none, padded with NULLs', async () => {
    const expected = RECS.flatMap((r): unknown[][] => (words(r.s).length === 0 ? [[r.id, null]] : words(r.s).map((w) => [r.id, w])));
    expect(sorted(await rows('SELECT recs.id, T.word FROM recs LEFT JOIN LATERAL TABLE(split(s)) AS T(word, len) ON TRUE'))).toEqual(sorted(expected));
  });

  it('declared column names, WHERE and ON over the joined rows, expressions as arguments, then GROUP BY', async () => {
    const counts = new Map<string, number>();
    for (const r of RECS) for (const w of words(r.s === null ? null : r.s.toUpperCase())) if (r.id > 10) counts.set(w, (counts.get(w) ?? 0) + 1);
    expect(sorted(await rows('SELECT word, COUNT(*) AS c FROM recs JOIN LATERAL TABLE(split(UPPER(s))) ON len > 0 WHERE id > 10 GROUP BY word'))).toEqual(
      sorted([...counts].map(([w, c]) => [w, c])),
    );
  });

  it('over a changelog: the rows of a taken-back row are taken back', async () => {
    // The last sentence per id % 3 changes as rows arrive: its words follow.
    const last = new Map<number, string>();
    for (const r of RECS) if (r.s !== null) last.set(r.id % 3, r.s);
    const expected = [...last].flatMap(([k, s]) => words(s).map((w) => [k, w]));
    const sql = 'SELECT k, word FROM (SELECT id % 3 AS k, LAST_VALUE(s) AS s FROM recs GROUP BY id % 3) g, LATERAL TABLE(split(g.s)) AS T(word, len)';
    expect(sorted(await rows(sql))).toEqual(sorted(expected));
  });

  it('a one-column function yields values; an object per row is read by column name', async () => {
    const t = tEnv();
    t.createTemporarySystemFunction(
      'chars',
      tableFunction({ columns: { c: 'STRING' }, eval: (s: string | null) => (s === null ? null : [...s.replace(/ /g, '')]) }),
    );
    t.createTemporarySystemFunction(
      'pair',
      tableFunction({ columns: { x: 'INT', y: 'STRING' }, eval: (n: number | null) => (n === null ? [] : [{ y: `n${n}`, x: n * 2 }]) }),
    );
    const q1 = t.sqlQuery('SELECT id, c FROM recs, LATERAL TABLE(chars(s)) WHERE id < 8');
    const got1 = (await q1.execute().collect()).map((r) => [r.id, r.c]);
    expect(sorted(got1)).toEqual(sorted(RECS.filter((r) => r.id < 8).flatMap((r) => [...(r.s ?? '').replace(/ /g, '')].map((c) => [r.id, c]))));
    const q2 = t.sqlQuery('SELECT id, x, y FROM recs, LATERAL TABLE(pair(n))');
    const got2 = (await q2.execute().collect()).map((r) => [r.id, r.x, r.y]);
    expect(sorted(got2)).toEqual(sorted(RECS.filter((r) => r.n !== null).map((r) => [r.id, r.n! * 2, `n${r.n}`])));
  });
});

describe('aggregate functions', () => {
  const wavg = (rs: Rec[]) => {
    const kept = rs.filter((r) => r.n !== null);
    const w = kept.reduce((a, r) => a + (r.id % 4), 0);
    return w === 0 ? null : kept.reduce((a, r) => a + r.n! * (r.id % 4), 0) / w;
  };
  const groups = (key: (r: Rec) => number) => {
    const m = new Map<number, Rec[]>();
    for (const r of RECS) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
    return m;
  };
  const round = (rs: unknown[][]) => rs.map((r) => r.map((v) => (typeof v === 'number' ? Number(v.toFixed(9)) : v)));

  it('in GROUP BY, streaming and batch, with FILTER and beside built-in aggregates', async () => {
    const expected = [...groups((r) => r.id % 6)].map(([k, rs]) => [
      k,
      wavg(rs),
      [...new Set(rs.filter((r) => r.id > 20 && r.n !== null).map((r) => String(r.n)))].sort().join('|'),
      rs.length,
    ]);
    const sql = 'SELECT id % 6 AS k, weighted_avg(n, id % 4) AS w, distinct_list(n) FILTER (WHERE id > 20) AS d, COUNT(*) AS c FROM recs GROUP BY id % 6';
    expect(sorted(round(await rows(sql)))).toEqual(sorted(round(expected)));
    expect(sorted(round(await rows(sql, true)))).toEqual(sorted(round(expected)));
  });

  it('over a changelog, with retract', async () => {
    // Per id % 10 the row count; then the weighted average of those counts per id % 2.
    const counts = [...groups((r) => r.id % 10)].map(([k, rs]) => ({ k, c: rs.length }));
    const expected = [0, 1].map((p) => {
      const cs = counts.filter((x) => x.k % 2 === p);
      return [p, cs.reduce((a, x) => a + x.c * x.k, 0) / cs.reduce((a, x) => a + x.k, 0)];
    });
    const sql = 'SELECT k % 2 AS p, weighted_avg(c, k) AS w FROM (SELECT id % 10 AS k, COUNT(*) AS c FROM recs GROUP BY id % 10) GROUP BY k % 2';
    expect(sorted(round(await rows(sql)))).toEqual(sorted(round(expected)));
  });

  it('in TUMBLE and HOP window aggregations (HOP merges slices)', async () => {
    const tumble = [...groups((r) => Math.floor((r.ts - T0) / 20_000))].map(([w, rs]) => [tsText(T0 + w * 20_000), wavg(rs)]);
    const got = await rows(
      "SELECT window_start, weighted_avg(n, id % 4) AS w FROM TABLE(TUMBLE(TABLE recs, DESCRIPTOR(ts), INTERVAL '20' SECOND)) GROUP BY window_start, window_end",
    );
    expect(sorted(round(got.map(([ws, w]) => [tsText(ws as number), w])))).toEqual(sorted(round(tumble)));
    const hop: unknown[][] = [];
    for (let start = -10_000; start < 60_000; start += 10_000) {
      const rs = RECS.filter((r) => r.ts - T0 >= start && r.ts - T0 < start + 20_000);
      if (rs.length > 0) hop.push([tsText(T0 + start), wavg(rs)]);
    }
    const gotHop = await rows(
      "SELECT window_start, weighted_avg(n, id % 4) AS w FROM TABLE(HOP(TABLE recs, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '20' SECOND)) GROUP BY window_start, window_end",
    );
    expect(sorted(round(gotHop.map(([ws, w]) => [tsText(ws as number), w])))).toEqual(sorted(round(hop)));
  });
});

describe('aggregate functions in OVER windows', () => {
  it('over ROWS frames (retract takes the row leaving the frame back) and unbounded ones', async () => {
    const framed = await rows('SELECT id, weighted_avg(n, 1) OVER (ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS w FROM recs');
    const unbounded = await rows('SELECT id, distinct_list(n) OVER (ORDER BY ts) AS d FROM recs');
    const byId = new Map(unbounded.map(([id, d]) => [id, d]));
    const got = framed.map(([id, w]) => [id, w, byId.get(id)]);
    const expected = RECS.map((r, i) => {
      const frame = RECS.slice(Math.max(0, i - 2), i + 1).filter((x) => x.n !== null);
      const upTo = RECS.slice(0, i + 1).filter((x) => x.n !== null);
      return [
        r.id,
        frame.length === 0 ? null : frame.reduce((a, x) => a + x.n!, 0) / frame.length,
        [...new Set(upTo.map((x) => String(x.n)))].sort().join('|'),
      ];
    });
    const round = (rs: unknown[][]) => rs.map((r) => r.map((v) => (typeof v === 'number' ? Number(v.toFixed(9)) : v)));
    expect(sorted(round(got))).toEqual(sorted(round(expected)));
  });

  it('a bounded frame needs retract()', () => {
    expect(() => tEnv().sqlQuery('SELECT id, distinct_list(n) OVER (ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM recs')).toThrow(
      'Aggregate function distinct_list has no retract()',
    );
  });
});

describe('errors name the function and what is missing', () => {
  it.each([
    ['SELECT id FROM recs, LATERAL TABLE(splt(s))', 'No table function named SPLT; did you mean SPLIT?'],
    ['SELECT id FROM recs LEFT JOIN LATERAL TABLE(split(s)) AS T(w, l) ON l > 1', 'LEFT JOIN LATERAL TABLE(...) takes only ON TRUE'],
    ['SELECT id FROM recs RIGHT JOIN LATERAL TABLE(split(s)) AS T(w, l) ON TRUE', 'RIGHT JOIN LATERAL TABLE is not supported'],
    ['SELECT id FROM recs, LATERAL TABLE(split(s)) AS T(w)', 'T(...) names 1 columns; table function split produces 2'],
    ['SELECT split(s) FROM recs', "'split' is a table function: call it in FROM"],
    ['SELECT id FROM recs WHERE weighted_avg(n, id) > 1', 'Aggregate function weighted_avg cannot be used here'],
    [
      'SELECT k, distinct_list(c) FROM (SELECT id % 3 AS k, COUNT(*) AS c FROM recs GROUP BY id % 3) GROUP BY k',
      'Aggregate function distinct_list has no retract()',
    ],
    ['SELECT weighted_avg(DISTINCT n, id) FROM recs', 'WEIGHTED_AVG(DISTINCT ...) is not supported for aggregate functions written in TypeScript'],
  ])('%s', (sql, message) => {
    expect(() => tEnv().sqlQuery(sql)).toThrow(message);
  });

  it('a HOP window needs merge()', () => {
    expect(() =>
      tEnv().sqlQuery(
        "SELECT window_start, distinct_list(s) AS d FROM TABLE(HOP(TABLE recs, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '20' SECOND)) GROUP BY window_start, window_end",
      ),
    ).toThrow('Aggregate function distinct_list has no merge(), which HOP windows need');
  });

  it('SHOW USER FUNCTIONS lists table and aggregate functions; they can be dropped', async () => {
    const t = tEnv();
    expect((await t.executeSql('SHOW USER FUNCTIONS').collect()).map((r) => r['function name'])).toEqual(['distinct_list', 'split', 'weighted_avg']);
    expect(t.dropTemporarySystemFunction('split')).toBe(true);
    expect(() => t.sqlQuery('SELECT id FROM recs, LATERAL TABLE(split(s))')).toThrow('No table function named SPLIT');
  });
});
