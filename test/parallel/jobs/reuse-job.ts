/**
 * Runs short jobs one after the other in worker-thread slots, each tagged through the environment:
 * two clean ones, one that checkpoints while it runs, one that fails, and a last clean one. Prints,
 * per job, the threads its records passed through (and, for the checkpointing job, how many
 * checkpoints completed), and leaves the process to exit on its own (idle pooled workers must not
 * hold it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { StreamEnvironment, type Sink } from '../../../src/index.js';
import { slowCounter } from '../../checkpoint/slow-counter-source.js';

function linesToStdout(): Sink<string> {
  return { name: 'stdout', createWriter: () => ({ write: (b) => void process.stdout.write(b.values.map((v) => v + '\n').join('')) }) };
}

function build(tag: string): StreamEnvironment {
  const checkpointed = tag === 'checkpointed';
  const env = StreamEnvironment.create({
    parallelism: 2,
    jobModule: import.meta.url,
    'restart-strategy.type': 'none',
    ...(checkpointed ? { 'execution.checkpointing.interval': '20ms', 'state.checkpoints.dir': process.env.WEIR_CP_DIR } : {}),
  });
  // The checkpointing job's source runs for a few hundred milliseconds, so checkpoints complete.
  const source = checkpointed ? env.fromSource(slowCounter(2000, 20, 2)) : env.fromSequence(1, 2000);
  source
    .keyBy((v) => v % 7)
    .map((v) => {
      if (process.env.WEIR_TAG === 'failing' && v === 1500) throw new Error('injected failure');
      return `${process.env.WEIR_TAG} ${threadId}`;
    })
    .sinkTo(linesToStdout());
  return env;
}

if (isMainThread) {
  for (const tag of ['first', 'second', 'checkpointed', 'failing', 'third']) {
    process.env.WEIR_TAG = tag;
    const dir = mkdtempSync(join(tmpdir(), 'weir-reuse-'));
    process.env.WEIR_CP_DIR = dir;
    const client = build(tag).executeAsync(tag);
    // A job that hangs names itself and what it had done, instead of the test timing out blind.
    const watchdog = setTimeout(() => {
      process.stderr.write(`job ${tag} still ${client.status()} after 30 s: ${JSON.stringify(client.metrics())}\n`);
      process.exit(3);
    }, 30_000);
    const outcome = await client.result.then(
      () => 'finished',
      (e: Error) => `failed ${e.message}`,
    );
    clearTimeout(watchdog);
    process.stdout.write(`job ${tag} ${outcome}\n`);
    if (tag === 'checkpointed') process.stdout.write(`checkpoints ${client.checkpoints().filter((c) => c.status === 'COMPLETED').length}\n`);
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  await build(process.env.WEIR_TAG!).execute(process.env.WEIR_TAG);
}
