// The sqlRetractOverAggregate operator (OVER over a changelog) driven by hand, so the order of the
// changes is fixed: the exact changelog as rows enter and leave, how few rows a change touches,
// state TTL; and a SQL job over a changelog that fails midway and resumes from its checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamEnvironment, type Sink } from '../../src/index.js';
import { RowKind, rowKindShort } from '../../src/core/row-kind.js';
import { TableEnvironment, type Row, type ScalarFunction } from '../../src/sql/index.js';
import { RetractOverAggregateOperator, type RetractOverAggregateParams } from '../../src/sql/operators/retract-over-aggregate-operator.js';
import { AggCode } from '../../src/sql/operators/sql-accumulators.js';
import { OperatorHarness } from '../../src/testing/index.js';
import { TransactionalMemorySink } from '../checkpoint/transactional-memory-sink.js';
import { foldChangelog } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-retract-over-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SUM(v) OVER (PARTITION BY k ORDER BY t <frame>), ties broken by (k, t, v). */
function sumOver(unit: 'ROWS' | 'RANGE', preceding: number, ttl = 0): RetractOverAggregateParams {
  return {
    sortKey: (r) => [r.t],
    order: { directions: [1], nullsFirst: [true] },
    columns: ['k', 't', 'v'],
    calls: [{ code: AggCode.Sum, arg: (r) => r.v, filter: undefined, integral: true }],
    unit,
    preceding,
    output: (r, [s]) => ({ ...r, s }),
    text: { partitionBy: 'k', orderBy: 't', frame: `${unit} ${preceding} PRECEDING`, select: 'SUM(v)' },
    ttl,
  };
}

async function harness(params: RetractOverAggregateParams) {
  return OperatorHarness.forOperator<Row, Row>(new RetractOverAggregateOperator(params), { key: (r: Row) => r.k });
}

/** The output as `+I t:v=s` lines, and clears it. */
function take(h: Awaited<ReturnType<typeof harness>>): string[] {
  const out = h.output().map((o) => `${rowKindShort(o.kind ?? RowKind.INSERT)} ${o.value.t}:${o.value.v}=${o.value.s}`);
  h.clearOutput();
  return out;
}

const D = RowKind.DELETE;
const UB = RowKind.UPDATE_BEFORE;

describe('sqlRetractOverAggregate changelog', () => {
  it('ROWS 1 PRECEDING: an insert updates the row after it; a retraction deletes the row and updates the one after', async () => {
    const h = await harness(sumOver('ROWS', 1));
    h.processElement({ k: 'a', t: 1, v: 1 }, 1);
    h.processElement({ k: 'a', t: 3, v: 2 }, 2);
    expect(take(h)).toEqual(['+I 1:1=1', '+I 3:2=3']);
    h.processElement({ k: 'a', t: 2, v: 4 }, 3);
    expect(take(h)).toEqual(['+I 2:4=5', '-U 3:2=3', '+U 3:2=6']);
    h.processElement({ k: 'a', t: 1, v: 1 }, 4, 0, D);
    // 3's frame is still (2, 3): unchanged, nothing emitted for it.
    expect(take(h)).toEqual(['-D 1:1=1', '-U 2:4=5', '+U 2:4=4']);
    // A -U of a row the partition does not hold takes nothing back.
    h.processElement({ k: 'a', t: 2, v: 5 }, 5, 0, UB);
    expect(take(h)).toEqual([]);
  });

  it('ties on ORDER BY go by the whole row, whatever the arrival order', async () => {
    const a = await harness(sumOver('ROWS', 1));
    const b = await harness(sumOver('ROWS', 1));
    for (const v of [3, 1, 2]) a.processElement({ k: 'a', t: 5, v }, 1);
    for (const v of [2, 3, 1]) b.processElement({ k: 'a', t: 5, v }, 1);
    const folded = (h: Awaited<ReturnType<typeof harness>>) =>
      foldChangelog(h.output().map((o) => ({ kind: rowKindShort(o.kind ?? RowKind.INSERT), row: [o.value.v, o.value.s] }))).sort();
    expect(folded(a)).toEqual([
      [1, 1],
      [2, 3],
      [3, 5],
    ]);
    expect(folded(b)).toEqual(folded(a));
  });

  it('RANGE: peers share their frame; an interval reaches back from the current value', async () => {
    const h = await harness(sumOver('RANGE', 10));
    h.processElement({ k: 'a', t: 0, v: 1 }, 1);
    h.processElement({ k: 'a', t: 10, v: 2 }, 2);
    h.processElement({ k: 'a', t: 20, v: 4 }, 3);
    expect(take(h)).toEqual(['+I 0:1=1', '+I 10:2=3', '+I 20:4=6']);
    // A peer of 10: both rows at 10 hold both; 20 reaches back to 10.
    h.processElement({ k: 'a', t: 10, v: 8 }, 4);
    expect(take(h)).toEqual(['-U 10:2=3', '+U 10:2=11', '+I 10:8=11', '-U 20:4=6', '+U 20:4=14']);
    // A NULL ORDER BY value's frame is its NULL peers; no other frame holds it.
    h.processElement({ k: 'a', t: null, v: 16 }, 5);
    expect(take(h)).toEqual(['+I null:16=16']);
  });

  it('a change touches the row and the n after it (ROWS n PRECEDING), not the rest of the partition', async () => {
    const h = await harness(sumOver('ROWS', 2));
    for (let t = 1; t <= 50; t++) h.processElement({ k: 'a', t, v: t }, t);
    h.clearOutput();
    h.processElement({ k: 'a', t: 0, v: 100 }, 51);
    expect(take(h)).toEqual(['+I 0:100=100', '-U 1:1=1', '+U 1:1=101', '-U 2:2=3', '+U 2:2=103']);
    h.processElement({ k: 'a', t: 25, v: 25 }, 52, 0, D);
    expect(take(h)).toEqual(['-D 25:25=72', '-U 26:26=75', '+U 26:26=73', '-U 27:27=78', '+U 27:27=77']);
  });

  it('under table.exec.state.ttl a partition idle that long is forgotten', async () => {
    const h = await harness(sumOver('ROWS', Infinity, 1000));
    h.processElement({ k: 'a', t: 1, v: 1 }, 1);
    h.processElement({ k: 'b', t: 1, v: 1 }, 1);
    h.advanceProcessingTime(600);
    h.processElement({ k: 'b', t: 2, v: 2 }, 2);
    h.advanceProcessingTime(600);
    take(h);
    h.processElement({ k: 'a', t: 3, v: 3 }, 3);
    h.processElement({ k: 'b', t: 3, v: 3 }, 3);
    expect(take(h)).toEqual(['+I 3:3=3', '+I 3:3=6']);
  });
});

