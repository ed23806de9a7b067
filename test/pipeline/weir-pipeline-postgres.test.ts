// `weir pipeline -f` from PostgreSQL: a private PostgreSQL (wal_level=logical) with two tables
// (bigint and composite keys) copied into the machine's MariaDB, in a database of its own, while a
// writer changes both; then ADD COLUMN while it streams. At the end each target equals its source
// row by row, each side read by its own server's SQL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, until } from '../connectors/cdc-test-support.js';
import { startPostgres, type PgInstance } from '../connectors/postgres-cdc/pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../support/server-binaries.js';
import { haveTestDatabases, mariadbTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';
import { finish, startCli } from '../cli/cli-process.js';
import { asText, diffTables } from '../connectors/cdc-sql/table-diff.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql') && (await haveTestDatabases());
let pg: PgInstance;
let target: TestDatabase;
let dir: string;
const DB = 'weir_pipeline_pg';

beforeAll(async () => {
  if (!run) return;
  pg = await startPostgres();
  target = await mariadbTest();
  dir = mkdtempSync(join(tmpdir(), 'weir-pipeline-pg-'));
}, 60_000);
afterAll(async () => {
  await target?.close();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(run)('weir pipeline from PostgreSQL', () => {
  it('copies two PostgreSQL tables into MariaDB under a concurrent writer, follows ADD COLUMN, and the targets equal the sources', async () => {
    await pg.query(
      'CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40) NOT NULL, amount numeric(12,2), created timestamp(6), note text, paid boolean NOT NULL)',
    );
    await pg.query('CREATE TABLE order_lines (o int, n int, qty int NOT NULL, PRIMARY KEY (o, n))');
    await pg.query(
      `INSERT INTO orders SELECT g, 'c' || (g % 300), g * 1.25, timestamp '2024-01-01' + g * interval '1001001 microseconds', CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END, g % 2 = 0 FROM generate_series(1, 5000) g`,
    );
    await pg.query('INSERT INTO order_lines SELECT g / 4, g % 4, g FROM generate_series(4, 4003) g');
    await target.query(`DROP DATABASE IF EXISTS ${DB}`);
    const file = join(dir, 'postgres-to-mariadb.yaml');
    writeFileSync(
      file,
      `source:
  type: postgres
  hostname: 127.0.0.1
  port: ${pg.port}
  username: weir
  password: weir
  database-name: weir
  tables: public.\\.*
  slot.name: pipeline_slot
  scan.incremental.snapshot.chunk.size: 500
sink:
  type: mariadb
  url: jdbc:mariadb://127.0.0.1:3306/test
  username: root
route:
  - source-table: public.\\.*
    sink-table: ${DB}.<>
    replace-symbol: <>
pipeline:
  name: PostgreSQL to MariaDB
  parallelism: 2
  execution.checkpointing.interval: 300ms
  state.checkpoints.dir: ${join(dir, 'checkpoints')}
`,
    );
    let running = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 1; running; i++) {
        await pg.query(`UPDATE orders SET amount = amount + 0.01, note = coalesce(note, '') || 'u', created = now(), paid = NOT paid WHERE id = $1`, [
          1 + ((i * 37) % 5000),
        ]);
        await pg.query('INSERT INTO orders VALUES ($1, $2, $3, now(), NULL, true)', [10_000 + i, `n${i}`, i / 4]);
        await pg.query('DELETE FROM orders WHERE id = $1', [1 + ((i * 53) % 5000)]);
        await pg.query('UPDATE order_lines SET qty = qty + 1 WHERE o = $1 AND n = $2', [1 + ((i * 11) % 1000), i % 4]);
        await pg.query('DELETE FROM order_lines WHERE o = $1 AND n = $2', [1 + ((i * 7) % 1000), (i + 1) % 4]);
        writes += 5;
        await sleep(5);
      }
    })();
    const child = startCli(['pipeline', '-f', file]);
    const done = finish(child);
    try {
      const copied = async () => Number((await target.query<{ n: number }>(`SELECT count(*) AS n FROM ${DB}.orders`).catch(() => [{ n: 0 }]))[0]!.n);
      await until('the snapshot', async () => (await copied()) >= 4500);
      running = false;
      await writer;
      await pg.query(`ALTER TABLE orders ADD COLUMN channel text DEFAULT 'web'`);
      await pg.query(`INSERT INTO orders VALUES (99999, 'late', 1.50, now(), 'after the alter', false, 'app')`);
      await pg.query(`UPDATE orders SET channel = 'phone' WHERE id BETWEEN 100 AND 120`);
      const queries = [
        [
          `SELECT id, customer, amount::text AS amount, to_char(created, 'YYYY-MM-DD HH24:MI:SS.US') AS created, note, paid::int AS paid, channel FROM orders ORDER BY id`,
          `SELECT id, customer, CAST(amount AS CHAR) AS amount, DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s.%f') AS created, note, paid, channel FROM ${DB}.orders ORDER BY id`,
        ],
        [`SELECT o || '/' || n AS k, qty FROM order_lines ORDER BY o, n`, `SELECT CONCAT(o, '/', n) AS k, qty FROM ${DB}.order_lines ORDER BY o, n`],
      ] as const;
      const diff = async () => {
        const out: string[] = [];
        for (const [s, t] of queries)
          out.push(...diffTables(asText(await pg.query(s)), asText(await target.query(t).catch((e: Error) => [{ error: e.message }]))));
        return out;
      };
      let d: string[] = [];
      await until('the targets to converge', async () => (d = await diff()).length === 0).catch(() => {});
      expect(d).toEqual([]);
      console.log(`weir pipeline from PostgreSQL: 2 tables equal after ${writes} concurrent writes and an ADD COLUMN`);
    } finally {
      running = false;
      await writer;
      child.kill('SIGKILL');
      const r = await done;
      if (r.signal !== 'SIGKILL') console.log(r.stderr);
    }
  }, 180_000);
});
