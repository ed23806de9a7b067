// CREATE/DROP/SHOW/DESCRIBE/SET/RESET, views, and tables read and written through the SQL connectors.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../src/index.js';
import { SqlError, TableEnvironment } from '../../src/sql/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-ddl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seq = (name: string, n: number) =>
  `CREATE TABLE ${name} (id BIGINT, label STRING) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${n}', 'fields.label.length' = '4')`;

describe('the catalog', () => {
  it('creates, lists, describes and drops tables and views', async () => {
    const t = TableEnvironment.create();
    t.executeSql(
      "CREATE TABLE orders (id INT NOT NULL, amount DOUBLE, ts TIMESTAMP(3), doubled AS amount * 2, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'datagen')",
    );
    t.executeSql('CREATE TEMPORARY VIEW big AS SELECT id, doubled FROM orders WHERE amount > 0.5');
    expect(await t.executeSql('SHOW TABLES').collect()).toEqual([{ 'table name': 'big' }, { 'table name': 'orders' }]);
    expect(await t.executeSql('DESCRIBE orders').collect()).toEqual([
      { name: 'id', type: 'INT NOT NULL', null: false, key: 'PRI(id)', extras: null, watermark: null },
      { name: 'amount', type: 'DOUBLE', null: true, key: null, extras: null, watermark: null },
      { name: 'ts', type: 'TIMESTAMP(3) *ROWTIME*', null: true, key: null, extras: null, watermark: "ts - INTERVAL '5' SECOND" },
      { name: 'doubled', type: 'DOUBLE', null: true, key: null, extras: 'AS amount * 2', watermark: null },
    ]);
    expect(await t.executeSql('DESCRIBE big').collect()).toEqual([
      { name: 'id', type: 'INT', null: false },
      { name: 'doubled', type: 'DOUBLE', null: true },
    ]);
    expect(() => t.executeSql("CREATE TABLE orders (x INT) WITH ('connector' = 'datagen')")).toThrow("Table 'orders' already exists");
    t.executeSql("CREATE TABLE IF NOT EXISTS orders (x INT) WITH ('connector' = 'datagen')");
    expect(() => t.executeSql('DROP TABLE big')).toThrow("'big' is a view: use DROP VIEW");
    t.executeSql('DROP VIEW big');
    t.executeSql('DROP TABLE default_catalog.default_database.orders');
    t.executeSql('DROP TABLE IF EXISTS orders');
    expect(t.listTables()).toEqual([]);
    expect(() => t.executeSql('DROP TABLE orders')).toThrow(SqlError);
  });

  it('checks a view when it is created', () => {
    const t = TableEnvironment.create();
    t.executeSql(seq('s', 3));
    expect(() => t.executeSql('CREATE VIEW v AS SELECT idd FROM s')).toThrow("Column 'idd' not found in table 's'; did you mean 'id'?");
  });

  it('keeps SET values, checks their keys, and forgets them on RESET', async () => {
    const t = TableEnvironment.create();
    t.executeSql("SET 'parallelism.default' = '2'");
    t.executeSql("SET 'execution.runtime-mode' = 'batch'");
    expect(await t.executeSql('SET').collect()).toEqual([
      { key: 'execution.runtime-mode', value: 'batch' },
      { key: 'parallelism.default', value: '2' },
    ]);
    expect(() => t.executeSql("SET 'paralelism.default' = '2'")).toThrow(/parallelism\.default/);
    expect(() => t.executeSql("SET 'execution.runtime-mode' = 'fast'")).toThrow("'execution.runtime-mode' must be one of 'streaming', 'batch', not 'fast'");
    t.executeSql("RESET 'parallelism.default'");
    expect(await t.executeSql('SET').collect()).toEqual([{ key: 'execution.runtime-mode', value: 'batch' }]);
    t.executeSql('RESET');
    expect(await t.executeSql('SET').collect()).toEqual([]);
  });
});