describe('OVER over a changelog in a job', () => {
  it('is checkpointed: a job failing midway resumes with its partitions and ends with the window over the final table', async () => {
    let failures = 1;
    let firstSeen = 0;
    // Counts the first row and fails once, at row 1500.
    const note: ScalarFunction = {
      resultType: 'INT',
      eval(v: number) {
        if (v === 0) firstSeen++;
        if (v === 1500 && failures > 0) {
          failures--;
          throw new Error('injected failure');
        }
        return v;
      },
    };
    const env = StreamEnvironment.create({
      'execution.checkpointing.interval': '10ms',
      'state.checkpoints.dir': dir,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      'restart-strategy.fixed-delay.delay': '1ms',
    });
    const t = TableEnvironment.create(env);
    t.executeSql(
      "CREATE TABLE seq (v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.v.kind' = 'sequence', 'fields.v.start' = '0', 'fields.v.end' = '1999')",
    );
    t.createTemporarySystemFunction('note', note);
    const committed = new TransactionalMemorySink<[number, Row]>();
    // The sink keeps each row with its kind, committed with the checkpoints.
    const sink: Sink<Row> = {
      name: 'tx-changelog',
      inputChangelogMode: 'all',
      createWriter(ctx) {
        const w = committed.createWriter(ctx);
        return { ...w, write: (b) => w.write({ values: b.values.map((v, i) => [b.kinds?.[i] ?? RowKind.INSERT, v] as [number, Row]) }) };
      },
    } as Sink<Row>;
    t.sqlQuery(
      `SELECT k, g, c, SUM(c) OVER (PARTITION BY k ORDER BY c ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s
       FROM (SELECT k, g, COUNT(*) AS c FROM (SELECT note(v) % 3 AS k, v % 41 AS g FROM seq) GROUP BY k, g)`,
    )
      .toDataStream()
      .sinkTo(sink);
    const client = env.executeAsync('retract-over-recovery');
    await client.result;
    expect(failures).toBe(0);
    expect(client.restarts()).toHaveLength(1);
    // Resumed from a checkpoint taken after the first row, not from the start.
    expect(firstSeen).toBe(1);
    const folded = foldChangelog(committed.committed.map(([kind, r]) => ({ kind: rowKindShort(kind), row: [r.k, r.g, r.c, r.s] })));
    // Plain code over the final counts: per k in order of (c, k, g), the sum of c over the row and the two before.
    const counts = new Map<string, [number, number, number]>();
    for (let v = 0; v < 2000; v++) {
      const key = `${v % 3}/${v % 41}`;
      const e = counts.get(key) ?? [v % 3, v % 41, 0];
      e[2]++;
      counts.set(key, e);
    }
    const expected: unknown[][] = [];
    for (const k of [0, 1, 2]) {
      const rows = [...counts.values()].filter((r) => r[0] === k).sort((a, b) => a[2] - b[2] || a[1] - b[1]);
      rows.forEach((r, i) => expected.push([...r, rows.slice(Math.max(0, i - 2), i + 1).reduce((s, x) => s + x[2], 0)]));
    }
    const text = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(text(folded)).toEqual(text(expected));
  }, 60_000);
});
