// `weir pipeline` picks up tables created in the source after it started: one while it streams,
// with a writer changing it during its snapshot, and one while the pipeline is down (SIGKILLed), which
// the resumed pipeline finds although its checkpoint is older than the table. A private MariaDB into
// the machine's PostgreSQL; at the end each target (created by the pipeline) equals its source row by row.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mariadbToPostgres, mariadbToPostgresRuns } from './mariadb-to-postgres.js';
import { sleep, startTableWriter, until } from '../connectors/cdc-test-support.js';
import { asText, diffTables } from '../connectors/cdc-sql/table-diff.js';
import { newestCheckpoint } from '../support/newest-checkpoint.js';
import { startPipeline } from './pipeline-process.js';

const run = mariadbToPostgresRuns;
const servers = mariadbToPostgres('weir-pipeline-new-');
const SCHEMA = 'weir_pipeline_new_tables';

const writes = (table: string) => ({
  insert: (id: number, v: number) => servers.db.query(`INSERT INTO ${table} VALUES (?, ?, ?)`, [id, v, `r${id}`]),
  update: (id: number) => servers.db.query(`UPDATE ${table} SET v = v + 1, s = CONCAT(IFNULL(s, ''), 'u') WHERE id = ?`, [id]),
  delete: (id: number) => servers.db.query(`DELETE FROM ${table} WHERE id = ?`, [id]),
});

describe.runIf(run)('weir pipeline and tables created later', () => {
  it('creates and fills the target of a table created while it runs, and of one created while it was down', async () => {
    await servers.db.query('CREATE TABLE nt_orders (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200))');
    await servers.db.query(`INSERT INTO nt_orders SELECT seq, seq % 1000, IF(seq % 9 = 0, NULL, CONCAT('row ', seq)) FROM seq_1_to_3000`);
    await servers.target.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    const checkpoints = join(servers.dir, 'checkpoints');
    const file = join(servers.dir, 'pipeline.yaml');
    writeFileSync(
      file,
      `source:
  type: mariadb
  hostname: 127.0.0.1
  port: ${servers.db.port}
  username: weir
  password: weir
  tables: weir.nt_\\.*
  server-id: 5950-5960
  scan.incremental.snapshot.chunk.size: 200
sink:
  type: postgres
  url: jdbc:postgresql://127.0.0.1:5432/test
  username: postgres
route:
  - source-table: weir.\\.*
    sink-table: ${SCHEMA}.<>
    replace-symbol: <>
pipeline:
  name: pipeline-new-tables
  parallelism: 2
  execution.checkpointing.interval: 200ms
  state.checkpoints.dir: ${checkpoints}
`,
    );
    const count = async (t: string) =>
      Number((await servers.target.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.${t}`).catch(() => [{ n: '0' }]))[0]!.n);
    const writers = [startTableWriter(writes('nt_orders'), { rows: 3000, seed: 3, connections: 1, pauseMs: 5 })];
    let last: ReturnType<typeof startPipeline> | undefined;
    try {
      const first = startPipeline(file);
      const alive = (r: ReturnType<typeof startPipeline>) => {
        if (r.child.exitCode !== null) throw new Error(`the pipeline exited: ${r.stderr().slice(-2000)}`);
      };
      await until('the first table copied', async () => (alive(first), (await count('nt_orders')) >= 2900));
      // Created while the pipeline streams, filled, and written to while its snapshot runs.
      await servers.db.query('CREATE TABLE nt_new1 (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200))');
      await servers.db.query(`INSERT INTO nt_new1 SELECT seq, seq, CONCAT('new ', seq) FROM seq_1_to_4000`);
      writers.push(startTableWriter(writes('nt_new1'), { rows: 4000, seed: 5, connections: 2, pauseMs: 2 }));
      await until('the new table copied', async () => (alive(first), (await count('nt_new1')) >= 3900));
      const before = newestCheckpoint(checkpoints, 'pipeline-new-tables');
      await until('a checkpoint', () => (alive(first), newestCheckpoint(checkpoints, 'pipeline-new-tables') > before + 1));
      first.child.kill('SIGKILL');
      await first.exited;
      // Created while the pipeline is down: newer than every checkpoint it has.
      await servers.db.query('CREATE TABLE nt_new2 (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200))');
      await servers.db.query(`INSERT INTO nt_new2 SELECT seq, seq * 2, NULL FROM seq_1_to_1500`);
      writers.push(startTableWriter(writes('nt_new2'), { rows: 1500, seed: 9, connections: 1, pauseMs: 5 }));
      // Matching tables written to and then dropped or renamed away before the pipeline could see
      // them: the binlog holds their rows, and the resumed pipeline must not wait for them for ever.
      for (const t of ['nt_tmp1', 'nt_tmp2']) {
        await servers.db.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200))`);
        await servers.db.query(`INSERT INTO ${t} SELECT seq, seq, NULL FROM seq_1_to_100`);
      }
      await servers.db.query('DROP TABLE nt_tmp1');
      await servers.db.query('RENAME TABLE nt_tmp2 TO tmp_gone');
      await sleep(300);
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
              asText(await servers.db.query(`SELECT id, v, s FROM ${t} ORDER BY id`)),
              asText(await servers.target.query(`SELECT id, v, s FROM ${SCHEMA}.${t} ORDER BY id`)),
            ),
          );
        return out;
      };
      let d: string[] = [];
      await until('the targets to converge', async () => (alive(resumed), (d = await diff()).length === 0)).catch(() => {});
      console.log(`weir pipeline new tables: ${ops} concurrent writes`);
      expect(d).toEqual([]);
      const targets = await servers.target.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [
        SCHEMA,
      ]);
      expect(targets.map((r) => r.t)).toEqual(['nt_new1', 'nt_new2', 'nt_orders']);
    } finally {
      for (const w of writers) await w.stop();
      last?.child.kill('SIGKILL');
      if (last) await last.exited;
    }
  }, 300_000);
});
