// `npm run bench -- --sql` runs every file of bench/nexmark/sql/ into a blackhole table: each one
// plans and runs to the end over a few generated events (q6 too, which Flink cannot run), and the
// runner knows the files by name.
import { describe, expect, it } from 'vitest';
import { hasSqlQuery, runSqlQuery, SQL_QUERIES } from '../../bench/sql/nexmark-sql-job.js';

describe('Nexmark SQL benchmark runner', () => {
  it('lists the query files in query-number order, without the DDL', () => {
    expect(SQL_QUERIES.slice(0, 4)).toEqual(['q0', 'q1', 'q2', 'q3']);
    expect(SQL_QUERIES).toEqual(expect.arrayContaining(['q4', 'q5-hop-count', 'q6', 'q7', 'q9', 'q22']));
    expect(SQL_QUERIES.some((q) => q.startsWith('ddl'))).toBe(false);
    expect(hasSqlQuery('q9')).toBe(true);
    expect(hasSqlQuery('q99')).toBe(false);
    expect(hasSqlQuery('../ddl')).toBe(false);
  });

  it.each(SQL_QUERIES)('%s runs into a blackhole', async (q) => {
    await expect(runSqlQuery(q, 3000, 0)).resolves.toBeUndefined();
  });
});
