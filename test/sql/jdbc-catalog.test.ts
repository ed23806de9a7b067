// Flink's JDBC catalog over the machine's PostgreSQL and MariaDB: tables usable without DDL, with
// types and primary keys from the database's schema; read as jdbc scan sources (paged, in key
// order or without a key) and written as jdbc upsert sinks. Results are checked against the
// database's own answers to the same questions; and a `weir sql -f` script whose slots each
// create the catalog again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment, type Row } from '../../src/sql/index.js';
import { runCli } from '../cli/cli-process.js';
import { haveTestDatabases, mariadbTest, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';

const run = await haveTestDatabases();
const tag = `${process.pid}`;

interface Dialect {
  readonly name: 'postgres' | 'mariadb';
  readonly open: () => Promise<TestDatabase>;
  readonly baseUrl: string;
  readonly user: string;
  /** How a query names table `t` of database `test` in catalog `cat`. */
  readonly path: (t: string) => string;
  /** SHOW TABLES' name of table `t`. */
  readonly listed: (t: string) => string;
  readonly ddl: { readonly typed: string; readonly bytes: string };
}

const DIALECTS: Dialect[] = [
  {
    name: 'postgres',
    open: postgresTest,
    baseUrl: 'jdbc:postgresql://127.0.0.1:5432',
    user: 'postgres',
    path: (t) => `cat.test.\`public.${t}\``,
    listed: (t) => `public.${t}`,
    ddl: {
      typed:
        'id integer PRIMARY KEY, big bigint NOT NULL, name varchar(20), note text, price numeric(10, 2), ratio double precision, ok boolean, day date, at timestamp(3), tags integer[]',
      bytes: 'id integer PRIMARY KEY, payload bytea',
    },
  },
  {
    name: 'mariadb',
    open: mariadbTest,
    baseUrl: 'jdbc:mariadb://127.0.0.1:3306',
    user: 'root',
    path: (t) => `cat.test.${t}`,
    listed: (t) => t,
    ddl: {
      typed:
        'id int PRIMARY KEY, big bigint NOT NULL, name varchar(20), note text, price decimal(10, 2), ratio double, ok tinyint(1), day date, at datetime(3), tags varchar(30)',
      bytes: 'id int PRIMARY KEY, payload blob',
    },
  },
];

const TYPED_ROWS = [
  `(1, 9007199254740991, 'ann', 'first', 12.50, 0.25, true, '2024-02-29', '2024-03-01 10:11:12.345', {tags1})`,
  `(2, -5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
];

function catalogEnv(d: Dialect): TableEnvironment {
  const t = TableEnvironment.create();
  t.executeSql(`CREATE CATALOG cat WITH ('type' = 'jdbc', 'base-url' = '${d.baseUrl}', 'default-database' = 'test', 'username' = '${d.user}')`);
  return t;
}

const names = (rows: Row[]) => rows.map((r) => Object.values(r)[0]);

describe.runIf(run).each(DIALECTS)('JDBC catalog over $name', (d) => {
  let db: TestDatabase;
  const typed = `weir_cat_typed_${tag}`;
  const paged = `weir_cat_paged_${tag}`;
  const keyless = `weir_cat_keyless_${tag}`;
  const totals = `weir_cat_totals_${tag}`;
  const bytes = `weir_cat_bytes_${tag}`;
  const all = [typed, paged, keyless, totals, bytes];

  beforeAll(async () => {
    db = await d.open();
    for (const t of all) await db.query(`DROP TABLE IF EXISTS ${t}`);
    await db.query(`CREATE TABLE ${typed} (${d.ddl.typed})`);
    await db.query(`INSERT INTO ${typed} VALUES ${TYPED_ROWS.join(', ').replace('{tags1}', d.name === 'postgres' ? `'{1,2,3}'` : `'x'`)}`);
    // 2,500 rows under a two-column key: three pages of the scan's 1,000.
    await db.query(`CREATE TABLE ${paged} (a int, b int, v bigint NOT NULL, PRIMARY KEY (a, b))`);
    const values = Array.from({ length: 2500 }, (_v, i) => `(${i % 7}, ${i}, ${(i * 37) % 1000})`).join(', ');
    await db.query(`INSERT INTO ${paged} VALUES ${values}`);
    await db.query(`CREATE TABLE ${keyless} (k int, v int)`);
    await db.query(`INSERT INTO ${keyless} VALUES ${Array.from({ length: 1200 }, (_v, i) => `(${i % 5}, ${i % 11})`).join(', ')}`);
    await db.query(`CREATE TABLE ${totals} (a int PRIMARY KEY, n bigint, total bigint)`);
    await db.query(`CREATE TABLE ${bytes} (${d.ddl.bytes})`);
  });
  afterAll(async () => {
    for (const t of all) await db.query(`DROP TABLE IF EXISTS ${t}`);
    await db.close();
  });

  it('lists catalogs, databases and tables, and switches with USE CATALOG and USE', async () => {
    const t = catalogEnv(d);
    expect(names(await t.executeSql('SHOW CATALOGS').collect())).toEqual(['cat', 'default_catalog']);
    expect(names(await t.executeSql('SHOW CURRENT CATALOG').collect())).toEqual(['default_catalog']);
    t.executeSql('USE CATALOG cat');
    expect(names(await t.executeSql('SHOW CURRENT DATABASE').collect())).toEqual(['test']);
    expect(names(await t.executeSql('SHOW DATABASES').collect())).toContain('test');
    expect(names(await t.executeSql('SHOW TABLES').collect())).toEqual(expect.arrayContaining(all.map(d.listed)));
    t.executeSql('USE cat.test');
    t.executeSql('USE CATALOG default_catalog');
    expect(names(await t.executeSql('SHOW TABLES').collect())).toEqual([]);
  });

  it('maps column types and the primary key from the schema, and reads every value', async () => {
    const t = catalogEnv(d);
    const described = await t.executeSql(`DESCRIBE ${d.path(typed)}`).collect();
    expect(described.map((r) => `${r.name} ${r.type}${r.key ? ' ' + r.key : ''}`)).toEqual([
      'id INT NOT NULL PRI(id)',
      'big BIGINT NOT NULL',
      'name VARCHAR(20)',
      'note STRING',
      'price DECIMAL(10, 2)',
      'ratio DOUBLE',
      'ok BOOLEAN',
      'day DATE',
      'at TIMESTAMP(3)',
      d.name === 'postgres' ? 'tags ARRAY<INT>' : 'tags VARCHAR(30)',
    ]);
    // Values in their SQL form: DECIMAL as the unscaled bigint, DATE as days, TIMESTAMP as epoch milliseconds of the wall clock.
    const rows = await t.executeSql(`SELECT * FROM ${d.path(typed)}`).collect();
    expect(rows.sort((a, b) => (a.id as number) - (b.id as number))).toEqual([
      {
        id: 1,
        big: 9007199254740991,
        name: 'ann',
        note: 'first',
        price: 1250n,
        ratio: 0.25,
        ok: true,
        day: Date.UTC(2024, 1, 29) / 86_400_000,
        at: Date.UTC(2024, 2, 1, 10, 11, 12, 345),
        tags: d.name === 'postgres' ? [1, 2, 3] : 'x',
      },
      { id: 2, big: -5, name: null, note: null, price: null, ratio: null, ok: null, day: null, at: null, tags: null },
    ]);
  });

  it('reads a table in pages, with a composite key and without a key, as the database sums it', async () => {
    const t = catalogEnv(d);
    t.executeSql('USE CATALOG cat');
    const weir = await t.executeSql(`SELECT a, COUNT(*) AS n, SUM(v) AS total FROM ${d.path(paged).replace('cat.test.', '')} GROUP BY a`).collect();
    const expected = await db.query<{ a: number; n: string | number; total: string | number }>(
      `SELECT a, COUNT(*) AS n, SUM(v) AS total FROM ${paged} GROUP BY a`,
    );
    const key = (rows: { a: unknown; n: unknown; total: unknown }[]) => rows.map((r) => `${r.a}:${Number(r.n)}:${Number(r.total)}`).sort();
    expect(key(weir as never)).toEqual(key(expected));
    const k = await t.executeSql(`SELECT k AS a, COUNT(*) AS n, SUM(v) AS total FROM ${d.path(keyless)} GROUP BY k`).collect();
    const kExpected = await db.query<{ a: number; n: string; total: string }>(`SELECT k AS a, COUNT(*) AS n, SUM(v) AS total FROM ${keyless} GROUP BY k`);
    expect(key(k as never)).toEqual(key(kExpected));
  });

  it('writes a catalog table as an upsert sink on its primary key', async () => {
    const t = catalogEnv(d);
    await t.executeSql(`INSERT INTO ${d.path(totals)} SELECT a, COUNT(*), SUM(v) FROM ${d.path(paged)} GROUP BY a`).await();
    const written = await db.query<{ a: number; n: string; total: string }>(`SELECT a, n, total FROM ${totals} ORDER BY a`);
    const expected = await db.query<{ a: number; n: string; total: string }>(`SELECT a, COUNT(*) AS n, SUM(v) AS total FROM ${paged} GROUP BY a ORDER BY a`);
    expect(written.map((r) => [r.a, Number(r.n), Number(r.total)])).toEqual(expected.map((r) => [r.a, Number(r.n), Number(r.total)]));
  });

  it('says what is wrong: unknown tables and databases, DDL in the catalog, a type it cannot read', () => {
    const t = catalogEnv(d);
    expect(() => t.sqlQuery(`SELECT * FROM ${d.path(typed).replace('typed', 'typd')}`)).toThrow(
      /Table or view 'cat\.test\..*' not found; did you mean '.*weir_cat_typed_\d+'\?/,
    );
    expect(() => t.sqlQuery(`SELECT * FROM cat.tset.x`)).toThrow(/Database 'tset' does not exist in catalog 'cat'; did you mean 'test'\?/);
    expect(() => t.sqlQuery(`SELECT * FROM cta.test.x`)).toThrow(/Catalog 'cta' does not exist; did you mean 'cat'\?/);
    t.executeSql('USE CATALOG cat');
    expect(() => t.executeSql("CREATE TABLE x (a INT) WITH ('connector' = 'blackhole')")).toThrow(/Catalog 'cat' is a jdbc catalog: .*not supported/);
    expect(() => t.executeSql('DROP CATALOG cat')).toThrow(/Cannot drop catalog 'cat': it is the current catalog/);
    expect(() => t.sqlQuery(`SELECT * FROM ${d.path(bytes)}`)).toThrow(new RegExp(`column 'payload' has type (bytea|blob), which Weir cannot read yet`));
  });

  it('checks its options and its database when created', () => {
    const t = TableEnvironment.create();
    const create = (opts: string) => () => t.executeSql(`CREATE CATALOG c2 WITH ('type' = 'jdbc', ${opts})`);
    expect(create(`'base-url' = '${d.baseUrl}', 'default-database' = 'test', 'usrname' = 'x'`)).toThrow(
      /Catalog 'c2': unknown option 'usrname'; did you mean 'username'\?/,
    );
    expect(create(`'base-url' = '${d.baseUrl}/test', 'default-database' = 'test'`)).toThrow(/names a database: give it without one/);
    expect(create(`'base-url' = '${d.baseUrl}', 'default-database' = 'weir_no_such_db', 'username' = '${d.user}'`)).toThrow(/Catalog 'c2': .*weir_no_such_db/);
    expect(() => t.executeSql("CREATE CATALOG c3 WITH ('type' = 'hive')")).toThrow(/unknown catalog type 'hive' \(supported: jdbc\)/);
  });
});

describe.runIf(run)('JDBC catalog in weir sql -f', () => {
  it('runs an INSERT between catalog tables in two slots, each of which creates the catalog again from the script', async () => {
    const db = await postgresTest();
    const [src, dst] = [`weir_cat_cli_src_${tag}`, `weir_cat_cli_dst_${tag}`];
    const dir = mkdtempSync(join(tmpdir(), 'weir-jdbc-catalog-'));
    try {
      await db.query(`DROP TABLE IF EXISTS ${src}, ${dst}`);
      await db.query(`CREATE TABLE ${src} (id int PRIMARY KEY, g int NOT NULL, v bigint NOT NULL)`);
      await db.query(`INSERT INTO ${src} SELECT i, i % 5, i * 3 FROM generate_series(1, 2000) i`);
      await db.query(`CREATE TABLE ${dst} (g int PRIMARY KEY, total bigint)`);
      const script = join(dir, 'catalog.sql');
      writeFileSync(
        script,
        `CREATE CATALOG pg WITH ('type' = 'jdbc', 'base-url' = 'jdbc:postgresql://127.0.0.1:5432', 'default-database' = 'test', 'username' = 'postgres');
USE CATALOG pg;
SHOW CURRENT DATABASE;
INSERT INTO ${dst} SELECT g, SUM(v) FROM \`public.${src}\` GROUP BY g;
`,
      );
      const r = await runCli(['sql', '-f', script, '-p', '2', '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Job 'insert-into_pg.test.${dst}' FINISHED`);
      const written = await db.query<{ g: number; total: string }>(`SELECT g, total FROM ${dst} ORDER BY g`);
      const expected = await db.query<{ g: number; total: string }>(`SELECT g, SUM(v) AS total FROM ${src} GROUP BY g ORDER BY g`);
      expect(written.map((x) => [x.g, Number(x.total)])).toEqual(expected.map((x) => [x.g, Number(x.total)]));
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${src}, ${dst}`);
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
