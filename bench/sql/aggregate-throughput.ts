// Records per second through SQL aggregations over generated Nexmark bids, into a blackhole:
// a GROUP BY emitting its changelog (SUM, COUNT, MAX per auction), the same as a DataStream keyed
// aggregate that emits a result per record, and Nexmark q5's HOP count per auction and window.
// `npx tsx bench/sql/aggregate-throughput.ts [events]`; best of 3 rounds after a warm-up one.
import { blackhole, StreamEnvironment, WatermarkStrategy } from '../../src/index.js';
import { isBid, nexmark, type Bid } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const events = Number(process.argv[2] ?? 1_000_000);
const DDL = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'nexmark', 'event.type' = 'bid', 'events.num' = '${events}')`;
const QUERIES: Record<string, string> = {
  'group-by': 'SELECT auction, SUM(price), COUNT(*), MAX(price) FROM bid GROUP BY auction',
  'q5-hop-count':
    "SELECT auction, window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end",
};

async function sqlRound(query: string): Promise<number> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(DDL);
  tEnv.executeSql("CREATE TABLE out_t (a BIGINT, b BIGINT, c BIGINT, d BIGINT) WITH ('connector' = 'blackhole')");
  const t0 = performance.now();
  await tEnv
    .executeSql(`INSERT INTO out_t ${query.replace('window_start, window_end, COUNT(*) FROM', 'CAST(0 AS BIGINT), CAST(0 AS BIGINT), COUNT(*) FROM')}`)
    .await();
  return performance.now() - t0;
}

async function dataStreamRound(): Promise<number> {
  const env = StreamEnvironment.create();
  const t0 = performance.now();
  env
    .fromSource(
      nexmark({ events }),
      WatermarkStrategy.boundedOutOfOrderness('4s', (e) => e.dateTime),
    )
    .filter(isBid)
    .keyBy((b) => b.auction)
    .aggregate({
      createAccumulator: () => ({ sum: 0, n: 0, max: -Infinity }),
      add: (b: Bid, a) => ({ sum: a.sum + b.price, n: a.n + 1, max: Math.max(a.max, b.price) }),
      getResult: (a) => a,
    })
    .sinkTo(blackhole());
  await env.execute('datastream');
  return performance.now() - t0;
}

const runs: [string, () => Promise<number>][] = [
  ...Object.entries(QUERIES).map(([name, q]) => [`sql ${name}`, () => sqlRound(q)] as [string, () => Promise<number>]),
  ['datastream keyed aggregate', dataStreamRound],
];
for (const [name, run] of runs) {
  const ms: number[] = [];
  for (let round = 0; round < 4; round++) ms.push(await run());
  const best = Math.min(...ms.slice(1));
  console.log(JSON.stringify({ name, events, bestMs: Math.round(best), eventsPerSecond: Math.round((events / best) * 1000) }));
}
