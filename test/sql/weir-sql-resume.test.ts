// `weir sql -f --resume` and `--from-savepoint`: a GROUP BY job over a bounded, rate-limited
// datagen source writing a jdbc upsert table is SIGKILLed mid-run (once a checkpoint is on disk,
// or after `weir savepoint`), then started again from that snapshot. The restored run goes on
// from the aggregate state and the source position, so the table ends equal to the sums plain
// code computes from the input: no row lost, none counted twice.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, runCli, startCli, type CliRun } from '../cli/cli-process.js';
import { haveTestDatabases, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const run = await haveTestDatabases();
const N = 3000;
const GROUPS = 7;
const tables = ['resume', 'savepoint'].map((t) => `weir_sql_${t}_${process.pid}`);
let dir: string;
let db: TestDatabase;

beforeAll(async () => {
  if (!run) return;
  dir = mkdtempSync(join(tmpdir(), 'weir-sql-resume-'));
  db = await postgresTest();
  for (const t of tables) {
    await db.query(`DROP TABLE IF EXISTS ${t}`);
    await db.query(`CREATE TABLE ${t} (g bigint PRIMARY KEY, total bigint, cnt bigint)`);
  }
});
afterAll(async () => {
  if (!run) return;
  for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${t}`);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the script of job `job` into table `table`, checkpointing every `interval`, reading `rate` rows per second. */
function script(job: string, table: string, interval: string, rate: number): { path: string; checkpoints: string } {
  const path = join(dir, `${job}.sql`);
  const checkpoints = join(dir, `${job}-checkpoints`);
  writeFileSync(
    path,
    `CREATE TABLE nums (n BIGINT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '${N}', 'rows-per-second' = '${rate}');
CREATE TABLE sums (g BIGINT, total BIGINT, cnt BIGINT, PRIMARY KEY (g) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:5432/test', 'username' = 'postgres', 'table-name' = '${table}'
);
SET 'pipeline.name' = '${job}';
SET 'execution.checkpointing.interval' = '${interval}';
SET 'state.checkpoints.dir' = '${checkpoints}';
INSERT INTO sums SELECT n % ${GROUPS}, SUM(n), COUNT(*) FROM nums GROUP BY n % ${GROUPS};
`,
  );
  return { path, checkpoints };
}

/** Resolves once `jobDir/<entry>/<inside>` exists for an entry matching `entry`. */
async function appears(jobDir: string, entry: RegExp, inside = ''): Promise<void> {
  while (!(existsSync(jobDir) && readdirSync(jobDir).some((f) => entry.test(f) && existsSync(join(jobDir, f, inside)))))
    await new Promise((r) => setTimeout(r, 50));
}

/** The restored run's checks: it restored, read fewer rows than all, and the table holds the exact sums. */
async function expectExactSums(restored: CliRun, job: string, table: string): Promise<void> {
  expect(restored.code, restored.stderr).toBe(0);
  expect(restored.stderr).toMatch(new RegExp(`Restoring job '${job}' from (checkpoint|savepoint) \\d+`));
  const read = Number(/datagen: nums +\d+ +([\d,]+)/.exec(restored.stderr)?.[1]?.replace(/,/g, ''));
  expect(read).toBeLessThan(N);
  const expected = new Map<number, { total: number; cnt: number }>();
  for (let n = 1; n <= N; n++) {
    const e = expected.get(n % GROUPS) ?? { total: 0, cnt: 0 };
    e.total += n;
    e.cnt++;
    expected.set(n % GROUPS, e);
  }
  const rows = await db.query<{ g: string; total: string; cnt: string }>(`SELECT g, total, cnt FROM ${table} ORDER BY g`);
  expect(rows.map((r) => [Number(r.g), Number(r.total), Number(r.cnt)])).toEqual([...expected].sort(([a], [b]) => a - b).map(([g, e]) => [g, e.total, e.cnt]));
}

describe.runIf(run)('weir sql -f restored from a snapshot', { concurrent: true }, () => {
  it('--resume continues a SIGKILLed GROUP BY job in two slots from its latest checkpoint to the exact sums', async () => {
    const { path, checkpoints } = script('sums', tables[0]!, '200 ms', 1000);
    const first = startCli(['sql', '-f', path, '-p', '2', '--quiet']);
    const killed = finish(first);
    // A checkpoint is complete once its _metadata is written; from the third on, the source has read rows before it.
    await appears(join(checkpoints, 'sums'), /^chk-([3-9]|\d\d+)$/, '_metadata');
    first.kill('SIGKILL');
    expect((await killed).signal).toBe('SIGKILL');
    await expectExactSums(await finish(startCli(['sql', '-f', path, '-p', '2', '--resume', '--quiet'])), 'sums', tables[0]!);
  }, 60_000);

  it('--from-savepoint starts from a savepoint `weir savepoint` took of the running SQL job', async () => {
    // Slow enough that the job still runs when the savepoint command has started.
    const { path, checkpoints } = script('sums-sp', tables[1]!, '1 h', 200);
    const first = startCli(['sql', '-f', path, '--quiet']);
    const killed = finish(first);
    await appears(join(checkpoints, 'sums-sp'), /^_running$/);
    const sp = await runCli(['savepoint', 'sums-sp', '--checkpoint-dir', checkpoints, '--timeout', '30s']);
    expect(sp.code, sp.stderr).toBe(0);
    first.kill('SIGKILL');
    await killed;
    const savepoint = sp.stdout.trim();
    expect(savepoint).toMatch(/savepoint-\d+$/);
    await expectExactSums(await finish(startCli(['sql', '-f', path, '--from-savepoint', savepoint, '--quiet'])), 'sums-sp', tables[1]!);
  }, 60_000);
});

describe('operator uids of a SQL job', () => {
  /** The uids EXPLAIN shows for the script's INSERT, planned by a fresh TableEnvironment. */
  async function uids(): Promise<string[]> {
    const t = TableEnvironment.create();
    t.executeSql("CREATE TABLE nums (n BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
    t.executeSql("CREATE TABLE out_t (g BIGINT, c BIGINT, PRIMARY KEY (g) NOT ENFORCED) WITH ('connector' = 'blackhole')");
    const plan = await t
      .executeSql(
        'EXPLAIN INSERT INTO out_t SELECT a.g, COUNT(*) FROM (SELECT n % 3 AS g, n FROM nums) a JOIN (SELECT n, ts FROM nums) b ON a.n = b.n GROUP BY a.g',
      )
      .format();
    const json = JSON.parse(plan.slice(plan.indexOf('== Plan as JSON ==') + '== Plan as JSON =='.length)) as { nodes: { uid: string }[] };
    return json.nodes.map((n) => n.uid);
  }

  it('are derived from the SQL text alone: planning the same script again gives the same uids', async () => {
    const first = await uids();
    expect(first.length).toBeGreaterThan(4);
    expect(new Set(first).size).toBe(first.length);
    expect(await uids()).toEqual(first);
  });
});
