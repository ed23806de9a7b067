/**
 * The CDC benchmark's source-side writer, run as its own process so it takes no time from the job:
 * `tsx bench/cdc/cdc-writer.ts mariadb|postgres PORT RATE SECONDS ROWS [ROUND]`. Changes table `items`
 * (ids 1..ROWS present; ROUND, from 0, is how many writers ran on it before) at RATE row changes a second for SECONDS: multi-row INSERTs of new ids,
 * range UPDATEs from the bottom and range DELETEs from the top, each statement its own transaction
 * of {@link STATEMENT_ROWS} rows. Inserted and updated rows carry `t`, the wall clock (ms) when the
 * statement was sent, so the sink's lag also counts the commit's round trip. Prints
 * `{"changes":N,"seconds":S,"startedAt":MS}` at the end.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

export const STATEMENT_ROWS = 100;
const CONNECTIONS = 4;

const [kind, portArg, rateArg, secondsArg, rowsArg, roundArg] = process.argv.slice(2);
const port = Number(portArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const rows = Number(rowsArg);
const round = Number(roundArg ?? 0);
if (!['mariadb', 'postgres'].includes(kind!) || !(port > 0 && rate > 0 && seconds > 0 && rows > 0 && round >= 0)) {
  throw new Error('usage: cdc-writer.ts mariadb|postgres PORT RATE SECONDS ROWS [ROUND]');
}

type Exec = (sql: string) => Promise<unknown>;

async function connect(): Promise<{ exec: Exec; close: () => Promise<void> }> {
  const c = { host: '127.0.0.1', port, user: 'weir', password: 'weir', database: 'weir' };
  if (kind === 'mariadb') {
    const conn = await mysql.createConnection(c);
    return { exec: (sql) => conn.query(sql), close: () => conn.end() };
  }
  const client = new pg.Client(c);
  await client.connect();
  return { exec: (sql) => client.query(sql), close: () => client.end() };
}

const total = Math.floor((rate * seconds) / STATEMENT_ROWS);
// Each operation's rows in one round, at most: earlier rounds' ranges are skipped.
const span = Math.ceil(total / 3) * STATEMENT_ROWS;
if (2 * (round + 1) * span > rows) throw new Error(`RATE x SECONDS x (ROUND + 1) must stay under two thirds of ROWS (${rows})`);
let nextInsert = rows + 1 + round * span;
let nextUpdate = 1 + round * span;
let nextDelete = rows - round * span;
let statement = 0;

/** The next statement of the insert, update, delete rotation, with `t` stamped now. */
function nextStatement(): string {
  const t = Date.now();
  const op = statement++ % 3;
  if (op === 0) {
    const values: string[] = [];
    for (let i = 0; i < STATEMENT_ROWS; i++, nextInsert++) values.push(`(${nextInsert}, ${nextInsert % 1000}, 'new row ${nextInsert}', ${t})`);
    return `INSERT INTO items (id, v, s, t) VALUES ${values.join(', ')}`;
  }
  if (op === 1) {
    const lo = nextUpdate;
    nextUpdate += STATEMENT_ROWS;
    return `UPDATE items SET v = v + 1, t = ${t} WHERE id >= ${lo} AND id < ${nextUpdate}`;
  }
  const hi = nextDelete;
  nextDelete -= STATEMENT_ROWS;
  return `DELETE FROM items WHERE id > ${nextDelete} AND id <= ${hi}`;
}

const conns = await Promise.all(Array.from({ length: CONNECTIONS }, connect));
const start = Date.now();
let sent = 0;
// Each connection sends the next statement once the schedule (RATE from the start) says it is due.
await Promise.all(
  conns.map(async (c) => {
    while (sent < total) {
      const due = start + ((sent * STATEMENT_ROWS) / rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (sent >= total) break;
      sent++;
      await c.exec(nextStatement());
    }
  }),
);
const took = (Date.now() - start) / 1000;
await Promise.all(conns.map((c) => c.close()));
process.stdout.write(JSON.stringify({ changes: total * STATEMENT_ROWS, seconds: took, startedAt: start }) + '\n');
