// Replication PostgreSQL -> MariaDB with `weir sql -f`: a postgres-cdc table (a private PostgreSQL
// with wal_level=logical) copied into a jdbc upsert table (the machine's MariaDB) by a script run in
// two worker-thread slots, while three connections insert, update and delete. At the end the copy
// equals the source row by row, each side read by its own server's SQL.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTableWriter, until } from '../cdc-test-support.js';
import { startPostgres, type PgInstance } from '../postgres-cdc/pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { haveTestDatabases, mariadbTest, type TestDatabase } from '../jdbc/jdbc-databases.js';
import { finish, startCli } from '../../cli/cli-process.js';
import { asText, diffTables } from './table-diff.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql') && (await haveTestDatabases());
let pg: PgInstance;
let target: TestDatabase;
let dir: string;

beforeAll(async () => {
  if (!run) return;
  pg = await startPostgres();
  target = await mariadbTest();
  dir = mkdtempSync(join(tmpdir(), 'weir-cdc-sql-'));
}, 60_000);
afterAll(async () => {
  await target?.close();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ROWS = 20_000;

describe.runIf(run)('postgres-cdc -> jdbc (MariaDB) with weir sql -f', () => {
  it('copies a table changed during the snapshot, equal to the source at the end', async () => {
    await pg.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s text, price numeric(12,2), updated timestamp(3), flag boolean)');
    await pg.query('ALTER TABLE items REPLICA IDENTITY FULL');
    await pg.query(
      `INSERT INTO items SELECT g, g % 1000, CASE WHEN g % 7 = 0 THEN NULL ELSE 'row ' || g END, g * 1.25, TIMESTAMP '2024-01-01' + g * INTERVAL '1001 millisecond', CASE WHEN g % 5 = 0 THEN NULL ELSE g % 2 = 0 END FROM generate_series(1, ${ROWS}) g`,
    );
    await target.query('DROP TABLE IF EXISTS weir_cdc_pg_copy');
    await target.query(
      'CREATE TABLE weir_cdc_pg_copy (id bigint PRIMARY KEY, v int NOT NULL, s varchar(300), price decimal(12,2), updated datetime(3), flag boolean)',
    );
    const script = join(dir, 'pg-to-mariadb.sql');
    writeFileSync(
      script,
      `SET 'execution.checkpointing.interval' = '300ms';
SET 'state.checkpoints.dir' = '${join(dir, 'checkpoints')}';
CREATE TABLE items (
  id BIGINT, v INT, s STRING, price STRING, updated TIMESTAMP(3), flag BOOLEAN,
  changed TIMESTAMP(3) METADATA FROM 'op_ts' VIRTUAL,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'postgres-cdc', 'hostname' = '127.0.0.1', 'port' = '${pg.port}', 'username' = 'weir', 'password' = 'weir',
  'database-name' = 'weir', 'schema-name' = 'public', 'table-name' = 'items', 'slot.name' = 'items_sql_slot',
  'decoding.plugin.name' = 'pgoutput', 'scan.incremental.snapshot.chunk.size' = '1000'
);
CREATE TABLE items_copy (
  id BIGINT, v INT, s STRING, price STRING, updated TIMESTAMP(3), flag BOOLEAN,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:mariadb://127.0.0.1:3306/test', 'username' = 'root',
  'table-name' = 'weir_cdc_pg_copy', 'sink.buffer-flush.max-rows' = '2000', 'sink.buffer-flush.interval' = '200ms'
);
INSERT INTO items_copy SELECT id, v, s, price, updated, flag FROM items;
`,
    );
    const writer = startTableWriter(
      {
        insert: (id, v) => pg.query(`INSERT INTO items VALUES ($1, $2, 'new', $3, now(), $4)`, [id, v, v / 8, v % 2 === 0]),
        update: (id) => pg.query(`UPDATE items SET v = v + 1, s = s || 'u', price = price + 0.01, updated = now(), flag = NOT flag WHERE id = $1`, [id]),
        delete: (id) => pg.query('DELETE FROM items WHERE id = $1', [id]),
      },
      { rows: ROWS, seed: 5, connections: 3, pauseMs: 5 },
    );
    const child = startCli(['sql', '-f', script, '-p', '2']);
    const done = finish(child);
    const copied = async () => Number((await target.query<{ n: number }>('SELECT count(*) AS n FROM weir_cdc_pg_copy'))[0]!.n);
    try {
      await until('the snapshot', async () => (await copied()) >= ROWS * 0.9);
      const ops = await writer.stop();
      const expected = asText(
        await pg.query(
          `SELECT id, v, s, price::text AS price, to_char(updated, 'YYYY-MM-DD HH24:MI:SS.US') AS updated, flag::int AS flag FROM items ORDER BY id`,
        ),
      );
      const targetRows = async () =>
        asText(
          await target.query(
            `SELECT id, v, s, CAST(price AS CHAR) AS price, DATE_FORMAT(updated, '%Y-%m-%d %H:%i:%s.%f') AS updated, flag FROM weir_cdc_pg_copy ORDER BY id`,
          ),
        );
      let diff: string[] = [];
      await until('the copy to converge', async () => (diff = diffTables(expected, await targetRows())).length === 0).catch(() => {});
      expect(diff).toEqual([]);
      expect(ops).toBeGreaterThan(100);
      console.log(`postgres -> mariadb: ${expected.length} rows copied under ${ops} concurrent writes`);
    } finally {
      await writer.stop();
      child.kill('SIGKILL');
      const r = await done;
      if (r.signal !== 'SIGKILL') console.log(r.stderr);
    }
  }, 180_000);
});
