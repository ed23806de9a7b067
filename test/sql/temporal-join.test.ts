// Event-time temporal joins (FOR SYSTEM_TIME AS OF o.ts) against a versioned table, checked against
// plain code over the same random rows: each order joins the rate valid at its time, the latest
// change of its currency not after it, also when changes arrive out of order (before the watermark
// passes them). Inner and LEFT joins, a residual condition, a WHERE pushed into the probe side, and
// the errors of joins Weir cannot run as temporal joins.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-temporal-join-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 0, 1);
const tsText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const CURRENCIES = ['EUR', 'USD', 'JPY'];

interface Order {
  id: number;
  cur: string | null;
  ts: number;
}
interface Rate {
  cur: string | null;
  rate: number;
  ts: number;
}

// Row i near second i, row j of the rates near 1.5 s * j, each up to 3 s out of order: less than
// the watermarks' 5 s delay, so no row is late and the result does not depend on timing.
const data = fc.record({
  orders: fc.array(fc.record({ cur: fc.option(fc.constantFrom(...CURRENCIES, 'CHF'), { freq: 8 }), jitter: fc.integer({ min: 0, max: 3000 }) }), {
    minLength: 1,
    maxLength: 40,
  }),
  rates: fc.array(fc.record({ cur: fc.option(fc.constantFrom(...CURRENCIES), { freq: 10 }), jitter: fc.integer({ min: 0, max: 3000 }) }), {
    minLength: 1,
    maxLength: 30,
  }),
});

let run = 0;
function tables(g: { orders: { cur: string | null; jitter: number }[]; rates: { cur: string | null; jitter: number }[] }) {
  const orders: Order[] = g.orders.map((o, i) => ({ id: i, cur: o.cur, ts: T0 + i * 1000 + o.jitter }));
  // Two changes may share a time: the later one in the changelog wins, as in Weir and Flink.
  const rates: Rate[] = g.rates.map((r, j) => ({ cur: r.cur, rate: j, ts: T0 + j * 1500 + r.jitter }));
  const files = { orders: join(dir, `orders-${run}.json`), rates: join(dir, `rates-${run}.json`) };
  run++;
  writeFileSync(files.orders, orders.map((o) => JSON.stringify({ ...o, ts: tsText(o.ts) })).join('\n') + '\n');
  writeFileSync(files.rates, rates.map((r) => JSON.stringify({ ...r, ts: tsText(r.ts) })).join('\n') + '\n');
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(`CREATE TABLE orders (id INT, cur STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = '${files.orders}', 'format' = 'json')`);
  tEnv.executeSql(`CREATE TABLE rates (cur STRING, rate INT, ts TIMESTAMP(3), PRIMARY KEY (cur) NOT ENFORCED, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = '${files.rates}', 'format' = 'json')`);
  return { orders, rates, tEnv };
}

/** The rate of `o.cur` valid at `o.ts`: the latest change not after it (the last written of equal times). */
function validRate(o: Order, rates: readonly Rate[]): Rate | undefined {
  let best: Rate | undefined;
  for (const r of rates) if (o.cur !== null && r.cur === o.cur && r.ts <= o.ts && (best === undefined || r.ts >= best.ts)) best = r;
  return best;
}

const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

async function weir(tEnv: TableEnvironment, sql: string): Promise<unknown[][]> {
  const t = tEnv.sqlQuery(sql);
  expect(t.updating).toBe(false);
  return (await t.execute().collect()).map((row) => t.columns.map((c) => row[c.name]));
}

