// The accumulators of an aggregate function written in TypeScript live in the job's keyed state:
// after a failure the job resumes from a checkpoint with them, instead of accumulating from the start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../src/index.js';
import { aggregateFunction, TableEnvironment, type Row } from '../../src/sql/index.js';
import { TransactionalMemorySink } from '../checkpoint/transactional-memory-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-udaf-cp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aggregate function state', () => {
  it('is checkpointed: a restarted job resumes with the accumulators and gives the same results', async () => {
    const seen = new Map<number, number>();
    let failures = 1;
    const sumCount = aggregateFunction({
      resultType: 'STRING',
      createAccumulator: () => ({ sum: 0, n: 0 }),
      accumulate(acc, v: number) {
        seen.set(v, (seen.get(v) ?? 0) + 1);
        if (v === 1500 && failures > 0) {
          failures--;
          throw new Error('injected failure at 1500');
        }
        acc.sum += v;
        acc.n++;
      },
      getValue: (acc) => `${acc.sum}/${acc.n}`,
    });
    const env = StreamEnvironment.create({
      'execution.checkpointing.interval': '10ms',
      'state.checkpoints.dir': dir,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      'restart-strategy.fixed-delay.delay': '1ms',
    });
    const t = TableEnvironment.create(env);
    t.executeSql(
      "CREATE TABLE seq (v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5000', 'fields.v.kind' = 'sequence', 'fields.v.start' = '0', 'fields.v.end' = '1999')",
    );
    t.createTemporarySystemFunction('sum_count', sumCount);
    // The sink takes the changelog's rows as they come (their kinds are not needed here).
    const sink = Object.assign(new TransactionalMemorySink<Row>(), { inputChangelogMode: 'all' as const });
    t.sqlQuery('SELECT v % 4 AS k, sum_count(v) AS s FROM seq GROUP BY v % 4').toDataStream().sinkTo(sink);
    const client = env.executeAsync('udaf-recovery');
    await client.result;
    expect(failures).toBe(0);
    expect(client.restarts()).toHaveLength(1);
    // The last committed row of each group (a +U after its -U) is its final result.
    const last = new Map<number, unknown>();
    for (const row of sink.committed) last.set(row.k as number, row.s);
    const expected = new Map([0, 1, 2, 3].map((k) => [k, `${Array.from({ length: 500 }, (_v, i) => 4 * i + k).reduce((a, b) => a + b, 0)}/500`]));
    expect(last).toEqual(expected);
    // Resumed from a checkpoint: the first values were accumulated once, so their accumulators came from the checkpoint.
    expect(seen.get(0)).toBe(1);
    expect(seen.get(1500)).toBe(2);
  }, 60_000);
});
