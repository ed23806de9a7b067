// Nexmark's join queries (q3, q5, q8, q20) in SQL over the `nexmark` connector, against DuckDB over
// the same events: the generator's persons, auctions and bids, read by plain code and written to
// files. Event time is spread (500 events a second) so that q5's and q8's windows are many.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAuction, isBid, isPerson, NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql-entry.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const EVENTS = 20_000;
const RATE = 500;
const root = new URL('../../bench/nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8');
const ddl = (file: string) => sqlFile(file).replace("'events.num' = '100000'", `'events.num' = '${EVENTS}', 'first-event.rate' = '${RATE}'`);
const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-join-'));

/** A query's rows; of an updating one, the final table of its changelog (+I/+U add a row, -U/-D remove one equal row). */
async function weir(file: string): Promise<Values[]> {
  const tEnv = TableEnvironment.create();
  for (const f of ['ddl.sql', 'ddl-person.sql', 'ddl-auction.sql']) tEnv.executeSql(ddl(f));
  const t = tEnv.sqlQuery(sqlFile(file).replace(/;\s*$/, ''));
  const result = t.execute();
  if (!t.updating) return (await result.collect()).map((row) => t.columns.map((c) => row[c.name]));
  const table: Values[] = [];
  for (const { kind, row } of await result.changelog()) {
    const values = t.columns.map((c) => row[c.name]);
    if (kind === '+I' || kind === '+U') table.push(values);
    else {
      const at = table.findIndex((x) => JSON.stringify(x) === JSON.stringify(values));
      if (at < 0) throw new Error(`${kind} of a row the table does not hold: ${JSON.stringify(values)}`);
      table.splice(at, 1);
    }
  }
  return table;
}

let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  const gen = new NexmarkGenerator({ eventsPerSecond: RATE });
  const lines: Record<'person' | 'auction' | 'bid', string[]> = { person: [], auction: [], bid: [] };
  for (let i = 0; i < EVENTS; i++) {
    const e = gen.event(i);
    if (isPerson(e) || isAuction(e) || isBid(e)) lines[e.type].push(JSON.stringify(e));
  }
  const files = Object.fromEntries(
    Object.entries(lines).map(([kind, ls]) => {
      const path = join(dir, `${kind}.json`);
      writeFileSync(path, ls.join('\n') + '\n');
      return [kind, path];
    }),
  );
  const ts = (col: string) => `make_timestamp(${col} * 1000) AS ${col}`;
  oracle = await duckdb({
    person: `(SELECT id, name, city, state, ${ts('dateTime')} FROM read_json('${files.person}', format = 'newline_delimited', columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'city': 'VARCHAR', 'state': 'VARCHAR', 'dateTime': 'BIGINT'}))`,
    auction: `(SELECT id, itemName, description, initialBid, reserve, ${ts('dateTime')}, expires, seller, category, extra FROM read_json('${files.auction}', format = 'newline_delimited', columns = {'id': 'BIGINT', 'itemName': 'VARCHAR', 'description': 'VARCHAR', 'initialBid': 'BIGINT', 'reserve': 'BIGINT', 'dateTime': 'BIGINT', 'expires': 'BIGINT', 'seller': 'BIGINT', 'category': 'BIGINT', 'extra': 'VARCHAR'}))`,
    bid: `(SELECT auction, bidder, price, channel, url, ${ts('dateTime')}, extra FROM read_json('${files.bid}', format = 'newline_delimited', columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'channel': 'VARCHAR', 'url': 'VARCHAR', 'dateTime': 'BIGINT', 'extra': 'VARCHAR'}))`,
  });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Epoch milliseconds of a DuckDB timestamp column, as Weir's rows hold TIMESTAMP(3). */
const ms = (col: string) => `epoch_ms(${col})`;

describe('Nexmark joins in SQL vs DuckDB', () => {
  it('q3: sellers of category 10 in OR, ID, CA', async () => {
    const expected = await oracle.query(
      "SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P ON A.seller = P.id WHERE A.category = 10 AND P.state IN ('OR', 'ID', 'CA')",
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(multiset(await weir('q3.sql'))).toEqual(multiset(expected));
  });

  it('q20: bids with their auction, category 10', async () => {
    const expected = await oracle.query(
      `SELECT auction, bidder, price, channel, url, ${ms('B.dateTime')}, B.extra, itemName, description, initialBid, reserve, ${ms('A.dateTime')}, expires, seller, category, A.extra
       FROM bid B JOIN auction A ON B.auction = A.id WHERE A.category = 10`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(multiset(await weir('q20.sql'))).toEqual(multiset(expected));
  });

  it('q8: persons who opened an auction in the window they joined', async () => {
    const expected = await oracle.query(
      `SELECT DISTINCT P.id, P.name, ${ms("time_bucket(INTERVAL '10 seconds', P.dateTime)")}
       FROM person P JOIN auction A ON P.id = A.seller
        AND time_bucket(INTERVAL '10 seconds', P.dateTime) = time_bucket(INTERVAL '10 seconds', A.dateTime)`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(multiset(await weir('q8.sql'))).toEqual(multiset(expected));
  });

  it("q8 runs as a window join (as in Flink's plan): insert-only, each window's state dropped when it ends", async () => {
    const tEnv = TableEnvironment.create();
    for (const f of ['ddl.sql', 'ddl-person.sql', 'ddl-auction.sql']) tEnv.executeSql(ddl(f));
    const plan = (await tEnv.executeSql(`EXPLAIN ${sqlFile('q8.sql').replace(/;\s*$/, '')}`).collect())[0]!.plan as string;
    expect(plan).toMatch(/WindowJoin\(joinType=\[InnerJoin\], windowType=\[TUMBLE\(10000 ms\)\].*changelogMode=\[I\]/);
  });

  it('q5: the auctions with the most bids per HOP window (final table of the changelog)', async () => {
    const expected = await oracle.query(`
      WITH counts AS (
        SELECT auction, (${ms('dateTime')} // 2000 - k) * 2000 AS ws, COUNT(*) AS num
        FROM bid, range(0, 5) AS t(k) GROUP BY auction, ws),
      maxes AS (SELECT ws, MAX(num) AS maxn FROM counts GROUP BY ws)
      SELECT c.auction, c.num FROM counts c JOIN maxes m ON c.ws = m.ws AND c.num >= m.maxn`);
    expect(expected.length).toBeGreaterThan(0);
    expect(multiset(await weir('q5.sql'))).toEqual(multiset(expected));
  });
});
