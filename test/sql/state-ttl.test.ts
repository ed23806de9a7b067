// `table.exec.state.ttl` on the stateful SQL operators. Driven by hand on the harness's manual
// processing-time clock: a key idle for the TTL loses its state and starts from zero (as in Flink),
// a key written within the TTL keeps it. The plan test checks the setting reaches every streaming
// operator that keeps state per key, and none in batch mode.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { RowKind, rowKindShort } from '../../src/core/row-kind.js';
import type { Operator } from '../../src/core/operator.js';
import { TableEnvironment, type Row } from '../../src/sql/index.js';
import { DeduplicateOperator } from '../../src/sql/operators/deduplicate-operator.js';
import { GroupAggregateOperator } from '../../src/sql/operators/group-aggregate-operator.js';
import { OverAggregateOperator } from '../../src/sql/operators/over-aggregate-operator.js';
import { RankOperator, type RankParams } from '../../src/sql/operators/rank-operator.js';
import { RetractRankOperator } from '../../src/sql/operators/retract-rank-operator.js';
import { AggCode } from '../../src/sql/operators/sql-accumulators.js';
import { OperatorHarness } from '../../src/testing/index.js';

const TTL = 1000;

async function harness(op: Operator<Row>) {
  return OperatorHarness.forOperator<Row, Row>(op, { key: (r: Row) => r.k });
}

/** The output as `+I k:v` lines, and clears it. */
function take(h: Awaited<ReturnType<typeof harness>>, show: (r: Row) => string): string[] {
  const out = h.output().map((o) => `${rowKindShort(o.kind ?? RowKind.INSERT)} ${show(o.value)}`);
  h.clearOutput();
  return out;
}

function groupAggregate(ttl: number) {
  return new GroupAggregateOperator({
    groupValues: (r) => [r.k],
    calls: [
      { code: AggCode.Sum, arg: (r) => r.v, filter: undefined, integral: true },
      { code: AggCode.CountDistinct, arg: (r) => r.v, filter: undefined, integral: true },
    ],
    output: ([k], [sum, distinct]) => ({ k, sum, distinct }),
    text: { groupBy: 'k', select: 'k, SUM(v), COUNT(DISTINCT v)' },
    ttl,
  });
}
const agg = (r: Row) => `${r.k}:${r.sum}/${r.distinct}`;

describe('GROUP BY under table.exec.state.ttl', () => {
  it('a group idle past the TTL restarts from zero; one written within it goes on', async () => {
    const h = await harness(groupAggregate(TTL));
    h.processElement({ k: 'a', v: 5 }, 1);
    h.processElement({ k: 'b', v: 7 }, 1);
    h.advanceProcessingTime(600);
    h.processElement({ k: 'b', v: 7 }, 2); // restarts b's clock
    h.advanceProcessingTime(600);
    take(h, agg);
    h.processElement({ k: 'a', v: 5 }, 3);
    h.processElement({ k: 'b', v: 1 }, 3);
    expect(take(h, agg)).toEqual(['+I a:5/1', '-U b:14/1', '+U b:15/2']);
  });

  it('a retraction for an expired group finds nothing to take back and emits nothing', async () => {
    const h = await harness(groupAggregate(TTL));
    h.processElement({ k: 'a', v: 5 }, 1);
    h.advanceProcessingTime(TTL);
    take(h, agg);
    h.processElement({ k: 'a', v: 5 }, 2, 0, RowKind.DELETE);
    expect(take(h, agg)).toEqual([]);
  });

  it('without a TTL nothing expires', async () => {
    const h = await harness(groupAggregate(0));
    h.processElement({ k: 'a', v: 5 }, 1);
    h.advanceProcessingTime(365 * 86_400_000);
    take(h, agg);
    h.processElement({ k: 'a', v: 6 }, 2);
    expect(take(h, agg)).toEqual(['-U a:5/1', '+U a:11/2']);
  });
});

