/**
 * A deterministic job for the parallel tests: counts per key over a sequence, through a keyBy
 * exchange, at the parallelism given in WEIR_P. Prints one JSON line per record to stdout.
 */
import { StreamEnvironment, valueState, type ValueState } from '../../../src/index.js';

const p = Number(process.env.WEIR_P ?? 2);
const n = Number(process.env.WEIR_N ?? 10000);
const env = StreamEnvironment.create({ parallelism: p });
env
  .fromSequence(1, n)
  .map((v) => ({ v, k: v % 97 }))
  .keyBy((r) => r.k)
  .process<string>({
    open(ctx) {
      (this as unknown as { c: ValueState<number> }).c = ctx.state.getState(valueState<number>('c'));
    },
    processElement(r, ctx, out) {
      const c = (this as unknown as { c: ValueState<number> }).c;
      c.update((c.value() ?? 0) + r.v);
      out.collect(`${ctx.getCurrentKey()}:${c.value()}`);
    },
  })
  .uid('sum')
  .print();
const result = await env.execute('keyed-count');
process.stderr.write(`records out of sum: ${result.metrics.find((m) => m.name === 'Keyed Process')?.recordsOut}\n`);
