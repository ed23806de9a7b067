// Nexmark's own DDL (bench/nexmark/sql/ddl-nexmark.sql): one `nexmark` table of every event with
// `event_type` and ROW columns person, auction, bid, and views per kind, filled by the nexmark
// connector. Checked against the generator's events collected from a DataStream job, in plain
// code: every event once, with its kind's fields, the computed dateTime as event time, and a
// Nexmark query (q1, and a TUMBLE count) over the views.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { StreamEnvironment } from '../../src/index.js';
import { nexmark, type NexmarkEvent } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { multiset, rowValues } from './duckdb-oracle.js';

const EVENTS = 5000;
const ddl = readFileSync(new URL('../../bench/nexmark/sql/ddl-nexmark.sql', import.meta.url), 'utf8').replace(
  "'events.num' = '100000'",
  `'events.num' = '${EVENTS}'`,
);
const events = (await StreamEnvironment.create()
  .fromSource(nexmark({ events: EVENTS }))
  .executeAndCollect()) as NexmarkEvent[];
const of = <K extends NexmarkEvent['type']>(k: K) => events.filter((e): e is Extract<NexmarkEvent, { type: K }> => e.type === k);

function environment(): TableEnvironment {
  const tEnv = TableEnvironment.create();
  for (const statement of ddl
    .split(';')
    .map((s) => s.replace(/--.*$/gm, '').trim())
    .filter(Boolean))
    tEnv.executeSql(statement);
  return tEnv;
}

async function rows(tEnv: TableEnvironment, sql: string): Promise<unknown[][]> {
  const t = tEnv.sqlQuery(sql);
  return (await t.execute().collect()).map((row) => rowValues(t.columns, row));
}

describe("Nexmark's own DDL over the nexmark connector", () => {
  it('gives every event once, its kind in event_type and its fields in the ROW of its kind (the others NULL)', async () => {
    const tEnv = environment();
    const got = await rows(
      tEnv,
      'SELECT event_type, person.id, person.name, auction.id, auction.expires, auction.category, bid.auction, bid.price, bid.channel, `dateTime` FROM nexmark',
    );
    const expected = events.map((e) =>
      e.type === 'person'
        ? [0, e.id, e.name, null, null, null, null, null, null, e.dateTime]
        : e.type === 'auction'
          ? [1, null, null, e.id, e.expires, e.category, null, null, null, e.dateTime]
          : [2, null, null, null, null, null, e.auction, e.price, e.channel, e.dateTime],
    );
    expect(multiset(got)).toEqual(multiset(expected));
    expect(new Set(got.map((r) => r[0]))).toEqual(new Set([0, 1, 2]));
  });

  it('the views per kind run Nexmark q1 (its price an exact DECIMAL: price * 908 / 1000, not price * 0.908 in doubles) and a TUMBLE count on the computed dateTime as they would over one-kind tables', async () => {
    const tEnv = environment();
    const q1 = await rows(tEnv, 'SELECT auction, bidder, 0.908 * price AS price, `dateTime`, extra FROM bid');
    expect(multiset(q1)).toEqual(multiset(of('bid').map((b) => [b.auction, b.bidder, (b.price * 908) / 1000, b.dateTime, b.extra])));
    const windows = await rows(
      tEnv,
      "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND)) GROUP BY window_start, window_end",
    );
    const counts = new Map<number, number>();
    for (const p of of('person')) counts.set(p.dateTime - (p.dateTime % 2000), (counts.get(p.dateTime - (p.dateTime % 2000)) ?? 0) + 1);
    expect(multiset(windows)).toEqual(multiset([...counts].map(([start, n]) => [start, n])));
    const auctions = await rows(tEnv, 'SELECT id, seller, reserve FROM auction WHERE category = 10');
    expect(auctions.length).toBeGreaterThan(0);
    expect(multiset(auctions)).toEqual(
      multiset(
        of('auction')
          .filter((a) => a.category === 10)
          .map((a) => [a.id, a.seller, a.reserve]),
      ),
    );
  });

  it('names what does not fit the generator', () => {
    const plan = (columns: string, options = '') => {
      const tEnv = TableEnvironment.create();
      tEnv.executeSql(`CREATE TABLE n (${columns}) WITH ('connector' = 'nexmark'${options})`);
      return () => tEnv.sqlQuery('SELECT * FROM n');
    };
    expect(plan('event_type INT, bid ROW<auction BIGINT, cost BIGINT>')).toThrow("field bid.'cost' is not a field of a Nexmark bid");
    expect(plan('event_type INT, bid ROW<price STRING>')).toThrow("field bid.'price' of a Nexmark bid is BIGINT, not STRING");
    expect(plan('event_type STRING')).toThrow("column 'event_type' is INT (0 person, 1 auction, 2 bid), not STRING");
    expect(plan('event_type INT', ", 'event.type' = 'bid'")).toThrow("option 'event.type' is for a table of one event kind");
    expect(plan('event_type INT', ", 'bid.proportion' = '10'")).toThrow("option 'bid.proportion' = '10' is not supported yet");
    expect(plan('event_type INT', ", 'first-event.rate' = '100', 'next-event.rate' = '200'")).toThrow("option 'next-event.rate' must equal 'first-event.rate'");
  });
});
