// One-phase against local-global (two-phase) SQL GROUP BY with mini-batch on, over generated
// Nexmark bids into a blackhole: per query and parallelism, the two strategies run in alternating
// rounds (so machine load hits both alike) and the line gives the best time of each and their ratio.
// `npx tsx bench/sql/two-phase-aggregate.ts [events] [rounds]`
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const events = Number(process.argv[2] ?? 500_000);
const rounds = Number(process.argv[3] ?? 4);
const DDL = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'nexmark', 'event.type' = 'bid', 'events.num' = '${events}')`;
const QUERIES: Record<string, string> = {
  // Nexmark's auctions: many keys, a few hot ones.
  'per-auction': 'SELECT auction, SUM(price), COUNT(*), MAX(price) FROM bid GROUP BY auction',
  // Few keys: most rows of a batch fold into a handful of partials.
  'few-keys': 'SELECT auction % 10, SUM(price), COUNT(*), MAX(price) FROM bid GROUP BY auction % 10',
  'count-distinct': 'SELECT auction % 10, COUNT(DISTINCT bidder), COUNT(*), MIN(price) FROM bid GROUP BY auction % 10',
};

async function round(query: string, phases: string, parallelism: number): Promise<number> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(DDL);
  tEnv.executeSql(`SET 'parallelism.default' = '${parallelism}'`);
  tEnv.executeSql("SET 'table.exec.mini-batch.enabled' = 'true'");
  tEnv.executeSql(`SET 'table.optimizer.agg-phase-strategy' = '${phases}'`);
  tEnv.executeSql("CREATE TABLE out_t (a BIGINT, b BIGINT, c BIGINT, d BIGINT) WITH ('connector' = 'blackhole')");
  const t0 = performance.now();
  await tEnv.executeSql(`INSERT INTO out_t ${query}`).await();
  return performance.now() - t0;
}

for (const parallelism of [1, 2]) {
  for (const [name, q] of Object.entries(QUERIES)) {
    const ms: Record<string, number[]> = { ONE_PHASE: [], TWO_PHASE: [] };
    // Round 0 warms up both.
    for (let r = 0; r <= rounds; r++)
      for (const phases of r % 2 === 0 ? ['ONE_PHASE', 'TWO_PHASE'] : ['TWO_PHASE', 'ONE_PHASE']) {
        const t = await round(q, phases, parallelism);
        if (r > 0) ms[phases]!.push(t);
      }
    const one = Math.min(...ms.ONE_PHASE!);
    const two = Math.min(...ms.TWO_PHASE!);
    console.log(
      JSON.stringify({
        name,
        parallelism,
        events,
        onePhaseMs: Math.round(one),
        twoPhaseMs: Math.round(two),
        twoPhaseSpeedup: Number((one / two).toFixed(2)),
      }),
    );
  }
}
