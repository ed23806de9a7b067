// Replication with `weir sql -f` scripts both ways under SIGKILL: a 100,000-row table of a private
// MariaDB (binlog on) copied into the machine's PostgreSQL, and of a private PostgreSQL
// (wal_level=logical) into the machine's MariaDB, each through the jdbc upsert sink in two slots,
// while writers insert, update and delete. Each job is killed three times during the snapshot and
// three times while it streams and resumed with `--resume` from its latest checkpoint. At the end
// the target equals the source row by row, each read by its own server's SQL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, startCli } from '../cli/cli-process.js';
import { sleep, startTableWriter, until, type TableWrites } from '../connectors/cdc-test-support.js';
import { asText, diffTables, type TextRow } from '../connectors/cdc-sql/table-diff.js';
import { haveTestDatabases, mariadbTest, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';
import { startMariadb, type MariadbInstance } from '../connectors/mysql-cdc/mariadb-instance.js';
import { startPostgres, type PgInstance } from '../connectors/postgres-cdc/pg-instance.js';
import { haveMariadbBinaries, havePostgresBinaries, serverTestsRun } from '../support/server-binaries.js';
import { newestCheckpoint } from '../support/newest-checkpoint.js';

const ROWS = 100_000;
const KILLS = 6;
const run =
  serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server') &&
  serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql') &&
  (await haveTestDatabases());
let dir: string;

beforeAll(() => {
  if (run) dir = mkdtempSync(join(tmpdir(), 'weir-cdc-sql-chaos-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Replication {
  /** The job's name (`pipeline.name`), under which its checkpoints are kept. */
  readonly job: string;
  readonly script: string;
  readonly checkpoints: string;
  readonly writes: TableWrites;
  copied(): Promise<number>;
  source(): Promise<TextRow[]>;
  target(): Promise<TextRow[]>;
}

/**
 * Kills `weir sql -f` KILLS times, each soon after a checkpoint newer than those before it was
 * written (the later half once 95% of the rows are copied, so while it streams), resumes it each
 * time, then lets a last run converge while nothing writes; returns where each kill landed.
 */
async function killAndResume(r: Replication, seed: number): Promise<{ phases: string[]; ops: number; diff: string[]; rows: number }> {
  const writer = startTableWriter(r.writes, { rows: ROWS, seed, connections: 2, pauseMs: 5 });
  let s = seed;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
  const phases: string[] = [];
  const start = () => {
    const child = startCli(['sql', '-f', r.script, '-p', '2', '--resume', '--quiet']);
    return { child, done: finish(child) };
  };
  try {
    for (let k = 0; k < KILLS; k++) {
      const job = start();
      const before = newestCheckpoint(r.checkpoints, r.job);
      const streaming = k >= KILLS / 2;
      for (let t = 0; ; t++) {
        if (job.child.exitCode !== null) throw new Error(`the job exited: ${(await job.done).stderr.slice(-2000)}`);
        if (newestCheckpoint(r.checkpoints, r.job) > before && (!streaming || (await r.copied()) >= ROWS * 0.95)) break;
        if (t > 2400) throw new Error('no new checkpoint in 120 s');
        await sleep(50);
      }
      await sleep(rnd(300));
      phases.push((await r.copied()) < ROWS * 0.9 ? 'snapshot' : 'streaming');
      job.child.kill('SIGKILL');
      await job.done;
    }
  } finally {
    await writer.stop();
  }
  const ops = await writer.stop();
  const last = start();
  try {
    const expected = await r.source();
    let diff: string[] = [];
    await until('the copy to converge', async () => {
      if (last.child.exitCode !== null) throw new Error(`the job exited: ${(await last.done).stderr.slice(-2000)}`);
      return (diff = diffTables(expected, await r.target())).length === 0;
    }).catch(() => {});
    return { phases, ops, diff, rows: expected.length };
  } finally {
    last.child.kill('SIGKILL');
    await last.done;
  }
}

/** What the helpers below ask of a database client (the private servers' and the targets'). */
interface Queries {
  query(sql: string): Promise<Record<string, unknown>[]>;
}

/** The rows of `table` as text, read by MariaDB's own SQL. */
const mariadbRows = async (db: Queries, table: string): Promise<TextRow[]> =>
  asText(await db.query(`SELECT id, v, s, CAST(price AS CHAR) AS price, DATE_FORMAT(updated, '%Y-%m-%d %H:%i:%s.%f') AS updated FROM ${table} ORDER BY id`));

/** The rows of `table` as text, read by PostgreSQL's own SQL. */
const postgresRows = async (db: Queries, table: string): Promise<TextRow[]> =>
  asText(await db.query(`SELECT id, v, s, price::text AS price, to_char(updated, 'YYYY-MM-DD HH24:MI:SS.US') AS updated FROM ${table} ORDER BY id`));

const count = async (db: Queries, table: string): Promise<number> => Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

/** Writes job `job`'s script: the CDC table `items` (its connector's options), copied into the jdbc table `items_copy`. */
function writeScript(job: string, source: string, sink: string): { script: string; checkpoints: string } {
  const script = join(dir, `${job}.sql`);
  const checkpoints = join(dir, `${job}-checkpoints`);
  const columns = 'id BIGINT, v INT, s STRING, price DECIMAL(12, 2), updated TIMESTAMP(3), PRIMARY KEY (id) NOT ENFORCED';
  writeFileSync(
    script,
    `SET 'pipeline.name' = '${job}';
SET 'execution.checkpointing.interval' = '200ms';
SET 'state.checkpoints.dir' = '${checkpoints}';
CREATE TABLE items (${columns}) WITH (${source}, 'scan.incremental.snapshot.chunk.size' = '500');
CREATE TABLE items_copy (${columns}) WITH (${sink}, 'sink.buffer-flush.max-rows' = '1000', 'sink.buffer-flush.interval' = '100ms');
INSERT INTO items_copy SELECT * FROM items;
`,
  );
  return { script, checkpoints };
}

function expectReplicated(label: string, r: Awaited<ReturnType<typeof killAndResume>>): void {
  console.log(`${label} chaos (weir sql): kills ${r.phases.join(', ')}; ${r.ops} concurrent writes; ${r.rows} rows at the end`);
  expect(r.diff).toEqual([]);
  expect(r.phases.filter((p) => p === 'snapshot').length).toBeGreaterThanOrEqual(2);
  expect(r.phases).toContain('streaming');
  expect(r.ops).toBeGreaterThan(100);
}

describe.runIf(run)('CDC replication with weir sql -f under SIGKILL', () => {
  it('MariaDB -> PostgreSQL: killed 3 times in the snapshot and 3 times streaming, the target equals the source', async () => {
    const db: MariadbInstance = await startMariadb();
    const target: TestDatabase = await postgresTest();
    const table = `weir_chaos_sql_m2p_${process.pid}`;
    try {
      await db.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200), price decimal(12,2), updated datetime(3)) ENGINE=InnoDB');
      await db.query(
        `INSERT INTO items SELECT seq, seq % 1000, IF(seq % 9 = 0, NULL, CONCAT('row ', seq)), seq * 1.25, TIMESTAMP('2024-01-01') + INTERVAL seq * 1001000 MICROSECOND FROM seq_1_to_${ROWS}`,
      );
      await target.query(`DROP TABLE IF EXISTS ${table}`);
      await target.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, v int NOT NULL, s text, price numeric(12,2), updated timestamp(3))`);
      const job = 'chaos-m2p';
      const files = writeScript(
        job,
        `'connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '${db.port}', 'username' = 'weir', 'password' = 'weir',
  'database-name' = 'weir', 'table-name' = 'items', 'server-id' = '5800-5804'`,
        `'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:5432/test', 'username' = 'postgres', 'table-name' = '${table}'`,
      );
      const r = await killAndResume(
        {
          job,
          ...files,
          writes: {
            insert: (id, v) => db.query('INSERT INTO items VALUES (?, ?, ?, ?, NOW(3))', [id, v, 'new', v / 8]),
            update: (id) => db.query(`UPDATE items SET v = v + 1, s = CONCAT(s, 'u'), price = price + 0.01, updated = NOW(3) WHERE id = ?`, [id]),
            delete: (id) => db.query('DELETE FROM items WHERE id = ?', [id]),
          },
          copied: () => count(target, table),
          source: () => mariadbRows(db, 'items'),
          target: () => postgresRows(target, table),
        },
        17,
      );
      expectReplicated('mariadb -> postgres', r);
    } finally {
      await target.query(`DROP TABLE IF EXISTS ${table}`);
      await target.close();
      await db.stop();
    }
  }, 600_000);

  it('PostgreSQL -> MariaDB: killed 3 times in the snapshot and 3 times streaming, the target equals the source', async () => {
    const pg: PgInstance = await startPostgres();
    const target: TestDatabase = await mariadbTest();
    const table = `weir_chaos_sql_p2m_${process.pid}`;
    try {
      await pg.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s text, price numeric(12,2), updated timestamp(3))');
      await pg.query('ALTER TABLE items REPLICA IDENTITY FULL');
      await pg.query(
        `INSERT INTO items SELECT g, g % 1000, CASE WHEN g % 9 = 0 THEN NULL ELSE 'row ' || g END, g * 1.25, TIMESTAMP '2024-01-01' + g * INTERVAL '1001 millisecond' FROM generate_series(1, ${ROWS}) g`,
      );
      await target.query(`DROP TABLE IF EXISTS ${table}`);
      await target.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, v int NOT NULL, s varchar(300), price decimal(12,2), updated datetime(3))`);
      const job = 'chaos-p2m';
      const files = writeScript(
        job,
        `'connector' = 'postgres-cdc', 'hostname' = '127.0.0.1', 'port' = '${pg.port}', 'username' = 'weir', 'password' = 'weir',
  'database-name' = 'weir', 'schema-name' = 'public', 'table-name' = 'items', 'slot.name' = 'chaos_p2m'`,
        `'connector' = 'jdbc', 'url' = 'jdbc:mariadb://127.0.0.1:3306/test', 'username' = 'root', 'table-name' = '${table}'`,
      );
      const now = "date_trunc('milliseconds', now())";
      const r = await killAndResume(
        {
          job,
          ...files,
          writes: {
            insert: (id, v) => pg.query(`INSERT INTO items VALUES ($1, $2, 'new', $3, ${now})`, [id, v, v / 8]),
            update: (id) => pg.query(`UPDATE items SET v = v + 1, s = s || 'u', price = price + 0.01, updated = ${now} WHERE id = $1`, [id]),
            delete: (id) => pg.query('DELETE FROM items WHERE id = $1', [id]),
          },
          copied: () => count(target, table),
          source: () => postgresRows(pg, 'items'),
          target: () => mariadbRows(target, table),
        },
        19,
      );
      expectReplicated('postgres -> mariadb', r);
    } finally {
      await target.query(`DROP TABLE IF EXISTS ${table}`);
      await target.close();
      await pg.stop();
    }
  }, 600_000);
});
