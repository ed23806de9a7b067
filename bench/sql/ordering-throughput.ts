// Records per second through SQL's ordering operators over generated Nexmark events, into a
// blackhole: Nexmark q18 (deduplication, keep last), q19 (Top-10 per auction with the rank), an
// OVER aggregation per auction (ROWS and RANGE frames) and a keep-first deduplication.
// `npx tsx bench/sql/ordering-throughput.ts [events]`; best of 3 rounds after a warm-up one.
import { readFileSync } from 'node:fs';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const events = Number(process.argv[2] ?? 1_000_000);
const root = new URL('../nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8').replace(/;\s*$/, '');
const DDL = sqlFile('ddl.sql').replace("'events.num' = '100000'", `'events.num' = '${events}'`);
const BID = 'auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3), extra STRING';
const QUERIES: Record<string, [string, string]> = {
  q18: [sqlFile('q18.sql'), BID],
  q19: [sqlFile('q19.sql'), `${BID}, rank_number BIGINT`],
  'over-rows': [
    'SELECT auction, price, AVG(price) OVER (PARTITION BY auction ORDER BY dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) FROM bid',
    'a BIGINT, p BIGINT, x BIGINT',
  ],
  'over-range': [
    "SELECT auction, price, MAX(price) OVER (PARTITION BY auction ORDER BY dateTime RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) FROM bid",
    'a BIGINT, p BIGINT, x BIGINT',
  ],
  'dedup-first': [
    'SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY dateTime) AS rn FROM bid) WHERE rn = 1',
    'a BIGINT, b BIGINT, p BIGINT',
  ],
};

async function round(query: string, columns: string): Promise<number> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(DDL);
  tEnv.executeSql(`CREATE TABLE out_t (${columns}) WITH ('connector' = 'blackhole')`);
  const t0 = performance.now();
  await tEnv.executeSql(`INSERT INTO out_t ${query}`).await();
  return performance.now() - t0;
}

const only = process.argv.slice(3);
for (const [name, [query, columns]] of Object.entries(QUERIES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const ms: number[] = [];
  for (let r = 0; r < 4; r++) ms.push(await round(query, columns));
  const best = Math.min(...ms.slice(1));
  console.log(JSON.stringify({ name, api: 'sql', events, bestMs: Math.round(best), eventsPerSecond: Math.round((events / best) * 1000) }));
}
