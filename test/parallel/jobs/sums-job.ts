/**
 * A deterministic job for the parallel tests. Over the sequence 1..WEIR_N it computes, per key
 * (v % 31): tumbling event-time window sums, and the final sum of all values (emitted by a timer
 * at the end of event time). Its output, as a multiset, is the same at every parallelism.
 * WEIR_SLOW_US makes each record take that long (so a run can be checkpointed midway);
 * WEIR_FAIL_ONCE names a marker file: the first run that sees value WEIR_N/2 creates it and fails
 * (WEIR_FAIL_MODE=throw) or ends its worker thread (exit). WEIR_CHAINING=false runs it without
 * operator chains (`pipeline.operator-chaining`).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sumOf, valueState, type ValueState } from '../../../src/index.js';

const n = Number(process.env.WEIR_N ?? 20000);
const slowUs = Number(process.env.WEIR_SLOW_US ?? 0);
const failMarker = process.env.WEIR_FAIL_ONCE;

function work(v: number): number {
  if (slowUs > 0) {
    const until = performance.now() + slowUs / 1000;
    while (performance.now() < until);
  }
  if (failMarker && v === Math.floor(n / 2) && !existsSync(failMarker)) {
    writeFileSync(failMarker, 'failed once');
    if (process.env.WEIR_FAIL_MODE === 'exit') process.exit(3);
    throw new Error(`injected failure at ${v}`);
  }
  return v;
}

// A checkpoint that cannot complete fails within seconds, naming the subtasks it waited for, instead
// of holding a test until its own timeout (a run takes a few seconds; checkpoints take milliseconds).
const env = StreamEnvironment.create({
  batchSize: 100,
  'execution.checkpointing.timeout': '30s',
  'pipeline.operator-chaining': process.env.WEIR_CHAINING ?? 'true',
});
const values = env
  .fromSequence(1, n)
  .uid('numbers')
  .map(work)
  .uid('work')
  .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<number>((v) => v))
  .uid('timestamps');

values
  .keyBy((v) => v % 31)
  .window(TumblingEventTimeWindows.of(1000))
  .aggregate<number, number, string>(sumOf(), (k, w, [sum], out) => out.collect(`window ${k} ${w.start} ${sum}`))
  .uid('windows')
  .print();

values
  .keyBy((v) => v % 31)
  .process<string>({
    open(ctx) {
      (this as unknown as { s: ValueState<number> }).s = ctx.state.getState(valueState<number>('sum'));
    },
    processElement(v, ctx) {
      const s = (this as unknown as { s: ValueState<number> }).s;
      s.update((s.value() ?? 0) + v);
      ctx.timerService().registerEventTimeTimer(Infinity);
    },
    onTimer(_ts, ctx, out) {
      out.collect(`final ${ctx.getCurrentKey()} ${(this as unknown as { s: ValueState<number> }).s.value()}`);
    },
  })
  .uid('sums')
  .print();

await env.execute('sums');
