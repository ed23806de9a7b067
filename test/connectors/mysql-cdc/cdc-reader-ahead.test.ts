import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batch } from '../../../src/core/batch.js';
import type { ChunkSplit } from '../../../src/connectors/mysql-cdc/cdc-splits.js';
import type { Row } from '../../../src/connectors/mysql-cdc/row-changes.js';

// The reads are stood in for, so the test sees when each group is asked for and can settle them in any order.
const reads: { ids: string[]; after: Promise<unknown> | undefined; settle: (rows: Row[][]) => void; fail: (e: Error) => void }[] = [];
vi.mock('../../../src/connectors/mysql-cdc/chunk-read.js', () => ({
  readChunks: (_c: unknown, _o: unknown, splits: readonly ChunkSplit[], _id: number, after?: Promise<unknown>) =>
    new Promise<Row[][]>((settle, fail) => reads.push({ ids: splits.map((s) => s.id), after, settle, fail })),
}));
vi.mock('../../../src/connectors/mysql-cdc/mysql-catalog.js', () => ({ connect: () => Promise.resolve({ end: () => Promise.resolve() }) }));

const { MysqlCdcReader, CHUNKS_PER_READ } = await import('../../../src/connectors/mysql-cdc/cdc-reader.js');
const { resolveOptions } = await import('../../../src/connectors/mysql-cdc/mysql-cdc-options.js');

const o = resolveOptions({ hostname: 'h', username: 'u', 'database-name': 'd', 'table-name': 't', 'server-id': '5400-5401' });
const table = { database: 'd', table: 't', keyColumns: ['id'], chunkColumn: 'id', columns: ['id'] };
const split = (i: number): ChunkSplit => ({
  id: `c${i}`,
  kind: 'chunk',
  table,
  chunk: { id: `c${i}`, table: 'd.t', lo: String(i * 10), hi: String(i * 10 + 10) },
  low: { file: 'b.000001', pos: 4 },
  start: { file: 'b.000001', pos: 4 },
});
/** Each chunk's rows: its own ids, so an emitted batch says which chunk it is. */
const rowsOf = (ids: string[]): Row[][] => ids.map((id) => [{ id: `${id}a` }, { id: `${id}b` }]);
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

afterEach(() => void reads.splice(0));

describe('MysqlCdcReader reads one group ahead', () => {
  it('asks for the next group before emitting the first, after that group only its binlog, and emits the chunks in order', async () => {
    const r = new MysqlCdcReader(o, 5401);
    const n = CHUNKS_PER_READ * 2 + 1;
    r.addSplits(Array.from({ length: n }, (_, i) => split(i)));
    const first = r.poll() as Promise<unknown>;
    await flush();
    // Both groups asked for before any row came back: the server sends the second right after the first.
    expect(reads.map((g) => g.ids.length)).toEqual([CHUNKS_PER_READ, CHUNKS_PER_READ]);
    // The second group opens the binlog (same server id) only once the first group's read settled.
    let secondMayOpen = false;
    void reads[1]!.after!.then(() => (secondMayOpen = true));
    await flush();
    expect(secondMayOpen).toBe(false);
    reads[0]!.settle(rowsOf(reads[0]!.ids));
    await flush();
    expect(secondMayOpen).toBe(true);
    const batch = (await first) as Batch<Row>;
    expect(batch.values.map((v) => v.id)).toEqual(['c0a', 'c0b']);
    // Bounded to one group ahead: the third is not asked for while the second is unread.
    expect(reads).toHaveLength(2);
    // A checkpoint names exactly the chunks emitted.
    expect(r.snapshotState()).toEqual({ c0: 'done' });
    const emitted: string[] = [];
    for (let i = 1; i < CHUNKS_PER_READ; i++) emitted.push(...((await r.poll()) as Batch<Row>).values.map((v) => v.id as string));
    expect(emitted).toEqual(reads[0]!.ids.slice(1).flatMap((id) => [`${id}a`, `${id}b`]));
    const next = r.poll() as Promise<unknown>;
    await flush();
    expect(reads.map((g) => g.ids)).toEqual([
      Array.from({ length: CHUNKS_PER_READ }, (_, i) => `c${i}`),
      Array.from({ length: CHUNKS_PER_READ }, (_, i) => `c${CHUNKS_PER_READ + i}`),
      [`c${n - 1}`],
    ]);
    expect(reads[2]!.after).toBeDefined();
    reads[1]!.settle(rowsOf(reads[1]!.ids));
    expect(((await next) as Batch<Row>).values[0]!.id).toBe(`c${CHUNKS_PER_READ}a`);
    expect(Object.keys(r.snapshotState())).toHaveLength(CHUNKS_PER_READ + 1);
    await r.close();
  });

  it('a group read ahead that fails fails the poll that needs it, and not before', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const r = new MysqlCdcReader(o, 5401);
      r.addSplits(Array.from({ length: CHUNKS_PER_READ * 2 }, (_, i) => split(i)));
      const first = r.poll() as Promise<unknown>;
      await flush();
      reads[1]!.fail(new Error('gone'));
      reads[0]!.settle(rowsOf(reads[0]!.ids));
      expect(((await first) as Batch<Row>).values).toHaveLength(2);
      for (let i = 1; i < CHUNKS_PER_READ; i++) expect(r.poll()).toBeInstanceOf(Batch);
      await flush();
      expect(unhandled).not.toHaveBeenCalled();
      await expect(r.poll()).rejects.toThrow('gone');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
