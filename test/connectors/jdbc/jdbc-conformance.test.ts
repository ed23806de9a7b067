// The sink suite of weir/testing over the jdbc sink with a primary key (exactly-once: a checkpoint's
// changes are written when it completes), against the machine's PostgreSQL and MariaDB; the table
// is emptied after each test.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { jdbcSink } from '../../../src/connectors/jdbc/index.js';
import { describeSinkConformance } from '../../../src/testing/index.js';
import { haveTestDatabases, mariadbTest, postgresTest, type TestDatabase } from './jdbc-databases.js';

const available = await haveTestDatabases();
const api = { describe, it };
const TABLE = 'weir_jdbc_conformance';

for (const open of [postgresTest, mariadbTest]) {
  if (!available && !process.env.CI) break;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await open();
    await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await db.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, name ${db.types.text})`);
  });
  afterAll(async () => {
    await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await db.close();
  });
  const url = open === postgresTest ? 'jdbc:postgresql://127.0.0.1:5432/test' : 'jdbc:mariadb://127.0.0.1:3306/test';
  describeSinkConformance(
    `jdbc (${open === postgresTest ? 'PostgreSQL' : 'MariaDB'})`,
    () => ({
      sink: () =>
        jdbcSink({
          url,
          username: open === postgresTest ? 'postgres' : 'root',
          'table-name': TABLE,
          primaryKey: ['id'],
          columns: ['id', 'name'],
          'sink.buffer-flush.max-rows': 7,
        }),
      visible: async () =>
        (await db.query<{ id: unknown; name: string }>(`SELECT id, name FROM ${TABLE} ORDER BY id`)).map((r) => ({ id: Number(r.id), name: r.name })),
      cleanup: async () => {
        await db.query(`DELETE FROM ${TABLE}`);
      },
    }),
    api,
  );
}
