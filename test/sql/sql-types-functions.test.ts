// Types, functions, aggregates, SESSION windows and UDFs checked against plain code (where DuckDB has
// no equivalent or its order is not defined), and their error messages.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { formatTableau, TableEnvironment } from '../../src/sql/index.js';
import { initcap } from '../../src/sql/functions/string-functions.js';
import { runCli } from '../cli/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function table(name: string, columns: string, rows: readonly object[], extra = ''): TableEnvironment {
  const path = join(dir, `${name}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(`CREATE TABLE ${name} (${columns}${extra}) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`);
  return tEnv;
}

async function rowsOf(tEnv: TableEnvironment, sql: string) {
  return tEnv.sqlQuery(sql).execute().collect();
}

describe('DECIMAL is exact', () => {
  it('sums 0.1 and 0.2 exactly where DOUBLE does not', async () => {
    const tEnv = table('m', 'x DECIMAL(10, 2), y DOUBLE', [
      { x: '0.1', y: 0.1 },
      { x: '0.2', y: 0.2 },
    ]);
    const [r] = await rowsOf(tEnv, 'SELECT CAST(SUM(x) AS STRING) AS dec, SUM(y) AS dbl, SUM(x) = 0.3 AS exact FROM m');
    expect(r).toEqual({ dec: '0.30', dbl: 0.30000000000000004, exact: true });
  });

  it('sums a thousand cents to the cent, and keeps Flink types for SUM and AVG', async () => {
    const tEnv = table(
      'm',
      'x DECIMAL(10, 2)',
      Array.from({ length: 1000 }, () => ({ x: '0.01' })),
    );
    const t = tEnv.sqlQuery('SELECT SUM(x) AS s, AVG(x) AS a FROM m');
    expect(t.columns.map((c) => c.type)).toEqual([
      { name: 'DECIMAL', precision: 38, scale: 2 },
      { name: 'DECIMAL', precision: 38, scale: 6 },
    ]);
    expect(await t.execute().collect()).toEqual([{ s: 1000n, a: 10000n }]);
  });

  it('gives NULL when a result does not fit its precision, and fails on text that is not a number', async () => {
    const tEnv = table('m', 'x DECIMAL(3, 1)', [{ x: '99.9' }]);
    expect(await rowsOf(tEnv, "SELECT CAST(x * 100 AS DECIMAL(3, 1)) AS o, TRY_CAST('abc' AS DECIMAL(3, 1)) AS t FROM m")).toEqual([{ o: null, t: null }]);
    await expect(rowsOf(tEnv, "SELECT CAST('abc' AS DECIMAL(3, 1)) AS o FROM m")).rejects.toThrow("Cannot cast 'abc' to DECIMAL");
  });
});

describe('values print as Flink prints them', () => {
  it('shows DECIMAL with its scale, DATE, TIME, TIMESTAMP(p), ARRAY, MAP and ROW', async () => {
    const tEnv = table('v', 'n INT', [{ n: 1 }]);
    const t = tEnv.sqlQuery(
      "SELECT CAST(n AS DECIMAL(5, 2)) AS d, DATE '2024-02-29' AS dt, TIME '07:08:09' AS tm, CAST(TIMESTAMP '2024-01-01 10:00:00.123' AS TIMESTAMP(0)) AS t0, ARRAY['a', NULL] AS arr, MAP['k', n] AS m, ROW(n, 'x') AS r FROM v",
    );
    const out = formatTableau(t.columns, await t.execute().collect());
    expect(out).toContain('| 1.00 | 2024-02-29 | 07:08:09 | 2024-01-01 10:00:00 | [a, NULL] | {k=1} | (1, x) |');
    expect(t.columns.map((c) => c.type.name)).toEqual(['DECIMAL', 'DATE', 'TIME', 'TIMESTAMP', 'ARRAY', 'MAP', 'ROW']);
  });

  it('writes them the same way through INSERT INTO a print table', async () => {
    const tEnv = table('v', 'n INT', [{ n: 1 }]);
    tEnv.executeSql(
      "CREATE TABLE p (d DECIMAL(6, 3), dt DATE, tm TIME, ts TIMESTAMP(3), arr ARRAY<STRING>, m MAP<STRING, DECIMAL(4, 1)>, r ROW<a INT, b STRING>, x DOUBLE, z INT) WITH ('connector' = 'print')",
    );
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await tEnv
        .executeSql(
          "INSERT INTO p SELECT CAST('1.5' AS DECIMAL(5, 2)), DATE '2024-02-29', TIME '07:08:09', TIMESTAMP '2024-01-01 10:00:00', ARRAY['a', NULL], MAP['k', CAST(n AS DECIMAL(4, 1))], CAST(ROW(n, 'x') AS ROW<a INT, b STRING>), CAST(n AS DOUBLE), CAST(NULL AS INT) FROM v",
        )
        .await();
    } finally {
      process.stdout.write = write;
    }
    expect(lines.join('')).toContain('+I[1.500, 2024-02-29, 07:08:09, 2024-01-01 10:00:00.000, [a, NULL], {k=1.0}, (1, x), 1.0, null]');
  });

  it('reads ROW and MAP columns from JSON, with r.f and m[key]', async () => {
    const tEnv = table('j', 'r ROW<a INT, b STRING>, m MAP<STRING, INT>, xs ARRAY<DECIMAL(4, 1)>', [
      { r: { a: 1, b: 'x' }, m: { k: 5 }, xs: ['1.5', 2] },
      { r: null, m: {}, xs: [] },
    ]);
    const rows = await rowsOf(tEnv, "SELECT r.a AS a, j.r.b AS b, m['k'] AS k, CAST(xs[1] AS STRING) AS x1, CARDINALITY(xs) AS n FROM j");
    expect(rows).toEqual([
      { a: 1, b: 'x', k: 5, x1: '1.5', n: 2 },
      { a: null, b: null, k: null, x1: null, n: 0 },
    ]);
  });
});

describe('functions without a DuckDB equivalent, against plain code', () => {
  it('INITCAP capitalizes each run of letters and digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9 ,-]{0,12}$/), (s) => {
        const expected = s.replace(/[A-Za-z0-9]+/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
        expect(initcap(s)).toBe(expected);
      }),
    );
  });

  it('SPLIT_INDEX, LOCATE, LPAD, REGEXP and NULL arguments', async () => {
    const tEnv = table('s', 's STRING', [{ s: 'a,b,,c' }, { s: null }, { s: '' }]);
    const rows = await rowsOf(
      tEnv,
      "SELECT SPLIT_INDEX(s, ',', 2) AS i2, SPLIT_INDEX(s, ',', 9) AS i9, LOCATE(',', s, 3) AS loc, LPAD(s, -1, 'x') AS neg, REGEXP(s, '^a') AS re, CONCAT_WS(NULL, s) AS nul FROM s",
    );
    expect(rows).toEqual([
      { i2: '', i9: null, loc: 4, neg: null, re: true, nul: null },
      { i2: null, i9: null, loc: null, neg: null, re: null, nul: null },
      { i2: null, i9: null, loc: 0, neg: null, re: false, nul: null },
    ]);
  });

  it('TO_TIMESTAMP and TO_DATE read with a pattern, NULL when the text does not match', async () => {
    const tEnv = table('s', 's STRING', [{ s: '05/03/2024 07:08' }, { s: 'nope' }]);
    const rows = await rowsOf(tEnv, "SELECT TO_TIMESTAMP(s, 'dd/MM/yyyy HH:mm') AS ts, TO_DATE(SUBSTRING(s, 1, 10), 'dd/MM/yyyy') AS d FROM s");
    expect(rows).toEqual([
      { ts: Date.UTC(2024, 2, 5, 7, 8), d: Date.UTC(2024, 2, 5) / 86_400_000 },
      { ts: null, d: null },
    ]);
  });
});

describe('FIRST_VALUE, LAST_VALUE and LISTAGG', () => {
  const data = fc.sample(fc.record({ k: fc.integer({ min: 0, max: 4 }), v: fc.option(fc.stringMatching(/^[a-c]{1,3}$/), { nil: null }) }), {
    seed: 7,
    numRuns: 200,
  });

  it('follow the arrival order and skip NULLs (insert-only input)', async () => {
    const tEnv = table('e', 'k INT, v STRING', data);
    const rows = await rowsOf(tEnv, "SELECT k, FIRST_VALUE(v) AS f, LAST_VALUE(v) AS l, LISTAGG(v) AS a, LISTAGG(v, '|') AS b FROM e GROUP BY k");
    const expected = [...new Set(data.map((d) => d.k))].map((k) => {
      const vs = data.filter((d) => d.k === k && d.v !== null).map((d) => d.v!);
      return { k, f: vs[0] ?? null, l: vs.at(-1) ?? null, a: vs.length ? vs.join(',') : null, b: vs.length ? vs.join('|') : null };
    });
    expect(rows.sort((x, y) => (x.k as number) - (y.k as number))).toEqual(expected.sort((x, y) => x.k - y.k));
  });

  it('take rows back over a changelog', async () => {
    const tEnv = table('e', 'k INT, v STRING', data);
    const rows = await rowsOf(
      tEnv,
      'SELECT c % 2 AS p, LISTAGG(CAST(k AS STRING)) AS ks, FIRST_VALUE(k) AS f FROM (SELECT k, COUNT(*) AS c FROM e GROUP BY k) GROUP BY c % 2',
    );
    const counts = new Map<number, number>();
    for (const d of data) counts.set(d.k, (counts.get(d.k) ?? 0) + 1);
    // Which keys are in each parity group is what must hold; their order follows the changelog.
    for (const r of rows) {
      const want = [...counts].filter(([, c]) => c % 2 === r.p).map(([k]) => String(k));
      expect((r.ks as string).split(',').sort()).toEqual(want.sort());
      expect(want).toContain(String(r.f));
    }
  });
});

describe('SESSION windows', () => {
  it('match sessions computed by plain code', async () => {
    const GAP = 10_000;
    const events = fc
      .sample(fc.record({ k: fc.constantFrom('a', 'b', 'c'), t: fc.integer({ min: 0, max: 300_000 }), v: fc.integer({ min: 1, max: 9 }) }), {
        seed: 3,
        numRuns: 150,
      })
      .sort((x, y) => x.t - y.t);
    const tEnv = table(
      'ev',
      'k STRING, v INT, ts TIMESTAMP(3)',
      events.map((e) => ({ k: e.k, v: e.v, ts: new Date(e.t).toISOString().replace('T', ' ').replace('Z', '') })),
      ", WATERMARK FOR ts AS ts - INTERVAL '1' SECOND",
    );
    const rows = await rowsOf(
      tEnv,
      "SELECT k, window_start, window_end, COUNT(*) AS c, SUM(v) AS s FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end",
    );
    const expected: { k: string; window_start: number; window_end: number; c: number; s: number }[] = [];
    for (const k of ['a', 'b', 'c']) {
      let cur: (typeof expected)[number] | undefined;
      for (const e of events.filter((x) => x.k === k)) {
        if (cur && e.t < cur.window_end) {
          cur.window_end = Math.max(cur.window_end, e.t + GAP);
          cur.c++;
          cur.s += e.v;
        } else {
          cur = { k, window_start: e.t, window_end: e.t + GAP, c: 1, s: e.v };
          expected.push(cur);
        }
      }
    }
    const key = (r: Record<string, unknown>) => `${r.k}/${r.window_start}`;
    expect(rows.map((r) => ({ ...r })).sort((x, y) => key(x).localeCompare(key(y)))).toEqual(expected.sort((x, y) => key(x).localeCompare(key(y))));
  });

  it('asks for the PARTITION BY columns in GROUP BY', () => {
    const tEnv = table('ev', 'k STRING, v INT, ts TIMESTAMP(3)', [], ", WATERMARK FOR ts AS ts - INTERVAL '1' SECOND");
    expect(() =>
      tEnv.sqlQuery(
        "SELECT v, COUNT(*) FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY v, window_start, window_end",
      ),
    ).toThrow('SESSION windows: GROUP BY must list window_start, window_end and the PARTITION BY columns (k)');
  });
});

describe('user-defined functions', () => {
  it('run TypeScript scalar functions with their declared type, listed by SHOW FUNCTIONS', async () => {
    const tEnv = table('u', 's STRING', [{ s: 'a/b/c' }, { s: null }]);
    tEnv.createTemporarySystemFunction('count_char', { resultType: 'INT', eval: (s: string | null, c: string) => (s === null ? null : s.split(c).length - 1) });
    tEnv.createTemporaryFunction('shout', (s: string | null) => (s === null ? null : `${s}!`), 'STRING');
    // A temporary system function comes before the built-in of the same name; a catalog one after it.
    tEnv.createTemporarySystemFunction('upper', (s: string | null) => `up:${s}`, 'STRING');
    tEnv.createTemporaryFunction('lower', () => 'never', 'STRING');
    const t = tEnv.sqlQuery("SELECT count_char(s, '/') AS n, SHOUT(s) AS x, UPPER(s) AS u, LOWER('A') AS l FROM u");
    expect(t.columns.map((c) => c.type.name)).toEqual(['INT', 'STRING', 'STRING', 'STRING']);
    expect(await t.execute().collect()).toEqual([
      { n: 2, x: 'a/b/c!', u: 'up:a/b/c', l: 'a' },
      { n: null, x: null, u: 'up:null', l: 'a' },
    ]);
    const user = await tEnv.executeSql('SHOW USER FUNCTIONS').collect();
    expect(user.map((r) => r['function name'])).toEqual(['count_char', 'lower', 'shout', 'upper']);
    const all = (await tEnv.executeSql('SHOW FUNCTIONS').collect()).map((r) => r['function name']);
    expect(all).toEqual(expect.arrayContaining(['count_char', 'regexp_extract', 'date_format', 'listagg', 'split_index']));
    expect(() => tEnv.sqlQuery('SELECT count_chr(s) FROM u')).toThrow('No function named COUNT_CHR; did you mean COUNT_CHAR?');
  });
});

describe('DDL and the clock', () => {
  it('computes DECIMAL and UDF columns in DDL, and CURRENT_TIMESTAMP is a TIMESTAMP_LTZ(3) of now', async () => {
    const path = join(dir, 'ddl.json');
    writeFileSync(path, JSON.stringify({ cents: 1999 }) + '\n');
    const tEnv = TableEnvironment.create();
    tEnv.createTemporarySystemFunction('half', (x: bigint | null) => (x === null ? null : x / 2n), 'DECIMAL(10, 2)');
    tEnv.executeSql(
      `CREATE TABLE o (cents INT, amount AS CAST(cents AS DECIMAL(10, 2)) / 100, halved AS half(CAST(cents AS DECIMAL(10, 2)))) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
    );
    const before = Date.now();
    const t = tEnv.sqlQuery('SELECT CAST(amount AS STRING) AS a, CAST(halved AS STRING) AS h, CURRENT_TIMESTAMP AS now FROM o');
    expect(t.columns.map((c) => c.type)).toEqual([{ name: 'STRING' }, { name: 'STRING' }, { name: 'TIMESTAMP_LTZ', precision: 3 }]);
    const [r] = await t.execute().collect();
    // DECIMAL(10, 2) / DECIMAL(10, 0) has scale max(6, 2 + 10 + 1) = 13, as Flink's.
    expect(r!.a).toBe('19.9900000000000');
    expect(r!.h).toBe('999.50');
    expect(r!.now as number).toBeGreaterThanOrEqual(before);
  });
});

