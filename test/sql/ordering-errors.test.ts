// The forms of OVER, Top-N, UNION, ORDER BY and LIMIT that Weir (like Flink in streaming) refuses:
// each error names the feature and points at the clause. And what EXPLAIN shows for the new operators.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { SqlError, TableEnvironment } from '../../src/sql/index.js';

function tEnv(): TableEnvironment {
  const t = TableEnvironment.create();
  t.executeSql(
    "CREATE TABLE o (id INT, k STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '10')",
  );
  t.executeSql("CREATE TABLE p (id INT, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
  return t;
}

describe('refused forms name what is refused', () => {
  it.each([
    ['SELECT id, SUM(amount) OVER (PARTITION BY k ORDER BY id) FROM o', "OVER windows' ordering in stream mode must be defined on a time attribute", 24],
    ['SELECT id, SUM(amount) OVER (ORDER BY ts) FROM p', "OVER windows' ordering in stream mode must be defined on a time attribute", 24],
    ['SELECT id, SUM(amount) OVER (PARTITION BY k ORDER BY ts DESC) FROM o', 'must be ascending on the time attribute', 24],
    [
      'SELECT id, SUM(amount) OVER (PARTITION BY k ORDER BY ts), COUNT(*) OVER (ORDER BY ts) FROM o',
      'All OVER aggregates of a query must use the same window',
      68,
    ],
    ['SELECT id, SUM(amount) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM o', 'FOLLOWING is not supported', 71],
    ['SELECT id, SUM(amount) OVER w FROM o', "Window 'w' is not defined", 24],
    ['SELECT id, LISTAGG(k) OVER (ORDER BY ts) FROM o', 'Function LISTAGG OVER a window is not supported yet', 12],
    ['SELECT id, COUNT(*), SUM(amount) OVER (ORDER BY ts) FROM o', 'COUNT without OVER cannot be mixed with OVER aggregations', 12],
    ['SELECT c, SUM(c) OVER (PARTITION BY k) FROM (SELECT k, COUNT(*) AS c FROM o GROUP BY k)', 'An OVER window over an updating input needs an ORDER BY', 18],
    [
      "SELECT c, SUM(c) OVER (ORDER BY c RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW) FROM (SELECT k, COUNT(*) AS c FROM o GROUP BY k)",
      'A RANGE frame with an interval needs one ascending TIMESTAMP column in ORDER BY',
      18,
    ],
    ['SELECT id, ROW_NUMBER() OVER (PARTITION BY k ORDER BY amount) AS rn FROM o', 'ROW_NUMBER() OVER is supported for Top-N and deduplication', 12],
    ['SELECT id, RANK() OVER (PARTITION BY k ORDER BY amount) AS r FROM o', 'RANK() OVER is supported for Top-N and deduplication', 12],
    [
      'SELECT * FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY k ORDER BY amount) AS rn FROM o) WHERE rn >= 3',
      'A filter on rn needs an upper bound (rn <= N) for a Top-N',
      101,
    ],
    [
      'SELECT * FROM (SELECT id, DENSE_RANK() OVER (PARTITION BY k ORDER BY amount) AS r FROM o) WHERE r BETWEEN 3 AND 2',
      'The filter on r keeps no row (from rank 3 to 2)',
      99,
    ],
    ['SELECT * FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY k) AS rn FROM o) WHERE rn <= 3', 'ROW_NUMBER() OVER needs an ORDER BY', 40],
    ['SELECT id FROM o ORDER BY amount', 'Sort on a non-time-attribute field is not supported in streaming', 27],
    ['SELECT id, ts FROM o ORDER BY ts DESC', 'Sort on a non-time-attribute field is not supported in streaming', 31],
    ['SELECT k, COUNT(*) FROM o GROUP BY k LIMIT 3', 'LIMIT over an updating input', 38],
    ['SELECT id, k FROM o INTERSECT SELECT id FROM p', 'INTERSECT branches have different numbers of columns: 2 and 1', 31],
    ['SELECT k FROM o EXCEPT ALL SELECT id FROM p', "EXCEPT ALL column 1 ('k') is STRING in one branch and INT in another; use CAST", 28],
    ['SELECT id, k FROM o UNION ALL SELECT id FROM p', 'UNION ALL branches have different numbers of columns: 2 and 1', 31],
    ['SELECT k FROM o UNION ALL SELECT id FROM p', "UNION ALL column 1 ('k') is STRING in one branch and INT in another; use CAST", 27],
    ['SELECT id FROM o LIMIT x', 'Expected a row count after LIMIT', 24],
    ['SELECT id FROM o ORDER BY ts LIMIT 3 OFFSET 1', 'OFFSET is not supported yet', 38],
  ])('%s', (sql, message, column) => {
    let error: unknown;
    try {
      tEnv().sqlQuery(sql);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).message).toContain(message);
    expect((error as SqlError).position).toMatchObject({ line: 1, column });
  });
});

describe('EXPLAIN', () => {
  const plan = async (sql: string) => String((await tEnv().executeSql(`EXPLAIN ${sql}`).collect())[0]!.plan).split('== Plan as JSON ==')[0]!;

  it('shows a Top-N as an updating Rank on its partition, and a keep-first deduplication as insert-only', async () => {
    expect(await plan('SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY amount DESC) AS rn FROM o) WHERE rn <= 3')).toContain(
      'Rank(rankRange=[rankStart=1, rankEnd=3], partitionBy=[k], orderBy=[amount DESC]) [sqlRank, keyed, partitionBy=k, orderBy=amount DESC, limit=3] parallelism=1 chain=1 input=hash changelogMode=[I,UB,UA,D]',
    );
    expect(await plan('SELECT id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) AS rn FROM o) WHERE rn = 1')).toMatch(
      /Deduplicate\(keep=\[FirstRow\], key=\[k\], order=\[ts\]\) \[sqlDeduplicate, keyed, partitionBy=k, orderBy=ts, keep=first\].*changelogMode=\[I\]/,
    );
  });

  it('shows an OVER aggregation with its frame, insert-only', async () => {
    expect(await plan("SELECT id, SUM(amount) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) FROM o")).toMatch(
      /\[sqlOverAggregate, keyed, partitionBy=k, orderBy=ts, frame=RANGE BETWEEN 10000 ms PRECEDING AND CURRENT ROW, .*changelogMode=\[I\]/,
    );
  });

  it('shows ORDER BY a time attribute as a TemporalSort and LIMIT as a Limit', async () => {
    expect(await plan('SELECT id, ts FROM o ORDER BY ts, id DESC')).toContain(
      'TemporalSort(orderBy=[ts, id DESC]) [sqlTemporalSort, keyed, orderBy=ts, id DESC]',
    );
    expect(await plan('SELECT id FROM o LIMIT 4')).toContain('Limit(fetch=[4]) [sqlLimit, keyed, limit=4]');
    expect(await plan('SELECT id FROM o UNION ALL SELECT id FROM p')).toContain('Union [union]');
  });
});
