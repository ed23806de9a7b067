// Number literals typed as Flink types them (`1.5` a DECIMAL(2, 1), `1.5E0` a DOUBLE, integers INT
// or BIGINT), checked against DuckDB, which types them the same way: each result's type against
// DuckDB's typeof, DECIMAL results as exact text against DuckDB's, DOUBLE results as numbers; over
// literals alone and over random rows (fast-check, seeded) with NULLs in every column.
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { formatType, type SqlType } from '../../src/sql/sql-types.js';
import { decimalToString } from '../../src/sql/types/decimal.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-decimal-literals-'));
const path = join(dir, 't.json');
const SEED = Number(process.env.SQL_ORACLE_SEED ?? 4242);

const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { freq: 6, nil: null });
const row = fc.record({
  n: nullable(fc.oneof(fc.constantFrom(0, 1, 2, -1, -2, 2147483647, -2147483647), fc.integer({ min: -1000, max: 1000 }))),
  b: nullable(
    fc.oneof(
      fc.constantFrom(0, 9007199254740, -9007199254740, 9007199254740991, -9007199254740991, 4000000000000000000),
      fc.integer({ min: -10_000_000, max: 10_000_000 }),
    ),
  ),
  x: nullable(
    fc.oneof(
      fc.constantFrom(0, 0.5, 1.5, -0.5, 0.1),
      fc.integer({ min: -100_000, max: 100_000 }).map((c) => c / 100),
    ),
  ),
  d: nullable(
    fc.oneof(
      fc.constantFrom(0, 0.1, 0.11, -0.01, 1.5, 99999999.99),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((c) => c / 100),
    ),
  ),
});
// At least one row, so DuckDB's typeof has a row to answer on.
const rows = [{ n: 1, b: 2, x: 0.5, d: 1.5 }, ...fc.sample(row, { seed: SEED, numRuns: 200 })].map((r, id) => ({
  id,
  ...r,
  d: r.d === null ? null : r.d.toFixed(2),
}));
writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
const COLUMNS = 'id INT, n INT, b BIGINT, x DOUBLE, d DECIMAL(10, 2)';
const DUCK_COLUMNS = "{'id': 'INTEGER', 'n': 'INTEGER', 'b': 'BIGINT', 'x': 'DOUBLE', 'd': 'DECIMAL(10,2)'}";

let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  oracle = await duckdb({ t: `read_json('${path}', format = 'newline_delimited', columns = ${DUCK_COLUMNS})` });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** DuckDB's type names as Weir shows them: `DECIMAL(2,1)` is `DECIMAL(2, 1)`, INTEGER is INT. */
const weirTypeName = (duck: string) => duck.replace(/^DECIMAL\((\d+),(\d+)\)$/, 'DECIMAL($1, $2)').replace(/^INTEGER$/, 'INT');
/** DECIMAL text as Weir writes it (DuckDB writes 0.5 of a DECIMAL(1, 1) as `.5`). */
const decimalText = (s: string) => s.replace(/^(-?)\./, '$10.');

function environment(): TableEnvironment {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(`CREATE TABLE t (${COLUMNS}) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`);
  return tEnv;
}

/** Where DuckDB's result type differs from Flink's (it keeps a product of two narrow DECIMALs at 18 digits), Flink's. */
const FLINK_TYPES: Record<string, string> = { '(n % 1000 + 0.5) * (d - 0.25)': 'DECIMAL(23, 3)' };

/**
 * `items` (expressions, each written the same in both dialects) selected `from` a source in Weir
 * and in DuckDB: Weir's types equal DuckDB's typeof (or Flink's where the two differ), DECIMALs
 * equal as text, the rest as values.
 */
async function compare(items: readonly string[], from = ' FROM t', where = ''): Promise<{ types: string[]; rows: Values[] }> {
  const t = environment().sqlQuery(`SELECT ${items.map((e, i) => `${e} AS c${i}`).join(', ')}${from}${where}`);
  const types = t.columns.map((c) => formatType(c.type));
  const duckTypes = (await oracle.query(`SELECT ${items.map((e) => `typeof(${e})`).join(', ')}${from}${where} LIMIT 1`))[0]!.map(
    (v, i) => FLINK_TYPES[items[i]!] ?? weirTypeName(String(v)),
  );
  expect(types, 'types').toEqual(duckTypes);
  const weirRows = (await t.execute().collect()).map((r) => t.columns.map((c) => textOrValue(c.type, r[c.name] ?? null)));
  const duckRows = await oracle.query(
    `SELECT ${items.map((e, i) => (types[i]!.startsWith('DECIMAL') ? `CAST(${e} AS VARCHAR)` : e)).join(', ')}${from}${where}`,
  );
  const expected = duckRows.map((r) => r.map((v, i) => (types[i]!.startsWith('DECIMAL') && typeof v === 'string' ? decimalText(v) : v)));
  expect(multiset(weirRows), 'rows').toEqual(multiset(expected));
  return { types, rows: weirRows };
}

