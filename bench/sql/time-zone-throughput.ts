// Records per second through DATE_FORMAT and CAST of a TIMESTAMP_LTZ with the session zone UTC
// beside 'America/New_York' (where each value's offset comes from the zone data):
// `npx tsx bench/sql/time-zone-throughput.ts [rows]`. Rounds alternate so load spikes hit both.
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const rows = Number(process.argv[2] ?? 1_000_000);

async function round(zone: string): Promise<number> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(`SET 'table.local-time-zone' = '${zone}'`);
  tEnv.executeSql(
    `CREATE TABLE t (s BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}', 'fields.s.min' = '946684800000', 'fields.s.max' = '1893456000000')`,
  );
  tEnv.executeSql("CREATE TABLE sink_t (d STRING, ts TIMESTAMP(3)) WITH ('connector' = 'blackhole')");
  const t0 = performance.now();
  await tEnv
    .executeSql("INSERT INTO sink_t SELECT DATE_FORMAT(TO_TIMESTAMP_LTZ(s, 3), 'yyyy-MM-dd HH:mm'), CAST(TO_TIMESTAMP_LTZ(s, 3) AS TIMESTAMP(3)) FROM t")
    .await();
  return performance.now() - t0;
}

const results: Record<string, number[]> = { UTC: [], 'America/New_York': [] };
for (let r = 0; r < 4; r++) for (const zone of Object.keys(results)) results[zone]!.push(await round(zone));
for (const [zone, ms] of Object.entries(results)) {
  const best = Math.min(...ms.slice(1));
  console.log(JSON.stringify({ zone, rows, bestMs: Math.round(best), recordsPerSecond: Math.round((rows / best) * 1000) }));
}
