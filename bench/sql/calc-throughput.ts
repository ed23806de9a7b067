// Records per second through a SQL projection and filter (compiled once per query) beside the same
// pipeline written with the DataStream API: `npx tsx bench/sql/calc-throughput.ts [rows]`.
// Both read the same generated rows and end in a blackhole; rounds alternate so load spikes hit both.
import { blackhole, datagen, StreamEnvironment } from '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const rows = Number(process.argv[2] ?? 1_000_000);

const SQL = `
CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING) WITH (
  'connector' = 'datagen', 'number-of-rows' = '${rows}',
  'fields.auction.min' = '1000', 'fields.auction.max' = '2000', 'fields.bidder.min' = '1', 'fields.bidder.max' = '100000',
  'fields.price.min' = '1', 'fields.price.max' = '10000', 'fields.channel.length' = '8');
CREATE TABLE sink_t (auction BIGINT, price DOUBLE, channel STRING) WITH ('connector' = 'blackhole');
INSERT INTO sink_t SELECT auction, 0.908 * price AS price, UPPER(channel) FROM bid WHERE auction % 123 = 0 OR price > 5000;
`;

async function sqlRound(): Promise<number> {
  const tEnv = TableEnvironment.create();
  const statements = SQL.split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  const t0 = performance.now();
  for (const s of statements.slice(0, -1)) tEnv.executeSql(s);
  await tEnv.executeSql(statements.at(-1)!).await();
  return performance.now() - t0;
}

interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
}

async function dataStreamRound(): Promise<number> {
  const env = StreamEnvironment.create();
  const t0 = performance.now();
  env
    .fromSource(
      datagen<Bid>({
        numberOfRows: rows,
        seed: 42,
        generator: (_i, r) => ({ auction: r.int(1000, 2000), bidder: r.int(1, 100000), price: r.int(1, 10000), channel: r.string(8) }),
      }),
    )
    .filter((b) => b.auction % 123 === 0 || b.price > 5000)
    .map((b) => ({ auction: b.auction, price: 0.908 * b.price, channel: b.channel.toUpperCase() }))
    .sinkTo(blackhole());
  await env.execute('datastream');
  return performance.now() - t0;
}

const results: Record<string, number[]> = { sql: [], datastream: [] };
for (let round = 0; round < 4; round++) {
  results.sql!.push(await sqlRound());
  results.datastream!.push(await dataStreamRound());
}
for (const [api, ms] of Object.entries(results)) {
  const best = Math.min(...ms.slice(1));
  console.log(JSON.stringify({ api, rows, bestMs: Math.round(best), recordsPerSecond: Math.round((rows / best) * 1000) }));
}
