import { deepStrictEqual, ok } from 'node:assert/strict';
import { Batch } from '../core/batch.js';
import type { Sink, SinkWriter } from '../core/sink.js';
import { roundTrip } from './source-conformance.js';
import { sortedKeys, type TestApi } from './test-api.js';

/** One external system a sink writes to, fresh for each test. */
export interface SinkUnderTest<T> {
  /** A sink writing to this system; called again for each attempt after a simulated crash. */
  sink(): Sink<T>;
  /** What a reader of the system sees now (committed output); leave out where nothing can be read back (print, blackhole). */
  visible?(): readonly T[] | Promise<readonly T[]>;
  cleanup?(): void | Promise<void>;
}

export interface SinkConformanceOptions<T> extends TestApi {
  /** Record number `i`; default `{ id: i, name: 'r<i>' }`. */
  readonly record?: (i: number) => T;
}

type Mode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE' | undefined;

/**
 * Registers the tests every sink keeps: its writers take batches, `finish` and `close` at any
 * parallelism and, where its output can be read back, it holds every record once. A sink that
 * declares `deliveryGuarantee: 'exactly-once'` also keeps the two-phase-commit contract under
 * exactly-once checkpoints: output becomes visible only on `commit` of a checkpoint that covers it
 * (idempotently); after a crash, `recover` with the restored checkpoint's committables (after a
 * JSON round trip) makes exactly the output of that checkpoint visible and drops what no checkpoint
 * covered, also after a rescale (new writer `i` gets the committables of old writers
 * `j % parallelism === i`); and it says with `describeUncommitted` what stays invisible when a job stops.
 * A crash is a writer dropped without `close`, as a killed process leaves it.
 *
 * @example
 * import { describe, it } from 'vitest';
 * import { describeSinkConformance } from 'weir/testing';
 * describeSinkConformance('collect', () => { const out = new CollectSink(); return { sink: () => out, visible: () => out.values }; }, { describe, it });
 */
