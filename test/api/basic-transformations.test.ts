import { describe, expect, it } from 'vitest';
import { StreamEnvironment, CollectSink, OutputTag, UserFunctionError, valueState, type DataStream, type KeyedStream } from '../../src/index.js';

describe('basic transformations', () => {
  it('map, filter and flatMap flow types and values', async () => {
    const env = StreamEnvironment.create();
    const out = await env
      .fromElements({ item: 'a', price: 3 }, { item: 'b', price: 1 }, { item: 'c', price: 5 })
      .filter((e) => e.price > 2)
      .map((e) => e.item)
      .flatMap<string>((s, out) => {
        out.collect(s);
        return [s.toUpperCase()];
      })
      .executeAndCollect();
    expect(out).toEqual(['a', 'A', 'c', 'C']);
  });

  it('keyed rolling sum, min, max, minBy, maxBy', async () => {
    const rows = [
      { k: 'x', v: 3, tag: 1 },
      { k: 'y', v: 10, tag: 2 },
      { k: 'x', v: 1, tag: 3 },
      { k: 'x', v: 7, tag: 4 },
    ];
    type Row = (typeof rows)[number];
    const run = async (f: (s: KeyedStream<Row, string>) => DataStream<Row>) => {
      const env = StreamEnvironment.create();
      return f(env.fromArray(rows).keyBy((r) => r.k)).executeAndCollect();
    };
    expect(await run((s) => s.sum('v'))).toEqual([
      { k: 'x', v: 3, tag: 1 },
      { k: 'y', v: 10, tag: 2 },
      { k: 'x', v: 4, tag: 1 },
      { k: 'x', v: 11, tag: 1 },
    ]);
    expect((await run((s) => s.min('v'))).map((r) => r.v)).toEqual([3, 10, 1, 1]);
    expect((await run((s) => s.max('v'))).map((r) => r.v)).toEqual([3, 10, 3, 7]);
    expect((await run((s) => s.minBy('v'))).map((r) => r.tag)).toEqual([1, 2, 3, 3]);
    expect((await run((s) => s.maxBy('v'))).map((r) => r.tag)).toEqual([1, 2, 1, 4]);
  });

  it('union merges streams and side outputs split them', async () => {
    const env = StreamEnvironment.create();
    const odd = new OutputTag<number>('odd');
    const main = env
      .fromElements(1, 2, 3)
      .union(env.fromElements(4, 5))
      .process<number>({
        processElement(v, ctx, out) {
          if (v % 2) ctx.output(odd, v);
          else out.collect(v);
        },
      });
    const evens = new CollectSink<number>();
    const odds = new CollectSink<number>();
    main.sinkTo(evens);
    main.getSideOutput(odd).sinkTo(odds);
    await env.execute();
    expect(evens.values.sort()).toEqual([2, 4]);
    expect(odds.values.sort()).toEqual([1, 3, 5]);
  });

  it('a throwing user function fails the job naming the operator and the record', async () => {
    const env = StreamEnvironment.create();
    env
      .fromElements({ id: 1 }, { id: 2 })
      .map((r) => {
        if (r.id === 2) throw new Error('boom');
        return r;
      })
      .name('explode')
      .sinkTo(new CollectSink());
    const err = await env.execute().catch((e) => e);
    expect(err).toBeInstanceOf(UserFunctionError);
    expect(err.message).toContain("'explode'");
    expect(err.message).toContain('{"id":2}');
    expect(err.message).toContain('boom');
  });

  it('keyed state is scoped to the key, composite keys compare by value', async () => {
    const env = StreamEnvironment.create();
    const out = await env
      .fromElements(['a', 1], ['b', 1], ['a', 1], ['a', 2])
      .keyBy((t) => [t[0], t[1]])
      .process<string>({
        open(ctx) {
          (this as any).n = ctx.state.getState(valueState<number>('n'));
        },
        processElement(v, _ctx, out) {
          const s = (this as any).n;
          s.update((s.value() ?? 0) + 1);
          out.collect(`${v[0]}${v[1]}:${s.value()}`);
        },
      })
      .executeAndCollect();
    expect(out).toEqual(['a1:1', 'b1:1', 'a1:2', 'a2:1']);
  });

  it('connect with CoMap and keyed CoProcess shares state between inputs', async () => {
    const env = StreamEnvironment.create();
    const mapped = await env
      .fromElements(1, 2)
      .connect(env.fromElements('x'))
      .map(
        (n) => `n${n}`,
        (s) => `s${s}`,
      )
      .executeAndCollect();
    expect(mapped.sort()).toEqual(['n1', 'n2', 'sx']);

    const env2 = StreamEnvironment.create();
    const rules = env2.fromElements({ word: 'a', block: true });
    const words = env2.fromElements('a', 'b', 'a');
    const out = await rules
      .connect(words)
      .keyBy(
        (r) => r.word,
        (w) => w,
      )
      .process<string>({
        open(ctx) {
          (this as any).blocked = ctx.state.getState(valueState<boolean>('blocked'));
        },
        processElement1(r) {
          (this as any).blocked.update(r.block);
        },
        processElement2(w, _ctx, out) {
          if (!(this as any).blocked.value()) out.collect(w);
        },
      })
      .executeAndCollect();
    expect(out).toEqual(['b']);
  });

  it('explain prints the graph as JSON', () => {
    const env = StreamEnvironment.create();
    env
      .fromElements(1)
      .keyBy((x) => x)
      .sum()
      .uid('summer')
      .print();
    const plan = JSON.parse(env.explain());
    expect(plan.nodes.map((n: any) => n.kind)).toEqual(['source', 'reduce', 'sink']);
    expect(plan.nodes[1].inputs[0][0].partitioner).toBe('hash');
    expect(plan.nodes[1].uid).toBe('summer');
  });
});
