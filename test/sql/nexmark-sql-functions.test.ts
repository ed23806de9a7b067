// Nexmark q11, q14, q15, q16, q17, q21 and q22 in SQL over the `nexmark` connector, against DuckDB
// running the same queries (in its dialect) over the generator's bids, written to a file by plain code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBid, NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql-entry.js';
import { duckdb, multiset, rowValues, type Values } from './duckdb-oracle.js';

const EVENTS = 20_000;
const root = new URL('../../bench/nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8');
const DDL = sqlFile('ddl.sql').replace("'events.num' = '100000'", `'events.num' = '${EVENTS}'`);
const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-sql-fn-'));

/** Nexmark's count_char UDF, as q14 uses it. */
const countChar = (s: string | null, c: string | null) => (s === null || c === null ? null : s.split(c).length - 1);

async function weir(file: string): Promise<Values[]> {
  const tEnv = TableEnvironment.create();
  tEnv.createTemporarySystemFunction('count_char', countChar, 'INT');
  tEnv.executeSql(DDL);
  const t = tEnv.sqlQuery(sqlFile(file).replace(/;\s*$/, ''));
  return (await t.execute().collect()).map((row) => rowValues(t.columns, row));
}

let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  const gen = new NexmarkGenerator();
  const lines: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const e = gen.event(i);
    if (isBid(e))
      lines.push(JSON.stringify({ auction: e.auction, bidder: e.bidder, price: e.price, channel: e.channel, url: e.url, ms: e.dateTime, extra: e.extra }));
  }
  const path = join(dir, 'bids.json');
  writeFileSync(path, lines.join('\n') + '\n');
  oracle = await duckdb({
    bid: `(SELECT *, make_timestamp(ms * 1000) AS dt FROM read_json('${path}', format = 'newline_delimited', columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'channel': 'VARCHAR', 'url': 'VARCHAR', 'ms': 'BIGINT', 'extra': 'VARCHAR'}))`,
  });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

const RANKS = (of: string) =>
  ['', ' FILTER (WHERE price < 10000)', ' FILTER (WHERE price >= 10000 AND price < 1000000)', ' FILTER (WHERE price >= 1000000)']
    .map((f) => `count(${of})${f}`)
    .join(', ');

const EXPECTED: Record<string, string> = {
  'q11.sql': `WITH o AS (SELECT bidder, ms, CASE WHEN ms - lag(ms) OVER (PARTITION BY bidder ORDER BY ms) < 10000 THEN 0 ELSE 1 END AS new FROM bid),
    s AS (SELECT bidder, ms, sum(new) OVER (PARTITION BY bidder ORDER BY ms ROWS UNBOUNDED PRECEDING) AS sid FROM o)
    SELECT bidder, count(*), min(ms), max(ms) + 10000 FROM s GROUP BY bidder, sid`,
  'q14.sql': `SELECT auction, bidder, 0.908 * price,
    CASE WHEN hour(dt) >= 8 AND hour(dt) <= 18 THEN 'dayTime' WHEN hour(dt) <= 6 OR hour(dt) >= 20 THEN 'nightTime' ELSE 'otherTime' END,
    ms, extra, length(extra) - length(replace(extra, 'c', ''))
    FROM bid WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000`,
  'q15.sql': `SELECT strftime(dt, '%Y-%m-%d'), ${RANKS('*')}, ${RANKS('DISTINCT bidder')}, ${RANKS('DISTINCT auction')} FROM bid GROUP BY strftime(dt, '%Y-%m-%d')`,
  'q16.sql': `SELECT channel, strftime(dt, '%Y-%m-%d'), max(strftime(dt, '%H:%M')), ${RANKS('*')}, ${RANKS('DISTINCT bidder')}, ${RANKS('DISTINCT auction')} FROM bid GROUP BY channel, strftime(dt, '%Y-%m-%d')`,
  // Flink's AVG of a BIGINT is a BIGINT, truncated.
  'q17.sql': `SELECT auction, strftime(dt, '%Y-%m-%d'), ${RANKS('*')}, min(price), max(price), sum(price) // count(price), sum(price) FROM bid GROUP BY auction, strftime(dt, '%Y-%m-%d')`,
  'q21.sql': `SELECT auction, bidder, price, channel,
    CASE WHEN lower(channel) = 'apple' THEN '0' WHEN lower(channel) = 'google' THEN '1' WHEN lower(channel) = 'facebook' THEN '2' WHEN lower(channel) = 'baidu' THEN '3'
      WHEN regexp_matches(url, '(&|^)channel_id=([^&]*)') THEN regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) END
    FROM bid WHERE regexp_matches(url, '(&|^)channel_id=([^&]*)') OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')`,
  'q22.sql': `SELECT auction, bidder, price, channel, string_split(url, '/')[4], string_split(url, '/')[5], string_split(url, '/')[6] FROM bid`,
};

describe('Nexmark in SQL with functions, UDFs and SESSION windows', () => {
  it.each(Object.keys(EXPECTED))('%s agrees with DuckDB', async (file) => {
    const expected = await oracle.query(EXPECTED[file]!);
    expect(expected.length).toBeGreaterThan(0);
    expect(multiset(await weir(file))).toEqual(multiset(expected));
  });
});
