// `weir pipeline -f` end to end: a private MariaDB (binlog on) with three tables (integer, composite
// and text primary keys) copied into the machine's PostgreSQL, in a schema of its own, by the CLI
// at parallelism 2 while a writer changes every table; then ADD COLUMN on one table while it
// streams. At the end each target equals its source row by row (the filtered, projected one its
// source's matching rows), each side read by its own server's SQL.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mariadbToPostgres, mariadbToPostgresRuns } from './mariadb-to-postgres.js';
import { sleep, until } from '../connectors/cdc-test-support.js';
import { finish, startCli } from '../cli/cli-process.js';
import { asText, diffTables } from '../connectors/cdc-sql/table-diff.js';

const run = mariadbToPostgresRuns;
const servers = mariadbToPostgres('weir-pipeline-');
const SCHEMA = 'weir_pipeline_test';

/** Each table read the same way on both sides: a unique first column, then the values as text. */
const SOURCE = {
  orders: `SELECT id, customer, CAST(amount AS CHAR) AS amount, DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s.%f') AS created, note FROM orders ORDER BY id`,
  lines: `SELECT CONCAT(order_id, '/', n) AS k, qty, sku FROM order_lines ORDER BY order_id, n`,
  customers: 'SELECT code, name, active, score FROM customers WHERE active = 1 ORDER BY code',
};
const TARGET = {
  orders: `SELECT id, customer, amount::text AS amount, to_char(created, 'YYYY-MM-DD HH24:MI:SS.US') AS created, note FROM ${SCHEMA}.orders ORDER BY id`,
  lines: `SELECT order_id || '/' || n AS k, qty, sku FROM ${SCHEMA}.order_lines ORDER BY order_id, n`,
  customers: `SELECT code, full_name, active, score FROM ${SCHEMA}.customers ORDER BY code`,
};

async function diffs(extra = { source: '', target: '' }): Promise<string[]> {
  const out: string[] = [];
  for (const t of ['orders', 'lines', 'customers'] as const) {
    const s = t === 'orders' ? SOURCE.orders.replace(' FROM', `${extra.source} FROM`) : SOURCE[t];
    const g = t === 'orders' ? TARGET.orders.replace(' FROM', `${extra.target} FROM`) : TARGET[t];
    out.push(...diffTables(asText(await servers.db.query(s)), asText(await servers.target.query(g))).map((d) => `${t}: ${d}`));
  }
  return out;
}

