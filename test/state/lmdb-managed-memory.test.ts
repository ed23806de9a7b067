import { getHeapStatistics } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { valueState } from '../../src/core/state.js';
import { DiskTable } from '../../src/runtime/state/lmdb/disk-table.js';
import { KeyFilter } from '../../src/runtime/state/lmdb/key-filter.js';
import { LmdbKeyedStateBackend, type LmdbBackendOptions } from '../../src/runtime/state/lmdb/lmdb-keyed-state-backend.js';
import { lmdbOptions } from '../../src/runtime/state/lmdb/lmdb-state-backend.js';
import { stateBackendFor } from '../../src/runtime/state/state-backends.js';
import { blackhole, StreamEnvironment } from '../../src/index.js';

const open: LmdbKeyedStateBackend[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.dispose();
});
const create = (options: LmdbBackendOptions) => {
  const b = new LmdbKeyedStateBackend(new ManualClock(0), 128, options);
  open.push(b);
  return b;
};
const tableOf = (b: LmdbKeyedStateBackend, name: string) => (b as unknown as { tables: Map<string, { table: DiskTable }> }).tables.get(name)!.table;

describe('disk backend managed memory', () => {
  it('reads state.backend.lmdb.memory.managed-size and managed-fraction, a quarter of the heap limit by default', () => {
    const limit = getHeapStatistics().heap_size_limit;
    expect(lmdbOptions({}).managedBytes).toBe(Math.floor(limit * 0.25));
    expect(lmdbOptions({}).cacheEntries).toBeUndefined();
    expect(lmdbOptions({ 'state.backend.lmdb.memory.managed-fraction': 0.5 }).managedBytes).toBe(Math.floor(limit * 0.5));
    expect(lmdbOptions({ 'state.backend.lmdb.memory.managed-size': '64mb' }).managedBytes).toBe(64 * 1024 * 1024);
    expect(lmdbOptions({ 'state.backend.lmdb.memory.managed-size': '1.5 GB' }).managedBytes).toBe(1.5 * 1024 ** 3);
    expect(lmdbOptions({ 'state.backend.lmdb.memory.managed-size': 4096 }).managedBytes).toBe(4096);
    expect(lmdbOptions({ 'state.backend.lmdb.memory.cache-entries': 7 }).cacheEntries).toBe(7);
    expect(() => lmdbOptions({ 'state.backend.lmdb.memory.managed-size': 'lots' })).toThrow(
      /state\.backend\.lmdb\.memory\.managed-size: lots is not a memory size/,
    );
    expect(() => lmdbOptions({ 'state.backend.lmdb.memory.managed-size': '5 parsecs' })).toThrow(/managed-size: 5 parsecs/);
    expect(() => lmdbOptions({ 'state.backend.lmdb.memory.managed-fraction': 2 })).toThrow(
      /state\.backend\.lmdb\.memory\.managed-fraction: 2 is not a number above 0/,
    );
  });

  it('keeps the caches of all states within the budget, shared, and loses nothing it evicts', () => {
    const budget = 300_000;
    const b = create({ managedBytes: budget });
    const counts = b.getState(valueState<number>('count'));
    const notes = b.getState(valueState<string>('note'));
    const expected = new Map<number, [number, string]>();
    for (let i = 0; i < 60_000; i++) {
      const k = (i * 7919) % 20_000;
      b.setCurrentKey(k);
      counts.update((counts.value() ?? 0) + 1);
      notes.update(`note ${k} `.repeat(1 + (k % 5)));
      expected.set(k, [(expected.get(k)?.[0] ?? 0) + 1, `note ${k} `.repeat(1 + (k % 5))]);
      // Over by at most the entries just added (one per state) before they evict.
      if (i % 997 === 0) expect(b.cacheBytes()).toBeLessThanOrEqual(budget + 2 * 200);
    }
    expect(b.cachedEntries('count')).toBeLessThan(20_000);
    expect(b.cacheBytes()).toBeGreaterThan(budget / 4);
    expect(b.stateSize().cacheBytes).toBe(b.cacheBytes());
    for (const [k, [n, note]] of expected) {
      b.setCurrentKey(k);
      expect(counts.value()).toBe(n);
      expect(notes.value()).toBe(note);
    }
  });

  it('caches fewer entries of large values than of small ones in the same budget', () => {
    const fill = (value: (k: number) => unknown) => {
      const b = create({ managedBytes: 500_000 });
      const s = b.getState(valueState<unknown>('v'));
      for (let k = 0; k < 20_000; k++) {
        b.setCurrentKey(k);
        s.update(value(k));
      }
      return b.cachedEntries('v');
    };
    const small = fill((k) => k);
    const large = fill((k) => ({ k, text: 'x'.repeat(400) }));
    expect(small).toBeGreaterThan(4 * large);
  });

  it('shares one budget between the subtasks of a factory, and a closed subtask gives its share back', () => {
    const factory = stateBackendFor('lmdb', { 'state.backend.lmdb.memory.managed-size': 200_000 });
    const [a, c] = [0, 1].map(() => {
      const b = factory.createKeyedStateBackend({ clock: new ManualClock(0), maxParallelism: 128 }) as LmdbKeyedStateBackend;
      open.push(b);
      return b;
    });
    const write = (b: LmdbKeyedStateBackend, from: number) => {
      const s = b.getState(valueState<number>('v'));
      for (let k = from; k < from + 10_000; k++) {
        b.setCurrentKey(k);
        s.update(k);
      }
    };
    write(a!, 0);
    write(c!, 10_000);
    expect(a!.cacheBytes() + c!.cacheBytes()).toBeLessThanOrEqual(200_000 + 200);
    c!.dispose();
    write(a!, 20_000);
    // Alone now, `a` may use the whole budget: more than it had beside `c`.
    expect(a!.cachedEntries('v')).toBeGreaterThan(200_000 / 2 / 200);
    expect(a!.cacheBytes()).toBeLessThanOrEqual(200_000 + 200);
  });

  it('reads keys never written to the store without a lookup, also after a restore', () => {
    const b = create({ managedBytes: 100_000 });
    const s = b.getState(valueState<number>('v'));
    for (let k = 0; k < 20_000; k += 2) {
      b.setCurrentKey(k);
      s.update(k);
    }
    const t = tableOf(b, 'v');
    const before = t.lookups;
    for (let k = 1; k < 20_000; k += 2) {
      b.setCurrentKey(k);
      expect(s.value()).toBeUndefined();
    }
    // Only the filter's false positives (about 0.05%) reach the store.
    expect(t.lookups - before).toBeLessThan(50);
    const snap = b.snapshot();

    // Restored into a new store, at another parallelism (half the key groups): the filter is built
    // again from the entries written, so restored keys are found and others skip the store.
    const r = create({ managedBytes: 100_000 });
    const owns = (g: number) => g < 64;
    r.restore([snap], owns);
    const rs = r.getState(valueState<number>('v'));
    const rt = tableOf(r, 'v');
    let found = 0;
    for (let k = 0; k < 20_000; k += 2) {
      r.setCurrentKey(k);
      const v = rs.value();
      if (v !== undefined) {
        expect(v).toBe(k);
        found++;
      }
    }
    expect(found).toBeGreaterThan(3000);
    expect(found).toBeLessThan(7000);
    const rBefore = rt.lookups;
    for (let k = 1; k < 20_000; k += 2) {
      r.setCurrentKey(k);
      expect(rs.value()).toBeUndefined();
    }
    expect(rt.lookups - rBefore).toBeLessThan(50);
  });
});

