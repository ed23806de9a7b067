// `weir pipeline -f` with SQL expressions in a transform: a private MariaDB table copied into the
// machine's PostgreSQL with computed columns (a string function, arithmetic on DECIMAL, CASE,
// COALESCE, a metadata column) and an expression filter, while a writer moves rows in and out of
// the filter. The target then equals what MariaDB's own SQL computes for the same expressions.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mariadbToPostgres, mariadbToPostgresRuns } from './mariadb-to-postgres.js';
import { sleep, until } from '../connectors/cdc-test-support.js';
import { finish, startCli } from '../cli/cli-process.js';
import { asText, diffTables } from '../connectors/cdc-sql/table-diff.js';

const run = mariadbToPostgresRuns;
const servers = mariadbToPostgres('weir-pipeline-expr-');
const SCHEMA = 'weir_pipeline_expr_test';

const PROJECTION =
  "UPPER(customer) AS customer_uc, amount * 1.2 AS gross, COALESCE(note, 'none') AS note2, " +
  "CASE WHEN amount >= 500 THEN 'big' WHEN amount >= 200 THEN 'mid' ELSE 'small' END AS size, __table_name__ AS src_table, CHAR_LENGTH(customer) + id AS n";
const FILTER = "amount > 100 AND customer LIKE 'a%'";

/** The expressions as MariaDB computes them (its LIKE ignores case: every customer is lower case). */
const SOURCE = `SELECT id, customer, CAST(amount AS CHAR) AS amount, note, UPPER(customer) AS customer_uc, CAST(amount * 1.2 AS CHAR) AS gross,
  COALESCE(note, 'none') AS note2, CASE WHEN amount >= 500 THEN 'big' WHEN amount >= 200 THEN 'mid' ELSE 'small' END AS size,
  'orders' AS src_table, CHAR_LENGTH(customer) + id AS n FROM orders WHERE ${FILTER} ORDER BY id`;
const TARGET = `SELECT id, customer, amount::text AS amount, note, customer_uc, gross::text AS gross, note2, size, src_table, n FROM ${SCHEMA}.orders ORDER BY id`;

describe.runIf(run)('weir pipeline with expressions', () => {
  it('writes computed columns and filters by an expression under a concurrent writer, as the source SQL computes them', async () => {
    await servers.db.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40) NOT NULL, amount decimal(12,2), note text) ENGINE=InnoDB');
    await servers.db.query(
      `INSERT INTO orders SELECT seq, CONCAT(ELT(seq % 3 + 1, 'anna', 'bob', 'alice'), seq % 50), (seq % 700) + 0.25, IF(seq % 4 = 0, NULL, CONCAT('note ', seq)) FROM seq_1_to_3000`,
    );
    await servers.target.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    const file = join(servers.dir, 'expressions.yaml');
    writeFileSync(
      file,
      `source:
  type: mariadb
  hostname: 127.0.0.1
  port: ${servers.db.port}
  username: weir
  password: weir
  tables: weir.orders
  server-id: 5820-5830
  scan.incremental.snapshot.chunk.size: 500
sink:
  type: postgres
  url: jdbc:postgresql://127.0.0.1:5432/test
  username: postgres
route:
  - source-table: weir.orders
    sink-table: ${SCHEMA}.orders
transform:
  - source-table: weir.orders
    projection: \\*, ${PROJECTION}
    filter: ${FILTER}
pipeline:
  name: expressions
  parallelism: 2
  execution.checkpointing.interval: 300ms
  state.checkpoints.dir: ${join(servers.dir, 'checkpoints')}
`,
    );
    let running = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 1; running; i++) {
        // Amounts cross the filter's bound and CASE's; customers change their first letter.
        await servers.db.query('UPDATE orders SET amount = (amount * 7 + 13) % 800, note = IF(note IS NULL, ?, NULL) WHERE id = ?', [
          `u${i}`,
          1 + ((i * 37) % 3000),
        ]);
        await servers.db.query(`UPDATE orders SET customer = IF(customer LIKE 'a%', CONCAT('b', customer), SUBSTRING(customer, 2)) WHERE id = ?`, [
          1 + ((i * 11) % 3000),
        ]);
        await servers.db.query('INSERT INTO orders VALUES (?, ?, ?, NULL)', [10_000 + i, `a${i}`, (i % 9) * 70.5]);
        await servers.db.query('DELETE FROM orders WHERE id = ?', [1 + ((i * 53) % 3000)]);
        writes += 4;
        await sleep(5);
      }
    })();
    const child = startCli(['pipeline', '-f', file]);
    const done = finish(child);
    try {
      const copied = async () =>
        Number((await servers.target.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.orders`).catch(() => [{ n: '0' }]))[0]!.n);
      await until('the snapshot', async () => (await copied()) >= 1000);
      await sleep(1000);
      running = false;
      await writer;
      let diff: string[] = [];
      await until(
        'the target to converge',
        async () => (diff = diffTables(asText(await servers.db.query(SOURCE)), asText(await servers.target.query(TARGET)))).length === 0,
      ).catch(() => {});
      expect(diff).toEqual([]);
      const cols = await servers.target.query<{ c: string; t: string }>(
        `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_schema = '${SCHEMA}' AND table_name = 'orders' ORDER BY ordinal_position`,
      );
      expect(cols.map((r) => `${r.c} ${r.t}`)).toEqual([
        'id bigint',
        'customer character varying',
        'amount numeric',
        'note text',
        'customer_uc text',
        'gross numeric',
        'note2 text',
        'size text',
        'src_table text',
        'n bigint',
      ]);
      console.log(`weir pipeline with expressions: the target equals the source's SQL after ${writes} concurrent writes`);
    } finally {
      running = false;
      await writer;
      child.kill('SIGKILL');
      const r = await done;
      if (r.signal !== 'SIGKILL') console.log(r.stderr);
    }
  }, 60_000);
});