describe('datagen', () => {
  it('generates DECIMAL (random in range at the scale, or a sequence), DATE, TIME and TIMESTAMP_LTZ values', async () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(
      "CREATE TABLE g (d DECIMAL(6, 2), s DECIMAL(5, 1), dt DATE, tm TIME, l TIMESTAMP_LTZ(3)) WITH ('connector' = 'datagen', 'fields.s.kind' = 'sequence', 'fields.s.start' = '1', 'fields.s.end' = '50', 'fields.d.min' = '-10', 'fields.d.max' = '10', 'fields.dt.max-past' = '864000000')",
    );
    const rows = await rowsOf(tEnv, 'SELECT d, s, dt, tm, l FROM g');
    expect(rows.map((r) => r.s)).toEqual(Array.from({ length: 50 }, (_v, i) => BigInt(i + 1) * 10n));
    const today = Math.floor(Date.now() / 86_400_000);
    for (const r of rows) {
      expect(typeof r.d).toBe('bigint');
      expect(r.d as bigint).toBeGreaterThanOrEqual(-1000n);
      expect(r.d as bigint).toBeLessThanOrEqual(1000n);
      expect(r.dt as number).toBeGreaterThanOrEqual(today - 11);
      expect(r.tm as number).toBeLessThan(86_400_000);
      expect(typeof r.l).toBe('number');
    }
    tEnv.executeSql("CREATE TABLE h (a ARRAY<INT>) WITH ('connector' = 'datagen', 'fields.a.kind' = 'sequence')");
    expect(() => tEnv.sqlQuery('SELECT a FROM h')).toThrow("column 'a': a ARRAY<INT> column cannot be a sequence");
  });

  it('datagen generates ARRAY, MAP and ROW values of their element types, fields.#.length elements, that SQL functions read', async () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(`CREATE TABLE c (id INT, a ARRAY<INT>, m MAP<STRING, DOUBLE>, r ROW<x BIGINT, y ROW<z BOOLEAN, w ARRAY<DATE>>>, n ARRAY<STRING>)
      WITH ('connector' = 'datagen', 'number-of-rows' = '40', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '40',
            'fields.a.length' = '5', 'fields.m.length' = '2', 'fields.n.null-rate' = '0.5')`);
    const t = tEnv.sqlQuery('SELECT id, a, m, r, n, CARDINALITY(a) AS ca, a[1] AS a1, r.y.z AS z FROM c');
    const rows = await t.execute().collect();
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_v, i) => i + 1));
    let nulls = 0;
    for (const row of rows) {
      const a = row.a as number[];
      expect(a).toHaveLength(5);
      for (const v of a) expect(Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31).toBe(true);
      expect(row.ca).toBe(5);
      expect(row.a1).toBe(a[0]);
      const m = row.m as Map<string, number>;
      expect(m.size).toBeGreaterThanOrEqual(1);
      expect(m.size).toBeLessThanOrEqual(2);
      for (const [k, v] of m) expect(typeof k === 'string' && typeof v === 'number' && v >= 0 && v <= 1).toBe(true);
      const r = row.r as { x: number; y: { z: boolean; w: number[] } };
      expect(Number.isSafeInteger(r.x)).toBe(true);
      expect(typeof r.y.z).toBe('boolean');
      expect(row.z).toBe(r.y.z);
      expect(r.y.w).toHaveLength(3);
      for (const d of r.y.w) expect(Number.isInteger(d)).toBe(true);
      if (row.n === null) nulls++;
      else expect((row.n as string[]).every((s) => typeof s === 'string' && s.length === 100)).toBe(true);
    }
    expect(nulls).toBeGreaterThan(0);
    expect(nulls).toBeLessThan(40);
  });
});

