// Nexmark q4, q6, q7 and q9 in SQL (bench/nexmark/sql/) over the `nexmark` connector, against DuckDB
// over the same events written to files by plain code. q6 is an OVER window over the updates of a
// Top-1 (Flink cannot run it, FLINK-19059); its changelog is folded and compared with DuckDB's
// window over the final winning bids, ties broken as Weir does (by the whole row).
// Event time is spread (500 events a second) so that auctions close and windows are many.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAuction, isBid, NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql-entry.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const EVENTS = 20_000;
const RATE = 500;
const root = new URL('../../bench/nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8').replace(/;\s*$/, '');
const ddl = (file: string) => sqlFile(file).replace("'events.num' = '100000'", `'events.num' = '${EVENTS}', 'first-event.rate' = '${RATE}'`);
const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-more-'));

function environment(): TableEnvironment {
  const tEnv = TableEnvironment.create();
  for (const f of ['ddl.sql', 'ddl-person.sql', 'ddl-auction.sql']) tEnv.executeSql(ddl(f));
  return tEnv;
}

/** A query's rows; of an updating one, the final table of its changelog (+I/+U add a row, -U/-D remove one equal row). */
async function weir(file: string): Promise<Values[]> {
  const t = environment().sqlQuery(sqlFile(file));
  const result = t.execute();
  if (!t.updating) return (await result.collect()).map((row) => t.columns.map((c) => row[c.name]));
  const table = new Map<string, number>();
  for (const { kind, row } of await result.changelog()) {
    const key = JSON.stringify(t.columns.map((c) => row[c.name]));
    const n = table.get(key) ?? 0;
    if (kind === '+I' || kind === '+U') table.set(key, n + 1);
    else if (n === 0) throw new Error(`${kind} of a row the table does not hold: ${key}`);
    else if (n === 1) table.delete(key);
    else table.set(key, n - 1);
  }
  return [...table].flatMap(([key, n]) => Array.from({ length: n }, () => JSON.parse(key) as Values));
}

let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  const gen = new NexmarkGenerator({ eventsPerSecond: RATE });
  const lines: Record<'auction' | 'bid', string[]> = { auction: [], bid: [] };
  for (let i = 0; i < EVENTS; i++) {
    const e = gen.event(i);
    if (isAuction(e) || isBid(e)) lines[e.type].push(JSON.stringify(e));
  }
  const files = Object.fromEntries(
    Object.entries(lines).map(([kind, ls]) => {
      const path = join(dir, `${kind}.json`);
      writeFileSync(path, ls.join('\n') + '\n');
      return [kind, path];
    }),
  );
  // Times stay epoch milliseconds, as Weir's rows hold TIMESTAMP(3).
  oracle = await duckdb({
    auction: `read_json('${files.auction}', format = 'newline_delimited', columns = {'id': 'BIGINT', 'itemName': 'VARCHAR', 'description': 'VARCHAR', 'initialBid': 'BIGINT', 'reserve': 'BIGINT', 'dateTime': 'BIGINT', 'expires': 'BIGINT', 'seller': 'BIGINT', 'category': 'BIGINT', 'extra': 'VARCHAR'})`,
    bid: `read_json('${files.bid}', format = 'newline_delimited', columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'channel': 'VARCHAR', 'url': 'VARCHAR', 'dateTime': 'BIGINT', 'extra': 'VARCHAR'})`,
  });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bids placed while their auction was open, as q4, q6 and q9 join them. */
const OPEN_BIDS = 'auction A JOIN bid B ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires';

const EXPECTED: Record<string, string> = {
  // Flink's AVG of a BIGINT is a BIGINT, truncated.
  'q4.sql': `WITH q AS (SELECT max(B.price) AS final, A.category FROM ${OPEN_BIDS} GROUP BY A.id, A.category)
    SELECT category, sum(final) // count(final) FROM q GROUP BY category`,
  // The bids at their 10-second window's highest price; BETWEEN takes in a bid at the window's end too.
  'q7.sql': `WITH w AS (SELECT max(price) AS maxprice, (dateTime // 10000) * 10000 + 10000 AS we FROM bid GROUP BY we)
    SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra FROM bid B JOIN w ON B.price = w.maxprice AND B.dateTime BETWEEN w.we - 10000 AND w.we`,
  // The winning bid of each auction (the earliest of equal bids: the first to arrive), then per seller the
  // average of the last 11 (ROWS 10 PRECEDING); ties on dateTime go by the OVER input's columns (id, seller, price, ...).
  'q6.sql': `WITH q AS (SELECT A.id, A.seller, B.price, B.dateTime FROM ${OPEN_BIDS}
      QUALIFY row_number() OVER (PARTITION BY A.id, A.seller ORDER BY B.price DESC, B.dateTime ASC) = 1)
    SELECT seller, trunc(avg(price) OVER (PARTITION BY seller ORDER BY dateTime, id, price ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)) FROM q`,
  'q9.sql': `SELECT id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra, auction, bidder, price, bid_dateTime, bid_extra
    FROM (SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra,
      row_number() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC) AS rownum FROM ${OPEN_BIDS}) WHERE rownum <= 1`,
};

describe('More Nexmark queries in SQL vs DuckDB', () => {
  it.each(Object.keys(EXPECTED))('%s agrees with DuckDB', async (file) => {
    const expected = await oracle.query(EXPECTED[file]!);
    expect(expected.length).toBeGreaterThan(0);
    expect(multiset(await weir(file))).toEqual(multiset(expected));
  });

  it('q9 reads A.* by input, though auction and bid both have dateTime and extra', () => {
    const t = environment().sqlQuery(sqlFile('q9.sql'));
    expect(t.columns.map((c) => c.name)).toEqual([
      'id',
      'itemName',
      'description',
      'initialBid',
      'reserve',
      'dateTime',
      'expires',
      'seller',
      'category',
      'extra',
      'auction',
      'bidder',
      'price',
      'bid_dateTime',
      'bid_extra',
    ]);
  });

  it('a star of a table not in the FROM beside ROW_NUMBER says so', () => {
    const q =
      'SELECT * FROM (SELECT Z.*, ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC) AS rn FROM auction A, bid B WHERE A.id = B.auction) WHERE rn <= 1';
    expect(() => environment().sqlQuery(q)).toThrow("Table 'Z' not found in this query");
  });

  it('q6 is a changelog, and some sellers have more than 11 winning bids (the ROWS frame slides)', async () => {
    const t = environment().sqlQuery(sqlFile('q6.sql'));
    expect(t.updating).toBe(true);
    const sellers = await oracle.query(`SELECT count(*) FROM (SELECT A.seller FROM ${OPEN_BIDS} GROUP BY A.id, A.seller) GROUP BY seller HAVING count(*) > 11`);
    expect(sellers.length).toBeGreaterThan(0);
  });
});
