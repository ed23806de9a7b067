import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamEnvironment, datagen, fileSource, type Source } from '../../src/index.js';
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

/** Runs `source` -> (fails once at id `failAt`) -> a two-phase sink, with checkpoints and one restart. */
async function runWithFailure(source: Source<{ id: number }>, failAt: number, batchSize: number) {
  const env = StreamEnvironment.create({
    batchSize,
    'execution.checkpointing.interval': '5ms',
    'state.checkpoints.dir': checkpointDir,
    'restart-strategy.type': 'fixed-delay',
    'restart-strategy.fixed-delay.attempts': 2,
    'restart-strategy.fixed-delay.delay': '1ms',
  });
  const seen = new Map<number, number>();
  let failures = 1;
  const sink = new TransactionalMemorySink<number>();
  env
    .fromSource(source)
    .uid('source')
    .map((r) => {
      seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
      if (r.id === failAt && failures-- > 0) throw new Error(`injected failure at ${r.id}`);
      return r.id;
    })
    .uid('fail-map')
    .sinkTo(sink);
  const client = env.executeAsync('recovering');
  await client.result;
  return { sink, seen, restarts: client.restarts(), checkpoints: client.checkpoints().filter((c) => c.status === 'COMPLETED') };
}

describe('replayable connectors under failure and restore', () => {
  it('the file source resumes from its checkpointed positions: exactly once, without re-reading from the start', async () => {
    const n = 30_000;
    // Many small files: each one is a few I/O turns of the event loop, in which checkpoints complete.
    for (let f = 0; f < 60; f++) writeFileSync(join(dir, `in-${String(f).padStart(2, '0')}.json`), Array.from({ length: n / 60 }, (_, i) => JSON.stringify({ id: f * (n / 60) + i })).join('\n') + '\n');
    const { sink, seen, restarts, checkpoints } = await runWithFailure(fileSource<{ id: number }>({ path: dir, format: 'json' }), 25_000, 20);
    expect(restarts.map((r) => r.cause)).toEqual([expect.stringContaining('injected failure at 25000')]);
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(sink.committed.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(seen.get(0)).toBe(1);
    expect(seen.get(25_000)).toBe(2);
  });

  it('datagen regenerates the same rows after a restore', async () => {
    const gen = datagen({ seed: 5, numberOfRows: 4000, rowsPerSecond: 10_000, generator: (i, r) => ({ id: i, v: r.int(0, 1e9) }) });
    const { sink, seen, restarts, checkpoints } = await runWithFailure(gen, 3000, 20);
    expect(restarts.map((r) => r.cause)).toEqual([expect.stringContaining('injected failure at 3000')]);
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(sink.committed.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 4000 }, (_, i) => i));
    expect(seen.get(0)).toBe(1);
  });
});
