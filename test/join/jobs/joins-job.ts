/**
 * A deterministic job using every feature of joins, async I/O and broadcast state, for the
 * parallelism differential test: its output, as a multiset, is the same at every parallelism.
 */
import {
  AsyncDataStream,
  StreamEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  listState,
  mapState,
  type KeyedBroadcastProcessFunction,
  type ListState,
} from '../../../src/index.js';

const n = Number(process.env.WEIR_N ?? 600);
const env = StreamEnvironment.create({ batchSize: 50 });
const values = env
  .fromSequence(1, n)
  .uid('numbers')
  .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<number>((v) => v))
  .uid('timestamps');
const evens = values.filter((v) => v % 2 === 0);
const odds = values.filter((v) => v % 2 === 1);

evens
  .keyBy((v) => v % 7)
  .intervalJoin(odds.keyBy((v) => v % 7))
  .between(-20, 20)
  .process<string>({ processElement: (l, r, ctx, out) => out.collect(`interval ${l} ${r} @${ctx.getTimestamp()}`) })
  .uid('interval-join')
  .print();

evens
  .join(odds)
  .where((v) => v % 7)
  .equalTo((v) => v % 7)
  .window(TumblingEventTimeWindows.of(100))
  .apply((l, r) => `window ${l} ${r}`)
  .uid('window-join')
  .print();

AsyncDataStream.unorderedWait(
  values.filter((v) => v % 10 === 0),
  (v: number) => new Promise<string>((r) => setTimeout(() => r(`async ${v}`), v % 3)),
  { timeout: '10s', capacity: 5 },
)
  .uid('async')
  .print();

const factor = mapState<string, number>('factor');
const pending = listState<number>('pending');
const scale: KeyedBroadcastProcessFunction<number, number, number, string> & { p?: ListState<number> } = {
  open(ctx) {
    this.p = ctx.state.getListState(pending);
  },
  processElement(v, ctx, out) {
    const f = ctx.getBroadcastState(factor).get('f');
    if (f === undefined) this.p!.add(v);
    else out.collect(`scaled ${v * f}`);
  },
  processBroadcastElement(f, ctx, out) {
    ctx.getBroadcastState(factor).put('f', f);
    ctx.applyToKeyedState(pending, (_k, state) => {
      for (const v of state.get()) out.collect(`scaled ${v * f}`);
      state.clear();
    });
  },
};
values
  .filter((v) => v % 25 === 0)
  .keyBy((v) => v % 5)
  .connect(env.fromElements(3).uid('rules').broadcast(factor))
  .process(scale)
  .uid('broadcast')
  .print();

await env.execute('joins-async-broadcast');
