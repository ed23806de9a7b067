// The filesystem SQL sink with PARTITIONED BY, as Flink's: rows go to `col=value/` directories
// (escaped as Flink escapes them, NULL and '' to the default partition), the files hold the other
// columns, and DuckDB reading the tree with hive partitioning gives back the rows written.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { Batch, fileSink } from '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { escapePathName } from '../../src/sql/connectors/partition-path.js';
import { duckdb, multiset } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-partitioned-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = [
  { id: 1, day: '2024-01-01', hm: '12:30', v: 'a' },
  { id: 2, day: '2024-01-01', hm: '12:30', v: 'b,c' },
  { id: 3, day: '2024-01-01', hm: '12:31', v: null },
  { id: 4, day: '2024-01-02', hm: null, v: 'd' },
  { id: 5, day: '2024-01-02', hm: '', v: 'e' },
  { id: 6, day: 'x/y=z', hm: '00:00', v: 'f' },
];
const input = join(dir, 'in.json');
writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

/** The relative paths of the visible files under `root`. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

async function write(format: 'json' | 'csv', extra = ''): Promise<string> {
  const out = join(dir, `out-${format}`);
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(`CREATE TABLE src (id INT, day STRING, hm STRING, v STRING) WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'json')`);
  tEnv.executeSql(`CREATE TABLE dst (id INT, v STRING, day STRING, hm STRING) PARTITIONED BY (day, hm)
    WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = '${format}'${extra})`);
  await tEnv.executeSql('INSERT INTO dst SELECT id, v, day, hm FROM src').await();
  return out;
}

describe('filesystem sink PARTITIONED BY', () => {
  it.each(['json', 'csv'] as const)('writes %s part files into col=value directories, Flink-escaped, that DuckDB reads back', async (format) => {
    const out = await write(format);
    const ext = `.${format}`;
    expect(tree(out)).toEqual(
      [
        `day=2024-01-01/hm=12%3A30/part-0-0${ext}`,
        `day=2024-01-01/hm=12%3A31/part-0-0${ext}`,
        `day=2024-01-02/hm=__DEFAULT_PARTITION__/part-0-0${ext}`,
        `day=x%2Fy%3Dz/hm=00%3A00/part-0-0${ext}`,
      ].sort(),
    );
    const reader =
      format === 'json'
        ? `read_json('${out}/**/*.json', format = 'newline_delimited', columns = {'id': 'INTEGER', 'v': 'VARCHAR'}, hive_partitioning = true, hive_types_autocast = false)`
        : `read_csv('${out}/**/*.csv', header = false, columns = {'id': 'INTEGER', 'v': 'VARCHAR'}, hive_partitioning = true, hive_types_autocast = false)`;
    const oracle = await duckdb({ back: reader });
    try {
      const back = await oracle.query('SELECT id, v, day, hm FROM back');
      // CSV cannot tell NULL from ''; NULL and '' partition values both land in the default partition.
      const expected = rows.map((r) => [r.id, format === 'csv' && r.v === null ? null : r.v, r.day, r.hm || '__DEFAULT_PARTITION__']);
      expect(multiset(back)).toEqual(multiset(expected));
    } finally {
      oracle.close();
    }
  });

  it("takes 'partition.default-name' and Flink's rolling options", async () => {
    const out = await write(
      'json',
      ", 'partition.default-name' = 'none', 'sink.rolling-policy.file-size' = '1MB', 'sink.rolling-policy.rollover-interval' = '1 min', 'sink.rolling-policy.inactivity-interval' = '30 s'",
    );
    expect(tree(out)).toContain('day=2024-01-02/hm=none/part-0-0.json');
  });

  it('escapes as Flink does: control characters and "#%\'*/:=?\\{[]^ as %XX', () => {
    expect(escapePathName('a:b/c=d%e\u0001f g#h[i]^')).toBe('a%3Ab%2Fc%3Dd%25e%01f g%23h%5Bi%5D%5E');
  });

  it('names a PARTITIONED BY column that is not a column, and a connector without partitions', () => {
    const tEnv = TableEnvironment.create();
    expect(() => tEnv.executeSql("CREATE TABLE t (a INT) PARTITIONED BY (b) WITH ('connector' = 'filesystem', 'path' = 'x', 'format' = 'csv')")).toThrow(
      "PARTITIONED BY column 'b' is not a column of 't'",
    );
    expect(() => tEnv.executeSql("CREATE TABLE t (a INT) PARTITIONED BY (a) WITH ('connector' = 'print')")).toThrow(
      "connector 'print' does not support PARTITIONED BY (the filesystem connector does)",
    );
    tEnv.executeSql(`CREATE TABLE src (id INT) WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'json')`);
    tEnv.executeSql("CREATE TABLE q (a INT) WITH ('connector' = 'filesystem', 'path' = 'x', 'format' = 'csv', 'sink.rolling-policy.file-size' = 'big')");
    expect(() => tEnv.executeSql('INSERT INTO q SELECT id FROM src')).toThrow(
      "option 'sink.rolling-policy.file-size' must be a size such as '128MB', not 'big'",
    );
  });
});

describe('fileSink with buckets under exactly-once checkpoints', () => {
  it('pre-commits the parts of every bucket; a restore from the checkpoint commits them all and deletes the rest', async () => {
    const root = join(dir, 'two-phase');
    const ctx = { sinkName: 'files', subtaskIndex: 0, parallelism: 1, metrics: { inc() {} }, checkpointingMode: 'EXACTLY_ONCE' } as never;
    const sink = fileSink<string>({ path: root, format: 'text', bucket: (s) => `k=${s[0]}` });
    const w = sink.createWriter(ctx);
    await w.recover!([]);
    w.write(Batch.of(['a1', 'b1', 'a2']));
    const committable = await w.preCommit!(1);
    // Written after the checkpoint, then the process dies: a restore must delete it.
    w.write(Batch.of(['c1']));
    await w.close?.();
    expect(tree(root)).toEqual([]);
    const again = sink.createWriter(ctx);
    await again.recover!([JSON.parse(JSON.stringify(committable))]);
    expect(tree(root)).toEqual(['k=a/part-0-0.txt', 'k=b/part-0-0.txt']);
    expect(readdirSync(join(root, 'k=c'))).toEqual([]);
  });
});
