// Reading a filesystem table PARTITIONED BY, as Flink's: DuckDB writes a hive-partitioned tree
// (`dt=2024-01-02/h=3/data_0.csv`, the files without the partition columns), Weir reads it with the
// partition columns typed from the directory names, and DuckDB reading the same tree with hive
// partitioning is the oracle. A WHERE that fixes partition columns spares the other partitions:
// a malformed file in a partition the WHERE excludes is never read.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-partitioned-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FORMATS = ['csv', 'json'] as const;
type Format = (typeof FORMATS)[number];
const tree = (format: Format) => join(dir, format);

beforeAll(async () => {
  const db = await duckdb({});
  try {
    // Every 11th row has a NULL hour: DuckDB names its directory h=__HIVE_DEFAULT_PARTITION__, which 'partition.default-name' maps back.
    await db.query(`CREATE TABLE src AS SELECT i::INTEGER AS id, 'v' || i AS v, DATE '2024-01-01' + (i % 3)::INTEGER AS dt,
      CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 4)::INTEGER END AS h FROM range(300) t(i)`);
    await db.query(`COPY src TO '${tree('csv')}' (FORMAT csv, HEADER false, PARTITION_BY (dt, h))`);
  } finally {
    db.close();
  }
  // This DuckDB writes no partitioned JSON: the same tree as JSON Lines, file by file (values hold no commas).
  for (const e of readdirSync(tree('csv'), { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = join(e.parentPath, e.name).slice(tree('csv').length + 1);
    const lines = readFileSync(join(tree('csv'), rel), 'utf8')
      .split('\n')
      .filter(Boolean);
    mkdirSync(join(tree('json'), rel, '..'), { recursive: true });
    const json = lines.map((l) => JSON.stringify({ id: Number(l.split(',')[0]), v: l.split(',')[1] }));
    writeFileSync(join(tree('json'), rel.replace(/\.csv$/, '.json')), json.join('\n') + '\n');
  }
});

function table(format: Format, path = tree(format), extra = ''): TableEnvironment {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(`CREATE TABLE t (id INT, v STRING, dt DATE, h INT) PARTITIONED BY (dt, h)
    WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = '${format}', 'partition.default-name' = '__HIVE_DEFAULT_PARTITION__'${extra})`);
  return tEnv;
}

async function weir(tEnv: TableEnvironment, sql: string): Promise<Values[]> {
  const t = tEnv.sqlQuery(sql);
  return (await t.execute().collect()).map((row) => t.columns.map((c) => row[c.name]));
}

async function oracle(format: Format, sql: string, path = tree(format)): Promise<Values[]> {
  const reader =
    format === 'csv'
      ? `read_csv('${path}/**/*.csv', header = false, columns = {'id': 'INTEGER', 'v': 'VARCHAR'}, hive_partitioning = true)`
      : `read_json('${path}/**/*.json', format = 'newline_delimited', columns = {'id': 'INTEGER', 'v': 'VARCHAR'}, hive_partitioning = true)`;
  const db = await duckdb({ t: reader });
  try {
    return await db.query(sql);
  } finally {
    db.close();
  }
}

// The same query in Weir's dialect and DuckDB's (STRING / VARCHAR).
const QUERIES: [string, string][] = [
  ['', ''],
  ["WHERE dt = DATE '2024-01-02' AND h >= 2", ''],
  ["WHERE dt > DATE '2024-01-01' AND MOD(id, 2) = 0", ''],
  ["WHERE h IS NULL OR v = 'v5'", ''],
  ['WHERE h IN (1, 3) AND id < 200', ''],
  ["WHERE CAST(dt AS STRING) LIKE '%-03' AND h <> 0", "WHERE CAST(dt AS VARCHAR) LIKE '%-03' AND h <> 0"],
];

describe('reading a PARTITIONED BY filesystem table', () => {
  for (const format of FORMATS)
    it.each(QUERIES)(`${format}: partition columns typed from the directories, as DuckDB reads them (%s)`, async (where, duckWhere) => {
      const got = await weir(table(format), `SELECT id, v, CAST(dt AS STRING) AS dt, h FROM t ${where}`);
      const expected = await oracle(format, `SELECT id, v, CAST(dt AS VARCHAR), h FROM t ${duckWhere || where}`);
      expect(expected.length).toBeGreaterThan(0);
      expect(multiset(got)).toEqual(multiset(expected));
    });

  it('skips the partitions a WHERE on partition columns excludes: a malformed file there is never read', async () => {
    const path = join(dir, 'with-bad');
    const db = await duckdb({});
    await db.query(`COPY (SELECT i::INTEGER AS id, 'v' || i AS v, DATE '2024-01-01' + (i % 3)::INTEGER AS dt, (i % 2)::INTEGER AS h FROM range(60) t(i))
      TO '${path}' (FORMAT csv, HEADER false, PARTITION_BY (dt, h))`);
    db.close();
    // Not a .csv, so DuckDB's glob leaves it out; Weir reads every visible file of a partition it needs.
    writeFileSync(join(path, 'dt=2024-01-03', 'h=1', 'bad.txt'), 'not a number,x\n');
    const tEnv = table('csv', path);
    const kept = "WHERE dt < DATE '2024-01-03' OR (dt = DATE '2024-01-03' AND h = 0)";
    const got = await weir(tEnv, `SELECT id, v, CAST(dt AS STRING) AS dt, h FROM t AS x ${kept.replaceAll('dt', 'x.dt')}`);
    expect(multiset(got)).toEqual(multiset(await oracle('csv', `SELECT id, v, CAST(dt AS VARCHAR), h FROM t ${kept}`, path)));
    // A condition that mixes partition and other columns in one OR prunes nothing: the bad file fails the query.
    await expect(weir(tEnv, "SELECT id FROM t WHERE dt < DATE '2024-01-03' OR v = 'v1'")).rejects.toThrow(/'not a number' is not an integer/);
    await expect(weir(tEnv, 'SELECT id FROM t')).rejects.toThrow(/not a number/);
  });

  it('EXPLAIN names the partition columns that prune the partitions read', async () => {
    const tEnv = table('csv');
    const plan = async (sql: string) => String((await tEnv.executeSql(`EXPLAIN ${sql}`).collect())[0]!.plan);
    expect(await plan("SELECT id FROM t WHERE h = 1 AND v <> 'x'")).toContain('filesystem: t (partitions pruned on h) [source]');
    expect(await plan("SELECT id FROM t WHERE dt > DATE '2024-01-01' AND h IN (1, 2)")).toContain('filesystem: t (partitions pruned on dt, h) [source]');
    expect(await plan("SELECT id FROM t WHERE h = 1 OR v = 'x'")).toMatch(/filesystem: t \[source\]/);
  });

  it('reads the partitions Weir itself wrote, Flink-escaped names and the default partition included', async () => {
    const out = join(dir, 'round-trip');
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(`CREATE TABLE w (id INT, v STRING, day STRING, hm STRING) PARTITIONED BY (day, hm)
      WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json')`);
    const rows: Values[] = [
      [1, 'a', '2024-01-01', '12:30'],
      [2, 'b', '2024-01-01', null],
      [3, 'c', 'x/y=z', '00:00'],
      [4, null, '2024-01-02', '12:30'],
    ];
    tEnv.executeSql(
      `CREATE TABLE src (id INT, v STRING, day STRING, hm STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'rt.json')}', 'format' = 'json')`,
    );
    writeFileSync(join(dir, 'rt.json'), rows.map(([id, v, day, hm]) => JSON.stringify({ id, v, day, hm })).join('\n') + '\n');
    await tEnv.executeSql('INSERT INTO w SELECT * FROM src').await();
    expect(multiset(await weir(tEnv, 'SELECT * FROM w'))).toEqual(multiset(rows));
    expect(multiset(await weir(tEnv, "SELECT id FROM w WHERE day = 'x/y=z'"))).toEqual(multiset([[3]]));
  });

  it("keeps watching with 'source.monitor-interval': files of new partitions are read as they appear", async () => {
    const path = join(dir, 'watched');
    const out = join(dir, 'watched-out');
    mkdirSync(join(path, 'dt=2024-01-01', 'h=1'), { recursive: true });
    writeFileSync(join(path, 'dt=2024-01-01', 'h=1', 'a.csv'), '1,a\n2,b\n');
    const tEnv = table('csv', path, ", 'source.monitor-interval' = '50 ms'");
    tEnv.executeSql(`CREATE TABLE o (id INT, v STRING, dt DATE, h INT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json',
      'sink.rolling-policy.rollover-interval' = '50 ms', 'sink.rolling-policy.inactivity-interval' = '50 ms')`);
    mkdirSync(out);
    const job = tEnv.executeSql("INSERT INTO o SELECT * FROM t WHERE dt >= DATE '2024-01-01'").jobClient!;
    const written = () =>
      readdirSync(out)
        .filter((f) => !f.startsWith('.'))
        .flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter(Boolean))
        .map((l) => Object.values(JSON.parse(l) as Record<string, unknown>));
    const until = async (n: number) => {
      while (written().length < n) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      await until(2);
      // A new partition, written under a hidden name and renamed in, as a writer must.
      mkdirSync(join(path, 'dt=2023-12-31', 'h=0'), { recursive: true });
      writeFileSync(join(path, 'dt=2023-12-31', 'h=0', 'old.csv'), '9,pruned\n');
      mkdirSync(join(path, 'dt=2024-01-02', 'h=__HIVE_DEFAULT_PARTITION__'), { recursive: true });
      writeFileSync(join(path, 'dt=2024-01-02', 'h=__HIVE_DEFAULT_PARTITION__', '.b.csv'), '3,c\n');
      renameSync(join(path, 'dt=2024-01-02', 'h=__HIVE_DEFAULT_PARTITION__', '.b.csv'), join(path, 'dt=2024-01-02', 'h=__HIVE_DEFAULT_PARTITION__', 'b.csv'));
      await until(3);
    } finally {
      await job.cancel();
    }
    expect(multiset(written())).toEqual(
      multiset([
        [1, 'a', '2024-01-01', 1],
        [2, 'b', '2024-01-01', 1],
        [3, 'c', '2024-01-02', null],
      ]),
    );
  });

  it('refuses a partitioned table as a lookup table, naming it', () => {
    const tEnv = table('csv');
    tEnv.executeSql("CREATE TABLE o (k INT, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
    expect(() => tEnv.sqlQuery('SELECT * FROM o JOIN t FOR SYSTEM_TIME AS OF o.pt ON o.k = t.id')).toThrow(
      "Table 't': a PARTITIONED BY filesystem table as the table of a lookup join is not supported yet",
    );
  });
});
