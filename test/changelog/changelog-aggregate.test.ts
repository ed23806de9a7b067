import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runWeir } from '../parallel/run-job.js';
import { groupStats, tableChangelog, type Row } from './jobs/table-changelog.js';
import { CollectSink, StreamEnvironment, count, minOf, rowKindShort, sumOf, type ChangelogRow } from '../../src/index.js';

type Op = { op: 'put'; id: number; g: number; n: number } | { op: 'delete'; id: number };
const opsArb = fc.array(
  fc.oneof(
    fc.record({
      op: fc.constant('put' as const),
      id: fc.integer({ min: 0, max: 12 }),
      g: fc.integer({ min: 0, max: 3 }),
      n: fc.integer({ min: -20, max: 20 }),
    }),
    fc.record({ op: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 12 }) }),
  ),
  { maxLength: 80 },
);

/** Applies table operations by primary key, writing the changelog a CDC source would: +I, -U/+U, -D. */
function changelogOf(ops: Op[]): { log: ChangelogRow<Row>[]; table: Map<number, Row> } {
  const table = new Map<number, Row>();
  const log: ChangelogRow<Row>[] = [];
  for (const o of ops) {
    const old = table.get(o.id);
    if (o.op === 'delete') {
      if (old) log.push(['-D', old]);
      table.delete(o.id);
      continue;
    }
    const row = { id: o.id, g: o.g, n: o.n };
    if (old) log.push(['-U', old], ['+U', row]);
    else log.push(['+I', row]);
    table.set(o.id, row);
  }
  return { log, table };
}

async function aggregate(log: ChangelogRow<Row>[], opts: { parallelism?: number; batchSize?: number } = {}): Promise<string[]> {
  const env = StreamEnvironment.create({ ...opts, 'execution.slot-mode': 'single-thread' });
  const out = new CollectSink<string>();
  env
    .fromChangelog<Row>(log)
    .keyBy((r) => r.g)
    .aggregate(groupStats)
    .sinkTo(out);
  await env.execute('changelog-aggregate');
  return out.values.map((v, i) => `${rowKindShort(out.kinds[i]!)} ${v}`);
}