describe('tables in jobs', () => {
  it('reads datagen sequences, through views and at parallelism 2', async () => {
    const t = TableEnvironment.create();
    t.executeSql(seq('s', 20));
    t.executeSql('CREATE VIEW odd AS SELECT id, CHAR_LENGTH(label) AS len FROM s WHERE id % 2 = 1');
    t.executeSql("SET 'parallelism.default' = '2'");
    const rows = await t.sqlQuery('SELECT id * 10 AS x, len FROM odd WHERE id > 10').execute().collect();
    expect(rows.map((r) => r.x).sort((a, b) => (a as number) - (b as number))).toEqual([110, 130, 150, 170, 190]);
    expect(new Set(rows.map((r) => r.len))).toEqual(new Set([4]));
  });

  it('reads timestamps, computes columns and writes a CSV file that reads back the same', async () => {
    const input = join(dir, 'events.json');
    writeFileSync(
      input,
      ['{"id": 1, "at": "2024-03-01 10:00:00.250", "v": 2}', '{"id": 2, "at": "2024-03-01 10:00:01", "v": null}', '{"id": 3, "at": null, "v": 5}'].join('\n'),
    );
    const out = join(dir, 'out');
    const t = TableEnvironment.create();
    t.executeSql(`CREATE TABLE events (id INT, at TIMESTAMP(3), v INT, v2 AS v * v) WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'json')`);
    t.executeSql(`CREATE TABLE sink_t (id INT, at TIMESTAMP(3), v2 BIGINT, tag STRING) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
    await t.executeSql("INSERT INTO sink_t SELECT id, at, v2, CAST(at AS STRING) FROM events WHERE at IS NULL OR at > TIMESTAMP '2024-03-01 10:00:00'").await();
    const written = readdirSync(out)
      .filter((f) => !f.startsWith('.'))
      .map((f) => readFileSync(join(out, f), 'utf8'))
      .join('')
      .trim()
      .split('\n')
      .sort();
    expect(written).toEqual(['1,2024-03-01 10:00:00.250,4,2024-03-01 10:00:00.250', '2,2024-03-01 10:00:01.000,,2024-03-01 10:00:01.000', '3,,25,']);
    t.executeSql(`CREATE TABLE back (id INT, at TIMESTAMP(3), v2 BIGINT, tag STRING) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
    const rows = await t.sqlQuery('SELECT id, at FROM back WHERE id < 3').execute().collect();
    expect(rows.sort((a, b) => (a.id as number) - (b.id as number))).toEqual([
      { id: 1, at: Date.UTC(2024, 2, 1, 10, 0, 0, 250) },
      { id: 2, at: Date.UTC(2024, 2, 1, 10, 0, 1) },
    ]);
  });

  it('assigns event time from the WATERMARK column', async () => {
    const env = StreamEnvironment.create();
    const t = TableEnvironment.create(env);
    const input = join(dir, 'times.csv');
    writeFileSync(input, '1,2024-01-01 00:00:01\n2,2024-01-01 00:00:03\n');
    t.executeSql(
      `CREATE TABLE times (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'csv')`,
    );
    const seen: number[] = [];
    t.sqlQuery('SELECT id FROM times')
      .toDataStream()
      .process<number>({ processElement: (_row, ctx, out) => out.collect(ctx.timestamp()!) })
      .map((ts) => seen.push(ts));
    await env.execute('times');
    expect(seen).toEqual([Date.UTC(2024, 0, 1, 0, 0, 1), Date.UTC(2024, 0, 1, 0, 0, 3)]);
  });

  it('keeps string literals and quoted names as data in compiled code', async () => {
    const t = TableEnvironment.create();
    t.executeSql(seq('s', 1));
    const nasty = ["'); throw 1; //", '`${process.exit(3)}`', '*/ x /*', 'a\\nb\\', 'line\u2028sep', '"quoted"'];
    for (const text of nasty) {
      const lit = `'${text.replaceAll("'", "''")}'`;
      const name = '`' + text.replaceAll('`', '``') + '`';
      const rows = await t.sqlQuery(`SELECT ${lit} AS ${name}, ${lit} || 'x' AS plain FROM s`).execute().collect();
      expect(rows).toEqual([{ [text]: text, plain: text + 'x' }]);
    }
  });
});
