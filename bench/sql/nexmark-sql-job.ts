// One Nexmark SQL query from bench/nexmark/sql/ over the `nexmark` connector into a blackhole, at
// parallelism 1: what `npm run bench -- --sql q0 ...` measures (bench/measure.ts, mode 'sql').
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { formatType } from '../../src/sql/sql-types.js';
import { sideInputDdl } from '../nexmark/side-input.js';

const root = new URL('../nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8').replace(/;\s*$/, '');

/** The queries of bench/nexmark/sql/ (q0.sql ... without the DDL files), in query-number order. */
export const SQL_QUERIES: string[] = readdirSync(root)
  .filter((f) => /^q\d+[\w-]*\.sql$/.test(f))
  .map((f) => f.slice(0, -4))
  .sort((x, y) => Number(x.match(/\d+/)![0]) - Number(y.match(/\d+/)![0]) || x.localeCompare(y));

/** Whether bench/nexmark/sql/ holds the query. */
export function hasSqlQuery(query: string): boolean {
  return /^q\d+[\w-]*$/.test(query) && existsSync(new URL(`${query}.sql`, root));
}

/** Nexmark's count_char UDF (q14), registered as its DDL does from a Java class. */
const countChar = (s: string | null, c: string | null) => (s === null || c === null ? null : s.split(c).length - 1);

/** Runs `query` over `events` generated events per `nexmark` table; resolves when the bounded job ends. */
export async function runSqlQuery(query: string, events: number, seed: number): Promise<void> {
  const tEnv = TableEnvironment.create();
  // As the Nexmark project's Flink configuration (its published figures are with mini-batch on).
  tEnv.executeSql("SET 'table.exec.mini-batch.enabled' = 'true'");
  tEnv.createTemporarySystemFunction('count_char', countChar, 'INT');
  for (const f of ['ddl.sql', 'ddl-person.sql', 'ddl-auction.sql'])
    tEnv.executeSql(sqlFile(f).replace("'events.num' = '100000'", `'events.num' = '${events}', 'seed' = '${seed}'`));
  tEnv.executeSql(sideInputDdl().replace(/;\s*$/, ''));
  const text = sqlFile(`${query}.sql`);
  const columns = tEnv.sqlQuery(text).columns;
  tEnv.executeSql(`CREATE TABLE bench_sink (${columns.map((c, i) => `c${i} ${formatType(c.type)}`).join(', ')}) WITH ('connector' = 'blackhole')`);
  await tEnv.executeSql(`INSERT INTO bench_sink ${text}`).await();
}
