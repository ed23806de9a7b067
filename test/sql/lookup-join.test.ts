// Lookup joins (JOIN dim FOR SYSTEM_TIME AS OF o.proc_time) against real PostgreSQL and MariaDB
// tables, each test with tables of its own: every probe row joins the table's rows of its key as
// plain code computes them from the same rows, with and without the partial cache; NULL and
// missing keys; a composite key; a residual condition; types read back from each database; and
// retries, then a clear failure, when a query fails.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { haveTestDatabases, mariadbTest, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-lookup-join-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const available = await haveTestDatabases();
const unique = () => `lookup_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

interface Customer {
  id: number;
  region: string;
  name: string | null;
  credit: number;
  vip: boolean;
  since: string;
}
const CUSTOMERS: Customer[] = Array.from({ length: 40 }, (_, i) => ({
  id: i,
  region: i % 2 === 0 ? 'north' : 'south',
  name: i % 7 === 3 ? null : `customer ${i} 'q"`,
  credit: i * 2.5,
  vip: i % 5 === 0,
  since: `2024-01-${String((i % 28) + 1).padStart(2, '0')} 10:00:00.${String(i).padStart(3, '0')}`,
}));

// Orders for customers 0..59 (40..59 are missing) and a NULL customer, with repeats so the cache is used.
const ORDERS = Array.from({ length: 300 }, (_, i) => ({ oid: i, cid: i % 17 === 0 ? null : (i * 7) % 60, region: i % 3 === 0 ? 'north' : 'south' }));

async function withTable(db: TestDatabase, body: (table: string) => Promise<void>) {
  const table = unique();
  const t = db.types;
  await db.query(
    `CREATE TABLE ${table} (id ${t.bigint} NOT NULL, region varchar(10) NOT NULL, name ${t.text}, credit ${t.double}, vip boolean, since ${t.timestamp}, PRIMARY KEY (id, region))`,
  );
  try {
    for (const c of CUSTOMERS)
      await db.query(`INSERT INTO ${table} VALUES (${db.name === 'postgres' ? '$1, $2, $3, $4, $5, $6' : '?, ?, ?, ?, ?, ?'})`, [
        c.id,
        c.region,
        c.name,
        c.credit,
        c.vip,
        c.since,
      ]);
    await body(table);
  } finally {
    await db.query(`DROP TABLE ${table}`);
  }
}