describe('the stateCacheBytes metric', () => {
  it("reports a keyed operator's cache bytes, within its managed memory", async () => {
    const env = StreamEnvironment.create({
      'state.backend.type': 'lmdb',
      'state.backend.lmdb.memory.managed-size': '1mb',
      'execution.slot-mode': 'single-thread',
    });
    env
      .fromSequence(0, 49_999)
      .keyBy((v) => v % 20_000)
      .reduce((a, b) => a + b)
      .name('Sum')
      .sinkTo(blackhole());
    const client = env.executeAsync('cache-bytes');
    await client.result;
    const sum = client.metrics().find((m) => m.name.includes('Sum'))!;
    expect(sum.stateCacheBytes).toBeGreaterThan(0);
    expect(sum.stateCacheBytes).toBeLessThanOrEqual(1024 * 1024 + 200);
  });
});

describe('KeyFilter', () => {
  it('never forgets a key across its growing layers and lets few others through', () => {
    const f = new KeyFilter();
    const key = Buffer.alloc(8);
    const at = (i: number) => {
      key.writeUInt32BE(i, 0);
      key.writeUInt32BE(i ^ 0x5bd1e995, 4);
      return key;
    };
    const n = 300_000;
    for (let i = 0; i < n; i++) f.add(at(i), 0, 8);
    let forgotten = 0;
    for (let i = 0; i < n; i++) if (!f.mightContain(at(i), 0, 8)) forgotten++;
    expect(forgotten).toBe(0);
    let falsePositives = 0;
    for (let i = n; i < 2 * n; i++) if (f.mightContain(at(i), 0, 8)) falsePositives++;
    expect(falsePositives / n).toBeLessThan(0.005);
    expect(f.bytes).toBeLessThan(n * 8);
  });
});
