import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { CollectSink, StreamEnvironment } from '../../src/index.js';
import { keyGroupFor, normalizeKey } from '../../src/core/key-group.js';
import { listState, mapState, valueState } from '../../src/core/state.js';
import type { KeyedStateBackendSnapshot } from '../../src/core/state-backend.js';
import { decodeDiskKey, DiskKeyLayout } from '../../src/runtime/state/lmdb/disk-key.js';
import { LmdbKeyedStateBackend } from '../../src/runtime/state/lmdb/lmdb-keyed-state-backend.js';
import { lmdbOptions } from '../../src/runtime/state/lmdb/lmdb-state-backend.js';
import { stateBackendFor } from '../../src/runtime/state/state-backends.js';

const open: LmdbKeyedStateBackend[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const create = (cacheEntries: number, maxParallelism = 128, localDir?: string) => {
  const b = new LmdbKeyedStateBackend(new ManualClock(0), maxParallelism, { cacheEntries, localDir });
  open.push(b);
  return b;
};
const written = (s: KeyedStateBackendSnapshot): KeyedStateBackendSnapshot => deserialize(serialize(s)) as KeyedStateBackendSnapshot;

describe("disk state backend ('lmdb')", () => {
  it('brings back objects, numbers, strings, bigints, dates, maps, sets and arrays from disk', () => {
    const values: unknown[] = [
      { a: 1, nested: { s: 'x', list: [1, 'two', null, undefined] } },
      -12.5,
      2 ** 53 - 1,
      'text ✓',
      123456789012345678901234567890n,
      -5n,
      new Date(1_700_000_000_123),
      new Map<unknown, unknown>([
        ['k', { v: 1 }],
        [2, [3]],
      ]),
      new Set(['a', 1]),
      [[1, 2], { x: new Map([[1, new Date(5)]]) }],
      true,
    ];
    // A cache of one entry: every value but the last one written is read back from disk.
    const b = create(1);
    const v = b.getState(valueState<unknown>('v'));
    values.forEach((x, i) => {
      b.setCurrentKey(`k${i}`);
      v.update(x);
    });
    values.forEach((x, i) => {
      b.setCurrentKey(`k${i}`);
      expect(v.value()).toEqual(x);
    });
    expect(b.cachedEntries('v')).toBeLessThanOrEqual(1);
  });

  it('keeps at most the configured number of entries in memory and loses none it evicts', () => {
    const b = create(100);
    const count = b.getState(valueState<number>('count', { defaultValue: 0 }));
    const seen = b.getListState(listState<number>('seen'));
    const per = b.getMapState(mapState<string, number>('per'));
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 1000; k++) {
        b.setCurrentKey(k);
        count.update(count.value()! + 1);
        seen.add(round);
        per.put(`r${round}`, k);
        expect(b.cachedEntries('count')).toBeLessThanOrEqual(100);
      }
    }
    for (let k = 0; k < 1000; k++) {
      b.setCurrentKey(k);
      expect([count.value(), seen.get(), [...per.entries()]]).toEqual([
        3,
        [0, 1, 2],
        [
          ['r0', k],
          ['r1', k],
          ['r2', k],
        ],
      ]);
    }
    expect(b.size('count')).toBe(1000);
  });

  it('writes a snapshot from the store as it was at the barrier, while records go on to disk', async () => {
    const b = create(2);
    const v = b.getState(valueState<string>('v'));
    for (let k = 0; k < 200; k++) {
      b.setCurrentKey(k);
      v.update(`before-${k}`);
    }
    const pending = b.snapshotAsync();
    // With a cache of 2 entries these writes reach the store while the snapshot reads it.
    for (let k = 0; k < 400; k++) {
      b.setCurrentKey(k);
      v.update(`after-${k}`);
    }
    const r = create(10);
    r.restore([written(await pending)], () => true);
    expect((r.keys('v') as number[]).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, k) => k));
    const rv = r.getState(valueState<string>('v'));
    for (let k = 0; k < 200; k++) {
      r.setCurrentKey(k);
      expect(rv.value()).toBe(`before-${k}`);
    }
  });

  it('lays keys out key group first, so a key group is one range of the store', () => {
    const layout = new DiskKeyLayout('count', 128);
    // Integers and strings up to 85 UTF-16 units are written directly, the rest through MessagePack.
    const raw = ['ann', 'bob', 7, ['composite', 1], 123n, -1, 0, 63, 64, 127, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1.5, '', 'é漢字🙂'.repeat(17), 'x'.repeat(86)];
    const encoded = raw.map((k) => layout.encode(normalizeKey(k)));
    encoded.forEach((e, i) => {
      const d = decodeDiskKey(e);
      expect(d).toEqual({ keyGroup: keyGroupFor(raw[i], 128), stateName: 'count', key: normalizeKey(raw[i]) });
      const { start, end } = layout.range(d.keyGroup);
      expect(Buffer.compare(start, e) <= 0 && Buffer.compare(e, end) < 0).toBe(true);
      const next = layout.range((d.keyGroup + 1) % 128);
      if (d.keyGroup < 127) expect(Buffer.compare(e, next.start)).toBeLessThan(0);
    });
    // Sorted bytes are sorted by key group.
    const groups = [...encoded].sort(Buffer.compare).map((e) => decodeDiskKey(e).keyGroup);
    expect(groups).toEqual([...groups].sort((x, y) => x - y));
  });

  it('opens its store under state.backend.lmdb.local-dir and leaves no files there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-local-dir-'));
    dirs.push(dir);
    const factory = stateBackendFor('lmdb', { 'state.backend.lmdb.local-dir': join(dir, 'state'), 'state.backend.lmdb.memory.cache-entries': 3 });
    const b = factory.createKeyedStateBackend({ clock: new ManualClock(0), maxParallelism: 8 }) as LmdbKeyedStateBackend;
    open.push(b);
    expect(b.path.startsWith(join(dir, 'state'))).toBe(true);
    expect(existsSync(join(dir, 'state'))).toBe(true);
    expect(readdirSync(join(dir, 'state'))).toEqual([]);
    const v = b.getState(valueState<number>('v'));
    for (let k = 0; k < 10; k++) {
      b.setCurrentKey(k);
      v.update(k);
    }
    expect(b.cachedEntries('v')).toBeLessThanOrEqual(3);
    b.setCurrentKey(0);
    expect(v.value()).toBe(0);
  });

  it("takes a job's state.backend.lmdb.* settings through StreamEnvironment", async () => {
    const env = StreamEnvironment.create({
      'state.backend.type': 'lmdb',
      'state.backend.lmdb.memory.cache-entries': 'lots',
      'execution.slot-mode': 'single-thread',
    });
    env
      .fromElements(1, 2, 3)
      .keyBy((x) => x % 2)
      .reduce((a, b) => a + b)
      .sinkTo(new CollectSink<number>());
    await expect(env.execute('lmdb-settings')).rejects.toThrow(/state\.backend\.lmdb\.memory\.cache-entries: lots is not a positive integer/);
    expect(() => StreamEnvironment.create({ 'state.backend.lmdb.cache-entries': 5 })).toThrow(/did you mean 'state\.backend\.lmdb\.memory\.cache-entries'\?/);
  });

  it('refuses a cache bound that is not a positive integer', () => {
    expect(() => lmdbOptions({ 'state.backend.lmdb.memory.cache-entries': 0 })).toThrow(
      /state\.backend\.lmdb\.memory\.cache-entries: 0 is not a positive integer/,
    );
    // No entry bound unless set: the caches are bounded by bytes (see lmdb-managed-memory.test.ts).
    expect(lmdbOptions({}).cacheEntries).toBeUndefined();
  });
});
