import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { keyGroupFor, keyGroupRangeFor } from '../../src/core/key-group.js';
import { listState, valueState } from '../../src/core/state.js';
import type { KeyedStateBackend, KeyedStateBackendSnapshot, SharedStateFile } from '../../src/core/state-backend.js';
import { FsCheckpointStorage, SHARED_DIR } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { splitSharedFiles } from '../../src/runtime/checkpoint/task-state.js';
import { encodeSubtaskState, type SubtaskSnapshot } from '../../src/runtime/subtask-snapshot.js';
import { HeapKeyedStateBackend } from '../../src/runtime/state/heap-keyed-state-backend.js';
import { ALL_CHANGED, IncrementLog } from '../../src/runtime/state/lmdb/increment-log.js';
import { LmdbKeyedStateBackend } from '../../src/runtime/state/lmdb/lmdb-keyed-state-backend.js';
import { lmdbOptions } from '../../src/runtime/state/lmdb/lmdb-state-backend.js';

const open: LmdbKeyedStateBackend[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const lmdb = (incremental: boolean, cacheEntries = 8) => {
  const b = new LmdbKeyedStateBackend(new ManualClock(0), 128, { cacheEntries, incremental });
  open.push(b);
  return b;
};

/** A stand-in for the checkpoint storage: new shared files kept by name, the state file serialized. */
class SharedStore {
  readonly files = new Map<string, Uint8Array>();
  persist(s: KeyedStateBackendSnapshot): KeyedStateBackendSnapshot {
    const { keyed, shared } = splitSharedFiles(s);
    for (const f of shared.sharedNew ?? []) this.files.set(f.name, f.bytes);
    const stored = deserialize(serialize(keyed)) as KeyedStateBackendSnapshot;
    if (!stored.shared) return stored;
    return { ...stored, shared: stored.shared.map((f): SharedStateFile => ({ name: f.name, bytes: this.files.get(f.name)! })) };
  }
}

/** Seeded generator, so a failing run replays. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Everything the backend holds for the keys of the model, read through the state API. */
function read(b: KeyedStateBackend, keys: number): { v: Map<number, unknown>; l: Map<number, unknown> } {
  const v = b.getState(valueState<{ n: number }>('v'));
  const l = b.getListState(listState<string>('l'));
  const out = { v: new Map<number, unknown>(), l: new Map<number, unknown>() };
  for (let k = 0; k < keys; k++) {
    b.setCurrentKey(k);
    if (v.value() !== undefined) out.v.set(k, v.value());
    const list = [...l.get()];
    if (list.length > 0) out.l.set(k, list);
  }
  return out;
}

describe('IncrementLog', () => {
  const changes = (...keys: string[]) => new Map([['s', new Set<unknown>(keys)]]);

  it('starts with a base, then builds increments on the last confirmed checkpoint', () => {
    const log = new IncrementLog();
    expect(log.begin(1, changes('a'))).toMatchObject({ base: true, refs: [] });
    log.written(1, 'base', 1000);
    log.complete(1);
    const p2 = log.begin(2, changes('b'));
    expect(p2).toMatchObject({ base: false, refs: ['base'] });
    expect([...p2.keys.get('s')!]).toEqual(['b']);
    log.written(2, 'inc2', 10);
    log.complete(2);
    expect(log.confirmedFiles).toEqual(['base', 'inc2']);
  });

  it('writes the changes of a checkpoint that was never confirmed again in the next one', () => {
    const log = new IncrementLog();
    log.begin(1, changes());
    log.written(1, 'base', 1000);
    log.complete(1);
    log.begin(2, changes('a'));
    log.written(2, 'inc2', 10);
    // Checkpoint 2 aborted: 3 builds on 1 and carries 2's keys too.
    const p3 = log.begin(3, changes('b'));
    expect(p3.refs).toEqual(['base']);
    expect([...p3.keys.get('s')!].sort()).toEqual(['a', 'b']);
    log.written(3, 'inc3', 10);
    log.complete(3);
    expect(log.confirmedFiles).toEqual(['base', 'inc3']);
    // A late confirmation of 2 changes nothing any more.
    log.complete(2);
    expect(log.confirmedFiles).toEqual(['base', 'inc3']);
  });

  it('starts a new base when increments outgrow the base, when too many keys changed, and after a reset', () => {
    const log = new IncrementLog();
    log.begin(1, changes());
    log.written(1, 'base', 100);
    log.complete(1);
    log.begin(2, changes('a'));
    log.written(2, 'big', 101);
    log.complete(2);
    expect(log.begin(3, changes('b')).base).toBe(true);
    log.written(3, 'base3', 100);
    log.complete(3);
    expect(log.begin(4, new Map([['s', ALL_CHANGED]])).base).toBe(true);
    log.written(4, 'base4', 100);
    log.complete(4);
    log.reset();
    expect(log.begin(5, changes('c')).base).toBe(true);
  });

  it('starts a new base past the most increments in one chain', () => {
    const log = new IncrementLog(2);
    log.begin(1, changes());
    log.written(1, 'base', 1000);
    log.complete(1);
    for (const id of [2, 3]) {
      expect(log.begin(id, changes('a')).base).toBe(false);
      log.written(id, `inc${id}`, 1);
      log.complete(id);
    }
    expect(log.begin(4, changes('a')).base).toBe(true);
  });
});

describe("incremental checkpoints of the disk backend ('lmdb')", () => {
  it('a checkpoint after a few changes writes only those, and restores with its base at another parallelism, on either backend', async () => {
    const rand = seeded(7);
    const keys = 2000;
    const b = lmdb(true);
    const store = new SharedStore();
    // The model: what the state must be, computed by plain code.
    const model = { v: new Map<number, unknown>(), l: new Map<number, unknown>() };
    const v = b.getState(valueState<{ n: number }>('v'));
    const l = b.getListState(listState<string>('l'));
    const change = (k: number, round: number) => {
      b.setCurrentKey(k);
      const r = rand();
      if (r < 0.15) {
        v.clear();
        model.v.delete(k);
      } else if (r < 0.3) {
        l.clear();
        model.l.delete(k);
      } else if (r < 0.6) {
        l.add(`r${round}`);
        model.l.set(k, [...((model.l.get(k) as string[] | undefined) ?? []), `r${round}`]);
      } else {
        v.update({ n: round * 10_000 + k });
        model.v.set(k, { n: round * 10_000 + k });
      }
    };
    for (let k = 0; k < keys; k++) change(k, 0);
    const sizes: number[] = [];
    let last: KeyedStateBackendSnapshot | undefined;
    for (let id = 1; id <= 6; id++) {
      if (id > 1) for (let i = 0; i < keys / 100; i++) change(Math.floor(rand() * keys), id);
      const snap = await b.snapshotAsync({ checkpointId: id, savepoint: false });
      const newBytes = splitSharedFiles(snap).shared.sharedNew!.reduce((n, f) => n + f.bytes.length, 0);
      sizes.push(newBytes);
      last = store.persist(snap);
      // Checkpoint 4 is aborted (never confirmed): 5 must still hold its changes.
      if (id !== 4) b.notifyCheckpointComplete(id);
    }
    // The base, 2 and 3 (the chain confirmed before 5), then 5 (holding 4's changes too) and 6.
    expect(last!.shared!.length).toBe(5);
    // Each increment (1% of the keys changed) is a small fraction of the base.
    for (const s of sizes.slice(1)) expect(s).toBeLessThan(sizes[0]! / 10);

    for (const create of [() => lmdb(false), () => new HeapKeyedStateBackend(new ManualClock(0), 128)]) {
      const restored = { v: new Map<number, unknown>(), l: new Map<number, unknown>() };
      for (let i = 0; i < 3; i++) {
        const range = keyGroupRangeFor(128, 3, i);
        const r = create();
        r.restore([last!], (g) => g >= range.start && g <= range.end);
        const got = read(r, keys);
        for (const [k, x] of got.v) {
          expect(keyGroupFor(k, 128)).toBeGreaterThanOrEqual(range.start);
          restored.v.set(k, x);
        }
        for (const [k, x] of got.l) restored.l.set(k, x);
      }
      expect(restored.v).toEqual(model.v);
      expect(restored.l).toEqual(model.l);
    }
  });

  it('a savepoint is full and canonical, and does not disturb the chain', async () => {
    const b = lmdb(true);
    const store = new SharedStore();
    const v = b.getState(valueState<number>('v'));
    for (let k = 0; k < 100; k++) {
      b.setCurrentKey(k);
      v.update(k);
    }
    b.notifyCheckpointComplete(0);
    store.persist(await b.snapshotAsync({ checkpointId: 1, savepoint: false }));
    b.notifyCheckpointComplete(1);
    b.setCurrentKey(5);
    v.update(500);
    const savepoint = await b.snapshotAsync({ checkpointId: 2, savepoint: true });
    expect(savepoint.shared).toBeUndefined();
    expect('chunks' in savepoint).toBe(true);
    const heap = new HeapKeyedStateBackend(new ManualClock(0), 128);
    heap.restore([deserialize(serialize(savepoint))], () => true);
    heap.setCurrentKey(5);
    expect(heap.getState(valueState<number>('v')).value()).toBe(500);
    // The change before the savepoint is still in the next increment.
    const next = store.persist(await b.snapshotAsync({ checkpointId: 3, savepoint: false }));
    expect(next.shared!.length).toBe(2);
    const r = lmdb(false);
    r.restore([next], () => true);
    r.setCurrentKey(5);
    expect(r.getState(valueState<number>('v')).value()).toBe(500);
    expect(r.size('v')).toBe(100);
  });

  it("is turned on with Flink's key 'execution.checkpointing.incremental'", () => {
    expect(lmdbOptions({ 'execution.checkpointing.incremental': 'true' }).incremental).toBe(true);
    expect(lmdbOptions({ 'execution.checkpointing.incremental': false }).incremental).toBe(false);
    expect(() => lmdbOptions({ 'execution.checkpointing.incremental': 'yes' })).toThrow(/execution\.checkpointing\.incremental: yes is not true or false/);
  });

  it('without incremental checkpoints a checkpoint is full, as before', async () => {
    const b = lmdb(false);
    b.setCurrentKey('a');
    b.getState(valueState<number>('v')).update(1);
    const s = await b.snapshotAsync({ checkpointId: 1, savepoint: false });
    expect(s.shared).toBeUndefined();
  });
});

describe('shared files in checkpoint storage', () => {
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'weir-shared-'));
    dirs.push(d);
    return d;
  };
  const task = (snap: KeyedStateBackendSnapshot) => {
    const { keyed, shared } = splitSharedFiles(snap);
    return {
      operator: 'count',
      subtask: 0,
      parallelism: 1,
      bytes: encodeSubtaskState({ head: serialize({ operatorState: { lists: {}, broadcast: {} } }), keyed }),
      ...shared,
    };
  };

  it('keeps a shared file while a retained checkpoint references it, deletes it after, and restores from the files', async () => {
    const d = dir();
    const storage = new FsCheckpointStorage(d, 1);
    const b = lmdb(true);
    const v = b.getState(valueState<number>('v'));
    const sharedFiles = () => readdirSync(join(d, SHARED_DIR)).sort();
    const written: string[][] = [];
    for (let id = 1; id <= 5; id++) {
      // Checkpoint 4 changes every key: its increment outgrows the base, so 5 is a new base.
      for (let k = 0; k < (id === 1 || id === 4 ? 500 : 3); k++) {
        b.setCurrentKey(k);
        v.update(id * 1000 + k);
      }
      const snap = await b.snapshotAsync({ checkpointId: id, savepoint: false });
      written.push(snap.shared!.map((f) => f.name));
      await storage.write(id, false, 'job', [task(snap)]);
      b.notifyCheckpointComplete(id);
      if (id === 3) {
        // Only checkpoint 3 is retained, and it references the base of 1 and the increments of 2 and 3.
        expect(written[2]).toEqual([written[0]![0], written[1]![1], written[2]![2]]);
        expect(sharedFiles()).toEqual([...written[2]!].sort());
        expect(existsSync(join(d, 'chk-1'))).toBe(false);
      }
    }
    // The new base is the only file anyone references: the old chain is gone.
    expect(written[4]!.length).toBe(1);
    expect(sharedFiles()).toEqual(written[4]);

    const { checkpoint } = await storage.loadLatest();
    const r = lmdb(false);
    r.restore([(checkpoint!.states[0]!.state as SubtaskSnapshot).keyed!], () => true);
    const rv = r.getState(valueState<number>('v'));
    r.setCurrentKey(2);
    expect(rv.value()).toBe(5002);
    r.setCurrentKey(400);
    expect(rv.value()).toBe(4400);

    // A damaged shared file is named at restore.
    writeFileSync(join(d, SHARED_DIR, written[4]![0]!), 'garbage');
    await expect(FsCheckpointStorage.load(join(d, 'chk-5'))).rejects.toThrow(/shared state file shared\/[0-9a-f]+ is corrupted/);
  });
});
