/**
 * The job the savepoint-then-crash test runs: rows `{ id, key: id % 7 }` from a throttled datagen
 * source, a running count per key, and the exactly-once file sink. Every committed line is a
 * function of the input: `r <id>` once per row and `c <key> <n>` for n = 1..rows of the key.
 * Configured by environment: WEIR_OUT (output directory), WEIR_ROWS, WEIR_RATE.
 */
import { StreamEnvironment, datagen, fileSink, valueState, type ValueState } from '../../src/index.js';

const out = process.env.WEIR_OUT;
if (!out) throw new Error('WEIR_OUT is not set');
const rows = Number(process.env.WEIR_ROWS ?? 4000);
const rate = Number(process.env.WEIR_RATE ?? 500);

const env = StreamEnvironment.create({ batchSize: 16 });
env
  .fromSource(datagen({ numberOfRows: rows, rowsPerSecond: rate, seed: 1, generator: (i) => ({ id: i, key: i % 7 }) }))
  .uid('rows')
  .keyBy((r) => r.key)
  .process<string>({
    open(ctx) {
      (this as unknown as { n: ValueState<number> }).n = ctx.state.getState(valueState<number>('n', { defaultValue: 0 }));
    },
    processElement(r, _ctx, o) {
      const n = (this as unknown as { n: ValueState<number> }).n;
      n.update(n.value()! + 1);
      o.collect(`r ${r.id}`);
      o.collect(`c ${r.key} ${n.value()}`);
    },
  })
  .uid('counter')
  .sinkTo(fileSink<string>({ path: out, format: 'text' }))
  .uid('sink');
await env.execute('savepoint-resume');
