// Nexmark q0, q1, q2 and the HOP count of q5 in SQL over the `nexmark` connector. q0 is checked
// against the generator's events read by plain code; its rows, written to a file, are the input
// DuckDB runs q1, q2 and q5's window count over.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBid, NexmarkGenerator, type Bid } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql-entry.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const EVENTS = 20_000;
const root = new URL('../../bench/nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8');
const DDL = sqlFile('ddl.sql').replace("'events.num' = '100000'", `'events.num' = '${EVENTS}'`);
const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-sql-'));

async function weir(file: string): Promise<Values[]> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(DDL);
  const t = tEnv.sqlQuery(sqlFile(file).replace(/;\s*$/, ''));
  return (await t.execute().collect()).map((row) => t.columns.map((c) => row[c.name]));
}

let q0: Values[];
let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  q0 = await weir('q0.sql');
  const path = join(dir, 'bids.json');
  writeFileSync(path, q0.map(([auction, bidder, price, dateTime, extra]) => JSON.stringify({ auction, bidder, price, ms: dateTime, extra })).join('\n') + '\n');
  oracle = await duckdb({
    bid: `(SELECT auction, bidder, price, make_timestamp(ms * 1000) AS dateTime, ms, extra FROM read_json('${path}', format = 'newline_delimited', columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'ms': 'BIGINT', 'extra': 'VARCHAR'}))`,
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

  it('q1 converts prices', async () => {
    expect(multiset(await weir('q1.sql'))).toEqual(multiset(await oracle.query('SELECT auction, bidder, 0.908::DOUBLE * price, ms, extra FROM bid')));
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
});
