/**
 * A fast source under a slow sink, for `weir run`: WEIR_BP_ROWS rows of about 150 bytes each from an
 * unthrottled datagen, through a keyBy (so at p > 1 they cross worker-thread slots), into a sink whose
 * last subtask takes WEIR_BP_SINK_MS ms per 1000 records. The main thread samples the process's RSS (all threads) and, at
 * the end, prints one JSON line: `{"rows":..,"sunk":..,"busyWrites":..,"peakRssMb":..,"startRssMb":..}`.
 */
import { isMainThread } from 'node:worker_threads';
import { StreamEnvironment, type Sink } from '../../src/index.js';
import { datagen } from '../../src/connectors/datagen/index.js';

const rows = Number(process.env.WEIR_BP_ROWS ?? 2_000_000);
/** Milliseconds the slow sink takes per 1000 records. */
const sinkMs = Number(process.env.WEIR_BP_SINK_MS ?? 5);
const SINK = 'Slow Sink';
const BUSY_WRITES = 'writesWhileBusy';

// One write at a time, as over one connection: a write queues behind the previous one, so a writer
// that is not waited for queues batches (and holds them) without bound. Only the last subtask is
// slow: at p = 2 the other source subtask is then held back only by the slow one across slots.
const slowSink: Sink<{ id: number; pad: string }> = {
  name: SINK,
  createWriter: (ctx) => {
    const ms = ctx.subtaskIndex === ctx.parallelism - 1 ? sinkMs : 0;
    let tail = Promise.resolve();
    let written = 0;
    let pending = 0;
    return {
      write(batch) {
        // The task must not hand a writer more input while its last write is pending (`block`).
        if (pending > 0) ctx.metrics.inc(BUSY_WRITES);
        pending++;
        tail = tail
          .then(() => new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, (ms * batch.values.length) / 1000) : resolve())))
          .then(() => {
            written += batch.values.length;
            pending--;
          });
        return tail;
      },
      finish: () =>
        tail.then(() => {
          if (written === 0 && rows > 0) throw new Error('the slow sink wrote nothing');
        }),
    };
  },
};

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const startRss = process.memoryUsage.rss();
let peakRss = startRss;
const sampler = isMainThread ? setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 10) : undefined;

const env = StreamEnvironment.create({ batchSize: 1024 });
env
  .fromSource(datagen({ numberOfRows: rows, seed: 1, generator: (i) => ({ id: i, pad: String(i).padStart(Number(process.env.WEIR_BP_PAD ?? 150), 'x') }) }))
  .keyBy((e) => e.id % 64)
  .map((e) => e)
  .sinkTo(slowSink);
const result = await env.execute('backpressure');
if (isMainThread) {
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const sunk = result.metrics.filter((m) => m.name === SINK).reduce((n, m) => n + m.recordsIn, 0);
  const busyWrites = result.metrics.filter((m) => m.name === SINK).reduce((n, m) => n + (m.counters?.[BUSY_WRITES] ?? 0), 0);
  process.stdout.write(JSON.stringify({ rows, sunk, busyWrites, peakRssMb: mb(peakRss), startRssMb: mb(startRss) }) + '\n');
}