describe('type errors name the types', () => {
  const tEnv = table('te', 'd DECIMAL(10, 2), ts TIMESTAMP(3), s STRING, xs ARRAY<INT>', []);
  it.each([
    ['SELECT d + s FROM te', 'Operator + does not apply to DECIMAL(10, 2) and STRING'],
    ['SELECT CAST(ts AS INT) FROM te', 'Cannot cast TIMESTAMP(3) to INT'],
    ["SELECT xs['a'] FROM te", 'An ARRAY index must be an integer, not STRING'],
    ['SELECT d > ts FROM te', 'Cannot compare DECIMAL(10, 2) with TIMESTAMP(3)'],
    ["SELECT DATE_FORMAT(d, 'yyyy') FROM te", 'DATE_FORMAT expects a TIMESTAMP or DATE, not DECIMAL(10, 2)'],
    ["SELECT REPLACE(s, 1, 'x') FROM te", 'REPLACE expects a STRING, not INT'],
    ['SELECT SPLIT_INDEX(s) FROM te', 'SPLIT_INDEX takes 3 arguments, not 1'],
    ['SELECT TIMESTAMPADD(FORTNIGHT, 1, ts) FROM te', 'TIMESTAMPADD expects a time unit'],
    ['SELECT CAST(s AS DECIMAL(40, 2)) FROM te', 'DECIMAL(40, 2): the precision must be 1 to 38'],
    ['SELECT LISTAGG(d) FROM te', 'LISTAGG takes a STRING, not DECIMAL; use CAST'],
  ])('%s', (sql, message) => {
    expect(() => tEnv.sqlQuery(sql)).toThrow(message);
  });
});