function rankParams(ttl: number): RankParams {
  return {
    sortKey: (r) => [r.v],
    order: { directions: [-1], nullsFirst: [false] },
    limit: 1,
    rankOutput: false,
    windowEnd: undefined,
    output: (r) => r,
    text: { partitionBy: 'k', orderBy: 'v DESC', limit: 1 },
    ttl,
  };
}
const kv = (r: Row) => `${r.k}:${r.v}`;

describe('Top-N and deduplication under table.exec.state.ttl', () => {
  it('Top-N over inserts: a partition idle past the TTL forgets its top row, so a lower row takes rank 1', async () => {
    const h = await harness(new RankOperator(rankParams(TTL)));
    h.processElement({ k: 'a', v: 9 }, 1);
    h.processElement({ k: 'b', v: 9 }, 1);
    h.advanceProcessingTime(600);
    h.processElement({ k: 'b', v: 10 }, 2); // a new top row restarts b's clock
    h.advanceProcessingTime(600);
    take(h, kv);
    h.processElement({ k: 'a', v: 3 }, 3);
    h.processElement({ k: 'b', v: 3 }, 3);
    expect(take(h, kv)).toEqual(['+I a:3']);
  });

  it('Top-N over a changelog: the same', async () => {
    const h = await harness(new RetractRankOperator(rankParams(TTL)));
    h.processElement({ k: 'a', v: 9 }, 1);
    h.advanceProcessingTime(TTL);
    take(h, kv);
    h.processElement({ k: 'a', v: 3 }, 2);
    expect(take(h, kv)).toEqual(['+I a:3']);
  });

  it('keep-last deduplication: a key idle past the TTL inserts again instead of updating', async () => {
    const h = await harness(
      new DeduplicateOperator({ time: (r) => r.t as number, keepLast: true, output: (r) => r, text: { partitionBy: 'k', orderBy: 't DESC' }, ttl: TTL }),
    );
    h.processElement({ k: 'a', v: 1, t: 1 }, 1);
    h.processElement({ k: 'b', v: 1, t: 1 }, 1);
    h.advanceProcessingTime(600);
    h.processElement({ k: 'b', v: 2, t: 2 }, 2);
    h.advanceProcessingTime(600);
    take(h, kv);
    h.processElement({ k: 'a', v: 3, t: 3 }, 3);
    h.processElement({ k: 'b', v: 3, t: 3 }, 3);
    expect(take(h, kv)).toEqual(['+I a:3', '-U b:2', '+U b:3']);
  });
});

describe('keep-first deduplication under table.exec.state.ttl', () => {
  it('a row waiting for the watermark never expires; an emitted key is forgotten a TTL later', async () => {
    const h = await harness(
      new DeduplicateOperator({ time: (r) => r.t as number, keepLast: false, output: (r) => r, text: { partitionBy: 'k', orderBy: 't' }, ttl: TTL }),
    );
    h.processElement({ k: 'a', v: 1, t: 5 }, 5);
    h.advanceProcessingTime(10 * TTL);
    h.processWatermark(5);
    h.processElement({ k: 'a', v: 2, t: 6 }, 6); // a duplicate within the TTL of the emission
    h.processWatermark(6);
    h.advanceProcessingTime(TTL);
    h.processElement({ k: 'a', v: 3, t: 7 }, 7);
    h.processWatermark(7);
    expect(take(h, kv)).toEqual(['+I a:1', '+I a:3']);
  });
});

