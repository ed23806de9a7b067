// A statement set runs several INSERTs as one job with a sink each: from SQL (EXECUTE STATEMENT SET
// and the older BEGIN STATEMENT SET form) and from TypeScript (createStatementSet). The files the
// sinks write are checked against what plain code computes from the same input.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The package entry wires the local executor.
import '../../src/index.js';
import { parseScript, SqlError, TableEnvironment } from '../../src/sql/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-statement-set-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const orders = Array.from({ length: 200 }, (_v, i) => ({ id: i + 1, customer: `c${i % 7}`, amount: (i * 37) % 101 }));
writeFileSync(join(dir, 'orders.csv'), orders.map((o) => `${o.id},${o.customer},${o.amount}`).join('\n') + '\n');

/** A TableEnvironment with the orders file and two filesystem sinks under a fresh directory. */
function setup(name: string): { t: TableEnvironment; big: string; small: string } {
  const big = join(dir, name, 'big');
  const small = join(dir, name, 'small');
  const t = TableEnvironment.create();
  t.executeSql(
    `CREATE TABLE orders (id INT, customer STRING, amount INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'orders.csv')}', 'format' = 'csv')`,
  );
  t.executeSql(`CREATE TABLE big (id INT, amount INT) WITH ('connector' = 'filesystem', 'path' = '${big}', 'format' = 'csv')`);
  t.executeSql(`CREATE TABLE small (customer STRING, id INT) WITH ('connector' = 'filesystem', 'path' = '${small}', 'format' = 'csv')`);
  return { t, big, small };
}

function lines(path: string): string[] {
  return readdirSync(path)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(path, f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
}

const expectedBig = orders
  .filter((o) => o.amount >= 50)
  .map((o) => `${o.id},${o.amount}`)
  .sort();
const expectedSmall = orders
  .filter((o) => o.amount < 50)
  .map((o) => `${o.customer.toUpperCase()},${o.id}`)
  .sort();
const INSERT_BIG = 'INSERT INTO big SELECT id, amount FROM orders WHERE amount >= 50';
const INSERT_SMALL = 'INSERT INTO small SELECT UPPER(customer), id FROM orders WHERE amount < 50';

describe('a statement set', () => {
  it('EXECUTE STATEMENT SET BEGIN ... END runs both INSERTs as one job', async () => {
    const { t, big, small } = setup('execute');
    const result = t.executeSql(`EXECUTE STATEMENT SET BEGIN ${INSERT_BIG}; ${INSERT_SMALL}; END;`);
    const job = await result.jobClient!.result;
    expect(lines(big)).toEqual(expectedBig);
    expect(lines(small)).toEqual(expectedSmall);
    // One job: its metrics hold both sinks with the rows plain code expects.
    expect(job.metrics.filter((m) => m.name === 'filesystem big' || m.name === 'filesystem small').map((m) => [m.name, m.recordsIn])).toEqual([
      ['filesystem big', expectedBig.length],
      ['filesystem small', expectedSmall.length],
    ]);
  });

  it("parses Flink's older BEGIN STATEMENT SET; ... END; form of a script as one statement", async () => {
    const { t, big, small } = setup('begin');
    const script = `BEGIN STATEMENT SET;\n${INSERT_BIG};\n${INSERT_SMALL};\nEND;\nSHOW TABLES;`;
    const statements = parseScript(script);
    expect(statements.map((s) => s.statement.kind)).toEqual(['statementSet', 'showTables']);
    await t.executeStatement(statements[0]!.statement, script).await();
    expect(lines(big)).toEqual(expectedBig);
    expect(lines(small)).toEqual(expectedSmall);
  });

  it('createStatementSet().addInsertSql(...).execute() from TypeScript, and explain() shows both sinks', async () => {
    const { t, big, small } = setup('api');
    const set = t.createStatementSet().addInsertSql(INSERT_BIG).addInsertSql(INSERT_SMALL);
    const plan = set.explain();
    expect(plan).toContain('== Physical Plan ==');
    await set.execute().await();
    expect(lines(big)).toEqual(expectedBig);
    expect(lines(small)).toEqual(expectedSmall);
  });

  it('EXPLAIN STATEMENT SET plans both INSERTs into one plan', async () => {
    const { t } = setup('explain');
    const one = await t.executeSql(`EXPLAIN ${INSERT_BIG}`).format();
    const both = await t.executeSql(`EXPLAIN STATEMENT SET BEGIN ${INSERT_BIG}; ${INSERT_SMALL}; END`).format();
    const sinkLines = (plan: string) => plan.split('\n').filter((l) => /^\S/.test(l) && l.includes('[sink]')).length;
    expect(sinkLines(both)).toBe(2 * sinkLines(one));
  });

  it('takes only INSERTs, at least one, and checks each when it is added', () => {
    const { t } = setup('errors');
    expect(() => t.executeSql('EXECUTE STATEMENT SET BEGIN SELECT * FROM orders; END')).toThrow(/Expected INSERT in the statement set/);
    expect(() => t.executeSql('EXECUTE STATEMENT SET BEGIN END')).toThrow(/at least one INSERT/);
    expect(() => t.executeSql(`EXECUTE STATEMENT SET BEGIN ${INSERT_BIG}; CREATE TABLE x (a INT); END`)).toThrow(/Expected INSERT or END/);
    expect(() => t.createStatementSet().addInsertSql('SELECT * FROM orders')).toThrow(SqlError);
    expect(() => t.createStatementSet().addInsertSql('INSERT INTO bigg SELECT id, amount FROM orders')).toThrow(/bigg/);
    expect(() => t.createStatementSet().execute()).toThrow(/empty/);
  });
});
