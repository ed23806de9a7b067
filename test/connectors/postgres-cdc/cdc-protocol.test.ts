// The pure parts of the CDC protocol: LSNs, snapshot visibility, chunk routing, reconciliation and
// the log filter, without a database.
import { RelationTracker } from '../../../src/connectors/postgres-cdc/relation-changes.js';
import { describe, expect, it } from 'vitest';
import { RowKind } from '../../../src/core/row-kind.js';
import { chunkIndexOf, chunksAt } from '../../../src/connectors/postgres-cdc/chunks.js';
import { reconcileChunk } from '../../../src/connectors/postgres-cdc/chunk-reconciler.js';
import { LogFilter } from '../../../src/connectors/postgres-cdc/log-filter.js';
import { resolveOptions, type PostgresCdcOptions } from '../../../src/connectors/postgres-cdc/postgres-cdc-options.js';
import { formatLsn, parseLsn } from '../../../src/connectors/postgres-cdc/lsn.js';
import { parseXidSnapshot, visibleIn } from '../../../src/connectors/postgres-cdc/xid-snapshot.js';
import { CdcEnumerator } from '../../../src/connectors/postgres-cdc/cdc-enumerator.js';
import type { CdcSplit } from '../../../src/connectors/postgres-cdc/cdc-splits.js';
import { logSplitWaitCases } from '../log-split-wait-cases.js';

const T = { schema: 'public', table: 't', keyColumns: ['id'], chunkColumn: 'id' };