describe('weir sql -f at parallelism 2', () => {
  it('carries DECIMAL, LISTAGG and DATE values through worker-thread slots into print', async () => {
    const csv = join(dir, 'p2.csv');
    writeFileSync(csv, 'a,1,2024-01-01 00:00:00\na,2,2024-01-01 00:00:05\nb,3,2024-01-01 00:00:06\na,4,2024-01-02 00:00:30\nb,5,2024-01-01 00:00:10\n');
    const script = join(dir, 'p2.sql');
    writeFileSync(
      script,
      `CREATE TABLE ev (k STRING, v INT, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');
CREATE TABLE out_p (k STRING, total DECIMAL(10, 2), n BIGINT, d DATE) WITH ('connector' = 'print');
INSERT INTO out_p SELECT k, SUM(CAST(v AS DECIMAL(10, 2)) / 4), COUNT(*), CAST(MAX(ts) AS DATE) FROM ev GROUP BY k;
`,
    );
    const r = await runCli(['sql', '-f', script, '-p', '2']);
    expect(r.code).toBe(0);
    // The last change of each key is its final row.
    const last = (k: string) =>
      r.stdout
        .split('\n')
        .filter((l) => l.includes(`[${k},`))
        .at(-1);
    expect(last('a')).toMatch(/\+[IU]\[a, 1\.75, 3, 2024-01-02\]$/);
    expect(last('b')).toMatch(/\+[IU]\[b, 2\.00, 2, 2024-01-01\]$/);
  });
});
