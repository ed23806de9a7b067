// `weir sql -f script.sql` runs a script to its end: DDL, SET, SHOW, SELECT and an INSERT whose
// job ends with its bounded input; a wrong statement stops the script with the caret message.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('weir sql -f', { concurrent: true }, () => {
  it('runs DDL, SHOW, SELECT and INSERT and exits when the bounded input is done', async () => {
    writeFileSync(join(dir, 'orders.csv'), '1,ann,12.5\n2,bob,3\n3,cy,40\n');
    const script = join(dir, 'script.sql');
    writeFileSync(
      script,
      `-- big orders to standard output
CREATE TABLE orders (id INT, customer STRING, amount DOUBLE) WITH (
  'connector' = 'filesystem', 'path' = '${join(dir, 'orders.csv')}', 'format' = 'csv'
);
CREATE TABLE big_orders (id INT, customer STRING) WITH ('connector' = 'print', 'print-identifier' = 'big');
SET 'pipeline.name' = 'big-orders';
SHOW TABLES;
SELECT id, amount * 2 AS doubled FROM orders WHERE id > 1;
INSERT INTO big_orders SELECT id, UPPER(customer) FROM orders WHERE amount > 10;
`,
    );
    const r = await runCli(['sql', '-f', script]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out).toContain('| big_orders |');
    expect(out).toContain('|  2 |     6.0 |');
    expect(out).toContain('|  3 |    80.0 |');
    expect(out.filter((l) => l.startsWith('big: '))).toEqual(['big: +I[1, ANN]', 'big: +I[3, CY]']);
    expect(r.stderr).toContain("Job 'big-orders' FINISHED");
  });

  it('runs an INSERT in two worker-thread slots that rebuild its plan from the script', async () => {
    const out = join(dir, 'evens');
    const script = join(dir, 'parallel.sql');
    writeFileSync(
      script,
      `CREATE TABLE nums (n BIGINT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '1000');
CREATE TABLE evens (n BIGINT, half BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv');
INSERT INTO evens SELECT n, n / 2 FROM nums WHERE n % 2 = 0;
`,
    );
    const r = await runCli(['sql', '-f', script, '-p', '2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readdirSync(out)
      .filter((f) => !f.startsWith('.'))
      .flatMap((f) => readFileSync(join(out, f), 'utf8').trim().split('\n'));
    expect(r.stderr).toMatch(/datagen: nums +2 +1,000 +1,000/);
    expect(lines.sort()).toEqual(Array.from({ length: 500 }, (_v, i) => `${2 * (i + 1)},${i + 1}`).sort());
  });

  it('runs a statement set as one job in two worker-thread slots that rebuild it from the script', async () => {
    const evens = join(dir, 'set-evens');
    const odds = join(dir, 'set-odds');
    const script = join(dir, 'set.sql');
    writeFileSync(
      script,
      `CREATE TABLE nums (n BIGINT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '400');
CREATE TABLE evens (n BIGINT) WITH ('connector' = 'filesystem', 'path' = '${evens}', 'format' = 'csv');
CREATE TABLE odds (n BIGINT, sq BIGINT) WITH ('connector' = 'filesystem', 'path' = '${odds}', 'format' = 'csv');
BEGIN STATEMENT SET;
INSERT INTO evens SELECT n FROM nums WHERE n % 2 = 0;
INSERT INTO odds SELECT n, n * n FROM nums WHERE n % 2 = 1;
END;
`,
    );
    const r = await runCli(['sql', '-f', script, '-p', '2']);
    expect(r.code, r.stderr).toBe(0);
    const read = (path: string) =>
      readdirSync(path)
        .filter((f) => !f.startsWith('.'))
        .flatMap((f) => readFileSync(join(path, f), 'utf8').trim().split('\n'))
        .sort();
    const ns = Array.from({ length: 400 }, (_v, i) => i + 1);
    expect(r.stderr).toContain('[INFO] Running STATEMENT SET (INSERT INTO evens, odds)');
    expect(r.stderr.match(/FINISHED/g)).toHaveLength(1);
    expect(read(evens)).toEqual(
      ns
        .filter((n) => n % 2 === 0)
        .map(String)
        .sort(),
    );
    expect(read(odds)).toEqual(
      ns
        .filter((n) => n % 2 === 1)
        .map((n) => `${n},${n * n}`)
        .sort(),
    );
  });

  it('prints a GROUP BY as a changelog: the op column of a SELECT, -U[...]/+U[...] rows of print, EXPLAIN as text', async () => {
    writeFileSync(join(dir, 'sales.csv'), 'ann,5\nbob,3\nann,7\n');
    const script = join(dir, 'group.sql');
    writeFileSync(
      script,
      `CREATE TABLE sales (who STRING, amount INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'sales.csv')}', 'format' = 'csv');
CREATE TABLE totals (who STRING, total INT) WITH ('connector' = 'print');
SELECT who, SUM(amount) AS total FROM sales GROUP BY who;
EXPLAIN INSERT INTO totals SELECT who, SUM(amount) FROM sales GROUP BY who;
INSERT INTO totals SELECT who, SUM(amount) FROM sales GROUP BY who;
`,
    );
    const r = await runCli(['sql', '-f', script]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out).toContain('| op | who | total |');
    expect(out.filter((l) => /^\| [-+][IU] \|/.test(l))).toEqual([
      '| +I | ann |     5 |',
      '| +I | bob |     3 |',
      '| -U | ann |     5 |',
      '| +U | ann |    12 |',
    ]);
    expect(out).toContain('== Physical Plan ==');
    expect(out.some((l) => l.includes('GroupAggregate(groupBy=[who], select=[SUM(amount)])') && l.endsWith('changelogMode=[I,UB,UA,D]'))).toBe(true);
    expect(out.filter((l) => /^[-+][IUD]\[/.test(l))).toEqual(['+I[ann, 5]', '+I[bob, 3]', '-U[ann, 5]', '+U[ann, 12]']);
  });

  it('stops at a wrong statement with the line, column and caret, and exits with 1', async () => {
    const script = join(dir, 'bad.sql');
    writeFileSync(script, "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\nSELECT a FRM t;\n");
    const r = await runCli(['sql', '-f', script]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Expected FROM but found 't' (line 2, column 14)\n  SELECT a FRM t;\n               ^");
  });
});
