// Rows per second through a lookup join against the machine's PostgreSQL or MariaDB (database
// `test`): `rows` datagen orders over 1,000 customer keys joined FOR SYSTEM_TIME AS OF their
// PROCTIME() with a table of those customers, into a blackhole, at parallelism 1, without the
// cache, with a partial cache that holds every key, and with the full cache (the table in memory). Process CPU only: the database's own work
// is not in it. `npx tsx bench/sql/lookup-join-throughput.ts [rows] [postgres|mariadb]`; best of
// 3 rounds after a warm-up one.
import mysql from 'mysql2/promise';
import pg from 'pg';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const rows = Number(process.argv[2] ?? 200_000);
const which = process.argv[3] ?? 'postgres';
const KEYS = 1000;
const table = `lookup_bench_${process.pid}`;

const db =
  which === 'postgres'
    ? await (async () => {
        const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
        await c.connect();
        return { url: 'jdbc:postgresql://127.0.0.1:5432/test', user: 'postgres', run: (s: string) => c.query(s), end: () => c.end() };
      })()
    : await (async () => {
        const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
        return { url: 'jdbc:mariadb://127.0.0.1:3306/test', user: 'root', run: (s: string) => c.query(s), end: () => c.end() };
      })();

await db.run(`CREATE TABLE ${table} (id bigint PRIMARY KEY, name varchar(50))`);
await db.run(`INSERT INTO ${table} VALUES ${Array.from({ length: KEYS }, (_, i) => `(${i}, 'customer ${i}')`).join(', ')}`);

async function round(cache: string): Promise<{ ms: number; cpuMs: number }> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(`CREATE TABLE orders (id BIGINT, cid AS MOD(id * 7919, ${KEYS}), pt AS PROCTIME())
    WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}')`);
  tEnv.executeSql(`CREATE TABLE customers (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
    WITH ('connector' = 'jdbc', 'url' = '${db.url}', 'table-name' = '${table}', 'username' = '${db.user}'${cache})`);
  tEnv.executeSql("CREATE TABLE out_t (id BIGINT, name STRING) WITH ('connector' = 'blackhole')");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await tEnv.executeSql('INSERT INTO out_t SELECT o.id, c.name FROM orders o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id').await();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

try {
  for (const [name, cache] of [
    ['no cache', ''],
    ['partial cache', ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '10000'"],
    ['full cache', ", 'lookup.cache' = 'FULL'"],
  ] as const) {
    const runs: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < 4; i++) runs.push(await round(cache));
    const best = runs.slice(1).reduce((a, b) => (b.ms < a.ms ? b : a));
    console.log(
      JSON.stringify({
        name: `lookup join (${which}, ${name})`,
        rows,
        bestMs: Math.round(best.ms),
        rowsPerSecond: Math.round((rows / best.ms) * 1000),
        rowsPerCpuSecond: Math.round((rows / best.cpuMs) * 1000),
      }),
    );
  }
} finally {
  await db.run(`DROP TABLE ${table}`);
  await db.end();
}
