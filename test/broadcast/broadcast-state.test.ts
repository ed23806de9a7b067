import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CollectSink,
  StreamEnvironment,
  UserFunctionError,
  WatermarkStrategy,
  arraySource,
  listState,
  mapState,
  valueState,
  type KeyedBroadcastProcessFunction,
  type ListState,
  type ValueState,
} from '../../src/index.js';

interface Txn {
  user: string;
  kind: string;
  amount: number;
}
interface Rule {
  kind: string;
  limit: number;
}
const rulesDesc = mapState<string, number>('limits');

/** Yields the values with a macrotask pause now and then, so two sources interleave differently per `seed`. */
async function* paced<T>(values: T[], seed: number): AsyncGenerator<T> {
  for (let i = 0; i < values.length; i++) {
    if ((i * 7 + seed) % 3 === 0) await new Promise((r) => setImmediate(r));
    yield values[i]!;
  }
}

/**
 * Alerts on transactions above their kind's limit. Transactions whose rule has not arrived yet wait
 * in keyed state; a new rule is applied to them through applyToKeyedState, so the result does not
 * depend on how the two inputs interleave.
 */
const pendingDesc = listState<Txn>('pending');
const alerting: KeyedBroadcastProcessFunction<string, Txn, Rule, string> & { pending?: ListState<Txn> } = {
  open(ctx) {
    this.pending = ctx.state.getListState(pendingDesc);
  },
  processElement(t, ctx, out) {
    const limit = ctx.getBroadcastState(rulesDesc).get(t.kind);
    if (limit === undefined) this.pending!.add(t);
    else if (t.amount > limit) out.collect(`${ctx.getCurrentKey()}:${t.kind}:${t.amount}`);
  },
  processBroadcastElement(r, ctx, out) {
    ctx.getBroadcastState(rulesDesc).put(r.kind, r.limit);
    ctx.applyToKeyedState(pendingDesc, (user, state) => {
      const keep: Txn[] = [];
      for (const t of state.get()) {
        if (t.kind !== r.kind) keep.push(t);
        else if (t.amount > r.limit) out.collect(`${user}:${t.kind}:${t.amount}`);
      }
      state.update(keep);
    });
  },
};

function expectedAlerts(txns: Txn[], rules: Rule[]): string[] {
  const limits = new Map(rules.map((r) => [r.kind, r.limit]));
  return txns
    .filter((t) => limits.has(t.kind) && t.amount > limits.get(t.kind)!)
    .map((t) => `${t.user}:${t.kind}:${t.amount}`)
    .sort();
}

