// Bounded queries of the shapes the DuckDB-oracle tests check (filters and expressions with NULLs,
// GROUP BY with COUNT/SUM/MIN/MAX/AVG/COUNT DISTINCT, inner and left joins, a GROUP BY over a join)
// timed in Weir's batch mode and in DuckDB, in the same run over the same JSON Lines files. Both
// engines read the files on each query (DuckDB through views over read_json) and hand every result
// row to the caller. One JSON line per query: wall-clock and CPU ms of the best of `runs` after a
// warm-up, `ratio` = Weir / DuckDB by wall clock and `cpuRatio` by CPU time.
// `npm run bench -- --sql-batch [--rows N] [--runs R]` or `npx tsx bench/sql/batch-vs-duckdb.ts [--rows N] [--runs R]`.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

/** [name, Weir's text, DuckDB's text when the dialects differ]. */
const QUERIES: [string, string, string?][] = [
  ['filter-project', 'SELECT k, n * 2 + 1 AS m, UPPER(s) AS u, COALESCE(x, n) AS c FROM a WHERE n > 0 AND (f OR s IS NULL)'],
  [
    'case-null',
    "SELECT CASE WHEN x > 10 THEN 'hi' WHEN x IS NULL THEN 'none' ELSE 'lo' END AS b, CHAR_LENGTH(TRIM(s)) AS l FROM a WHERE n BETWEEN -5 AND 5 OR s LIKE '%b%'",
  ],
  ['group-by', 'SELECT k, COUNT(*) AS c, SUM(n) AS sn, MIN(x) AS lo, MAX(s) AS hs, AVG(x) AS ax FROM a GROUP BY k'],
  ['group-by-wide', 'SELECT n, f, COUNT(*) AS c, SUM(x) AS sx FROM a GROUP BY n, f'],
  ['count-distinct', 'SELECT k, COUNT(DISTINCT n) AS dn, COUNT(DISTINCT s) AS ds FROM a GROUP BY k'],
  ['inner-join', 'SELECT a.n, b.x, b.s FROM a JOIN b ON a.k = b.k WHERE a.n > 15'],
  ['left-join', 'SELECT a.n, b.n AS bn FROM a LEFT JOIN b ON a.n = b.n AND a.s = b.s'],
  ['join-group-by', 'SELECT a.k, COUNT(*) AS c, SUM(b.n) AS sn FROM a JOIN b ON a.n = b.n GROUP BY a.k'],
];

/** A small seeded generator (mulberry32), so every run times the same data. */
function rng(seed: number): () => number {
  let t0 = seed;
  return () => {
    t0 = (t0 + 0x6d2b79f5) | 0;
    let t = Math.imul(t0 ^ (t0 >>> 15), 1 | t0);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['ab', 'Ab', ' b ', 'abc', '', 'c%', 'fig', 'date'];

function writeTable(path: string, rows: number, keys: number, seed: number): void {
  const r = rng(seed);
  const maybe = <T>(v: T): T | null => (r() < 0.1 ? null : v);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(
      JSON.stringify({
        k: maybe(Math.floor(r() * keys)),
        n: maybe(Math.floor(r() * 41) - 20),
        x: maybe(Math.round(r() * 10_000) / 100),
        s: maybe(WORDS[Math.floor(r() * WORDS.length)]!),
        f: maybe(r() < 0.5),
      }),
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

const COLUMNS = 'k INT, n INT, x DOUBLE, s STRING, f BOOLEAN';
const DUCK_COLUMNS = "{'k': 'INTEGER', 'n': 'INTEGER', 'x': 'DOUBLE', 's': 'VARCHAR', 'f': 'BOOLEAN'}";

/**
 * Wall-clock and CPU milliseconds of the fastest of `runs` after a warm-up. CPU is the process's:
 * DuckDB's worker threads run inside it, so it counts all of their time too.
 */
async function best(runs: number, f: () => Promise<number>): Promise<{ ms: number; cpuMs: number; rows: number }> {
  let rows = await f();
  let ms = Infinity;
  let cpuMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    rows = await f();
    const c = process.cpuUsage(c0);
    ms = Math.min(ms, performance.now() - t0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
  }
  return { ms: +ms.toFixed(1), cpuMs: +cpuMs.toFixed(1), rows };
}

/** Times every query in both engines; prints and returns one line per query. */
export async function batchVsDuckdb(options: { rows: number; runs: number }): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-batch-vs-duckdb-'));
  const files = { a: join(dir, 'a.json'), b: join(dir, 'b.json') };
  // b is a tenth of a: joins on k (few keys) or n (41 values) multiply rows, so both stay moderate.
  writeTable(files.a, options.rows, 50, 1);
  writeTable(files.b, Math.max(1, Math.floor(options.rows / 100)), 50, 2);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const [name, path] of Object.entries(files))
    await conn.run(`CREATE VIEW ${name} AS SELECT * FROM read_json('${path}', format = 'newline_delimited', columns = ${DUCK_COLUMNS})`);
  const out: Record<string, unknown>[] = [];
  try {
    for (const [name, weirSql, duckSql] of QUERIES) {
      const weir = await best(options.runs, async () => {
        const tEnv = TableEnvironment.create();
        for (const [t, path] of Object.entries(files))
          tEnv.executeSql(`CREATE TABLE ${t} (${COLUMNS}) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`);
        tEnv.executeSql("SET 'execution.runtime-mode' = 'batch'");
        return (await tEnv.sqlQuery(weirSql).execute().collect()).length;
      });
      const duck = await best(options.runs, async () => (await conn.runAndReadAll(duckSql ?? weirSql)).getRowsJS().length);
      if (weir.rows !== duck.rows) throw new Error(`${name}: Weir gave ${weir.rows} rows, DuckDB ${duck.rows}`);
      const line = {
        bench: 'sql-batch-vs-duckdb',
        query: name,
        inputRows: options.rows,
        resultRows: weir.rows,
        weirMs: weir.ms,
        duckdbMs: duck.ms,
        ratio: +(weir.ms / duck.ms).toFixed(1),
        weirCpuMs: weir.cpuMs,
        duckdbCpuMs: duck.cpuMs,
        cpuRatio: +(weir.cpuMs / duck.cpuMs).toFixed(1),
      };
      console.log(JSON.stringify(line));
      out.push(line);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** `--rows N` (default 100,000 rows in `a`, a hundredth of it in `b`) and `--runs R` (default 3). */
export function parseBatchArgs(argv: readonly string[]): { rows: number; runs: number } {
  const a = { rows: 100_000, runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    const num = () => Number(String(argv[++i]).replace(/_/g, ''));
    if (v === '--rows') a.rows = num();
    else if (v === '--runs') a.runs = num();
    else if (v !== '--sql-batch') throw new Error(`unknown option ${v} (--sql-batch takes --rows N and --runs R)`);
  }
  if (!(Number.isInteger(a.rows) && a.rows > 0 && Number.isInteger(a.runs) && a.runs > 0)) throw new Error('--rows and --runs must be positive integers');
  return a;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await batchVsDuckdb(parseBatchArgs(process.argv.slice(2)));
