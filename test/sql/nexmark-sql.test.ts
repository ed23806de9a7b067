// Nexmark q0, q1, q2, the HOP count of q5, q18 and q19 in SQL over the `nexmark` connector. q0 is checked
// against the generator's events read by plain code; its rows, written to a file, are the input
// DuckDB runs q1, q2 and q5's window count over.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBid, NexmarkGenerator, type Bid } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql-entry.js';
import { formatType } from '../../src/sql/sql-types.js';
import { decimalToString } from '../../src/sql/types/decimal.js';
import { duckdb, multiset, rowValues, type Values } from './duckdb-oracle.js';

const EVENTS = 20_000;
const root = new URL('../../bench/nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8');
const DDL = sqlFile('ddl.sql').replace("'events.num' = '100000'", `'events.num' = '${EVENTS}'`);
const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-sql-'));

/** The query's final rows (an updating query's changelog applied in order), with `columns` if given. */
async function weir(file: string, columns?: readonly string[]): Promise<Values[]> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(DDL);
  const t = tEnv.sqlQuery(sqlFile(file).replace(/;\s*$/, ''));
  const picked = columns ? columns.map((name) => t.columns.find((c) => c.name === name)!) : t.columns;
  return (await t.execute().collect()).map((row) => rowValues(picked, row));
}

let q0: Values[];
let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  q0 = await weir('q0.sql');
  const path = join(dir, 'bids.json');
  // `i`: the order the generator made the bids in, which breaks ties as Weir's single source does.
  writeFileSync(
    path,
    q0.map(([auction, bidder, price, dateTime, extra], i) => JSON.stringify({ i, auction, bidder, price, ms: dateTime, extra })).join('\n') + '\n',
  );
  oracle = await duckdb({
    bid: `(SELECT i, auction, bidder, price, make_timestamp(ms * 1000) AS dateTime, ms, extra FROM read_json('${path}', format = 'newline_delimited', columns = {'i': 'BIGINT', 'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'ms': 'BIGINT', 'extra': 'VARCHAR'}))`,
  });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Nexmark in SQL', () => {
  it('q0 gives every bid of the generator, read by plain code from the generator', () => {
    const gen = new NexmarkGenerator();
    const bids: Bid[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const e = gen.event(i);
      if (isBid(e)) bids.push(e);
    }
    expect(bids.length).toBeGreaterThan(EVENTS * 0.8);
    expect(multiset(q0)).toEqual(multiset(bids.map((b) => [b.auction, b.bidder, b.price, b.dateTime, b.extra])));
  });

  it('q1 converts prices into an exact DECIMAL(23, 3), as Flink types 0.908 * price', async () => {
    expect(multiset(await weir('q1.sql'))).toEqual(multiset(await oracle.query('SELECT auction, bidder, 0.908 * price, ms, extra FROM bid')));
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(DDL);
    const t = tEnv.sqlQuery(sqlFile('q1.sql').replace(/;\s*$/, ''));
    expect(formatType(t.columns.find((c) => c.name === 'price')!.type)).toBe('DECIMAL(23, 3)');
    // Exact: the digits DuckDB's DECIMAL gives, not a DOUBLE's.
    const texts = (await t.execute().collect()).map((r) => decimalToString(r.price as bigint, 3));
    const expected = (await oracle.query('SELECT CAST(0.908 * price AS VARCHAR) FROM bid')).map((r) => r[0] as string);
    expect(texts.sort()).toEqual(expected.sort());
  });

  it('q2 selects auctions', async () => {
    const expected = await oracle.query('SELECT auction, price FROM bid WHERE auction % 123 = 0');
    expect(expected.length).toBeGreaterThan(0);
    expect(multiset(await weir('q2.sql'))).toEqual(multiset(expected));
  });

  it("q5's HOP count per auction and window", async () => {
    const expected = await oracle.query(
      'SELECT auction, (ms // 2000 - k) * 2000 AS ws, ws + 10000, COUNT(*) FROM bid, range(0, 5) AS t(k) GROUP BY auction, ws',
    );
    expect(multiset(await weir('q5-hop-count.sql'))).toEqual(multiset(expected));
  });

  it('q18 keeps the last bid of each bidder on each auction', async () => {
    const expected = await oracle.query(
      'SELECT auction, bidder, price, ms, extra FROM bid QUALIFY row_number() OVER (PARTITION BY bidder, auction ORDER BY ms DESC, i DESC) = 1',
    );
    expect(expected.length).toBeGreaterThan(1000);
    expect(multiset(await weir('q18.sql', ['auction', 'bidder', 'price', 'dateTime', 'extra']))).toEqual(multiset(expected));
  });

  it('q19 keeps the ten highest bids of each auction, with their rank', async () => {
    const expected = await oracle.query(
      'SELECT auction, bidder, price, ms, extra, row_number() OVER (PARTITION BY auction ORDER BY price DESC, i) AS rn FROM bid QUALIFY rn <= 10',
    );
    expect(expected.length).toBeGreaterThan(1000);
    expect(multiset(await weir('q19.sql', ['auction', 'bidder', 'price', 'dateTime', 'extra', 'rank_number']))).toEqual(multiset(expected));
  });
});