const textOrValue = (type: SqlType, v: unknown) => (type.name === 'DECIMAL' && typeof v === 'bigint' ? decimalToString(v, type.scale ?? 0) : v);

describe('number literals are typed as in Flink and agree with DuckDB', () => {
  it('types literals by their digits: DECIMAL(p, s), INT, BIGINT, DOUBLE', async () => {
    const { types, rows } = await compare(['1.5', '0.10', '.5', '123.456', '00012.50', '1', '3000000000', '1.5E0', '-1.5', '-0.10'], '');
    expect(types).toEqual([
      'DECIMAL(2, 1)',
      'DECIMAL(3, 2)',
      'DECIMAL(1, 1)',
      'DECIMAL(6, 3)',
      'DECIMAL(7, 2)',
      'INT',
      'BIGINT',
      'DOUBLE',
      'DECIMAL(2, 1)',
      'DECIMAL(3, 2)',
    ]);
    expect(rows).toEqual([['1.5', '0.10', '0.5', '123.456', '12.50', 1, 3000000000, 1.5, '-1.5', '-0.10']]);
  });

  it('adds, subtracts and multiplies literals exactly with Flink result types', async () => {
    const { rows } = await compare(
      ['0.1 + 0.2', '1.5 * 2.25', '1.5 - 0.25', '1.5 + 1', '1.5 * 1', '3000000000 * 0.5', '0.1 + 0.2 = 0.3', '1.5 > 1', '1 = 1.0', '2.50 = 2.5'],
      '',
    );
    expect(rows[0]!.slice(0, 3)).toEqual(['0.3', '3.375', '1.25']);
    expect(rows[0]!.slice(6)).toEqual([true, true, true, true]);
  });

  it('gives DOUBLE when a DECIMAL meets a DOUBLE, and casts literals', async () => {
    const { rows } = await compare(
      ['1.5E0 + 0.5', '0.1 * 1.0E0', 'CAST(1.25 AS DECIMAL(4, 1))', 'CAST(-1.25 AS DECIMAL(4, 1))', 'CAST(0.5 AS DOUBLE)', 'CAST(3 AS DECIMAL(5, 2))'],
      '',
    );
    expect(rows[0]!.slice(2, 4)).toEqual(['1.3', '-1.3']);
  });

  it('sums 0.1 ten times to exactly 1.0', async () => {
    const { rows } = await compare(['SUM(0.1)'], ' FROM t', ' WHERE id < 10');
    expect(rows).toEqual([['1.0']]);
  });

  it('mixes literals with INT, BIGINT, DOUBLE and DECIMAL columns (with NULLs)', async () => {
    await compare([
      'n * 0.5',
      'n + 1.25',
      'n - 0.1',
      'b * 0.908',
      'd * 0.908',
      'd - 0.1',
      'd + 1',
      '(n % 1000 + 0.5) * (d - 0.25)',
      'x * 0.5',
      'x + 0.1',
      '-(d * 1.5)',
    ]);
  });

  it('compares columns with literals exactly, at the scale of either side', async () => {
    await compare([
      'n > 1.5',
      'n >= 1.5',
      'n < -1.5',
      'n <= 2.0',
      'n = 2.0',
      'n = 1.5',
      'n <> 1.5',
      '1.5 < n',
      'b >= 0.5',
      'x > 0.5',
      'x = 0.1',
      'x <= 1.5',
      'd > 0.105',
      'd <= -0.005',
      'd = 0.1',
      'd = 0.110',
      'd <> 1.50',
      'n IN (1.0, 2.5, 3)',
      'd BETWEEN 0.1 AND 1.5',
      'x IN (0.5, 1.5)',
    ]);
  });

  it('filters with literals in WHERE', async () => {
    await compare(['id', 'n', 'd'], ' FROM t', ' WHERE d * 0.908 > 100.5 AND n > 1.5 OR x < -0.25');
  });

  it('CASE, COALESCE and IF find the common DECIMAL of literals and columns', async () => {
    await compare([
      'CASE WHEN n > 0 THEN 1.5 ELSE 0.25 END',
      'COALESCE(d, 0.5)',
      'COALESCE(n, 0.5)',
      'CASE WHEN n > 0 THEN d ELSE 1.125 END',
      'CASE WHEN n > 0 THEN x ELSE 0.5 END',
    ]);
  });

  it('groups by keys with literals, and aggregates them', async () => {
    await compare(['n % 3 * 0.5', 'SUM(d * 1.5)', 'COUNT(*)', 'SUM(0.25)', 'MAX(n * 0.1)', 'MIN(x + 0.5)'], ' FROM t', ' GROUP BY n % 3 * 0.5');
  });

  it('UNION ALL and VALUES take the common DECIMAL of their branches, each value at its scale', async () => {
    const queries = [
      'SELECT 1.5 AS a UNION ALL SELECT 0.25 UNION ALL SELECT 1',
      'SELECT * FROM (VALUES (1.5), (0.25), (-3)) AS v(a)',
      'SELECT n * 0.5 AS a FROM t UNION ALL SELECT d FROM t',
    ];
    for (const q of queries) {
      const t = environment().sqlQuery(q);
      const type = t.columns[0]!.type;
      const duckType = (await oracle.query(`SELECT typeof(a) FROM (${q}) LIMIT 1`))[0]![0] as string;
      expect(formatType(type), q).toBe(weirTypeName(duckType));
      const texts = (await t.execute().collect()).map((r) => [textOrValue(type, r.a ?? null)]);
      const expected = (await oracle.query(`SELECT CAST(a AS VARCHAR) FROM (${q})`)).map((r) => [r[0] === null ? null : decimalText(r[0] as string)]);
      expect(multiset(texts), q).toEqual(multiset(expected));
    }
  });

  it('INSERT takes a DECIMAL into a DOUBLE column and an integer into a DECIMAL one, as Flink casts them', async () => {
    const out = join(dir, 'insert-out');
    const tEnv = environment();
    tEnv.executeSql(`CREATE TABLE o (p DOUBLE, q DECIMAL(12, 3)) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json')`);
    await tEnv.executeSql('INSERT INTO o SELECT n * 0.5, n FROM t WHERE id < 3').await();
    const written = readdirSync(out)
      .filter((f) => !f.startsWith('.'))
      .flatMap((f) => readFileSync(join(out, f), 'utf8').trim().split('\n'))
      .map((l) => JSON.parse(l) as { p: number | null; q: string | null });
    const expected = rows.filter((r) => r.id < 3).map((r) => ({ p: r.n === null ? null : r.n * 0.5, q: r.n === null ? null : r.n.toFixed(3) }));
    expect(written.map((w) => JSON.stringify(w)).sort()).toEqual(expected.map((w) => JSON.stringify(w)).sort());
    expect(() => tEnv.executeSql("CREATE TABLE i (v INT) WITH ('connector' = 'blackhole')") && tEnv.executeSql('INSERT INTO i SELECT 1.5')).toThrow(
      /column 'v' is INT but the query gives DECIMAL\(2, 1\)/,
    );
  });

  it('DESCRIBE shows the types of literals, EXPLAIN the literals as written, and literals out of range are errors', async () => {
    const tEnv = environment();
    tEnv.executeSql(
      'CREATE VIEW v AS SELECT 1.5 AS a, 0.10 AS b, n * 0.5 AS h, b * 0.908 AS p, x * 0.5 AS y, 1.5E0 AS e, 3000000000 AS g FROM t WHERE n > 1.5',
    );
    expect((await tEnv.executeSql('DESCRIBE v').collect()).map((r) => `${r.name} ${r.type} ${r.null}`)).toEqual([
      'a DECIMAL(2, 1) false',
      'b DECIMAL(3, 2) false',
      'h DECIMAL(12, 1) true',
      'p DECIMAL(23, 3) true',
      'y DOUBLE true',
      'e DOUBLE false',
      'g BIGINT false',
    ]);
    const plan = (await tEnv.executeSql('EXPLAIN SELECT b * 0.908 AS p FROM t WHERE d > 0.105').collect()).map((r) => Object.values(r).join('')).join('\n');
    expect(plan).toContain('Calc(select=[b * 0.908 AS p], where=[d > 0.105])');
    const values = (await tEnv.executeSql('EXPLAIN SELECT * FROM (VALUES (1.5), (0.25))').collect()).map((r) => Object.values(r).join('')).join('\n');
    expect(values).toContain('type=[DECIMAL(3, 2)]');
    expect(() => tEnv.sqlQuery('SELECT 9223372036854775808')).toThrow(/Numeric literal '9223372036854775808' out of range/);
    expect(() => tEnv.sqlQuery(`SELECT 0.${'1'.repeat(38)}`)).toThrow(/out of range: a DECIMAL has at most 38 digits/);
  });
});