describe('keyed aggregate over a changelog', () => {
  it('adds +I/+U rows, retracts -U/-D rows and emits +I, then -U old / +U new, then -D when the key is empty', async () => {
    const a = { id: 1, g: 7, n: 5 };
    const b = { id: 2, g: 7, n: 3 };
    const a2 = { id: 1, g: 7, n: 9 };
    const got = await aggregate([
      ['+I', a],
      ['+I', b],
      ['-U', a],
      ['+U', a2],
      ['-D', b],
      ['-D', a2],
    ]);
    expect(got).toEqual(['+I 7:5:1', '-U 7:5:1', '+U 7:8:2', '-U 7:8:2', '+U 7:3:1', '-U 7:3:1', '+U 7:12:2', '-U 7:12:2', '+U 7:9:1', '-D 7:9:1']);
  });

  it('emits nothing when a change leaves the result as it was, and ignores retractions of a key it holds no rows for', async () => {
    const env = StreamEnvironment.create({ 'execution.slot-mode': 'single-thread' });
    const out = new CollectSink<number>();
    env
      .fromChangelog<Row>([
        ['-D', { id: 9, g: 2, n: 1 }],
        ['+I', { id: 1, g: 1, n: 4 }],
        ['+I', { id: 2, g: 1, n: 0 }],
        ['-D', { id: 2, g: 1, n: 0 }],
        ['-U', { id: 1, g: 1, n: 4 }],
        ['+U', { id: 1, g: 1, n: 6 }],
      ])
      .keyBy((r) => r.g)
      .aggregate(sumOf((r: Row) => r.n))
      .sinkTo(out);
    await env.execute('unchanged-sum');
    // Adding and deleting the 0 leaves the sum at 4: nothing to say. The -U empties the key (-D),
    // so its +U starts it again (+I), as Flink's group aggregate does.
    expect(out.values.map((v, i) => `${rowKindShort(out.kinds[i]!)} ${v}`)).toEqual(['+I 4', '-D 4', '+I 6']);
  });

  it('folding the emitted changelog gives the aggregate of the final table (property)', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, fc.constantFrom(1, 2), fc.constantFrom(1, 5, 1024), async (ops, parallelism, batchSize) => {
        const { log, table } = changelogOf(ops);
        const got = await aggregate(log, { parallelism, batchSize });
        // Apply the output as a changelog: every -U/-D must take back a result that is there.
        const results = new Map<string, number>();
        for (const line of got) {
          const [kind, v] = line.split(' ') as [string, string];
          const have = results.get(v) ?? 0;
          if (kind === '-U' || kind === '-D') {
            expect(have, `${line} retracts a result that was not emitted`).toBeGreaterThan(0);
            if (have === 1) results.delete(v);
            else results.set(v, have - 1);
          } else results.set(v, have + 1);
        }
        const expected = new Map<number, { sum: number; rows: number }>();
        for (const r of table.values()) {
          const s = expected.get(r.g) ?? { sum: 0, rows: 0 };
          expected.set(r.g, { sum: s.sum + r.n, rows: s.rows + 1 });
        }
        const final = [...results.keys()].sort();
        expect(final).toEqual([...expected].map(([g, s]) => `${g}:${s.sum}:${s.rows}`).sort());
      }),
      { numRuns: 60 },
    );
  });

  it('over insert-only input emits the running result per record, without row kinds', async () => {
    const env = StreamEnvironment.create({ 'execution.slot-mode': 'single-thread' });
    const out = new CollectSink<number>();
    env
      .fromElements(3, 4, 5, 6, 7)
      .keyBy((x) => x % 2)
      .aggregate(sumOf())
      .sinkTo(out);
    await env.execute('running-sum');
    expect(out.values).toEqual([3, 4, 8, 10, 15]);
    expect(out.kinds.every((k) => k === 0)).toBe(true);
  });

  it('prints its output changelog mode in the plan', () => {
    const env = StreamEnvironment.create();
    env
      .fromChangelog<Row>([])
      .keyBy((r) => r.g)
      .aggregate(count())
      .name('Counts')
      .print();
    env
      .fromElements(1)
      .keyBy((x) => x)
      .aggregate(count())
      .name('Plain counts')
      .print();
    const plan = JSON.parse(env.explain()) as { nodes: { name: string; changelog: string; params?: object }[] };
    expect(plan.nodes.find((n) => n.name === 'Counts')).toMatchObject({ changelog: 'changelog', params: { retracts: true } });
    expect(plan.nodes.find((n) => n.name === 'Plain counts')).toMatchObject({ changelog: 'insert-only' });
  });

  it('rejects a changelog input at planning when the aggregation cannot retract, naming the operator and what to use', () => {
    const reduce = StreamEnvironment.create({ 'execution.slot-mode': 'single-thread' });
    const out = new CollectSink<Row>();
    reduce
      .fromChangelog<Row>([['+I', { id: 1, g: 1, n: 5 }]])
      .keyBy((r) => r.g)
      .reduce((x, y) => ({ ...x, n: x.n + y.n }))
      .name('Totals')
      .sinkTo(out);
    const message =
      /Operator 'Totals' \(reduce\) takes insert-only input, but 'Changelog Source' feeds it a changelog.*\.aggregate\(fn\) with an AggregateFunction that implements retract\(\)/;
    expect(() => reduce.explain()).toThrow(message);
    // Planning errors throw from execute() itself, before any record moves.
    expect(() => reduce.execute('reduce-over-changelog')).toThrow(message);
    expect(out.values).toEqual([]);

    const sum = StreamEnvironment.create();
    sum
      .fromChangelog<Row>([])
      .keyBy((r) => r.g)
      .sum('n')
      .print();
    expect(() => sum.explain()).toThrow(/'Keyed Reduce' \(reduce\) takes insert-only input/);

    const min = StreamEnvironment.create();
    min
      .fromChangelog<Row>([])
      .keyBy((r) => r.g)
      .aggregate(minOf((r: Row) => r.n))
      .name('Lowest')
      .print();
    expect(() => min.explain()).toThrow(/Operator 'Lowest' \(aggregate\) takes insert-only input/);
  });
});

describe('keyed aggregate over a changelog between worker-thread slots', () => {
  it('retracts across the exchange and its results fold into the aggregate of the final table', async () => {
    const job = new URL('./jobs/changelog-aggregate-job.ts', import.meta.url).pathname;
    const run = await runWeir(['run', job, '-p', '2']).done;
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const got = run.lines.filter((l) => /^[+-][IUD] \d+:-?\d+:\d+$/.test(l));
    const results = new Map<string, number>();
    for (const line of got) {
      const [kind, v] = line.split(' ') as [string, string];
      const have = results.get(v) ?? 0;
      if (kind === '-U' || kind === '-D') {
        expect(have, `${line} retracts a result that was not emitted`).toBeGreaterThan(0);
        results.set(v, have - 1);
        if (have === 1) results.delete(v);
      } else results.set(v, have + 1);
    }
    const { table } = tableChangelog();
    const expected = new Map<number, string>();
    const acc = new Map<number, ReturnType<typeof groupStats.createAccumulator>>();
    for (const r of table.values()) acc.set(r.g, groupStats.add(r, acc.get(r.g) ?? groupStats.createAccumulator()));
    for (const [g, a] of acc) expected.set(g, groupStats.getResult(a));
    expect([...results.keys()].sort()).toEqual([...expected.values()].sort());
    expect(expected.size).toBeGreaterThan(10);
  });
});
