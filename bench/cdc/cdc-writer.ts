/**
 * The CDC benchmark's source-side writer, run as its own process so it takes no time from the job:
 * `tsx bench/cdc/cdc-writer.ts mariadb|postgres PORT RATE SECONDS ROWS [ROUND] [TICK_MS]`. Changes table
 * `items` (ids 1..ROWS present; ROUND, from 0, is how many writers ran on it before) at RATE row changes a
 * second for SECONDS, in ticks of TICK_MS (50 by default): see {@link writerPlan} and {@link writeChanges}.
 * Prints `{"changes":N,"seconds":S,"startedAt":MS,"statements":K,"cpuSeconds":C}` at the end.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { writeChanges, type Exec } from './writer-loop.js';
import { WRITE_OPS, writerPlan, type Dialect } from './writer-plan.js';

const [kind, portArg, rateArg, secondsArg, rowsArg, roundArg, tickArg] = process.argv.slice(2);
const port = Number(portArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const rows = Number(rowsArg);
const round = Number(roundArg ?? 0);
const tickMs = Number(tickArg ?? 50);
if (!['mariadb', 'postgres'].includes(kind!) || !(port > 0 && rate > 0 && seconds > 0 && rows > 0 && round >= 0 && tickMs > 0)) {
  throw new Error('usage: cdc-writer.ts mariadb|postgres PORT RATE SECONDS ROWS [ROUND] [TICK_MS]');
}
const dialect = kind as Dialect;

const fail = (e: Error) => {
  console.error(`cdc writer: connection error: ${e.message}`);
  process.exit(1);
};

async function connect(): Promise<{ exec: Exec; close: () => Promise<void> }> {
  const c = { host: '127.0.0.1', port, user: 'weir', password: 'weir', database: 'weir' };
  if (dialect === 'mariadb') {
    const conn = await mysql.createConnection(c);
    conn.on('error', fail);
    return { exec: (sql) => conn.query(sql), close: () => conn.end() };
  }
  const client = new pg.Client(c);
  client.on('error', fail);
  await client.connect();
  return { exec: (sql) => client.query(sql), close: () => client.end() };
}

const plan = writerPlan({ rate, seconds, tickMs, rows, round });
const conns = await Promise.all(WRITE_OPS.map(connect));
const result = await writeChanges(
  dialect,
  plan,
  conns.map((c) => c.exec),
);
await Promise.all(conns.map((c) => c.close()));
process.stdout.write(JSON.stringify(result) + '\n');
