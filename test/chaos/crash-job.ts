/**
 * The job the crash test kills and resumes: keyed state, event-time windows with late data to a
 * side output, and a keyed process function with timers, written through the exactly-once file
 * sink. Its input (`crash-input.ts`) is out of order with late rows; every output line is a function
 * of the input alone, computed there by plain code. Configured by environment: WEIR_CHAOS_OUT
 * (output directory), WEIR_CHAOS_ROWS, WEIR_CHAOS_RATE, WEIR_CHAOS_STATE_BACKEND, WEIR_CHAOS_INCREMENTAL, WEIR_CHAOS_CACHE_ENTRIES.
 */
import { StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, OutputTag, sumOf, valueState, type ValueState } from '../../src/index.js';
import { datagen } from '../../src/connectors/datagen/index.js';
import { fileSink } from '../../src/connectors/filesystem/index.js';
import { INPUT_SEED, OUT_OF_ORDERNESS, STRAGGLER, WINDOW, bucketOf, chaosEvent, lateLine, windowLine, type ChaosEvent } from './crash-input.js';

const out = process.env.WEIR_CHAOS_OUT;
if (!out) throw new Error('WEIR_CHAOS_OUT is not set');
const rows = Number(process.env.WEIR_CHAOS_ROWS ?? 6000);
const rate = Number(process.env.WEIR_CHAOS_RATE ?? 3000);

const backend = process.env.WEIR_CHAOS_STATE_BACKEND;
const incremental = process.env.WEIR_CHAOS_INCREMENTAL === 'true';
const cacheEntries = process.env.WEIR_CHAOS_CACHE_ENTRIES;
const env = StreamEnvironment.create({
  batchSize: 64,
  ...(backend ? { 'state.backend.type': backend } : {}),
  ...(incremental ? { 'execution.checkpointing.incremental': true } : {}),
  ...(cacheEntries ? { 'state.backend.lmdb.memory.cache-entries': Number(cacheEntries) } : {}),
});
const events = env
  .fromSource(
    datagen<ChaosEvent>({ numberOfRows: rows, rowsPerSecond: rate, seed: INPUT_SEED, generator: chaosEvent }),
    WatermarkStrategy.boundedOutOfOrderness<ChaosEvent>(OUT_OF_ORDERNESS, (e) => e.ts),
  )
  .uid('events');

interface Counts {
  n: ValueState<number>;
  max: ValueState<number>;
}

const running = events
  .keyBy((e) => e.user)
  .process<string>({
    open(ctx) {
      const self = this as unknown as Counts;
      self.n = ctx.state.getState(valueState<number>('count'));
      self.max = ctx.state.getState(valueState<number>('max-ts'));
    },
    processElement(e, ctx, o) {
      const self = this as unknown as Counts;
      self.n.update((self.n.value() ?? 0) + 1);
      o.collect(`seen ${e.user} ${e.id}`);
      // Stragglers register no bucket timer: theirs may have fired already, and whether it had
      // depends on timing, not on the input.
      const max = self.max.value();
      if (max === undefined || e.ts >= max - STRAGGLER) ctx.timerService().registerEventTimeTimer(bucketOf(e.ts));
      if (max === undefined || e.ts > max) self.max.update(e.ts);
      ctx.timerService().registerEventTimeTimer(Infinity);
    },
    onTimer(ts, ctx, o) {
      // Counts are reported at the end of event time: a running count per record would depend on
      // how parallel readers interleave.
      if (ts === Infinity) o.collect(`total ${ctx.getCurrentKey()} ${(this as unknown as Counts).n.value()}`);
      else o.collect(`timer ${ctx.getCurrentKey()} ${ts}`);
    },
  })
  .uid('running');

const lateTag = new OutputTag<ChaosEvent>('late');
const windowed = events
  .keyBy((e) => e.user)
  .window(TumblingEventTimeWindows.of(WINDOW))
  .sideOutputLateData(lateTag)
  .aggregate<number, number, string>(
    sumOf<ChaosEvent>((e) => e.amount),
    (user, window, [sum], o) => o.collect(windowLine(user, window.start, sum!)),
  )
  .uid('windows');
const late = windowed.getSideOutput(lateTag).map(lateLine).uid('late');

running
  .union(windowed, late)
  .sinkTo(fileSink<string>({ path: out, format: 'text' }))
  .uid('sink');
await env.execute('chaos');
