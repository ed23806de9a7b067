import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamEnvironment, datagen, fileSource, type JobClient, type Sink, type Source } from '../../src/index.js';
import { TransactionalMemorySink } from '../checkpoint/transactional-memory-sink.js';

let dir: string;
let checkpointDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-connector-recovery-'));
  checkpointDir = mkdtempSync(join(tmpdir(), 'weir-connector-checkpoints-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(checkpointDir, { recursive: true, force: true });
});

/**
 * Runs `source` -> map -> a two-phase sink with checkpoints. The map fails once, at the first record
 * past `failAfter` it sees once two checkpoints have completed, so the restart resumes from a
 * checkpoint that has read something (not from the start) however fast or slow the machine is.
 */
async function runWithFailure(source: Source<{ id: number }>, failAfter: number, batchSize: number) {
  const env = StreamEnvironment.create({
    batchSize,
    'execution.checkpointing.interval': '5ms',
    'state.checkpoints.dir': checkpointDir,
    'restart-strategy.type': 'fixed-delay',
    'restart-strategy.fixed-delay.attempts': 2,
    'restart-strategy.fixed-delay.delay': '1ms',
  });
  const seen = new Map<number, number>();
  let failedAt: number | undefined;
  const sink = new TransactionalMemorySink<number>();
  // A sink that takes a timer tick per batch, so checkpoints complete while the input is read.
  const slowSink: Sink<number> = {
    name: sink.name,
    createWriter(ctx) {
      const w = sink.createWriter(ctx);
      return { ...w, write: (b) => (w.write(b), new Promise<void>((r) => setTimeout(r, 1))) };
    },
  };
  let client: JobClient | undefined;
  const completed = () => client?.checkpoints().filter((c) => c.status === 'COMPLETED').length ?? 0;
  env
    .fromSource(source)
    .uid('source')
    .map((r) => {
      seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
      if (failedAt === undefined && r.id > failAfter && completed() >= 2) {
        failedAt = r.id;
        throw new Error(`injected failure at ${r.id}`);
      }
      return r.id;
    })
    .uid('fail-map')
    .sinkTo(slowSink);
  client = env.executeAsync('recovering');
  await client.result;
  let readTotal = 0;
  for (const c of seen.values()) readTotal += c;
  return { sink, seen, failedAt, readTotal, restarts: client.restarts() };
}

describe('replayable connectors under failure and restore', () => {
  it('the file source resumes from its checkpointed positions: exactly once, without re-reading from the start', async () => {
    const n = 30_000;
    for (let f = 0; f < 3; f++)
      writeFileSync(join(dir, `in-${f}.json`), Array.from({ length: n / 3 }, (_, i) => JSON.stringify({ id: f * (n / 3) + i })).join('\n') + '\n');
    const { sink, seen, failedAt, readTotal, restarts } = await runWithFailure(fileSource<{ id: number }>({ path: dir, format: 'json' }), 1000, 100);
    expect(restarts.map((r) => r.cause)).toEqual([`User function in operator 'Map' failed on record {"id":${failedAt}}: injected failure at ${failedAt}`]);
    expect(sink.committed.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(seen.get(failedAt!)).toBe(2);
    // Resumed from a checkpointed position: fewer reads than the failed prefix plus a full rerun.
    expect(readTotal).toBeLessThan(failedAt! + 1 + n);
  });

  it('datagen regenerates the same rows after a restore', async () => {
    const gen = datagen({ seed: 5, numberOfRows: 4000, generator: (i, r) => ({ id: i, v: r.int(0, 1e9) }) });
    const { sink, seen, failedAt, readTotal, restarts } = await runWithFailure(gen, 500, 20);
    expect(restarts).toHaveLength(1);
    expect(sink.committed.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 4000 }, (_, i) => i));
    expect(seen.get(failedAt!)).toBe(2);
    expect(readTotal).toBeLessThan(failedAt! + 1 + 4000);
  });
});
