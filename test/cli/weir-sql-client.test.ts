// `weir sql` without -f: the interactive client, driven through piped standard input (non-TTY
// mode: plain output, no prompts), and once through a pseudo-terminal (`script`) when present.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isQuit, statementComplete } from '../../src/cli/sql-client-input.js';
import { finish, root, type CliRun } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'sales.csv'), 'ann,5\nbob,3\nann,7\n');
const SALES = `CREATE TABLE sales (who STRING, amount INT)\n  WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'sales.csv')}', 'format' = 'csv');\n`;

/** Runs `weir sql` with `input` on its standard input and $WEIR_HOME at `home`. */
function session(input: string, home: string): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sql'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, WEIR_HOME: home },
  });
  child.stdin.end(input);
  return finish(child);
}

describe('weir sql (interactive client) with piped input', { concurrent: true }, () => {
  it('runs multi-line statements, shows results in each mode, keeps going after an error and stops at QUIT', async () => {
    const home = join(dir, 'home1');
    const r = await session(
      SALES +
        'SELECT who,\n  SUM(amount) AS total\nFROM sales\nGROUP BY who;\n' +
        "SET 'sql-client.execution.result-mode' = 'changelog';\n" +
        'SELECT who, SUM(amount) AS total FROM sales GROUP BY who;\n' +
        'SELECT who FRM sales;\n' +
        "SET 'sql-client.execution.result-mode' = 'tableau';\n" +
        "SELECT who, amount FROM sales WHERE who = 'bob'; SELECT 'x;y' AS s FROM sales WHERE amount = 3;\n" +
        'quit;\n' +
        'SHOW TABLES;\n',
      home,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    // table mode: the final rows, no op column.
    expect(out).toContain('| who | total |');
    expect(out).toContain('| ann |    12 |');
    expect(out).not.toContain('| ann |     5 |');
    // changelog mode: every change as it came.
    expect(out.filter((l) => /^[-+][IUD]\[/.test(l))).toEqual(['+I[ann, 5]', '+I[bob, 3]', '-U[ann, 5]', '+U[ann, 12]']);
    // The error with its caret, then the session went on.
    expect(r.stdout).toContain(
      "[ERROR] Could not execute SQL statement. Reason:\nSqlError: Expected FROM but found 'sales' (line 1, column 16)\n  SELECT who FRM sales;\n                 ^",
    );
    expect(out).toContain('| bob |      3 |');
    expect(out).toContain('| x;y |');
    // Nothing after QUIT ran.
    expect(r.stdout).not.toContain('table name');
    // History: one line per statement, in $WEIR_HOME.
    const history = readFileSync(join(home, 'sql_history'), 'utf8').split('\n');
    expect(history).toContain('SELECT who, SUM(amount) AS total FROM sales GROUP BY who;');
    expect(history).toContain('SELECT who FRM sales;');
    expect(history).not.toContain('quit;');
  });

  it('submits INSERTs and statement sets, waits for them at the end of the input, and says what an unfinished statement left', async () => {
    const r = await session(
      SALES +
        "CREATE TABLE a (who STRING) WITH ('connector' = 'print', 'print-identifier' = 'a');\n" +
        "CREATE TABLE b (amount INT) WITH ('connector' = 'print', 'print-identifier' = 'b');\n" +
        'BEGIN STATEMENT SET;\nINSERT INTO a SELECT who FROM sales;\nINSERT INTO b SELECT amount FROM sales WHERE amount > 4;\nEND;\n' +
        'SELECT who FROM sales',
      join(dir, 'home2'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("[INFO] Submitted job 'insert-into_default_catalog.default_database.a,default_catalog.default_database.b'");
    const out = r.stdout.split('\n');
    expect(out.filter((l) => l.startsWith('a: ')).sort()).toEqual(['a: +I[ann]', 'a: +I[ann]', 'a: +I[bob]']);
    expect(out.filter((l) => l.startsWith('b: ')).sort()).toEqual(['b: +I[5]', 'b: +I[7]']);
    expect(r.stdout).toContain("[WARNING] Not run: the input ended inside a statement (no closing ';'):\nSELECT who FROM sales");
  });
});

describe('the end of a statement typed over several lines', () => {
  it("is a ';' outside strings and comments, and a statement set's END;", () => {
    expect(statementComplete('SELECT 1')).toBe(false);
    expect(statementComplete('SELECT a\nFROM t;')).toBe(true);
    expect(statementComplete("SELECT ';")).toBe(false);
    expect(statementComplete("SELECT ';\n';")).toBe(true);
    expect(statementComplete('SELECT 1 /* ; */')).toBe(false);
    expect(statementComplete('SELECT 1; -- done')).toBe(true);
    expect(statementComplete('BEGIN STATEMENT SET;')).toBe(false);
    expect(statementComplete('BEGIN STATEMENT SET;\nINSERT INTO a SELECT * FROM t;')).toBe(false);
    expect(statementComplete('BEGIN STATEMENT SET;\nINSERT INTO a SELECT * FROM t;\nEND;')).toBe(true);
    expect(statementComplete('EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM t; END;')).toBe(true);
    expect(statementComplete('EXPLAIN STATEMENT SET BEGIN INSERT INTO a SELECT * FROM t;')).toBe(false);
    expect(isQuit('QUIT;')).toBe(true);
    expect(isQuit(' exit ; ')).toBe(true);
    expect(isQuit('quit_table;')).toBe(false);
  });
});

// A pseudo-terminal through util-linux `script`: the table mode draws the rows in place.
const hasScript = spawnSync('script', ['--version']).status === 0;
describe.skipIf(!hasScript)('weir sql on a terminal', () => {
  it('prompts, continues a multi-line statement, draws the table and stops a query at Ctrl-C', async () => {
    const home = join(dir, 'home3');
    const cmd = `${process.execPath} --import tsx src/cli/main.ts sql`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, WEIR_HOME: home, TERM: 'xterm' },
    });
    let seen = '';
    child.stdout.on('data', (d) => (seen += d));
    /** Waits until `text` has been printed `times` times. */
    const waitFor = async (text: string, times = 1) => {
      while (seen.split(text).length <= times) await new Promise((r) => setTimeout(r, 50));
    };
    const done = finish(child);
    await waitFor('Weir SQL> ');
    child.stdin.write(SALES.replace('\n  ', ' '));
    await waitFor('Execute statement succeeded');
    child.stdin.write('SELECT who, SUM(amount) AS total\r');
    await waitFor('        > ');
    child.stdin.write('FROM sales GROUP BY who;\r');
    await waitFor('2 rows in set');
    // An unbounded query runs, redrawn in place, until Ctrl-C stops it; the session goes on.
    child.stdin.write("CREATE TABLE endless (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '50');\r");
    await waitFor('Execute statement succeeded', 2);
    child.stdin.write('SELECT COUNT(*) AS c FROM endless;\r');
    // Its count has been drawn at least once: the query runs (the first query said "Ctrl-C" too).
    await waitFor('| c ');
    await waitFor('Ctrl-C stops the query', seen.split('Ctrl-C stops the query').length);
    child.stdin.write('\x03');
    await waitFor('Query stopped');
    child.stdin.write('QUIT;\r');
    const r = await done;
    expect(r.code, seen).toBe(0);
    expect(seen).toContain('| ann |    12 |');
    expect(seen).toContain('Goodbye!');
    expect(existsSync(join(home, 'sql_history'))).toBe(true);
  });
});