describe('broadcast state pattern', () => {
  it('applies broadcast rules to keyed elements whatever the interleaving (property)', async () => {
    const txn = fc.record({ user: fc.constantFrom('ann', 'bob', 'cy', 'di'), kind: fc.constantFrom('a', 'b', 'c'), amount: fc.integer({ min: 0, max: 100 }) });
    const rules = fc.uniqueArray(fc.record({ kind: fc.constantFrom('a', 'b', 'c', 'd'), limit: fc.integer({ min: 0, max: 100 }) }), {
      selector: (r) => r.kind,
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(txn, { maxLength: 40 }),
        rules,
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(1, 2, 3),
        async (txns, rs, seed, parallelism) => {
          const env = StreamEnvironment.create();
          const ruleStream = env.fromAsyncIterable(paced(rs, seed + 1)).broadcast(rulesDesc);
          const out = new CollectSink<string>();
          env
            .fromAsyncIterable(paced(txns, seed))
            .keyBy((t) => t.user)
            .connect(ruleStream)
            .process(alerting)
            .setParallelism(parallelism)
            .sinkTo(out);
          await env.execute();
          expect(out.values.slice().sort()).toEqual(expectedAlerts(txns, rs));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('gives every parallel instance every broadcast element (non-keyed)', async () => {
    const env = StreamEnvironment.create();
    const limits = mapState<string, number>('max');
    let seen = 0;
    let allSeen!: () => void;
    const rulesApplied = new Promise<void>((r) => (allSeen = r));
    const parallelism = 3;
    async function* data() {
      await rulesApplied;
      yield* [5, 50, 500, 7, 70];
    }
    const out = new CollectSink<string>();
    env
      .fromAsyncIterable(data())
      .connect(env.fromElements(40).broadcast(limits))
      .process<string>({
        processElement(v, ctx, out) {
          if (v > ctx.getBroadcastState(limits).get('max')!) out.collect(`${v}`);
        },
        processBroadcastElement(max, ctx) {
          ctx.getBroadcastState(limits).put('max', max);
          if (++seen === parallelism) allSeen();
        },
      })
      .setParallelism(parallelism)
      .sinkTo(out);
    await env.execute();
    expect(seen).toBe(parallelism);
    expect(out.values.sort()).toEqual(['50', '500', '70']);
  });

  it('keyed broadcast functions have timers whose onTimer reads broadcast state', async () => {
    const env = StreamEnvironment.create();
    const factor = mapState<string, number>('factor');
    const sumDesc = valueState<number>('sum');
    const fn: KeyedBroadcastProcessFunction<string, { k: string; v: number; t: number }, number, string> & { sum?: ValueState<number> } = {
      open(ctx) {
        this.sum = ctx.state.getState(sumDesc);
      },
      processElement(e, ctx) {
        this.sum!.update((this.sum!.value() ?? 0) + e.v);
        ctx.timerService().registerEventTimeTimer(100);
      },
      processBroadcastElement(f, ctx) {
        ctx.getBroadcastState(factor).put('f', f);
      },
      onTimer(ts, ctx, out) {
        out.collect(`${ctx.getCurrentKey()}@${ts}:${this.sum!.value()! * (ctx.getBroadcastState(factor).get('f') ?? 1)}`);
      },
    };
    const events = [
      { k: 'x', v: 1, t: 10 },
      { k: 'y', v: 2, t: 20 },
      { k: 'x', v: 3, t: 30 },
    ];
    const out = await env
      .fromSource(
        arraySource(events),
        WatermarkStrategy.monotonousTimestamps((e) => e.t),
      )
      .keyBy((e) => e.k)
      .connect(env.fromElements(10).broadcast(factor))
      .process(fn)
      .executeAndCollect();
    expect(out.sort()).toEqual(['x@100:40', 'y@100:20']);
  });

  it('the data side cannot write broadcast state', async () => {
    const env = StreamEnvironment.create();
    const d = mapState<string, number>('d');
    env
      .fromElements(1)
      .connect(env.fromElements(2).broadcast(d))
      .process<number>({
        processElement(v, ctx) {
          (ctx.getBroadcastState(d) as any).put('x', v);
        },
        processBroadcastElement() {},
      })
      .name('rules')
      .sinkTo(new CollectSink());
    const err = await env.execute().catch((e) => e);
    expect(err).toBeInstanceOf(UserFunctionError);
    expect(err.message).toContain("'rules (data side)'");
  });

  it('keyed state cannot be used on the broadcast side, which has no current key', async () => {
    const env = StreamEnvironment.create();
    const seen = valueState<number>('seen');
    const fn: KeyedBroadcastProcessFunction<number, number, string, never> & { seen?: ValueState<number> } = {
      open(ctx) {
        this.seen = ctx.state.getState(seen);
      },
      processElement(v) {
        this.seen!.update(v);
      },
      processBroadcastElement() {
        this.seen!.value();
      },
    };
    env
      .fromElements(1, 2)
      .keyBy((x) => x)
      .connect(env.fromElements('rule').broadcast(mapState<string, string>('r')))
      .process(fn)
      .name('keyed-rules')
      .sinkTo(new CollectSink());
    const err = await env.execute().catch((e) => e);
    expect(err.message).toContain("'keyed-rules (broadcast side)'");
    expect(err.message).toContain('outside a keyed context');
  });

  it('asking for broadcast state that was not declared fails with the declared names', async () => {
    const env = StreamEnvironment.create();
    const declared = mapState<string, number>('declared');
    env
      .fromElements(1)
      .connect(env.fromElements(2).broadcast(declared))
      .process<number>({
        processElement() {},
        processBroadcastElement(_v, ctx) {
          ctx.getBroadcastState(mapState<string, number>('typo')).put('a', 1);
        },
      })
      .sinkTo(new CollectSink());
    const err = await env.execute().catch((e) => e);
    expect(err.message).toContain("Broadcast state 'typo' does not exist");
    expect(err.message).toContain("'declared'");
  });

  it('broadcast() without descriptors still only sets the partitioner; the plan shows both edges', async () => {
    const env = StreamEnvironment.create();
    const out = await env
      .fromElements('a', 'b')
      .broadcast()
      .map((s) => s.toUpperCase())
      .setParallelism(2)
      .executeAndCollect();
    expect(out.sort()).toEqual(['A', 'A', 'B', 'B']);

    const env2 = StreamEnvironment.create();
    env2
      .fromElements(1)
      .keyBy((x) => x)
      .connect(env2.fromElements('r').broadcast(mapState<string, string>('r')))
      .process({ processElement() {}, processBroadcastElement() {} })
      .print();
    const plan = JSON.parse(env2.explain());
    const op = plan.nodes.find((n: any) => n.kind === 'keyedBroadcastProcess');
    expect(op.keyed).toBe(true);
    expect(op.inputs.map((i: any) => i[0].partitioner)).toEqual(['hash', 'broadcast']);
  });
});
