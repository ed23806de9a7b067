// Records per second through SQL steps that use DECIMAL, DATE_FORMAT and string functions, beside
// the same steps over DOUBLE or BIGINT, over generated Nexmark bids into a blackhole.
// `npx tsx bench/sql/types-throughput.ts [events]`; best of 2 rounds after a warm-up one.
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const events = Number(process.argv[2] ?? 500_000);
const DDL = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'nexmark', 'event.type' = 'bid', 'events.num' = '${events}')`;

/** name: [sink columns, query] */
const ONLY = process.argv[3];
const QUERIES: Record<string, [string, string]> = {
  'calc double': ['a BIGINT, p DOUBLE', 'SELECT auction, 0.908E0 * price FROM bid'],
  // A literal with a point is a DECIMAL, as in Flink: Nexmark q1's price.
  'calc decimal literal': ['a BIGINT, p DECIMAL(23, 3)', 'SELECT auction, 0.908 * price FROM bid'],
  'calc decimal': ['a BIGINT, p DECIMAL(38, 5)', "SELECT auction, CAST(price AS DECIMAL(18, 2)) * CAST('0.908' AS DECIMAL(4, 3)) FROM bid"],
  'group-by sum bigint': ['a BIGINT, s BIGINT', 'SELECT auction, SUM(price) FROM bid GROUP BY auction'],
  'group-by sum decimal': ['a BIGINT, s DECIMAL(38, 2)', 'SELECT auction, SUM(CAST(price AS DECIMAL(18, 2))) FROM bid GROUP BY auction'],
  'q22 split_index': [
    'a BIGINT, d1 STRING, d2 STRING, d3 STRING',
    "SELECT auction, SPLIT_INDEX(url, '/', 3), SPLIT_INDEX(url, '/', 4), SPLIT_INDEX(url, '/', 5) FROM bid",
  ],
  'q21 regexp_extract': ['a BIGINT, c STRING', "SELECT auction, REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) FROM bid"],
  date_format: ['a BIGINT, d STRING', "SELECT auction, DATE_FORMAT(dateTime, 'yyyy-MM-dd HH:mm') FROM bid"],
};

async function round(sink: string, query: string): Promise<number> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(DDL);
  tEnv.executeSql(`CREATE TABLE out_t (${sink}) WITH ('connector' = 'blackhole')`);
  const t0 = performance.now();
  await tEnv.executeSql(`INSERT INTO out_t ${query}`).await();
  return performance.now() - t0;
}

for (const [name, [sink, query]] of Object.entries(QUERIES).filter(([n]) => !ONLY || n.includes(ONLY))) {
  const ms: number[] = [];
  for (let r = 0; r < 3; r++) ms.push(await round(sink, query));
  const best = Math.min(...ms.slice(1));
  console.log(JSON.stringify({ name, events, bestMs: Math.round(best), eventsPerSecond: Math.round((events / best) * 1000) }));
}
