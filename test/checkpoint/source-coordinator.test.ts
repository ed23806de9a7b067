import { deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ManualClock, type SourceSplit } from '../../src/index.js';
import type { LoadedCheckpoint } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { SourceCoordinator, type SplitChannel } from '../../src/runtime/source-coordinator.js';
import type { SubtaskSnapshot } from '../../src/runtime/subtask-snapshot.js';
import { rangesSource } from '../connectors/ranges-source.js';

const source = rangesSource({ initial: 4, later: 0, size: 10 });

function channel() {
  const got: { subtask: number; id: string; position: unknown }[] = [];
  const ended: number[] = [];
  const ch: SplitChannel = {
    assignSplits: (_node, subtask, splits: SourceSplit[], positions) => {
      for (const s of splits) got.push({ subtask, id: s.id, position: positions?.[s.id] });
    },
    noMoreSplits: (_node, subtask) => void ended.push(subtask),
  };
  return { ch, got, ended };
}

const readerState = (subtask: number, positions: Record<string, unknown>) => ({
  operator: 'ranges',
  subtask,
  parallelism: 2,
  state: { operatorState: { lists: {}, broadcast: {} }, source: positions } satisfies SubtaskSnapshot,
});

describe('SourceCoordinator', () => {
  it("restores the enumerator's state and hands the readers' splits back with their positions, at another parallelism", () => {
    const failures: unknown[] = [];
    const a = new SourceCoordinator(1, 'ranges', source, 'ranges', 2, new ManualClock(0), (e) => failures.push(e));
    const first = channel();
    a.start(first.ch, undefined);
    a.readerRegistered(0);
    a.readerRegistered(1);
    a.splitRequest(0);
    a.splitRequest(1);
    expect(first.got).toEqual([
      { subtask: 0, id: 'r0', position: undefined },
      { subtask: 1, id: 'r1', position: undefined },
    ]);
    const enumerator = { operator: 'ranges@enumerator', subtask: 0, parallelism: 1, state: deserialize(a.snapshot(7)) };
    // r0 half read by reader 0, r1 finished by reader 1 when the checkpoint was taken.
    const checkpoint: LoadedCheckpoint = {
      path: 'chk-7',
      metadata: { format: 'weir-checkpoint', version: 1, id: 7, savepoint: false, jobName: 'j', createdAt: '', tasks: [] },
      states: [enumerator, readerState(0, { r0: { next: 5 } }), readerState(1, { r1: 'done' })],
    };
    // A split assigned after the checkpoint is not in it: the restored enumerator still holds r2.
    a.splitRequest(0);
    a.close();

    const clock = new ManualClock(0);
    const b = new SourceCoordinator(1, 'ranges', source, 'ranges', 1, clock, (e) => failures.push(e));
    const second = channel();
    b.start(second.ch, checkpoint);
    b.readerRegistered(0);
    for (let i = 0; i < 5; i++) b.splitRequest(0);
    clock.advance(100); // the enumerator looks for more splits, finds none, and ends the reader
    // r1 was read to its end: not handed out again, and its position is no longer carried.
    expect(second.got.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { subtask: 0, id: 'r0', position: { next: 5 } },
      { subtask: 0, id: 'r2', position: undefined },
      { subtask: 0, id: 'r3', position: undefined },
    ]);
    expect(second.ended).toEqual([0]);
    expect(failures).toEqual([]);
    const next = (deserialize(b.snapshot(8)) as SubtaskSnapshot).source;
    expect(next).toEqual({
      enumerator: { pending: [], discovered: true },
      assigned: [[0, [expect.objectContaining({ id: 'r0' }), expect.objectContaining({ id: 'r2' }), expect.objectContaining({ id: 'r3' })]]],
      carried: {},
    });
  });

  it('fails the attempt when the enumerator assigns to a reader that has not registered', () => {
    const failures: unknown[] = [];
    const c = new SourceCoordinator(1, 'ranges', source, 'ranges', 2, new ManualClock(0), (e) => failures.push(e));
    c.start(channel().ch, undefined);
    c.readerRegistered(0);
    c.splitRequest(1);
    expect(String(failures[0])).toMatch(/assignSplit\(1\) for a reader that has not registered \(registered: 0\)/);
  });
});