describe('postgres-cdc protocol', () => {
  it('LSNs parse to ordered bigints and print back', () => {
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
    expect(formatLsn(parseLsn('16/B374D848'))).toBe('16/B374D848');
  });

  it('a snapshot sees transactions below xmin and below xmax outside the in-progress list', () => {
    const s = parseXidSnapshot('100:105:101,103');
    expect([99, 100, 101, 102, 103, 104, 105].map((x) => visibleIn(s, x))).toEqual([true, true, false, true, false, true, false]);
    // 32-bit ids of the next epoch are placed by xmax's epoch.
    const wrapped = parseXidSnapshot(`${2n ** 32n + 5n}:${2n ** 32n + 9n}:`);
    expect(visibleIn(wrapped, 4)).toBe(true);
    expect(visibleIn(wrapped, 9)).toBe(false);
    expect(visibleIn(wrapped, 0xfffffff0)).toBe(true);
  });

  it('chunks cover every key once', () => {
    const chunks = chunksAt(['10', '20']);
    expect([-5n, 9n, 10n, 19n, 20n, 999n].map((k) => chunks[chunkIndexOf(chunks, k)]!.id)).toEqual([
      'chunk-0',
      'chunk-0',
      'chunk-1',
      'chunk-1',
      'chunk-2',
      'chunk-2',
    ]);
  });

  it('reconciliation applies the unseen transactions before the high watermark, in commit order', () => {
    const chunk = { ...chunksAt(['100'])[0]!, table: 'public.t' };
    const snapshot = parseXidSnapshot('50:60:55');
    const selected = [
      { id: '1', v: 1 },
      { id: '2', v: 2 },
    ];
    const rows = reconcileChunk(selected, T, chunk, snapshot, 1000n, [
      // seen by the SELECT: already in the rows
      { xid: 52, commitLsn: 10n, changes: [{ kind: RowKind.DELETE, table: 'public.t', key: '1', chunkKey: 1n, row: { id: '1' } }] },
      // unseen, before the watermark
      {
        xid: 55,
        commitLsn: 20n,
        changes: [
          { kind: RowKind.UPDATE_AFTER, table: 'public.t', key: '2', chunkKey: 2n, row: { id: '2', v: 20 } },
          { kind: RowKind.INSERT, table: 'public.t', key: '3', chunkKey: 3n, row: { id: '3', v: 3 } },
        ],
      },
      {
        xid: 61,
        commitLsn: 30n,
        changes: [
          { kind: RowKind.DELETE, table: 'public.t', key: '3', chunkKey: 3n, row: { id: '3' } },
          { kind: RowKind.INSERT, table: 'public.t', key: '500', chunkKey: 500n, row: { id: '500', v: 5 } },
        ],
      },
      // after the watermark: the log split emits it
      { xid: 62, commitLsn: 1000n, changes: [{ kind: RowKind.INSERT, table: 'public.t', key: '4', chunkKey: 4n, row: { id: '4', v: 4 } }] },
    ]);
    expect(rows).toEqual([
      { id: '1', v: 1 },
      { id: '2', v: 20 },
    ]);
  });

  it('reconciliation takes an unchanged TOAST value the log left out of an update from the row before it', () => {
    const chunk = { ...chunksAt(['100'])[0]!, table: 'public.t' };
    const selected = [{ id: '7', v: 1, big: 'x'.repeat(5000) }];
    const rows = reconcileChunk(selected, T, chunk, parseXidSnapshot('50:60:55'), 1000n, [
      {
        xid: 55,
        commitLsn: 20n,
        changes: [
          { kind: RowKind.UPDATE_BEFORE, table: 'public.t', key: '7', chunkKey: 7n, row: { id: '7', v: undefined, big: undefined } },
          { kind: RowKind.UPDATE_AFTER, table: 'public.t', key: '7', chunkKey: 7n, row: { id: '7', v: 2, big: undefined } },
        ],
      },
    ]);
    expect(rows).toEqual([{ id: '7', v: 2, big: 'x'.repeat(5000) }]);
  });

  it('the log filter passes a chunk key only after its watermark, and everything once all passed', () => {
    const chunks = chunksAt(['10']).map((c) => ({ ...c, table: 'public.t' }));
    const f = new LogFilter([...chunks, { id: 'public.u#all', lo: null, hi: null, table: 'public.u' }], []);
    expect([f.passes('public.t', 1n), f.passes('public.t', 20n), f.passes('public.u', undefined)]).toEqual([false, false, false]);
    f.see('chunk-1');
    expect([f.passes('public.t', 1n), f.passes('public.t', 20n)]).toEqual([false, true]);
    expect(f.state()).toEqual(['chunk-1']);
    f.see('public.u#all');
    expect(f.passes('public.u', undefined)).toBe(true);
    f.see('chunk-0');
    expect(f.state()).toBe('all');
  });

  it('the log filter takes the chunks of a table found later as unseen, and a checkpointed all covers only the tables it names', () => {
    const t = chunksAt(['10']).map((c) => ({ ...c, id: `public.t#${c.id}`, table: 'public.t' }));
    const u = chunksAt([]).map((c) => ({ ...c, id: `public.u#${c.id}`, table: 'public.u' }));
    const f = new LogFilter(t, 'all');
    expect([f.passesAll(), f.knows('public.u#chunk-0')]).toEqual([true, false]);
    f.add(u);
    expect([f.passesAll(), f.passes('public.t', 1n), f.passes('public.u', undefined), f.knows('public.u#chunk-0')]).toEqual([false, true, false, true]);
    expect(f.state()).toEqual(['public.t#chunk-0', 'public.t#chunk-1']);
    f.see('public.u#chunk-0');
    expect([f.passesAll(), f.state()]).toEqual([true, 'all']);
    // Restored with u among its chunks from a position taken before u was captured: u's watermark is still to come.
    const restored = new LogFilter([...t, ...u], 'all', new Set(['public.t']));
    expect([restored.passes('public.t', 20n), restored.passes('public.u', undefined), restored.state()]).toEqual([
      true,
      false,
      ['public.t#chunk-0', 'public.t#chunk-1'],
    ]);
    expect(new LogFilter([...t, ...u], 'all', new Set(['public.t', 'public.u'])).state()).toBe('all');
  });
});

describe('reconciliation with a composite key', () => {
  it('tells rows apart by the whole key and ignores other tables', () => {
    const lines = { schema: 'public', table: 'lines', keyColumns: ['o', 'n'], chunkColumn: 'o' };
    const ch = (kind: RowKind, row: { o: number; n: number; v?: string }, table = 'public.lines') => ({
      kind,
      table,
      key: `${row.o}\u0000${row.n}`,
      chunkKey: BigInt(row.o),
      row,
    });
    const rows = reconcileChunk(
      [
        { o: 1, n: 1, v: 'a' },
        { o: 1, n: 2, v: 'b' },
      ],
      lines,
      { id: 'c', lo: null, hi: '5', table: 'public.lines' },
      parseXidSnapshot('50:50:'),
      100n,
      [
        {
          xid: 60,
          commitLsn: 10n,
          changes: [ch(RowKind.DELETE, { o: 1, n: 2 }), ch(RowKind.INSERT, { o: 1, n: 3, v: 'c' }), ch(RowKind.INSERT, { o: 1, n: 9 }, 'public.other')],
        },
      ],
    );
    expect(rows.map((r) => `${r.o}/${r.n}`)).toEqual(['1/1', '1/3']);
  });
});

