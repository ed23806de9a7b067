// The rules both CDC enumerators keep about what they hand out (the log split's wait in
// LogSplitGate, the order of chunks), as cases each source's protocol test runs against its own
// enumerator, without a server.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { SourceSplit } from '../../src/core/source.js';
import type { SplitEnumerator, SplitEnumeratorContext } from '../../src/core/split-enumerator.js';

export interface LogSplitWaitSetup<S extends SourceSplit & { kind: string }> {
  /** The enumerator, on a context whose `callAsync` answers from `answer`. */
  make(ctx: SplitEnumeratorContext<S>): SplitEnumerator<S, unknown>;
  /** What the enumerator's n-th asynchronous call (0 first) returns in place of the server's answer. */
  answer(call: number): unknown;
  /** The requests of readers 0 and 1 once each emitted its one chunk, in order. */
  requestsAfterEmit: readonly number[];
}

/**
 * Two readers each get one chunk and emit it while checkpoint 7 is triggered: the log split waits
 * for a checkpoint triggered after that to complete, and does not wait when the job takes none.
 */
export function logSplitWaitCases<S extends SourceSplit & { kind: string }>(name: string, setup: LogSplitWaitSetup<S>): void {
  function snapshotRead(checkpointing: boolean) {
    const assigned: [number, S][] = [];
    let calls = 0;
    const ctx: SplitEnumeratorContext<S> = {
      sourceName: name,
      parallelism: 2,
      clock: new ManualClock(),
      checkpointing,
      registeredReaders: () => [0, 1],
      assignSplit: (i, split) => void assigned.push([i, split]),
      signalNoMoreSplits: () => {},
      callAsync: (_work, then) => then(setup.answer(calls++) as never),
    };
    const e = setup.make(ctx);
    e.start();
    for (const r of [0, 1]) e.handleSplitRequest(r);
    expect(assigned.map(([r, s]) => [r, s.kind])).toEqual([
      [0, 'chunk'],
      [1, 'chunk'],
    ]);
    e.snapshotState(7);
    for (const r of setup.requestsAfterEmit) e.handleSplitRequest(r);
    return { e, assigned, log: () => assigned.filter(([, s]) => s.kind === 'log') };
  }

  describe(`${name} enumerator`, () => {
    it('hands out the log split only once a checkpoint triggered after the last chunk was emitted completed', () => {
      // A checkpoint may hold a chunk's rows from one reader and the log split's first changes from
      // the other; a two-phase sink commits each subtask's part in no set order.
      const { e, log } = snapshotRead(true);
      expect(log()).toEqual([]);
      // Triggered before the chunks were emitted: its barrier may have gone before their rows.
      e.notifyCheckpointComplete!(7);
      expect(log()).toEqual([]);
      e.snapshotState(8);
      e.notifyCheckpointComplete!(8);
      expect(log()).toHaveLength(1);
    });

    it('hands out the log split at once when the job takes no checkpoints', () => {
      expect(snapshotRead(false).log()).toHaveLength(1);
    });

    it('hands out the open-ended last chunk first, so rows inserted during the snapshot do not pile up in it', () => {
      // The layout holds the chunks in key order, the open-ended one last; reader 0 asked first.
      const { assigned } = snapshotRead(false);
      const chunkHi = (s: S) => (s as unknown as { chunk: { hi: string | null } }).chunk.hi;
      expect(assigned.filter(([, s]) => s.kind === 'chunk').map(([r, s]) => [r, chunkHi(s)])).toEqual([
        [0, null],
        [1, '10'],
      ]);
    });
  });
}
