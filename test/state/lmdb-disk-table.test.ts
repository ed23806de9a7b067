import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskKeyLayout } from '../../src/runtime/state/lmdb/disk-key.js';
import { DiskTable } from '../../src/runtime/state/lmdb/disk-table.js';

const stores: { root: RootDatabase<Buffer, Buffer>; dir: string }[] = [];
afterEach(async () => {
  for (const { root, dir } of stores.splice(0)) {
    await root.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function store() {
  const dir = mkdtempSync(join(tmpdir(), 'weir-disk-table-'));
  const root = open<Buffer, Buffer>({ path: dir, encoding: 'binary', keyEncoding: 'binary', noSync: true, useWritemap: true });
  stores.push({ root, dir });
  return root.openDB<Buffer, Buffer>({ name: 'state', encoding: 'binary', keyEncoding: 'binary', cache: false });
}

describe('DiskTable write-back', () => {
  it('writes back exactly the entries changed since the last flush: set, deleted, or objects read', () => {
    const db = store();
    const layout = new DiskKeyLayout('s', 128);
    const t = new DiskTable(db, layout, 1000, 128);
    t.trackChanges(1_000_000);
    t.set('a', 1).set('b', { n: 1 }).set('c', 3);
    t.flush();
    expect(t.takeChanges()).toEqual(new Set(['a', 'b', 'c']));
    t.flush();
    expect(t.takeChanges()).toEqual(new Set());
    // A number read is not a change; an object read is (it may be changed in place).
    expect(t.get('a')).toBe(1);
    t.flush();
    expect(t.takeChanges()).toEqual(new Set());
    (t.get('b') as { n: number }).n = 2;
    expect(t.delete('c')).toBe(true);
    expect(t.delete('c')).toBe(false);
    t.set('a', 5).set('a', 6);
    t.set('d', 1);
    t.delete('d');
    t.flush();
    expect(t.takeChanges()).toEqual(new Set(['a', 'b', 'c', 'd']));

    const fresh = new DiskTable(db, layout, 1000, 128);
    expect([fresh.get('a'), fresh.get('b'), fresh.get('c'), fresh.get('d')]).toEqual([6, { n: 2 }, undefined, undefined]);
    expect(fresh.size).toBe(2);
  });

  it('writes back what it evicts, deletions and changes made after a re-set included', () => {
    const db = store();
    const layout = new DiskKeyLayout('s', 128);
    const t = new DiskTable(db, layout, 10, 128);
    const expected = new Map<number, number>();
    for (let round = 0; round < 4; round++)
      for (let k = 0; k < 50; k++) {
        if ((k + round) % 7 === 0) {
          t.delete(k);
          expected.delete(k);
        } else {
          const v = ((t.get(k) as number | undefined) ?? 0) + k;
          t.set(k, v);
          expected.set(k, v);
        }
        expect(t.cachedEntries).toBeLessThanOrEqual(10);
      }
    t.flush();
    const fresh = new DiskTable(db, layout, 1000, 128);
    expect(new Map([...fresh.entries()] as [number, number][])).toEqual(expected);
  });

  it('flushes every change after keys were evicted and changed again many times between flushes', () => {
    // Thousands of evictions and reloads between two flushes: the list of changed keys outgrows
    // the cache and is built again from it, and a flush still writes back each change once.
    const db = store();
    const layout = new DiskKeyLayout('s', 128);
    const t = new DiskTable(db, layout, 8, 128);
    t.trackChanges(1_000_000);
    const expected = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const k = (i * 31) % 200;
      if (i % 13 === 0) {
        t.delete(k);
        expected.delete(k);
      } else {
        const v = ((t.get(k) as number | undefined) ?? 0) + 1;
        t.set(k, v);
        expected.set(k, v);
      }
    }
    t.flush();
    expect(new Map([...new DiskTable(db, layout, 1000, 128).entries()] as [number, number][])).toEqual(expected);
    // A flush with nothing changed since writes nothing.
    t.takeChanges();
    t.flush();
    expect(t.takeChanges()).toEqual(new Set());
  });
});