function environment(db: TestDatabase, table: string, options = '') {
  const path = join(dir, `orders-${unique()}.json`);
  writeFileSync(path, ORDERS.map((o) => JSON.stringify(o)).join('\n') + '\n');
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(
    `CREATE TABLE orders (oid INT, cid BIGINT, region STRING, pt AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
  );
  tEnv.executeSql(`CREATE TABLE customers (id BIGINT, region STRING, name STRING, credit DOUBLE, vip BOOLEAN, since TIMESTAMP(3), PRIMARY KEY (id, region) NOT ENFORCED)
    WITH ('connector' = 'jdbc', 'url' = '${db.url}', 'table-name' = '${table}', 'username' = '${db.username}'${options})`);
  return tEnv;
}

async function rows(tEnv: TableEnvironment, sql: string): Promise<unknown[][]> {
  const t = tEnv.sqlQuery(sql);
  return (await t.execute().collect()).map((row) => t.columns.map((c) => row[c.name]));
}
const sorted = (rs: unknown[][]) => rs.map((r) => JSON.stringify(r)).sort();
const tsMillis = (text: string) => Date.parse(text.replace(' ', 'T') + 'Z');

describe.skipIf(!available)('lookup join against jdbc tables', { concurrent: true }, () => {
  for (const open of [postgresTest, mariadbTest])
    for (const cache of [
      '',
      ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '10', 'lookup.partial-cache.expire-after-write' = '1 h'",
      ", 'lookup.cache' = 'FULL', 'lookup.full-cache.periodic-reload.interval' = '10 min'",
    ])
      it(`${open === postgresTest ? 'PostgreSQL' : 'MariaDB'}${cache.includes('PARTIAL') ? ' with the partial cache' : cache ? ' with the full cache' : ''}: LEFT and inner joins on a composite key`, async () => {
        const db = await open();
        try {
          await withTable(db, async (table) => {
            const tEnv = environment(db, table, cache);
            const left = await rows(
              tEnv,
              'SELECT o.oid, c.id, c.name, c.credit, c.vip, c.since FROM orders AS o LEFT JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id AND o.region = c.region',
            );
            const match = (o: (typeof ORDERS)[number]) => CUSTOMERS.find((c) => c.id === o.cid && c.region === o.region);
            expect(sorted(left)).toEqual(
              sorted(
                ORDERS.map((o) => {
                  const c = match(o);
                  return c ? [o.oid, c.id, c.name, c.credit, c.vip, tsMillis(c.since)] : [o.oid, null, null, null, null, null];
                }),
              ),
            );
            // At parallelism 2 each subtask has its own connection (and cache): the same rows.
            tEnv.executeSql("SET 'parallelism.default' = '2'");
            expect(
              sorted(
                await rows(
                  tEnv,
                  'SELECT o.oid, c.id, c.name, c.credit, c.vip, c.since FROM orders AS o LEFT JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id AND o.region = c.region',
                ),
              ),
            ).toEqual(sorted(left));
            tEnv.executeSql("SET 'parallelism.default' = '1'");
            const inner = await rows(
              tEnv,
              'SELECT o.oid, c.name FROM orders o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON c.region = o.region AND o.cid = c.id AND c.credit > 20 WHERE o.oid < 200',
            );
            const want = ORDERS.filter((o) => o.oid < 200 && (match(o)?.credit ?? 0) > 20).map((o) => [o.oid, match(o)!.name]);
            expect(want.length).toBeGreaterThan(10);
            expect(sorted(inner)).toEqual(sorted(want));
          });
        } finally {
          await db.close();
        }
      });

  it.each([
    ['PostgreSQL', postgresTest],
    ['MariaDB', mariadbTest],
  ] as const)("%s, 'lookup.cache' = 'FULL' with a periodic reload: a change to the table reaches the join at a reload", async (_name, open) => {
    const db = await open();
    const table = unique();
    await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(20))`);
    const probes = join(dir, `probes-${table}`);
    const out = join(dir, `joined-${table}`);
    mkdirSync(probes);
    mkdirSync(out);
    let job: { cancel(): Promise<void>; metrics(): { counters?: Record<string, number> }[] } | undefined;
    try {
      await db.query(`INSERT INTO ${table} VALUES (1, 'old')`);
      const tEnv = TableEnvironment.create();
      tEnv.executeSql(
        `CREATE TABLE probes (seq INT, k INT, pt AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = '${probes}', 'format' = 'json', 'source.monitor-interval' = '20 ms')`,
      );
      tEnv.executeSql(`CREATE TABLE dim (id INT, name STRING) WITH ('connector' = 'jdbc', 'url' = '${db.url}', 'table-name' = '${table}', 'username' = '${db.username}',
        'lookup.cache' = 'FULL', 'lookup.full-cache.periodic-reload.interval' = '100 ms', 'lookup.full-cache.periodic-reload.schedule-mode' = 'FIXED_RATE')`);
      tEnv.executeSql(`CREATE TABLE joined (seq INT, k INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json',
        'sink.rolling-policy.rollover-interval' = '20 ms', 'sink.rolling-policy.inactivity-interval' = '20 ms')`);
      job = tEnv.executeSql('INSERT INTO joined SELECT o.seq, o.k, d.name FROM probes o LEFT JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.id')
        .jobClient as never;
      const joined = () =>
        readdirSync(out)
          .filter((f) => !f.startsWith('.'))
          .flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter(Boolean))
          .map((l) => JSON.parse(l) as { seq: number; k: number; name: string | null });
      // One probe file (keys 1 and 2) at a time, each renamed in once written; its two rows come back.
      const probe = async (seq: number) => {
        writeFileSync(join(probes, `.p${seq}`), `{"seq": ${seq}, "k": 1}\n{"seq": ${seq}, "k": 2}\n`);
        renameSync(join(probes, `.p${seq}`), join(probes, `p${seq}.json`));
        while (joined().filter((r) => r.seq === seq).length < 2) await new Promise((r) => setTimeout(r, 10));
        return Object.fromEntries(
          joined()
            .filter((r) => r.seq === seq)
            .map((r) => [r.k, r.name]),
        );
      };
      expect(await probe(0)).toEqual({ 1: 'old', 2: null });
      await db.query(`UPDATE ${table} SET name = 'new' WHERE id = 1`);
      // Each probe sees the table as of the last reload: the old name until one happens, then the new one for good.
      const seen: Record<number, string | null>[] = [];
      for (let seq = 1; seen.at(-1)?.[1] !== 'new'; seq++) seen.push(await probe(seq));
      const firstNew = seen.findIndex((x) => x[1] === 'new');
      expect(seen.slice(0, firstNew).every((x) => x[1] === 'old' && x[2] === null)).toBe(true);
      expect(await probe(seen.length + 1)).toEqual({ 1: 'new', 2: null });
      // The join ran on the in-memory table, which the reloads replaced.
      const reloads = job!.metrics().reduce((n, m) => n + (m.counters?.lookupCacheReloads ?? 0), 0);
      expect(reloads).toBeGreaterThan(0);
    } finally {
      await job?.cancel();
      await db.query(`DROP TABLE ${table}`);
      await db.close();
    }
  });

  it('a query that keeps failing is retried lookup.max-retries times, then fails the job naming the table', async () => {
    const db = await postgresTest();
    try {
      const tEnv = environment(db, 'no_such_table_' + unique(), ", 'lookup.max-retries' = '2'");
      await expect(rows(tEnv, 'SELECT o.oid, c.name FROM orders o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id')).rejects.toThrow(
        /Lookup join on table 'customers' failed after 3 attempts \('lookup.max-retries' = 2\): .*does not exist/,
      );
    } finally {
      await db.close();
    }
  });

  it("Flink's older cache options, and a database that cannot be reached", async () => {
    const db = await postgresTest();
    try {
      await withTable(db, async (table) => {
        const tEnv = environment(db, table, ", 'lookup.cache.max-rows' = '100', 'lookup.cache.ttl' = '10 min'");
        const got = await rows(
          tEnv,
          'SELECT o.oid, c.name FROM orders o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id AND o.region = c.region',
        );
        const want = ORDERS.flatMap((o) => {
          const c = CUSTOMERS.find((x) => x.id === o.cid && x.region === o.region);
          return c ? [[o.oid, c.name]] : [];
        });
        expect(sorted(got)).toEqual(sorted(want));
      });
      // Port 1 on the loopback refuses connections.
      const down = environment({ ...db, url: 'jdbc:postgresql://127.0.0.1:1/test' }, 't');
      await expect(rows(down, 'SELECT o.oid, c.name FROM orders o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id')).rejects.toThrow(
        /Lookup join on table 'customers': cannot connect: .*ECONNREFUSED/,
      );
    } finally {
      await db.close();
    }
  });

  it('rejects lookup options it cannot honour, naming them', async () => {
    const db = await postgresTest();
    try {
      const q = 'SELECT o.oid FROM orders o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id';
      const err = (options: string) => {
        try {
          environment(db, 't', options).sqlQuery(q).execute();
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      };
      expect(err(", 'lookup.cache' = 'PARTIAL'")).toMatch(/'lookup.cache' = 'PARTIAL' needs a bound/);
      expect(err(", 'lookup.partial-cache.max-rows' = '5'")).toMatch(/'lookup.partial-cache.max-rows' needs 'lookup.cache' = 'PARTIAL'/);
      expect(err(", 'lookup.cache' = 'FULL', 'lookup.full-cache.reload-strategy' = 'TIMED'")).toMatch(/'TIMED' is not supported yet; use 'PERIODIC'/);
      expect(err(", 'lookup.full-cache.periodic-reload.interval' = '1 min'")).toMatch(/needs 'lookup.cache' = 'FULL'/);
      expect(err(", 'lookup.cache' = 'FULL', 'lookup.full-cache.periodic-reload.interval' = 'often'")).toMatch(/must be a duration/);
      expect(err(", 'lookup.cache' = 'FULL', 'lookup.partial-cache.max-rows' = '5'")).toMatch(/needs 'lookup.cache' = 'PARTIAL', not 'FULL'/);
      expect(err(", 'lookup.max-retries' = 'x'")).toMatch(/'lookup.max-retries' must be a non-negative integer/);
      expect(err(", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.expire-after-write' = 'soon'")).toMatch(/must be a duration/);
      expect(err(", 'lookup.cache.max-rows' = '5'")).toMatch(/'lookup.cache.max-rows' and 'lookup.cache.ttl' go together/);
      expect(err(", 'lookup.cache' = 'PARTIAL', 'lookup.cache.ttl' = '1 min'")).toMatch(/older form of 'lookup.partial-cache.\*': use one form/);
      const tEnv = environment(db, 't');
      expect(() =>
        tEnv.sqlQuery('SELECT o.oid FROM orders o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON CAST(o.pt AS TIMESTAMP(3)) = c.since').execute(),
      ).toThrow(/Lookup key column 'since' of 'customers' is TIMESTAMP\(3\): a lookup join queries by INT, BIGINT, DOUBLE, STRING or BOOLEAN keys only yet/);
    } finally {
      await db.close();
    }
  });
});
