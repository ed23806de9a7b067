// CREATE FUNCTION name AS 'module#export' loads a JavaScript module's export as a SQL function
// (scalar, table or aggregate); DROP FUNCTION removes it. Expected results from plain code.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { runCli } from '../cli/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-create-fn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const esm = join(dir, 'udfs.mjs');
writeFileSync(
  esm,
  `export const half = { resultType: 'DOUBLE', eval: (x) => (x === null ? null : x / 2) };
// Methods that use \`this\`: the definition objects are called as such.
export const digits = { kind: 'table', columns: { d: 'INT' }, radix: 10, eval(n) { return n === null ? [] : [...n.toString(this.radix)].map(Number); } };
export const product = {
  kind: 'aggregate',
  resultType: 'BIGINT',
  one: 1,
  createAccumulator() { return { p: this.one }; },
  accumulate(acc, v) { if (v !== null) acc.p *= v; },
  getValue: (acc) => acc.p,
};
function shout(s) { return s === null ? null : s.toUpperCase() + '!'; }
shout.resultType = 'STRING';
export default shout;
export const notAFunction = 42;
`,
);
const cjs = join(dir, 'twice.cjs');
writeFileSync(cjs, "module.exports = { resultType: 'INT', eval: (x) => (x === null ? null : x * 2) };\n");

function tEnv(): TableEnvironment {
  const t = TableEnvironment.create();
  t.executeSql(
    "CREATE TABLE nums (n INT, s STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '12', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '12', 'fields.s.length' = '3')",
  );
  return t;
}
const NS = Array.from({ length: 12 }, (_v, i) => i + 1);

describe('CREATE FUNCTION ... AS module#export', () => {
  it('registers scalar, table and aggregate functions from an ES module and a CommonJS module', async () => {
    const t = tEnv();
    t.executeSql(`CREATE FUNCTION half AS '${esm}#half' LANGUAGE JAVASCRIPT`);
    t.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION digits AS '${esm}#digits'`);
    t.executeSql(`CREATE TEMPORARY FUNCTION product AS '${esm}#product' LANGUAGE TYPESCRIPT`);
    t.executeSql(`CREATE FUNCTION shout AS '${esm}'`);
    t.executeSql(`CREATE FUNCTION twice AS '${cjs}'`);
    const scalar = await t.sqlQuery('SELECT n, half(n) AS h, twice(n) AS t, shout(s) AS u, s FROM nums').execute().collect();
    expect(scalar.map((r) => [r.n, r.h, r.t]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(NS.map((n) => [n, n / 2, n * 2]));
    for (const r of scalar) expect(r.u).toBe(`${(r.s as string).toUpperCase()}!`);
    const table = await t.sqlQuery('SELECT n, d FROM nums, LATERAL TABLE(digits(n)) AS T(d)').execute().collect();
    expect(table.map((r) => [r.n, r.d]).sort()).toEqual(NS.flatMap((n) => [...String(n)].map((d) => [n, Number(d)])).sort());
    const agg = await t.sqlQuery('SELECT n % 3 AS k, product(n) AS p FROM nums GROUP BY n % 3').execute().collect();
    expect(agg.map((r) => [r.k, r.p]).sort()).toEqual([0, 1, 2].map((k) => [k, NS.filter((n) => n % 3 === k).reduce((a, b) => a * b, 1)]).sort());
    expect((await t.executeSql('SHOW USER FUNCTIONS').collect()).map((r) => r['function name'])).toEqual(['digits', 'half', 'product', 'shout', 'twice']);
  });

  it('DROP FUNCTION removes it; IF EXISTS and IF NOT EXISTS', async () => {
    const t = tEnv();
    t.executeSql(`CREATE FUNCTION half AS '${esm}#half'`);
    t.executeSql(`CREATE FUNCTION IF NOT EXISTS half AS '${esm}#nowhere'`);
    t.executeSql('DROP FUNCTION half');
    expect(() => t.sqlQuery('SELECT half(n) FROM nums')).toThrow('No function named HALF');
    t.executeSql('DROP FUNCTION IF EXISTS half');
    t.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION half AS '${esm}#half'`);
    t.executeSql('DROP TEMPORARY SYSTEM FUNCTION half');
    expect(t.listUserDefinedFunctions()).toEqual([]);
  });

  it.each([
    [`CREATE FUNCTION f AS '${esm}#missing'`, `module '${esm}' has no export 'missing' (it exports`],
    [`CREATE FUNCTION f AS '${esm}#notAFunction'`, "export 'notAFunction' is not a function Weir can register"],
    [`CREATE FUNCTION f AS '${join(dir, 'nope.mjs')}#f'`, `cannot load module '${join(dir, 'nope.mjs')}'`],
    [`CREATE FUNCTION f AS '${esm}#half' LANGUAGE JAVA`, 'LANGUAGE JAVA is not supported: Weir loads functions from JavaScript or TypeScript modules'],
    [`CREATE FUNCTION f AS '${esm}#half' USING JAR 'x.jar'`, 'CREATE FUNCTION ... USING JAR is not supported yet'],
    ['DROP FUNCTION nothing', "Function 'nothing' does not exist"],
    ['DROP TEMPORARY SYSTEM FUNCTION nothing', "Temporary system function 'nothing' does not exist"],
  ])('%s fails naming the problem', (sql, message) => {
    expect(() => tEnv().executeSql(sql)).toThrow(message);
  });

  it('a name taken by another user function is refused', () => {
    const t = tEnv();
    t.executeSql(`CREATE FUNCTION half AS '${esm}#half'`);
    expect(() => t.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION half AS '${esm}#half'`)).toThrow(
      "A temporary function 'half' is already registered under that name",
    );
  });
});

describe('CREATE FUNCTION in weir sql -f', () => {
  it('a script loads its functions, also in the worker-thread slots that rebuild the plan at -p 2', async () => {
    const out = join(dir, 'digits-out');
    const script = join(dir, 'digits.sql');
    writeFileSync(
      script,
      `CREATE TEMPORARY SYSTEM FUNCTION digits AS '${esm}#digits' LANGUAGE JAVASCRIPT;
CREATE FUNCTION half AS '${esm}#half';
CREATE TABLE nums (n BIGINT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '300');
CREATE TABLE out_digits (n BIGINT, d INT, h DOUBLE) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv');
INSERT INTO out_digits SELECT n, d, half(d) FROM nums, LATERAL TABLE(digits(n)) AS T(d);
`,
    );
    const r = await runCli(['sql', '-f', script, '-p', '2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readdirSync(out)
      .filter((f) => !f.startsWith('.'))
      .flatMap((f) => readFileSync(join(out, f), 'utf8').trim().split('\n'));
    const expected = Array.from({ length: 300 }, (_v, i) => i + 1).flatMap((n) => [...String(n)].map((d) => `${n},${d},${Number(d) / 2}`));
    expect(lines.sort()).toEqual(expected.sort());
  }, 60_000);
});
