// SIGKILL and resume of a `weir run` job copying a MariaDB table (mysql-cdc, private server) into
// PostgreSQL through the jdbc upsert sink while a writer changes the source: killed during the
// snapshot and while streaming, resumed with --resume each time. At the end the target table equals
// the source row by row: the flushes of a checkpoint and the replay after it converge (idempotent upserts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariadb, type MariadbInstance } from '../connectors/mysql-cdc/mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../support/server-binaries.js';
import { sleep, startTableWriter, until } from '../connectors/cdc-test-support.js';
import { haveTestDatabases, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';
import { asText, diffTables } from '../connectors/cdc-sql/table-diff.js';
import { newestCheckpoint } from '../support/newest-checkpoint.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'src/cli/main.ts');
const job = join(root, 'test/chaos/cdc-jdbc-crash-job.ts');
// Enough that the snapshot outlasts the first kills: at 10,000 rows a fast run copied 95% before its first checkpoint.
const ROWS = 30_000;
const TABLE = 'weir_chaos_items_copy';

let db: MariadbInstance;
let target: TestDatabase;
let work: string;
const serversInstalled = serverTestsRun('mysql-cdc -> jdbc crash', haveMariadbBinaries(), 'mariadb-server') && (await haveTestDatabases());

beforeAll(async () => {
  if (!serversInstalled) return;
  db = await startMariadb();
  target = await postgresTest();
  work = mkdtempSync(join(tmpdir(), 'weir-cdc-jdbc-chaos-'));
}, 60_000);
afterAll(async () => {
  await target?.close();
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function run(checkpoints: string): { child: ChildProcess; exited: Promise<void>; stderr: () => string } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, 'run', job, '--no-progress', '--checkpoint-dir', checkpoints, '--checkpoint-interval', '100ms', '--resume', '-p', '1'],
    { cwd: root, env: { ...process.env, WEIR_CDC_PORT: String(db.port), WEIR_JDBC_TABLE: TABLE }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return { child, exited: new Promise((r) => child.once('exit', () => r())), stderr: () => err };
}

describe.runIf(serversInstalled)('mysql-cdc -> jdbc under SIGKILL', () => {
  it('killed during the snapshot and while streaming, resumed each time: the target equals the source', async () => {
    await db.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200)) ENGINE=InnoDB');
    await db.query(`INSERT INTO items SELECT seq, seq % 1000, IF(seq % 9 = 0, NULL, CONCAT('row ', seq)) FROM seq_1_to_${ROWS}`);
    await target.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await target.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, v int NOT NULL, s text)`);
    const copied = async () => Number((await target.query<{ n: string }>(`SELECT count(*) AS n FROM ${TABLE}`))[0]!.n);
    const checkpoints = join(work, 'checkpoints');
    const writer = startTableWriter(
      {
        insert: (id, v) => db.query('INSERT INTO items VALUES (?, ?, ?)', [id, v, 'new']),
        update: (id) => db.query(`UPDATE items SET v = v + 1, s = CONCAT(s, 'u') WHERE id = ?`, [id]),
        delete: (id) => db.query('DELETE FROM items WHERE id = ?', [id]),
      },
      { rows: ROWS, seed: 13, connections: 2, pauseMs: 10 },
    );
    const phases: string[] = [];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    // The first kills land in the snapshot (100 chunks of 100 rows), the later ones once the copy is
    // nearly complete, while streaming; each after rows were written since the job (re)started.
    try {
      for (let k = 0; k < 6; k++) {
        const r = run(checkpoints);
        const before = newestCheckpoint(checkpoints, 'cdc-jdbc-chaos');
        const streaming = k >= 3;
        for (let t = 0; ; t++) {
          if (r.child.exitCode !== null) throw new Error(`the job exited: ${r.stderr().slice(-2000)}`);
          if (newestCheckpoint(checkpoints, 'cdc-jdbc-chaos') > before && (!streaming || (await copied()) >= ROWS * 0.95)) break;
          if (t > 1200) throw new Error(`no new checkpoint: ${r.stderr().slice(-2000)}`);
          await sleep(50);
        }
        await sleep(rnd(300));
        phases.push((await copied()) < ROWS * 0.9 ? 'snapshot' : 'streaming');
        console.log(`kill ${k} at ${new Date().toISOString()}: ${await copied()} rows copied`);
        r.child.kill('SIGKILL');
        await r.exited;
      }
    } finally {
      await writer.stop();
    }
    const ops = await writer.stop();
    const last = run(checkpoints);
    try {
      const expected = asText(await db.query('SELECT id, v, s FROM items ORDER BY id'));
      const targetRows = async () => asText(await target.query(`SELECT id, v, s FROM ${TABLE} ORDER BY id`));
      let diff: string[] = [];
      await until('the copy to converge', async () => {
        if (last.child.exitCode !== null) throw new Error(`the job exited: ${last.stderr().slice(-2000)}`);
        return (diff = diffTables(expected, await targetRows())).length === 0;
      }).catch(() => {});
      console.log(`mysql-cdc -> jdbc chaos: kills ${phases.join(', ')}; ${ops} concurrent writes; ${expected.length} rows at the end`);
      expect(diff).toEqual([]);
      expect(phases).toContain('snapshot');
      expect(phases).toContain('streaming');
    } finally {
      last.child.kill('SIGKILL');
      await last.exited;
    }
  }, 480_000);
});
