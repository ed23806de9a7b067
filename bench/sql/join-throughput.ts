// Events per second and per CPU second through Nexmark's join queries in SQL (q3, q5, q8, q20 from
// bench/nexmark/sql/), into a blackhole, at parallelism 1. Each `nexmark` table runs its own
// generator over all events and keeps one kind, so a join of two tables generates every event twice.
// `npx tsx bench/sql/join-throughput.ts [events] [queries...]`; best of 3 rounds after a warm-up one.
import { readFileSync } from 'node:fs';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { formatType } from '../../src/sql/sql-types.js';

const events = Number(process.argv[2] ?? 1_000_000);
const queries = process.argv.length > 3 ? process.argv.slice(3) : ['q3', 'q5', 'q8', 'q20'];
const root = new URL('../nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8').replace(/;\s*$/, '');
const DDL = ['ddl.sql', 'ddl-person.sql', 'ddl-auction.sql'].map((f) => sqlFile(f).replace("'events.num' = '100000'", `'events.num' = '${events}'`));

async function round(query: string): Promise<{ ms: number; cpuMs: number }> {
  const tEnv = TableEnvironment.create();
  for (const d of DDL) tEnv.executeSql(d);
  const columns = tEnv.sqlQuery(query).columns;
  tEnv.executeSql(`CREATE TABLE out_t (${columns.map((c, i) => `c${i} ${formatType(c.type)}`).join(', ')}) WITH ('connector' = 'blackhole')`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await tEnv.executeSql(`INSERT INTO out_t ${query}`).await();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

for (const q of queries) {
  const query = sqlFile(`${q}.sql`);
  const runs: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < 4; i++) runs.push(await round(query));
  const best = runs.slice(1).reduce((a, b) => (b.ms < a.ms ? b : a));
  console.log(
    JSON.stringify({
      name: `sql ${q}`,
      api: 'sql',
      events,
      bestMs: Math.round(best.ms),
      eventsPerSecond: Math.round((events / best.ms) * 1000),
      eventsPerCpuSecond: Math.round((events / best.cpuMs) * 1000),
    }),
  );
}