export function describeSinkConformance<T>(name: string, system: () => SinkUnderTest<T>, options: SinkConformanceOptions<T>): void {
  const { describe, it } = options;
  const record = options.record ?? ((i: number) => ({ id: i, name: `r${i}` }) as T);
  const records = (from: number, n: number) => Array.from({ length: n }, (_, k) => record(from + k));
  const exactlyOnce = system().sink().deliveryGuarantee === 'exactly-once';
  const test = (title: string, body: (s: SinkUnderTest<T>) => Promise<void>) =>
    it(title, async () => {
      const s = system();
      try {
        await body(s);
      } finally {
        await s.cleanup?.();
      }
    });
  const visible = async (s: SinkUnderTest<T>) => sortedKeys((await s.visible?.()) ?? []);

  describe(`sink conformance: ${name}`, () => {
    for (const mode of [undefined, 'AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const) {
      for (const p of [1, 3]) {
        test(`holds every record once after finish (parallelism ${p}, checkpoints: ${mode ?? 'none'})`, async (s) => {
          const ws = await writers(s.sink(), p, mode);
          const all = records(0, 40 * p);
          for (let i = 0; i < p; i++) await ws[i]!.write(Batch.of(all.filter((_, k) => k % p === i)));
          for (const w of ws) await w.finish?.();
          // Under exactly-once the job's final checkpoint pre-commits and commits what is left.
          if (mode === 'EXACTLY_ONCE') await checkpoint(ws, 1, true);
          for (const w of ws) await w.close?.();
          if (s.visible) deepStrictEqual(await visible(s), sortedKeys(all));
        });
      }
    }

    if (!exactlyOnce) return;

    test('says what stays invisible when a job stops, for each checkpointing mode', async (s) => {
      const sink = s.sink();
      ok(sink.describeUncommitted, 'an exactly-once sink delays visibility: describeUncommitted says how');
      for (const mode of [undefined, 'AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const) ok(sink.describeUncommitted(mode).length > 0, `mode ${mode}`);
    });

    test('makes output visible only when the checkpoint that covers it completes, once', async (s) => {
      const [w] = await writers(s.sink(), 1, 'EXACTLY_ONCE');
      const [a, b, c] = [records(0, 30), records(30, 30), records(60, 30)];
      await w!.write(Batch.of(a));
      await w!.preCommit!(1);
      deepStrictEqual(await visible(s), [], 'visible before its checkpoint completed');
      await w!.write(Batch.of(b));
      await w!.preCommit!(2);
      // A completion may arrive after later barriers: it commits its own checkpoint, not the later one.
      await w!.commit!(1);
      deepStrictEqual(await visible(s), sortedKeys(a), 'after checkpoint 1 completed: its records only');
      await w!.commit!(1);
      deepStrictEqual(await visible(s), sortedKeys(a), 'a repeated commit changed what is visible');
      await w!.write(Batch.of(c));
      await w!.commit!(2);
      await w!.commit!(2);
      deepStrictEqual(await visible(s), sortedKeys([...a, ...b]), 'after checkpoint 2 completed (twice): its records, none written after its barrier');
      await w!.finish?.();
      await checkpoint([w!], 3, true);
      await w!.close?.();
      deepStrictEqual(await visible(s), sortedKeys([...a, ...b, ...c]));
    });

    test('after a crash, a restore commits the restored checkpoint once and drops what no checkpoint covered', async (s) => {
      const [w] = await writers(s.sink(), 1, 'EXACTLY_ONCE');
      const [a, b, lost, c] = [records(0, 20), records(20, 20), records(40, 20), records(60, 20)];
      await w!.write(Batch.of(a));
      await w!.preCommit!(1);
      await w!.write(Batch.of(b));
      // Checkpoint 2 completed, but the crash came before its commit reached the writer.
      const committable = roundTrip(await w!.preCommit!(2));
      await w!.write(Batch.of(lost));
      for (let attempt = 0; attempt < 2; attempt++) {
        await writers(s.sink(), 1, 'EXACTLY_ONCE', [[committable]]);
        deepStrictEqual(await visible(s), sortedKeys([...a, ...b]), `restore ${attempt + 1}`);
      }
      const [again] = await writers(s.sink(), 1, 'EXACTLY_ONCE', [[committable]]);
      await again!.write(Batch.of(c));
      await checkpoint([again!], 3, true);
      await again!.close?.();
      deepStrictEqual(await visible(s), sortedKeys([...a, ...b, ...c]));
    });

    for (const [from, to] of [
      [2, 1],
      [1, 2],
      [3, 2],
    ] as const) {
      test(`restores the pending output of ${from} writers into ${to}, each once`, async (s) => {
        const old = await writers(s.sink(), from, 'EXACTLY_ONCE');
        const kept: T[] = [];
        for (let j = 0; j < from; j++) {
          const mine = records(j * 100, 25);
          kept.push(...mine);
          await old[j]!.write(Batch.of(mine));
        }
        const committables = roundTrip(await Promise.all(old.map((w) => w.preCommit!(1))));
        for (let j = 0; j < from; j++) await old[j]!.write(Batch.of(records(j * 100 + 50, 10)));
        const inherited = Array.from({ length: to }, (_, i) => committables.filter((_, j) => j % to === i));
        const fresh = await writers(s.sink(), to, 'EXACTLY_ONCE', inherited);
        deepStrictEqual(await visible(s), sortedKeys(kept), 'what the restored checkpoint covered');
        const later = records(1000, 10 * to);
        for (let i = 0; i < to; i++) await fresh[i]!.write(Batch.of(later.filter((_, k) => k % to === i)));
        await checkpoint(fresh, 2, true);
        for (const w of fresh) await w.close?.();
        deepStrictEqual(await visible(s), sortedKeys([...kept, ...later]), 'after writing on at the new parallelism');
      });
    }
  });
}

/** The writers of a job attempt: created, then `recover`ed once before any input, as the runtime does. */
async function writers<T>(sink: Sink<T>, parallelism: number, mode: Mode, committables?: unknown[][]): Promise<SinkWriter<T>[]> {
  const ws = Array.from({ length: parallelism }, (_, i) =>
    sink.createWriter({ sinkName: sink.name ?? 'Sink', subtaskIndex: i, parallelism, metrics: { inc() {} }, checkpointingMode: mode }),
  );
  for (let i = 0; i < parallelism; i++) await ws[i]!.recover?.(committables?.[i] ?? []);
  return ws;
}

/** Barrier `id` at every writer, and, if it completes, its commit. */
async function checkpoint<T>(ws: SinkWriter<T>[], id: number, complete: boolean): Promise<void> {
  await Promise.all(ws.map((w) => w.preCommit?.(id)));
  if (complete) for (const w of ws) await w.commit?.(id);
}