describe('OVER aggregation under table.exec.state.ttl', () => {
  function over() {
    return new OverAggregateOperator({
      time: (r) => r.t as number,
      calls: [{ code: AggCode.CountStar, arg: undefined, filter: undefined, integral: true }],
      unit: 'ROWS',
      preceding: Infinity,
      output: (r, [c]) => ({ ...r, c }),
      text: { partitionBy: 'k', orderBy: 't', frame: 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', select: 'COUNT(*)' },
      ttl: TTL,
    });
  }
  const counted = (r: Row) => `${r.k}@${r.t}:${r.c}`;

  it('a partition idle for 1.5 TTL starts counting from zero; one with a row within the TTL goes on', async () => {
    const h = await harness(over());
    h.processElement({ k: 'a', t: 1 }, 1);
    h.processElement({ k: 'b', t: 1 }, 1);
    h.processWatermark(1);
    h.advanceProcessingTime(600);
    h.processElement({ k: 'b', t: 2 }, 2); // moves b's cleanup on
    h.processWatermark(2);
    h.advanceProcessingTime(1000); // a: 1,600 ms idle, past 1.5 TTL; b: 1,000 ms
    expect(take(h, counted)).toEqual(['+I a@1:1', '+I b@1:1', '+I b@2:2']);
    h.processElement({ k: 'a', t: 3 }, 3);
    h.processElement({ k: 'b', t: 3 }, 3);
    h.processWatermark(3);
    expect(take(h, counted)).toEqual(['+I a@3:1', '+I b@3:3']);
  });

  it('rows waiting for the watermark keep their partition past the TTL', async () => {
    const h = await harness(over());
    h.processElement({ k: 'a', t: 1 }, 1);
    h.processWatermark(1);
    h.processElement({ k: 'a', t: 5 }, 5);
    h.advanceProcessingTime(10 * TTL);
    h.processWatermark(5);
    expect(take(h, counted)).toEqual(['+I a@1:1', '+I a@5:2']);
  });
});

describe('table.exec.state.ttl in plans', () => {
  function plan(mode: 'streaming' | 'batch') {
    const t = TableEnvironment.create();
    t.executeSql("CREATE TABLE s (k BIGINT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
    t.executeSql("SET 'table.exec.state.ttl' = '1 h'");
    t.executeSql(`SET 'execution.runtime-mode' = '${mode}'`);
    const queries = [
      'SELECT k, SUM(v), COUNT(DISTINCT v) FROM s GROUP BY k',
      'SELECT * FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM s) WHERE rn <= 2',
      'SELECT k, v FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM s) WHERE rn = 1',
      'SELECT * FROM (SELECT k, c, ROW_NUMBER() OVER (ORDER BY c DESC) AS rn FROM (SELECT k, COUNT(*) AS c FROM s GROUP BY k)) WHERE rn <= 3',
      'SELECT a.k, b.v FROM s a JOIN s b ON a.k = b.k',
      'SELECT k, v FROM s ORDER BY v DESC LIMIT 3',
      'SELECT k, COUNT(*) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM s',
      'SELECT k, SUM(c) OVER (ORDER BY c ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM (SELECT k, COUNT(*) AS c FROM s GROUP BY k)',
    ];
    return queries.flatMap((q) =>
      (JSON.parse(t.sqlQuery(q).explain()) as { nodes: { kind: string; params?: { stateTtl?: string } }[] }).nodes
        .filter((n) => n.kind.startsWith('sql') && n.kind !== 'sqlCalc')
        .map((n) => `${n.kind} ${n.params?.stateTtl ?? 'none'}`),
    );
  }

  it('reaches every streaming operator that keeps state per key', () => {
    expect(plan('streaming')).toEqual([
      'sqlGroupAggregate 3600000 ms',
      'sqlRank 3600000 ms',
      'sqlDeduplicate 3600000 ms',
      'sqlGroupAggregate 3600000 ms',
      'sqlRetractRank 3600000 ms',
      'sqlJoin 3600000 ms',
      'sqlRank 3600000 ms',
      'sqlOverAggregate 3600000 ms',
      'sqlGroupAggregate 3600000 ms',
      'sqlRetractOverAggregate 3600000 ms',
    ]);
  });

  it('is not applied in batch mode', () => {
    expect(plan('batch').filter((n) => !n.endsWith('none'))).toEqual([]);
  });
});
