/**
 * Starts a long job in two worker-thread slots and either cancels it (WEIR_END=cancel) or lets a
 * user function fail it (WEIR_END=fail, no restarts). Run directly with tsx: the process must then
 * exit on its own, which it cannot while a worker thread is left running.
 */
import { StreamEnvironment, blackhole } from '../../../src/index.js';

const env = StreamEnvironment.create({ parallelism: 2, jobModule: import.meta.url });
env
  .fromSequence(1, 1_000_000_000)
  .map((v) => {
    if (process.env.WEIR_END === 'fail' && v === 50_000) throw new Error('injected failure');
    return v;
  })
  .keyBy((v) => v % 7)
  .sinkTo(blackhole());
const client = env.executeAsync('endless');
if (process.env.WEIR_END === 'cancel') setTimeout(() => void client.cancel(), 1500);
const outcome = await client.result.then(
  () => 'finished',
  (e: Error) => `ended: ${client.status()} ${e.message}`,
);
process.stdout.write(outcome + '\n');
