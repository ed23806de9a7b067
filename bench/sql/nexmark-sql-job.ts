// One Nexmark SQL query from bench/nexmark/sql/ over the `nexmark` connector into a blackhole, at
// parallelism 1: what `npm run bench -- --sql q0 ...` measures (bench/measure.ts, mode 'sql').
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { formatType } from '../../src/sql/sql-types.js';
import { sqlFile } from './nexmark-sql-files.js';

export { hasSqlQuery, SQL_QUERIES } from './nexmark-sql-files.js';

/** Nexmark's count_char UDF (q14), registered as its DDL does from a Java class. */
const countChar = (s: string | null, c: string | null) => (s === null || c === null ? null : s.split(c).length - 1);

/** Runs `query` over `events` generated events per `nexmark` table; resolves when the bounded job ends. */
export async function runSqlQuery(query: string, events: number, seed: number): Promise<void> {
  const tEnv = TableEnvironment.create();
  tEnv.createTemporarySystemFunction('count_char', countChar, 'INT');
  for (const f of ['ddl.sql', 'ddl-person.sql', 'ddl-auction.sql'])
    tEnv.executeSql(sqlFile(f).replace("'events.num' = '100000'", `'events.num' = '${events}', 'seed' = '${seed}'`));
  const text = sqlFile(`${query}.sql`);
  const columns = tEnv.sqlQuery(text).columns;
  tEnv.executeSql(`CREATE TABLE bench_sink (${columns.map((c, i) => `c${i} ${formatType(c.type)}`).join(', ')}) WITH ('connector' = 'blackhole')`);
  await tEnv.executeSql(`INSERT INTO bench_sink ${text}`).await();
}
