// `weir sql -f --resume`: a GROUP BY job over a bounded, rate-limited datagen source writing a jdbc
// upsert table is SIGKILLed once a checkpoint is on disk, then resumed. The resumed run restores
// the aggregate state and the source position, so the table ends equal to the sums plain code
// computes from the input: no row lost, none counted twice.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, startCli } from '../cli/cli-process.js';
import { haveTestDatabases, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';

const run = await haveTestDatabases();
const N = 3000;
const GROUPS = 7;
const TABLE = `weir_sql_resume_${process.pid}`;
let dir: string;
let db: TestDatabase;

beforeAll(async () => {
  if (!run) return;
  dir = mkdtempSync(join(tmpdir(), 'weir-sql-resume-'));
  db = await postgresTest();
  await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await db.query(`CREATE TABLE ${TABLE} (g bigint PRIMARY KEY, total bigint, cnt bigint)`);
});
afterAll(async () => {
  if (!run) return;
  await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves once the job directory holds a completed checkpoint. */
async function checkpointTaken(jobDir: string): Promise<void> {
  while (!(existsSync(jobDir) && readdirSync(jobDir).some((f) => /^chk-\d+$/.test(f)))) await new Promise((r) => setTimeout(r, 50));
}

describe.runIf(run)('weir sql -f --resume', () => {
  it('continues a SIGKILLed GROUP BY job in two slots from its latest checkpoint to the exact sums', async () => {
    const script = join(dir, 'sums.sql');
    const checkpoints = join(dir, 'checkpoints');
    writeFileSync(
      script,
      `CREATE TABLE nums (n BIGINT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '${N}', 'rows-per-second' = '1000');
CREATE TABLE sums (g BIGINT, total BIGINT, cnt BIGINT, PRIMARY KEY (g) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:5432/test', 'username' = 'postgres', 'table-name' = '${TABLE}'
);
SET 'pipeline.name' = 'sums';
SET 'execution.checkpointing.interval' = '200 ms';
SET 'state.checkpoints.dir' = '${checkpoints}';
INSERT INTO sums SELECT n % ${GROUPS}, SUM(n), COUNT(*) FROM nums GROUP BY n % ${GROUPS};
`,
    );
    const first = startCli(['sql', '-f', script, '-p', '2', '--quiet']);
    const killed = finish(first);
    await checkpointTaken(join(checkpoints, 'sums'));
    first.kill('SIGKILL');
    expect((await killed).signal).toBe('SIGKILL');

    const resumed = await finish(startCli(['sql', '-f', script, '-p', '2', '--resume', '--quiet']));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Restoring job 'sums' from checkpoint \d+/);
    // The source went on from its checkpointed position: fewer than all rows were read again.
    const read = Number(/datagen: nums +\d+ +([\d,]+)/.exec(resumed.stderr)?.[1]?.replace(/,/g, ''));
    expect(read).toBeLessThan(N);

    const expected = new Map<number, { total: number; cnt: number }>();
    for (let n = 1; n <= N; n++) {
      const e = expected.get(n % GROUPS) ?? { total: 0, cnt: 0 };
      e.total += n;
      e.cnt++;
      expected.set(n % GROUPS, e);
    }
    const rows = await db.query<{ g: string; total: string; cnt: string }>(`SELECT g, total, cnt FROM ${TABLE} ORDER BY g`);
    expect(rows.map((r) => [Number(r.g), Number(r.total), Number(r.cnt)])).toEqual(
      [...expected].sort(([a], [b]) => a - b).map(([g, e]) => [g, e.total, e.cnt]),
    );
  }, 60_000);
});
