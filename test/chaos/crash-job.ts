/**
 * The job the crash test kills and resumes: keyed state, event-time windows and a keyed process
 * function with timers, written through the exactly-once file sink. Every output line is a
 * function of the input alone, so an interrupted run must commit exactly what an uninterrupted one
 * does. Configured by environment: WEIR_CHAOS_OUT (output directory), WEIR_CHAOS_ROWS, WEIR_CHAOS_RATE.
 */
import { StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, sumOf, valueState, type ValueState } from '../../src/index.js';
import { datagen } from '../../src/connectors/datagen/index.js';
import { fileSink } from '../../src/connectors/filesystem/index.js';

interface Event {
  id: number;
  user: string;
  amount: number;
  ts: number;
}

const out = process.env.WEIR_CHAOS_OUT;
if (!out) throw new Error('WEIR_CHAOS_OUT is not set');
const rows = Number(process.env.WEIR_CHAOS_ROWS ?? 6000);
const rate = Number(process.env.WEIR_CHAOS_RATE ?? 3000);

const env = StreamEnvironment.create({ batchSize: 64 });
const events = env
  .fromSource(
    datagen<Event>({ numberOfRows: rows, rowsPerSecond: rate, seed: 42, generator: (i, r) => ({ id: i, user: `u${r.int(0, 19)}`, amount: r.int(1, 100), ts: i * 5 }) }),
    WatermarkStrategy.boundedOutOfOrderness<Event>(50, (e) => e.ts),
  )
  .uid('events');

const running = events
  .keyBy((e) => e.user)
  .process<string>({
    open(ctx) {
      (this as unknown as { n: ValueState<number> }).n = ctx.state.getState(valueState<number>('count'));
    },
    processElement(e, ctx, o) {
      const n = (this as unknown as { n: ValueState<number> }).n;
      const c = (n.value() ?? 0) + 1;
      n.update(c);
      o.collect(`seen ${e.user} ${e.id}`);
      ctx.timerService().registerEventTimeTimer(Math.ceil((e.ts + 1) / 2000) * 2000);
      ctx.timerService().registerEventTimeTimer(Infinity);
    },
    onTimer(ts, ctx, o) {
      // Counts are reported at the end of event time: a running count per record would depend on
      // how parallel readers interleave, and the test compares runs as multisets.
      if (ts === Infinity) o.collect(`total ${ctx.getCurrentKey()} ${(this as unknown as { n: ValueState<number> }).n.value()}`);
      else o.collect(`timer ${ctx.getCurrentKey()} ${ts}`);
    },
  })
  .uid('running');

const windowed = events
  .keyBy((e) => e.user)
  .window(TumblingEventTimeWindows.of(1000))
  .aggregate<number, number, string>(sumOf<Event>((e) => e.amount), (user, window, [sum], o) => o.collect(`window ${user} ${window.start} ${sum}`))
  .uid('windows');

running.union(windowed).sinkTo(fileSink<string>({ path: out, format: 'text' })).uid('sink');
await env.execute('chaos');
