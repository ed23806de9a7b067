import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsCheckpointStorage } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import type { SubtaskSnapshot } from '../../src/runtime/subtask-snapshot.js';
import { root, runWeir } from '../parallel/run-job.js';
import { committedLines } from '../checkpoint/committed-lines.js';
import { CollectSink, StreamEnvironment } from '../../src/index.js';
import { rangesSource } from './ranges-source.js';

const work = mkdtempSync(join(tmpdir(), 'weir-enum-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const job = join(root, 'test/connectors/jobs/ranges-job.ts');

/** What the ranges job must write exactly once: 8 ranges of 500 numbers. */
const expected = Array.from({ length: 8 * 500 }, (_, v) => String(v)).sort();

describe('split enumerator', () => {
  it('hands out the initial splits and those it finds later, each once (in this thread)', async () => {
    const env = StreamEnvironment.create({ batchSize: 7 });
    const sink = new CollectSink<number>();
    env.fromSource(rangesSource({ initial: 2, later: 3, size: 40, laterAfterMs: 20 })).sinkTo(sink);
    await env.execute('ranges');
    expect(sink.values.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, v) => v));
  });

  const cases = [
    { p: '1', mode: 'main thread' },
    { p: '2', mode: 'single-thread' },
    { p: '2', mode: 'threads' },
  ] as const;
  // p=1 runs in the main thread whatever the slot mode.
  for (const { p, mode } of cases) {
    it(`p=${p} (${mode}): a reader failure restarts from a checkpoint holding the enumerator's state; output exactly once`, async () => {
      const name = `fail-${p}-${mode}`;
      const out = join(work, name, 'out');
      const cps = join(work, name, 'cps');
      const r = await runWeir(['run', job, '-p', p, '--no-progress', '--checkpoint-dir', cps, '--checkpoint-interval', '50ms'], {
        WEIR_OUT: out,
        WEIR_SLOW_US: '300',
        WEIR_FAIL_ONCE: join(work, name, 'marker'),
        WEIR_SLOT_MODE: mode === 'single-thread' ? mode : 'threads',
      }).done;
      expect(r.code, r.stderr).toBe(0);
      const restarts = r.stderr.split('\n').filter((l) => l.includes('Restarted after:'));
      expect(restarts).toHaveLength(1);
      expect(restarts[0]).toMatch(/injected reader failure at 2100/);
      // The restart resumed from a checkpoint, not from the beginning.
      expect(r.stderr).toMatch(/from checkpoint \d+/);
      expect(committedLines(out).sort()).toEqual(expected);
      const { checkpoint } = await new FsCheckpointStorage(join(cps, 'ranges')).loadLatest();
      const enumerator = checkpoint!.states.find((s) => s.operator === 'ranges@enumerator');
      expect((enumerator!.state as SubtaskSnapshot).source).toMatchObject({ enumerator: { pending: [], discovered: true } });
    }, 120_000);
  }
});

describe('continuous file source', () => {
  for (const mode of ['single-thread', 'threads'] as const) {
    it(`p=2 (${mode}): files added later are read once each, by readers as they free up`, async () => {
      const dir = join(work, `monitor-${mode}`);
      mkdirSync(dir);
      const write = (name: string, n: number) => {
        writeFileSync(join(dir, `.${name}`), Array.from({ length: n }, (_, i) => `${name} ${i}`).join('\n') + '\n');
        renameSync(join(dir, `.${name}`), join(dir, name));
      };
      for (let f = 0; f < 3; f++) write(`old-${f}`, 40);
      let out = '';
      const run = runWeir(
        ['run', join(root, 'test/connectors/jobs/monitor-job.ts'), '-p', '2', '--no-progress'],
        { WEIR_IN: dir, WEIR_SLOT_MODE: mode },
        (c) => (out += c),
      );
      const lines = () =>
        out
          .split('\n')
          .filter((l) => l.length > 0)
          .map((l) => l.replace(/^\d+> /, ''));
      // Waits for output, not for a fixed time: on a loaded machine start-up alone can take seconds.
      const until = async (n: number) => {
        const deadline = Date.now() + 40_000;
        while (lines().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      };
      await until(120);
      for (let f = 0; f < 4; f++) write(`new-${f}`, 25);
      await until(220);
      await new Promise((r) => setTimeout(r, 200)); // nothing more may come
      run.kill();
      await run.done;
      const want = [
        ...[0, 1, 2].flatMap((f) => Array.from({ length: 40 }, (_, i) => `old-${f} ${i}`)),
        ...[0, 1, 2, 3].flatMap((f) => Array.from({ length: 25 }, (_, i) => `new-${f} ${i}`)),
      ];
      expect(lines().sort()).toEqual(want.sort());
      // Both readers got files.
      expect(
        new Set(
          out
            .split('\n')
            .filter((l) => l.length > 0)
            .map((l) => l.split('>')[0]),
        ).size,
      ).toBe(2);
    }, 100_000);
  }
});
