// SQL SESSION window aggregation (the sqlSessionWindowAggregate operator): sessions of random
// out-of-order rows match sessions computed by plain code, and the open sessions are in checkpoints.
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-session-agg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ev {
  k: string;
  t: number;
  v: number;
}

type Sess = {
  k: string;
  window_start: number;
  window_end: number;
  c: number;
  s: number;
  lo: number;
  hi: number;
};

/** Sessions by plain code: per key, rows sorted by time, a new session where the gap exceeds `gap`. */
function sessions(events: readonly Ev[], gap: number): Sess[] {
  const out: Sess[] = [];
  for (const k of new Set(events.map((e) => e.k))) {
    let cur: Sess | undefined;
    for (const e of events.filter((x) => x.k === k).sort((a, b) => a.t - b.t)) {
      // Windows [t, t + gap) that touch merge, as Flink's TimeWindow.intersects.
      if (cur && e.t <= cur.window_end) {
        cur.window_end = Math.max(cur.window_end, e.t + gap);
        cur.c++;
        cur.s += e.v;
        cur.lo = Math.min(cur.lo, e.v);
        cur.hi = Math.max(cur.hi, e.v);
      } else {
        cur = { k, window_start: e.t, window_end: e.t + gap, c: 1, s: e.v, lo: e.v, hi: e.v };
        out.push(cur);
      }
    }
  }
  return out;
}

const iso = (t: number) => new Date(t).toISOString().replace('T', ' ').replace('Z', '');
const byKey = (r: { readonly [c: string]: unknown }) => `${r.k}/${String(r.window_start).padStart(12, '0')}`;

describe('SQL SESSION window aggregation', () => {
  it('merges out-of-order rows into the sessions plain code finds', async () => {
    const event = fc.record({
      k: fc.constantFrom('a', 'b', 'c', 'd'),
      t: fc.integer({ min: 0, max: 200 }).map((s) => s * 1000 + (s % 7 === 0 ? 1 : 0)),
      v: fc.integer({ min: -50, max: 50 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 60 }), fc.constantFrom(1_000, 5_000, 10_000, 20_000), async (events, gap) => {
        const path = join(dir, `ev-${Math.random().toString(36).slice(2)}.json`);
        writeFileSync(path, events.map((e) => JSON.stringify({ k: e.k, v: e.v, ts: iso(e.t) })).join('\n') + '\n');
        const tEnv = TableEnvironment.create();
        // Whole seconds (some + 1 ms), so sessions often touch. The watermark lags by more than the rows' disorder, so no row is late: every session is exact.
        tEnv.executeSql(
          `CREATE TABLE ev (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
        );
        const rows = await tEnv
          .sqlQuery(
            `SELECT k, window_start, window_end, COUNT(*) AS c, SUM(v) AS s, MIN(v) AS lo, MAX(v) AS hi
             FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '${gap / 1000}' SECOND)) GROUP BY k, window_start, window_end`,
          )
          .execute()
          .collect();
        const got = rows.map((r) => ({ ...r })).sort((x, y) => byKey(x).localeCompare(byKey(y)));
        const want = sessions(events, gap).sort((x, y) => byKey(x).localeCompare(byKey(y)));
        expect(got).toEqual(want);
      }),
      {
        numRuns: 25,
        seed: 12,
        // A row that bridges two open sessions merges them (and their accumulators) into one.
        examples: [
          [
            [
              { k: 'a', t: 0, v: 1 },
              { k: 'a', t: 30_000, v: 2 },
              { k: 'a', t: 15_000, v: 3 },
            ],
            20_000,
          ],
        ],
      },
    );
  });

  it('drops a row whose own session has ended, and takes a late row that joins an open session', async () => {
    const path = join(dir, 'late.json');
    // In file order; batches of one row, so the watermark (1 s behind) moves after each row.
    const evs = [
      { k: 'a', t: 0 },
      { k: 'a', t: 100_000 },
      { k: 'b', t: 1_000 }, // [1 s, 11 s) ended at watermark 99 s: dropped
      { k: 'a', t: 95_000 }, // [95 s, 105 s) overlaps a's open [100 s, 110 s): merged
    ];
    writeFileSync(path, evs.map((e) => JSON.stringify({ k: e.k, v: 1, ts: iso(e.t) })).join('\n') + '\n');
    const tEnv = TableEnvironment.create();
    tEnv.executeSql("SET 'batchSize' = '1'");
    tEnv.executeSql(
      `CREATE TABLE ev (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
    );
    const rows = await tEnv
      .sqlQuery(
        "SELECT k, window_start, window_end, COUNT(*) AS c FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end",
      )
      .execute()
      .collect();
    expect(rows.map((r) => ({ ...r })).sort((x, y) => byKey(x).localeCompare(byKey(y)))).toEqual([
      { k: 'a', window_start: 0, window_end: 10_000, c: 1 },
      { k: 'a', window_start: 95_000, window_end: 110_000, c: 2 },
    ]);
  });

  it('keeps open sessions in checkpoints: resumed after failures, the results of a run without them', async () => {
    const N = 900;
    const out = join(dir, 'out');
    const tEnv = TableEnvironment.create({
      'execution.checkpointing.interval': '20ms',
      'state.checkpoints.dir': join(dir, 'chk'),
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      'restart-strategy.fixed-delay.delay': '1ms',
    });
    const seen = new Map<number, number>();
    const failAt = new Set([400, 700]);
    tEnv.createTemporarySystemFunction(
      'PASS',
      (id: number) => {
        seen.set(id, (seen.get(id) ?? 0) + 1);
        if (failAt.delete(id)) throw new Error(`injected failure at row ${id}`);
        return true;
      },
      'BOOLEAN',
    );
    // Row i of key i % 7 at second i, plus a minute after every 60th row: sessions (gap 10 s) break there.
    const time = (i: number) => i * 1000 + Math.floor(i / 60) * 60_000;
    tEnv.executeSql(`CREATE TABLE ev (id BIGINT, k AS MOD(id, 7), ts AS TO_TIMESTAMP_LTZ(id * 1000 + (id - MOD(id, 60)) * 1000, 3),
      WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
      WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${N}', 'rows-per-second' = '4000')`);
    tEnv.executeSql(`CREATE TABLE sink (k BIGINT, c BIGINT, s BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
    await tEnv
      .executeSql(
        `INSERT INTO sink SELECT k, COUNT(*), SUM(id) FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '10' SECOND))
         WHERE PASS(id) GROUP BY k, window_start, window_end`,
      )
      .await();
    expect(failAt.size).toBe(0);
    expect(seen.get(1)).toBe(1);
    const events: Ev[] = [];
    for (let i = 1; i <= N; i++) events.push({ k: String(i % 7), t: time(i), v: i });
    const want = sessions(events, 10_000).map((s) => `${s.k},${s.c},${s.s}`);
    expect(lines(out).sort()).toEqual(want.sort());
  });
});

function lines(path: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(join(d, e.name));
      else
        found.push(
          ...readFileSync(join(d, e.name), 'utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
    }
  };
  walk(path);
  return found;
}
