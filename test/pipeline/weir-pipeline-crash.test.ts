// `weir pipeline -f ... --resume` under SIGKILL: a private MariaDB with two tables (integer and
// composite keys) copied into the machine's PostgreSQL; the process is killed twice during the
// snapshot and twice while it streams, with a writer changing both tables throughout, and resumed
// from its checkpoints each time. At the end each target equals its source row by row.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mariadbToPostgres, mariadbToPostgresRuns } from './mariadb-to-postgres.js';
import { sleep, until } from '../connectors/cdc-test-support.js';
import { asText, diffTables } from '../connectors/cdc-sql/table-diff.js';
import { newestCheckpoint } from '../support/newest-checkpoint.js';
import { startPipeline } from './pipeline-process.js';

const run = mariadbToPostgresRuns;
const servers = mariadbToPostgres('weir-pipeline-crash-');
const SCHEMA = 'weir_pipeline_crash';
const ORDERS = 10_000;

describe.runIf(run)('weir pipeline under SIGKILL', () => {
  it('killed during the snapshot and while streaming, resumed each time: the targets equal the sources', async () => {
    await servers.db.query('CREATE TABLE orders (id bigint PRIMARY KEY, v int NOT NULL, s varchar(100)) ENGINE=InnoDB');
    await servers.db.query('CREATE TABLE order_lines (o int, n int, qty int NOT NULL, PRIMARY KEY (o, n)) ENGINE=InnoDB');
    await servers.db.query(`INSERT INTO orders SELECT seq, seq % 1000, IF(seq % 9 = 0, NULL, CONCAT('row ', seq)) FROM seq_1_to_${ORDERS}`);
    await servers.db.query('INSERT INTO order_lines SELECT seq DIV 4, seq MOD 4, seq FROM seq_4_to_4003');
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
  tables: weir.orders, weir.order_lines
  server-id: 5900-5910
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
  name: pipeline-crash
  parallelism: 1
  execution.checkpointing.interval: 100ms
  state.checkpoints.dir: ${checkpoints}
`,
    );
    let running = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 1; running; i++) {
        await servers.db.query(`UPDATE orders SET v = v + 1, s = CONCAT(IFNULL(s, ''), 'u') WHERE id = ?`, [1 + ((i * 37) % ORDERS)]);
        await servers.db.query('DELETE FROM orders WHERE id = ?', [1 + ((i * 53) % ORDERS)]);
        await servers.db.query('INSERT INTO orders VALUES (?, ?, ?)', [ORDERS + i, i, 'new']);
        await servers.db.query('UPDATE order_lines SET qty = qty + 1 WHERE o = ? AND n = ?', [1 + ((i * 11) % 1000), i % 4]);
        await servers.db.query('DELETE FROM order_lines WHERE o = ? AND n = ?', [1 + ((i * 7) % 1000), (i + 1) % 4]);
        writes += 5;
        await sleep(10);
      }
    })();
    const copied = async () =>
      Number((await servers.target.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.orders`).catch(() => [{ n: '0' }]))[0]!.n);
    const phases: string[] = [];
    try {
      for (let k = 0; k < 4; k++) {
        const r = startPipeline(file);
        const before = newestCheckpoint(checkpoints, 'pipeline-crash');
        const streaming = k >= 2;
        for (let t = 0; ; t++) {
          if (r.child.exitCode !== null) throw new Error(`the pipeline exited: ${r.stderr().slice(-2000)}`);
          if (newestCheckpoint(checkpoints, 'pipeline-crash') > before && (!streaming || (await copied()) >= ORDERS * 0.95)) break;
          if (t > 1200) throw new Error(`no new checkpoint: ${r.stderr().slice(-2000)}`);
          await sleep(50);
        }
        await sleep(50 + ((k * 97) % 200));
        phases.push((await copied()) < ORDERS * 0.9 ? 'snapshot' : 'streaming');
        r.child.kill('SIGKILL');
        await r.exited;
      }
    } finally {
      running = false;
      await writer;
    }
    const last = startPipeline(file);
    try {
      const queries = [
        ['SELECT id, v, s FROM orders ORDER BY id', `SELECT id, v, s FROM ${SCHEMA}.orders ORDER BY id`],
        [`SELECT CONCAT(o, '/', n), qty FROM order_lines ORDER BY o, n`, `SELECT o || '/' || n, qty FROM ${SCHEMA}.order_lines ORDER BY o, n`],
      ] as const;
      const diff = async () => {
        const out: string[] = [];
        for (const [s, t] of queries) out.push(...diffTables(asText(await servers.db.query(s)), asText(await servers.target.query(t))));
        return out;
      };
      let d: string[] = [];
      await until('the targets to converge', async () => {
        if (last.child.exitCode !== null) throw new Error(`the pipeline exited: ${last.stderr().slice(-2000)}`);
        return (d = await diff()).length === 0;
      }).catch(() => {});
      console.log(`weir pipeline chaos: kills ${phases.join(', ')}; ${writes} concurrent writes`);
      expect(d).toEqual([]);
      expect(phases).toContain('snapshot');
      expect(phases).toContain('streaming');
    } finally {
      last.child.kill('SIGKILL');
      await last.exited;
    }
  }, 400_000);
});