describe('event-time temporal join', () => {
  it('inner: each order joins the rate valid at its time', async () => {
    await fc.assert(
      fc.asyncProperty(data, async (g) => {
        const { orders, rates, tEnv } = tables(g);
        const got = await weir(tEnv, 'SELECT o.id, r.rate, r.cur FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur');
        const want = orders.flatMap((o) => {
          const r = validRate(o, rates);
          return r ? [[o.id, r.rate, r.cur]] : [];
        });
        expect(sorted(got)).toEqual(sorted(want));
      }),
      { numRuns: 15 },
    );
  });

  it('left with a residual condition: an order without a valid rate, or whose rate fails ON, is padded', async () => {
    await fc.assert(
      fc.asyncProperty(data, async (g) => {
        const { orders, rates, tEnv } = tables(g);
        const got = await weir(
          tEnv,
          'SELECT o.id, o.cur, r.rate FROM orders o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur AND MOD(r.rate, 3) <> 0',
        );
        const want = orders.map((o) => {
          const r = validRate(o, rates);
          return [o.id, o.cur, r && r.rate % 3 !== 0 ? r.rate : null];
        });
        expect(sorted(got)).toEqual(sorted(want));
      }),
      { numRuns: 15 },
    );
  });

  it('a WHERE on the orders filters them before the join (at parallelism 1 and 2); the alias may also come before FOR', async () => {
    const { orders, rates, tEnv } = tables({
      orders: Array.from({ length: 30 }, (_, i) => ({ cur: CURRENCIES[i % 3]!, jitter: (i * 977) % 3000 })),
      rates: Array.from({ length: 20 }, (_, j) => ({ cur: CURRENCIES[(j * 2) % 3]!, jitter: (j * 1231) % 3000 })),
    });
    const got = await weir(tEnv, 'SELECT o.id, r.rate FROM orders o JOIN rates AS r FOR SYSTEM_TIME AS OF o.ts ON r.cur = o.cur WHERE MOD(o.id, 2) = 0');
    const want = orders.filter((o) => o.id % 2 === 0).flatMap((o) => (validRate(o, rates) ? [[o.id, validRate(o, rates)!.rate]] : []));
    expect(want.length).toBeGreaterThan(5);
    expect(sorted(got)).toEqual(sorted(want));
    // At parallelism 2 both inputs are hashed on the currency: the same rows.
    tEnv.executeSql("SET 'parallelism.default' = '2'");
    expect(
      sorted(await weir(tEnv, 'SELECT o.id, r.rate FROM orders o JOIN rates AS r FOR SYSTEM_TIME AS OF o.ts ON r.cur = o.cur WHERE MOD(o.id, 2) = 0')),
    ).toEqual(sorted(want));
    tEnv.executeSql("SET 'parallelism.default' = '1'");
    const plan = await tEnv.executeSql('EXPLAIN SELECT o.id, r.rate FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur').collect();
    expect(JSON.stringify(plan)).toContain('TemporalJoin(joinType=[InnerJoin], versioned=[rates], on=[o.cur = r.cur])');
  });

  it('a versioned view (the last row of each currency by event time) and a subquery on the left', async () => {
    await fc.assert(
      fc.asyncProperty(data, async (g) => {
        const { orders, rates, tEnv } = tables(g);
        tEnv.executeSql(`CREATE TABLE rate_log (cur STRING, rate INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
          WITH ('connector' = 'filesystem', 'path' = '${dir}/rates-${run - 1}.json', 'format' = 'json')`);
        tEnv.executeSql(`CREATE VIEW latest_rates AS SELECT cur, rate, ts FROM
          (SELECT *, ROW_NUMBER() OVER (PARTITION BY cur ORDER BY ts DESC) AS rn FROM rate_log) WHERE rn = 1`);
        const got = await weir(
          tEnv,
          'SELECT o.id, r.rate FROM (SELECT id, cur, ts FROM orders WHERE id >= 0) AS o JOIN latest_rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur',
        );
        // The view drops a change older than the last one of its currency (keep-last deduplication).
        const last = new Map<string | null, number>();
        const kept = rates.filter((r) => {
          if (r.ts < (last.get(r.cur) ?? -Infinity)) return false;
          last.set(r.cur, r.ts);
          return true;
        });
        const want = orders.flatMap((o) => {
          const r = validRate(o, kept);
          return r ? [[o.id, r.rate]] : [];
        });
        expect(sorted(got)).toEqual(sorted(want));
      }),
      { numRuns: 10 },
    );
  });

  it('rejects what Weir cannot run as a temporal join, saying why', () => {
    const { tEnv } = tables({ orders: [{ cur: 'EUR', jitter: 0 }], rates: [{ cur: 'EUR', jitter: 0 }] });
    tEnv.executeSql(
      `CREATE TABLE plain (cur STRING, rate INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '${dir}/x', 'format' = 'json')`,
    );
    tEnv.executeSql(`CREATE TABLE gen (cur STRING, rate INT) WITH ('connector' = 'datagen')`);
    const err = (sql: string) => {
      try {
        tEnv.sqlQuery(sql).execute();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('SELECT * FROM orders o RIGHT JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur')).toMatch(
      /temporal join .* is INNER or LEFT, not RIGHT/,
    );
    expect(err('SELECT * FROM orders o JOIN plain FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur')).toMatch(
      /'plain' is not a versioned table: .*needs a PRIMARY KEY/,
    );
    expect(err('SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.id = r.rate')).toMatch(
      /must equate the primary key of 'rates' \(cur\).*lacks cur/,
    );
    expect(err('SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.ts > r.ts')).toMatch(
      /needs an equality between the left input and a column of 'rates'/,
    );
    expect(err('SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF r.ts AS r ON o.cur = r.cur')).toMatch(/needs a time column of the left input/);
    expect(err('SELECT * FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN gen FOR SYSTEM_TIME AS OF o.pt AS g ON o.cur = g.cur')).toMatch(
      /processing-time join, which needs a lookup table \('jdbc' or 'filesystem'\); 'gen' is 'datagen'/,
    );
    tEnv.executeSql('CREATE VIEW firsts AS SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY cur ORDER BY ts ASC) AS rn FROM plain) WHERE rn = 1');
    expect(err('SELECT * FROM orders o JOIN firsts FOR SYSTEM_TIME AS OF o.ts AS f ON o.cur = f.cur')).toMatch(
      /View 'firsts' is not a versioned view: .*keeps the last row of each key by event time/,
    );
    expect(err('SELECT * FROM orders FOR SYSTEM_TIME AS OF orders.ts')).toMatch(/applies to the table on the right of a JOIN only/);
  });
});
