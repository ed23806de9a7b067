// The query files of bench/nexmark/sql/, without the SQL layer: the bench's parent process and its
// DataStream measurements read these names and nothing of the planner (see nexmark-sql-job.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const root = new URL('../nexmark/sql/', import.meta.url);

/** The text of a file of bench/nexmark/sql/, without its final semicolon. */
export const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8').replace(/;\s*$/, '');

/** The queries of bench/nexmark/sql/ (q0.sql ... without the DDL files), in query-number order. */
export const SQL_QUERIES: string[] = readdirSync(root)
  .filter((f) => /^q\d+[\w-]*\.sql$/.test(f))
  .map((f) => f.slice(0, -4))
  .sort((x, y) => Number(x.match(/\d+/)![0]) - Number(y.match(/\d+/)![0]) || x.localeCompare(y));

/** Whether bench/nexmark/sql/ holds the query. */
export function hasSqlQuery(query: string): boolean {
  return /^q\d+[\w-]*$/.test(query) && existsSync(new URL(`${query}.sql`, root));
}