describe('Relation messages (schema changes)', () => {
  const rel = (...cols: [string, number][]) => ({ schema: 'public', name: 't', columns: cols.map(([name, typeOid]) => ({ name, typeOid, typeMod: -1 })) });
  it('stops at an added column under exception, and at a dropped column under any behaviour', () => {
    const strict = new RelationTracker('public.t', 'exception');
    strict.onRelation(rel(['id', 20], ['v', 23]), '0/10');
    expect(() => strict.onRelation(rel(['id', 20], ['v', 23], ['note', 25]), '0/20')).toThrow(
      /postgres-cdc public\.t: schema change in the transaction committed at LSN 0\/20 stops the job \('schema\.change\.behavior' is exception\): column\(s\) note added/,
    );
    // evolve: the added column passes on; a later drop still stops the job.
    const evolve = new RelationTracker('public.t', 'evolve');
    evolve.onRelation(rel(['id', 20], ['v', 23]), '0/10');
    evolve.onRelation(rel(['id', 20], ['v', 23], ['note', 25]), '0/20');
    expect(evolve.shape({ id: 1, v: 2, note: 'x' })).toEqual({ id: 1, v: 2, note: 'x' });
    expect(() => evolve.onRelation(rel(['id', 20], ['note', 25]), '0/30')).toThrow(/column\(s\) v dropped or renamed/);
  });
});

describe('postgres-cdc options', () => {
  const base: PostgresCdcOptions = { hostname: 'db', username: 'u', 'database-name': 'd', 'table-name': 't', 'slot.name': 's' };
  it('reads scan.newly-added-table.enabled (off by default, as a boolean or SQL text), which needs the initial startup mode', () => {
    expect(resolveOptions(base).newlyAddedTables).toBe(false);
    expect(resolveOptions({ ...base, 'scan.newly-added-table.enabled': true }).newlyAddedTables).toBe(true);
    expect(resolveOptions({ ...base, 'scan.newly-added-table.enabled': 'true' as unknown as boolean }).newlyAddedTables).toBe(true);
    expect(resolveOptions({ ...base, 'scan.newly-added-table.enabled': 'false' as unknown as boolean }).newlyAddedTables).toBe(false);
    expect(() => resolveOptions({ ...base, 'scan.newly-added-table.enabled': true, 'scan.startup.mode': 'latest-offset' })).toThrow(
      /'scan.newly-added-table.enabled' needs 'scan.startup.mode' = 'initial'/,
    );
  });
  it("refuses mysql-cdc's modes that start earlier in the log, saying a slot cannot go back and what to use", () => {
    for (const mode of ['earliest-offset', 'specific-offset', 'timestamp'])
      expect(() => resolveOptions({ ...base, 'scan.startup.mode': mode as never })).toThrow(
        new RegExp(
          `postgres-cdc: 'scan.startup.mode' = '${mode}' is not offered for PostgreSQL .*a replication slot cannot go back .*Use 'latest-offset' .* or 'initial'`,
        ),
      );
  });
});

logSplitWaitCases<CdcSplit>('postgres-cdc', {
  make: (ctx) =>
    new CdcEnumerator(resolveOptions({ hostname: 'db', username: 'u', 'database-name': 'd', 'table-name': 't', 'slot.name': 's' }), ctx, undefined),
  // No database: the layout a first start finds.
  answer: () => ({ tables: [T], chunks: chunksAt(['10']).map((c) => ({ ...c, table: 'public.t' })) }),
  // Each reader asks twice: the first answer is a drain (a request means all but the last hand-out is emitted).
  requestsAfterEmit: [0, 1, 0, 1],
});
