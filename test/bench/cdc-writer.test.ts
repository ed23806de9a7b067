// The CDC benchmark's writer: its fixed-tick schedule, and what its statements do to a real table in
// each database (the default test servers, in a schema / database of the test's own).
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChanges, type Exec } from '../../bench/cdc/writer-loop.js';
import { dueRows, writerPlan, type Dialect } from '../../bench/cdc/writer-plan.js';

describe('writerPlan and dueRows', () => {
  const plan = writerPlan({ rate: 50_000, seconds: 10, tickMs: 50, rows: 1_000_000, round: 0 });

  it('splits the changes evenly over the ticks, and a late tick brings the rows it missed', () => {
    expect(plan.perOp * 3).toBeLessThanOrEqual(500_000);
    expect(plan.perOp * 3).toBeGreaterThan(500_000 - 3);
    expect(plan.ticks).toBe(200);
    expect(dueRows(plan, 0)).toBe(0);
    for (let k = 1; k <= plan.ticks; k++) {
      const share = dueRows(plan, k) - dueRows(plan, k - 1);
      expect(Math.abs(share - plan.perOp / plan.ticks)).toBeLessThan(1);
    }
    expect(dueRows(plan, plan.ticks)).toBe(plan.perOp);
    expect(dueRows(plan, plan.ticks + 7)).toBe(plan.perOp);
    // Two ticks passed unserved: the third's statement carries all three shares.
    expect(dueRows(plan, 13) - dueRows(plan, 10)).toBe(Math.floor((plan.perOp * 13) / plan.ticks) - Math.floor((plan.perOp * 10) / plan.ticks));
  });

  it('gives each round ranges of its own, and refuses rounds whose updates would meet the deletes', () => {
    const next = writerPlan({ rate: 50_000, seconds: 10, tickMs: 50, rows: 1_000_000, round: 1 });
    expect(next.updateFrom).toBe(plan.updateFrom + plan.perOp);
    expect(next.deleteFrom).toBe(plan.deleteFrom - plan.perOp);
    expect(next.insertFrom).toBe(plan.insertFrom + plan.perOp);
    expect(next.updateFrom + next.perOp - 1).toBeLessThanOrEqual(next.deleteFrom - next.perOp);
    const last = writerPlan({ rate: 50_000, seconds: 10, tickMs: 50, rows: 1_000_000, round: 2 });
    expect(last.updateFrom + last.perOp - 1).toBeLessThanOrEqual(last.deleteFrom - last.perOp);
    expect(() => writerPlan({ rate: 50_000, seconds: 10, tickMs: 50, rows: 1_000_000, round: 3 })).toThrow(/ROUND/);
  });
});

interface Db {
  readonly execs: Exec[];
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const NAME = `cdcw_${process.pid}_${Date.now() % 1_000_000}`;
const ROWS = 3000;

/** Four connections (three for the writer, one to look) whose unqualified `items` is the test's own. */
async function open(dialect: Dialect): Promise<Db> {
  if (dialect === 'postgres') {
    const clients: pg.Client[] = [];
    for (let i = 0; i < 4; i++) {
      const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
      c.on('error', () => {});
      await c.connect();
      if (i === 0) await c.query(`CREATE SCHEMA ${NAME}`);
      await c.query(`SET search_path TO ${NAME}`);
      clients.push(c);
    }
    return {
      execs: clients.slice(1).map((c) => (sql: string) => c.query(sql)),
      query: async (sql) => (await clients[0]!.query(sql)).rows,
      close: async () => {
        await clients[0]!.query(`DROP SCHEMA ${NAME} CASCADE`);
        await Promise.all(clients.map((c) => c.end()));
      },
    };
  }
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  admin.on('error', () => {});
  await admin.query(`CREATE DATABASE ${NAME}`);
  const conns: mysql.Connection[] = [];
  for (let i = 0; i < 4; i++) {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: NAME });
    c.on('error', () => {});
    conns.push(c);
  }
  return {
    execs: conns.slice(1).map((c) => (sql: string) => c.query(sql)),
    query: async (sql) => (await conns[0]!.query(sql))[0] as Record<string, unknown>[],
    close: async () => {
      await admin.query(`DROP DATABASE ${NAME}`);
      await Promise.all([admin, ...conns].map((c) => c.end()));
    },
  };
}

describe.each(['postgres', 'mariadb'] as const)('writeChanges on %s', (dialect) => {
  let db: Db;
  beforeAll(async () => {
    db = await open(dialect);
    await db.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s varchar(100), t bigint NOT NULL DEFAULT 0)');
    for (let lo = 1; lo <= ROWS; lo += 500) {
      const values = Array.from({ length: 500 }, (_, i) => `(${lo + i}, 7, 'old')`).join(', ');
      await db.query(`INSERT INTO items (id, v, s) VALUES ${values}`);
    }
  });
  afterAll(() => db?.close());

  const num = (v: unknown) => Number(v);

  it.each([0, 1])('round %i inserts, updates and deletes its own ranges, each row stamped when its tick was sent', async (round) => {
    const plan = writerPlan({ rate: 1500, seconds: 1, tickMs: 100, rows: ROWS, round });
    const r = await writeChanges(dialect, plan, db.execs);
    const end = Date.now();
    expect(r.changes).toBe(3 * plan.perOp);
    expect(r.statements).toBeGreaterThanOrEqual(3);
    expect(r.statements).toBeLessThanOrEqual(3 * plan.ticks);

    const inserted = await db.query(`SELECT id, v, s, t FROM items WHERE id >= ${plan.insertFrom} AND id < ${plan.insertFrom + plan.perOp} ORDER BY id`);
    expect(inserted.map((x) => num(x.id))).toEqual(Array.from({ length: plan.perOp }, (_, i) => plan.insertFrom + i));
    for (const x of inserted) {
      expect(num(x.v)).toBe(num(x.id) % 1000);
      expect(x.s).toBe(`new row ${x.id}`);
    }
    const updated = await db.query(`SELECT id, v, t FROM items WHERE id >= ${plan.updateFrom} AND id < ${plan.updateFrom + plan.perOp}`);
    expect(updated).toHaveLength(plan.perOp);
    for (const x of updated) expect(num(x.v)).toBe(8);
    const deleted = await db.query(`SELECT count(*) AS n FROM items WHERE id > ${plan.deleteFrom - plan.perOp} AND id <= ${plan.deleteFrom}`);
    expect(num(deleted[0]!.n)).toBe(0);
    // The rows of other rounds are untouched: every row not in this round's ranges is as loaded or as an earlier round left it.
    const total = await db.query('SELECT count(*) AS n, sum(CASE WHEN v = 8 THEN 1 ELSE 0 END) AS updated FROM items WHERE id <= ' + ROWS);
    expect(num(total[0]!.n)).toBe(ROWS - (round + 1) * plan.perOp);
    expect(num(total[0]!.updated)).toBe((round + 1) * plan.perOp);

    // Stamps: between the start and the end, spread over the ticks rather than all at the start.
    const stamps = [...inserted, ...updated].map((x) => num(x.t));
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(r.startedAt);
    expect(Math.max(...stamps)).toBeLessThanOrEqual(end);
    expect(Math.max(...stamps) - Math.min(...stamps)).toBeGreaterThanOrEqual(((plan.ticks - 2) * plan.tickMs) / 2);
    expect(new Set(stamps).size).toBeGreaterThanOrEqual(3);
  });
});
