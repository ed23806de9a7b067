/**
 * Reads rangesSource (8 ranges of 500 numbers, 4 of them found later) and writes every number with
 * an exactly-once file sink to WEIR_OUT. WEIR_SLOT_MODE=single-thread keeps subtasks in the main
 * thread; WEIR_FAIL_ONCE names the marker of one injected reader failure at number 2100.
 */
import { StreamEnvironment, fileSink } from '../../../src/index.js';
import { rangesSource } from '../ranges-source.js';

const slowUs = Number(process.env.WEIR_SLOW_US ?? 0);
const env = StreamEnvironment.create({
  batchSize: 50,
  'execution.checkpointing.timeout': '30s',
  ...(process.env.WEIR_SLOT_MODE === 'single-thread' ? { slotMode: 'single-thread' as const } : {}),
});
env
  .fromSource(
    rangesSource({ initial: 4, later: 4, size: 500, failAt: 2100, ...(process.env.WEIR_FAIL_ONCE ? { failMarker: process.env.WEIR_FAIL_ONCE } : {}) }),
  )
  .uid('ranges')
  .map((v) => {
    const until = performance.now() + slowUs / 1000;
    while (performance.now() < until);
    return String(v);
  })
  .uid('slow')
  .sinkTo(fileSink({ path: process.env.WEIR_OUT!, format: 'text' }))
  .uid('out');
await env.execute('ranges');
