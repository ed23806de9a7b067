import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollectSink, StreamEnvironment, UserFunctionError, type ChangelogRow } from '../../src/index.js';
import { MapOperator } from '../../src/runtime/operators/map-operator.js';

// A filter chained to a map runs both functions in one loop (src/runtime/operators/fuse-chained-map.ts).
// These tests pin what must not change with it: records, row kinds, per-operator counts, and errors.
describe('a filter fused with the map chained behind it', () => {
  afterEach(() => vi.restoreAllMocks());

  it('emits what filter-then-map on a plain array gives, and counts records per operator (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 300 }), fc.constantFrom(1, 7, 1024), async (xs, batchSize) => {
        const env = StreamEnvironment.create({ batchSize });
        const out = new CollectSink<{ x: number; twice: number }>();
        env
          .fromArray(xs)
          .filter((x) => x % 3 !== 0)
          .name('NotThree')
          .map((x) => ({ x, twice: x * 2 }))
          .name('Twice')
          .sinkTo(out);
        const { metrics } = await env.execute('fused');
        const expected = xs.filter((x) => x % 3 !== 0).map((x) => ({ x, twice: x * 2 }));
        expect(out.values).toEqual(expected);
        const of = (name: string) => metrics.find((m) => m.name === name)!;
        expect([of('NotThree').recordsIn, of('NotThree').recordsOut, of('Twice').recordsIn, of('Twice').recordsOut]).toEqual([
          xs.length,
          expected.length,
          expected.length,
          expected.length,
        ]);
      }),
      { numRuns: 30 },
    );
  });

  it('runs the map function inside the filter: the map operator never sees an insert-only batch', async () => {
    const spy = vi.spyOn(MapOperator.prototype, 'processBatch');
    const env = StreamEnvironment.create();
    const out = await env
      .fromElements(1, 2, 3, 4)
      .filter((x) => x > 1)
      .map((x) => x * 10)
      .executeAndCollect();
    expect(out).toEqual([20, 30, 40]);
    expect(spy).not.toHaveBeenCalled();
  });

  it('does not fuse across a chain break: the map then processes its own batches', async () => {
    const spy = vi.spyOn(MapOperator.prototype, 'processBatch');
    const env = StreamEnvironment.create();
    const out = await env
      .fromElements(1, 2, 3, 4)
      .filter((x) => x > 1)
      .map((x) => x * 10)
      .startNewChain()
      .executeAndCollect();
    expect(out).toEqual([20, 30, 40]);
    expect(spy).toHaveBeenCalled();
  });

  it('names the map when the map function throws, and the filter when the predicate throws', async () => {
    const fail = async (where: 'filter' | 'map') => {
      const env = StreamEnvironment.create();
      env
        .fromElements({ id: 1 }, { id: 2 })
        .filter((r) => {
          if (where === 'filter' && r.id === 2) throw new Error('bad predicate');
          return true;
        })
        .name('Keep')
        .map((r) => {
          if (where === 'map' && r.id === 2) throw new Error('bad map');
          return r.id;
        })
        .name('Ids')
        .sinkTo(new CollectSink());
      return env.execute().then(
        () => {
          throw new Error('expected the job to fail');
        },
        (e: unknown) => e as UserFunctionError,
      );
    };
    const m = await fail('map');
    expect(m).toBeInstanceOf(UserFunctionError);
    expect(m.message).toContain("'Ids'");
    expect(m.message).toContain('{"id":2}');
    expect(m.message).toContain('bad map');
    const f = await fail('filter');
    expect(f.message).toContain("'Keep'");
    expect(f.message).toContain('bad predicate');
  });

  it('keeps each row kind of a changelog (the unfused path)', async () => {
    const env = StreamEnvironment.create();
    const out = new CollectSink<string>();
    const rows: ChangelogRow<{ id: number; n: number }>[] = [
      ['+I', { id: 1, n: 5 }],
      ['-U', { id: 1, n: 5 }],
      ['+U', { id: 1, n: 6 }],
      ['+I', { id: 2, n: -1 }],
      ['-D', { id: 1, n: 6 }],
    ];
    env
      .fromChangelog(rows)
      .filter((r) => r.n >= 0)
      .map((r) => `${r.id}:${r.n}`)
      .sinkTo(out);
    await env.execute('changelog');
    expect(out.values).toEqual(['1:5', '1:5', '1:6', '1:6']);
    expect(out.kinds).toHaveLength(4);
    expect(new Set(out.kinds).size).toBe(4);
  });
});
