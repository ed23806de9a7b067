/**
 * Runs two short jobs one after the other in worker-thread slots, then a job that fails, then a
 * third clean one, each tagged through the environment. Prints, per job, the threads its records
 * passed through, and leaves the process to exit on its own (idle pooled workers must not hold it).
 */
import { threadId } from 'node:worker_threads';
import { StreamEnvironment, type Sink } from '../../../src/index.js';

function linesToStdout(): Sink<string> {
  return { name: 'stdout', createWriter: () => ({ write: (b) => void process.stdout.write(b.values.map((v) => v + '\n').join('')) }) };
}

async function job(tag: string): Promise<string> {
  process.env.WEIR_TAG = tag;
  const env = StreamEnvironment.create({ parallelism: 2, jobModule: import.meta.url, 'restart-strategy.type': 'none' });
  env
    .fromSequence(1, 2000)
    .keyBy((v) => v % 7)
    .map((v) => {
      if (process.env.WEIR_TAG === 'failing' && v === 1500) throw new Error('injected failure');
      return `${process.env.WEIR_TAG} ${threadId}`;
    })
    .sinkTo(linesToStdout());
  return env.execute(tag).then(
    () => 'finished',
    (e: Error) => `failed ${e.message}`,
  );
}

const { isMainThread } = await import('node:worker_threads');
if (isMainThread) {
  for (const tag of ['first', 'second', 'failing', 'third']) process.stdout.write(`job ${tag} ${await job(tag)}\n`);
} else {
  await job(process.env.WEIR_TAG!);
}