describe.runIf(run)('weir pipeline', () => {
  it('copies three MariaDB tables into PostgreSQL under a concurrent writer, follows ADD COLUMN, and the targets equal the sources', async () => {
    await servers.db.query(
      'CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40) NOT NULL, amount decimal(12,2), created datetime(3), note text) ENGINE=InnoDB',
    );
    await servers.db.query(
      'CREATE TABLE order_lines (order_id int, n int, qty int unsigned NOT NULL, sku varchar(20), PRIMARY KEY (order_id, n)) ENGINE=InnoDB',
    );
    await servers.db.query('CREATE TABLE customers (code varchar(20) PRIMARY KEY, name varchar(100), active tinyint(1) NOT NULL, score double) ENGINE=InnoDB');
    await servers.db.query(
      `INSERT INTO orders SELECT seq, CONCAT('c', seq % 300), seq * 1.25, TIMESTAMP('2024-01-01') + INTERVAL seq * 1001000 MICROSECOND, IF(seq % 5 = 0, NULL, CONCAT('note ', seq)) FROM seq_1_to_6000`,
    );
    await servers.db.query(`INSERT INTO order_lines SELECT seq DIV 4, seq MOD 4, seq MOD 17, IF(seq % 9 = 0, NULL, CONCAT('sku', seq)) FROM seq_4_to_8003`);
    await servers.db.query(`INSERT INTO customers SELECT CONCAT('c', seq), CONCAT('Customer ', seq), seq % 3 <> 0, seq / 7 FROM seq_0_to_299`);
    await servers.target.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    const file = join(servers.dir, 'mysql-to-postgres.yaml');
    writeFileSync(
      file,
      `source:
  type: mysql
  hostname: 127.0.0.1
  port: ${servers.db.port}
  username: weir
  password: weir
  tables: weir.\\.*
  server-id: 5800-5810
  scan.incremental.snapshot.chunk.size: 500

sink:
  type: postgres
  url: jdbc:postgresql://127.0.0.1:5432/test
  username: postgres

route:
  - source-table: weir.\\.*
    sink-table: ${SCHEMA}.<>
    replace-symbol: <>

transform:
  - source-table: weir.customers
    projection: code, name AS full_name, active, score
    filter: active = 1

pipeline:
  name: MariaDB to PostgreSQL
  parallelism: 2
  schema.change.behavior: evolve
  execution.checkpointing.interval: 300ms
  state.checkpoints.dir: ${join(servers.dir, 'checkpoints')}
`,
    );
    let running = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 1; running; i++) {
        await servers.db.query(`UPDATE orders SET amount = amount + 0.01, note = CONCAT(IFNULL(note, ''), 'u'), created = NOW(3) WHERE id = ?`, [
          1 + ((i * 37) % 6000),
        ]);
        await servers.db.query('INSERT INTO orders VALUES (?, ?, ?, NOW(3), NULL)', [10_000 + i, `n${i}`, i / 4]);
        await servers.db.query('DELETE FROM orders WHERE id = ?', [1 + ((i * 53) % 6000)]);
        await servers.db.query('UPDATE order_lines SET qty = qty + 1 WHERE order_id = ? AND n = ?', [1 + ((i * 11) % 2000), i % 4]);
        await servers.db.query('DELETE FROM order_lines WHERE order_id = ? AND n = ?', [1 + ((i * 7) % 2000), (i + 1) % 4]);
        await servers.db.query('INSERT INTO order_lines VALUES (?, 0, ?, ?)', [5000 + i, i, `new${i}`]);
        // Customers move in and out of the filter.
        await servers.db.query('UPDATE customers SET active = 1 - active, score = score + 1 WHERE code = ?', [`c${(i * 13) % 300}`]);
        writes += 7;
        // Paced: each snapshot chunk reads the binlog from the pipeline's start.
        await sleep(5);
      }
    })();
    const child = startCli(['pipeline', '-f', file]);
    const done = finish(child);
    try {
      const copied = async () => {
        const r = await servers.target.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.orders`).catch(() => [{ n: '0' }]);
        return Number(r[0]!.n);
      };
      await until('the snapshot', async () => (await copied()) >= 5000);
      running = false;
      await writer;
      // A column added while the pipeline streams reaches the target, with the source's default for older rows.
      await servers.db.query(`ALTER TABLE orders ADD COLUMN channel varchar(10) DEFAULT 'web'`);
      await servers.db.query(`INSERT INTO orders VALUES (99999, 'late', 1.50, NOW(3), 'after the alter', 'app')`);
      await servers.db.query(`UPDATE orders SET channel = 'phone' WHERE id BETWEEN 100 AND 120`);
      let diff: string[] = [];
      const withChannel = { source: ', channel', target: ', channel' };
      await until('the targets to converge', async () => {
        const cols = await servers.target.query(
          `SELECT 1 FROM information_schema.columns WHERE table_schema = '${SCHEMA}' AND table_name = 'orders' AND column_name = 'channel'`,
        );
        return cols.length === 1 && (diff = await diffs(withChannel)).length === 0;
      }).catch(() => {});
      expect(diff).toEqual([]);
      expect(await diffs(withChannel)).toEqual([]);
      expect(writes).toBeGreaterThan(0);
      const [{ n }] = await servers.target.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.customers`);
      expect(Number(n)).toBeGreaterThan(100);
      console.log(`weir pipeline: 3 tables equal after ${writes} concurrent writes and an ADD COLUMN`);
    } finally {
      running = false;
      await writer;
      child.kill('SIGKILL');
      const r = await done;
      if (r.signal !== 'SIGKILL') console.log(r.stderr);
    }
  }, 180_000);
});
