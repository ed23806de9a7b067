import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsCheckpointStorage } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import type { SubtaskSnapshot } from '../../src/runtime/subtask-snapshot.js';
import { requestSavepoint } from '../../src/runtime/checkpoint/savepoint-requests.js';
import { runWeir, sorted, sumsJob } from './run-job.js';
import { keyedEntries } from '../checkpoint/keyed-entries.js';

const work = mkdtempSync(join(tmpdir(), 'weir-par-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const N = '20000';
/** The job's final lines computed from its input by plain code: per key v % 31, the sum of 1..N. */
function expected(): string[] {
  const sums = new Map<number, number>();
  for (let v = 1; v <= Number(N); v++) sums.set(v % 31, (sums.get(v % 31) ?? 0) + v);
  return sorted([...sums].map(([k, s]) => `final ${k} ${s}`));
}

describe('rescaling', () => {
  it('a savepoint taken at p=2 with chains restores at p=1 and, without chains, at p=4 with every key intact', async () => {
    const cps = join(work, 'rescale');
    let printed = 0;
    const run = runWeir(
      ['run', sumsJob, '-p', '2', '--no-progress', '--checkpoint-dir', cps, '--checkpoint-interval', '1h'],
      // Slow enough (10 s a subtask) that the job is still reading when the savepoint is taken.
      { WEIR_N: N, WEIR_SLOW_US: '1000' },
      (c) => {
        printed += c.split('\n').length;
      },
    );
    // Wait until some windows have fired, then ask for a savepoint as `weir savepoint` does (the
    // command itself has its own test; here a loaded machine's start-up time would race the job).
    while (printed < 40) await new Promise((r) => setTimeout(r, 50));
    const path = await requestSavepoint(join(cps, 'sums'), 60_000);
    run.kill();
    await run.done;

    // The savepoint holds keyed state from both subtasks and positions of a running source.
    const saved = await FsCheckpointStorage.load(path);
    const sums = saved.states.filter((s) => s.operator === 'sums');
    expect(sums.map((s) => s.subtask).sort()).toEqual([0, 1]);
    const keys = sums.flatMap((s) => keyedEntries(s.state as SubtaskSnapshot, 'sum').map(([k]) => k));
    expect(new Set(keys).size).toBe(31);
    const positions = Object.assign({}, ...saved.states.filter((s) => s.operator === 'numbers').map((s) => (s.state as SubtaskSnapshot).source as object));
    const read = Object.entries(positions as Record<string, number>).reduce((a, [id, next]) => a + (next - Number(id.split('-')[1])), 0);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(20000);

    // Taken with chains (one task per chain and slot); restored with them at p=1, without at p=4.
    for (const p of ['1', '4']) {
      const r = await runWeir(['run', sumsJob, '-p', p, '--no-progress', '--from-savepoint', path], { WEIR_N: N, WEIR_CHAINING: p === '4' ? 'false' : 'true' })
        .done;
      expect(r.code, r.stderr).toBe(0);
      // Final sums cover the values read before the savepoint (restored state) and after (replayed source).
      expect(sorted(r.lines.filter((l) => l.startsWith('final')))).toEqual(expected());
    }
  }, 240_000);
});

describe('failures in a slot', () => {
  for (const mode of ['throw', 'exit'] as const) {
    it(`a ${mode === 'throw' ? 'throwing user function' : 'dead worker thread'} restarts the job from the latest checkpoint`, async () => {
      const cps = join(work, `fail-${mode}`);
      const r = await runWeir(['run', sumsJob, '-p', '2', '--no-progress', '--checkpoint-dir', cps, '--checkpoint-interval', '200ms'], {
        WEIR_N: N,
        WEIR_SLOW_US: '100',
        WEIR_FAIL_ONCE: join(work, `marker-${mode}`),
        WEIR_FAIL_MODE: mode,
      }).done;
      expect(r.code, r.stderr).toBe(0);
      const restarts = r.stderr.split('\n').filter((l) => l.includes('Restarted after:'));
      expect(restarts).toHaveLength(1);
      expect(restarts[0]).toMatch(mode === 'throw' ? /injected failure at 10000/ : /exited with code 3/);
      expect(sorted(r.lines.filter((l) => l.startsWith('final')))).toEqual(expected());
    }, 240_000);
  }
});
