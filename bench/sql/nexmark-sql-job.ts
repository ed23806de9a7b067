// One Nexmark SQL query from bench/nexmark/sql/ over the `nexmark` connector into a blackhole, at
// parallelism 1: what `npm run bench -- --sql q0 ...` measures (bench/measure.ts, mode 'sql').
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { formatType } from '../../src/sql/sql-types.js';
import { sideInputDdl } from '../nexmark/side-input.js';
import { parseScript } from '../../src/sql/statement-parser.js';
import { sqlFile } from './nexmark-sql-files.js';

export { hasSqlQuery, SQL_QUERIES } from './nexmark-sql-files.js';

/** Nexmark's count_char UDF (q14), registered as its DDL does from a Java class. */
const countChar = (s: string | null, c: string | null) => (s === null || c === null ? null : s.split(c).length - 1);

/**
 * Runs `query` over `events` generated events per `nexmark` table; resolves when the bounded job ends.
 * A file that is a script (q10, q12: CREATE TABLE for its own sink, then INSERT) runs as written,
 * a filesystem sink's 'path' moved to a temporary directory, deleted afterwards (or to `keepIn`,
 * kept); a file that is a SELECT goes into a blackhole.
 */
export async function runSqlQuery(query: string, events: number, seed: number, keepIn?: string): Promise<void> {
  const tEnv = TableEnvironment.create();
  // As the Nexmark project's Flink configuration (its published figures are with mini-batch on).
  tEnv.executeSql("SET 'table.exec.mini-batch.enabled' = 'true'");
  tEnv.createTemporarySystemFunction('count_char', countChar, 'INT');
  for (const f of ['ddl.sql', 'ddl-person.sql', 'ddl-auction.sql'])
    tEnv.executeSql(sqlFile(f).replace("'events.num' = '100000'", `'events.num' = '${events}', 'seed' = '${seed}'`));
  tEnv.executeSql(sideInputDdl().replace(/;\s*$/, ''));
  const text = sqlFile(`${query}.sql`);
  const script = parseScript(text);
  if (script.length > 1) {
    const outDir = keepIn ?? mkdtempSync(join(tmpdir(), `weir-nexmark-${query}-`));
    const movedText = text.replace(/'path' = '[^']*'/g, `'path' = '${outDir}'`);
    const moved = parseScript(movedText);
    for (const { statement } of moved.slice(0, -1)) tEnv.executeStatement(statement, movedText);
    const last = moved[moved.length - 1]!.statement;
    if (last.kind !== 'insert') throw new Error(`${query}.sql: a script must end with its INSERT`);
    try {
      await tEnv.executeStatement(last, movedText).await();
    } finally {
      if (keepIn === undefined) rmSync(outDir, { recursive: true, force: true });
    }
    return;
  }
  const columns = tEnv.sqlQuery(text).columns;
  tEnv.executeSql(`CREATE TABLE bench_sink (${columns.map((c, i) => `c${i} ${formatType(c.type)}`).join(', ')}) WITH ('connector' = 'blackhole')`);
  await tEnv.executeSql(`INSERT INTO bench_sink ${text}`).await();
}
