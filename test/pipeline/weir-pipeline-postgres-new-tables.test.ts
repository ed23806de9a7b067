// `weir pipeline` from PostgreSQL picks up tables created in the source after it started: one while
// it streams, with a writer changing it during its snapshot, and one while the pipeline is down
// (SIGKILLed), which the resumed pipeline finds although its checkpoint is older than the table. A
// private PostgreSQL (wal_level=logical) into the machine's MariaDB; at the end each target (created
// by the pipeline) equals its source row by row.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTableWriter, until } from '../connectors/cdc-test-support.js';
import { startPostgres, type PgInstance } from '../connectors/postgres-cdc/pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../support/server-binaries.js';
import { haveTestDatabases, mariadbTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';
import { asText, diffTables } from '../connectors/cdc-sql/table-diff.js';
import { newestCheckpoint } from '../support/newest-checkpoint.js';
import { startPipeline } from './pipeline-process.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql') && (await haveTestDatabases());
let pg: PgInstance;
let target: TestDatabase;
let dir: string;
const DB = 'weir_pipeline_pg_new';

beforeAll(async () => {
  if (!run) return;
  pg = await startPostgres();
  target = await mariadbTest();
  dir = mkdtempSync(join(tmpdir(), 'weir-pipeline-pg-new-'));
}, 60_000);
afterAll(async () => {
  await target?.close();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const writes = (table: string) => ({
  insert: (id: number, v: number) => pg.query(`INSERT INTO ${table} VALUES ($1, $2, $3)`, [id, v, `r${id}`]),
  update: (id: number) => pg.query(`UPDATE ${table} SET v = v + 1, s = coalesce(s, '') || 'u' WHERE id = $1`, [id]),
  delete: (id: number) => pg.query(`DELETE FROM ${table} WHERE id = $1`, [id]),
});

describe.runIf(run)('weir pipeline from PostgreSQL and tables created later', () => {
  it('creates and fills the target of a table created while it runs, and of one created while it was down', async () => {
    await pg.query('CREATE TABLE nt_orders (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200))');
    await pg.query(`INSERT INTO nt_orders SELECT g, g % 1000, CASE WHEN g % 9 = 0 THEN NULL ELSE 'row ' || g END FROM generate_series(1, 3000) g`);
    await target.query(`DROP DATABASE IF EXISTS ${DB}`);
    const checkpoints = join(dir, 'checkpoints');
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(
      file,
      `source:
  type: postgres
  hostname: 127.0.0.1
  port: ${pg.port}
  username: weir
  password: weir
  database-name: weir
  tables: public.nt_\\.*
  slot.name: pipeline_new_slot
  scan.incremental.snapshot.chunk.size: 200
sink:
  type: mariadb
  url: jdbc:mariadb://127.0.0.1:3306/test
  username: root
route:
  - source-table: public.\\.*
    sink-table: ${DB}.<>
    replace-symbol: <>
pipeline:
  name: pipeline-pg-new-tables
  parallelism: 2
  execution.checkpointing.interval: 200ms
  state.checkpoints.dir: ${checkpoints}
`,
    );
    const count = async (t: string) => Number((await target.query<{ n: number }>(`SELECT count(*) AS n FROM ${DB}.${t}`).catch(() => [{ n: 0 }]))[0]!.n);
    const writers = [startTableWriter(writes('nt_orders'), { rows: 3000, seed: 3, connections: 1, pauseMs: 5 })];
    let last: ReturnType<typeof startPipeline> | undefined;
    try {
      const first = startPipeline(file);
      const alive = (r: ReturnType<typeof startPipeline>) => {
        if (r.child.exitCode !== null) throw new Error(`the pipeline exited: ${r.stderr().slice(-2000)}`);
      };
      await until('the first table copied', async () => (alive(first), (await count('nt_orders')) >= 2900));
      // Created while the pipeline streams, filled, and written to while its snapshot runs.
      await pg.query('CREATE TABLE nt_new1 (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200))');
      await pg.query(`INSERT INTO nt_new1 SELECT g, g, 'new ' || g FROM generate_series(1, 4000) g`);
      writers.push(startTableWriter(writes('nt_new1'), { rows: 4000, seed: 5, connections: 2, pauseMs: 2 }));
      await until('the new table copied', async () => (alive(first), (await count('nt_new1')) >= 3900));
      const before = newestCheckpoint(checkpoints, 'pipeline-pg-new-tables');
      await until('a checkpoint', () => (alive(first), newestCheckpoint(checkpoints, 'pipeline-pg-new-tables') > before + 1));
      first.child.kill('SIGKILL');
      await first.exited;
      // Created while the pipeline is down: newer than every checkpoint it has.
      await pg.query('CREATE TABLE nt_new2 (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200))');
      await pg.query(`INSERT INTO nt_new2 SELECT g, g * 2, NULL FROM generate_series(1, 1500) g`);
      writers.push(startTableWriter(writes('nt_new2'), { rows: 1500, seed: 9, connections: 1, pauseMs: 5 }));
      // A matching table created, written to and dropped while the pipeline is down: never captured, never waited for.
      await pg.query('CREATE TABLE nt_tmp1 (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200))');
      await pg.query('INSERT INTO nt_tmp1 SELECT g, g, NULL FROM generate_series(1, 100) g');
      await pg.query('DROP TABLE nt_tmp1');
      last = startPipeline(file);
      const resumed = last;
      await until('the table created while it was down copied', async () => (alive(resumed), (await count('nt_new2')) >= 1400));
      let ops = 0;
      for (const w of writers) ops += await w.stop();
      const tables = ['nt_orders', 'nt_new1', 'nt_new2'];
      const diff = async () => {
        const out: string[] = [];
        for (const t of tables)
          out.push(
            ...diffTables(
              asText(await pg.query(`SELECT id, v, s FROM ${t} ORDER BY id`)),
              asText(await target.query(`SELECT id, v, s FROM ${DB}.${t} ORDER BY id`)),
            ),
          );
        return out;
      };
      let d: string[] = [];
      await until('the targets to converge', async () => (alive(resumed), (d = await diff()).length === 0)).catch(() => {});
      console.log(`weir pipeline from PostgreSQL, new tables: ${ops} concurrent writes`);
      expect(d).toEqual([]);
      const targets = await target.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY 1`, [DB]);
      expect(targets.map((r) => r.t)).toEqual(['nt_new1', 'nt_new2', 'nt_orders']);
    } finally {
      for (const w of writers) await w.stop();
      last?.child.kill('SIGKILL');
      if (last) await last.exited;
    }
  }, 300_000);
});
