// The pure parts of the CDC protocol: LSNs, snapshot visibility, chunk routing, reconciliation and
// the log filter, without a database.
import { describe, expect, it } from 'vitest';
import { RowKind } from '../../../src/core/row-kind.js';
import { chunkIndexOf, chunksAt } from '../../../src/connectors/postgres-cdc/chunks.js';
import { reconcileChunk } from '../../../src/connectors/postgres-cdc/chunk-reconciler.js';
import { LogFilter } from '../../../src/connectors/postgres-cdc/log-filter.js';
import { formatLsn, parseLsn } from '../../../src/connectors/postgres-cdc/lsn.js';
import { parseXidSnapshot, visibleIn } from '../../../src/connectors/postgres-cdc/xid-snapshot.js';

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
    const [chunk] = chunksAt(['100']);
    const snapshot = parseXidSnapshot('50:60:55');
    const selected = [
      { id: '1', v: 1 },
      { id: '2', v: 2 },
    ];
    const rows = reconcileChunk(selected, 'id', chunk!, snapshot, 1000n, [
      // seen by the SELECT: already in the rows
      { xid: 52, commitLsn: 10n, changes: [{ kind: RowKind.DELETE, key: 1n, row: { id: '1' } }] },
      // unseen, before the watermark
      {
        xid: 55,
        commitLsn: 20n,
        changes: [
          { kind: RowKind.UPDATE_AFTER, key: 2n, row: { id: '2', v: 20 } },
          { kind: RowKind.INSERT, key: 3n, row: { id: '3', v: 3 } },
        ],
      },
      {
        xid: 61,
        commitLsn: 30n,
        changes: [
          { kind: RowKind.DELETE, key: 3n, row: { id: '3' } },
          { kind: RowKind.INSERT, key: 500n, row: { id: '500', v: 5 } },
        ],
      },
      // after the watermark: the log split emits it
      { xid: 62, commitLsn: 1000n, changes: [{ kind: RowKind.INSERT, key: 4n, row: { id: '4', v: 4 } }] },
    ]);
    expect(rows).toEqual([
      { id: '1', v: 1 },
      { id: '2', v: 20 },
    ]);
  });

  it('reconciliation takes an unchanged TOAST value the log left out of an update from the row before it', () => {
    const [chunk] = chunksAt(['100']);
    const selected = [{ id: '7', v: 1, big: 'x'.repeat(5000) }];
    const rows = reconcileChunk(selected, 'id', chunk!, parseXidSnapshot('50:60:55'), 1000n, [
      {
        xid: 55,
        commitLsn: 20n,
        changes: [
          { kind: RowKind.UPDATE_BEFORE, key: 7n, row: { id: '7', v: undefined, big: undefined } },
          { kind: RowKind.UPDATE_AFTER, key: 7n, row: { id: '7', v: 2, big: undefined } },
        ],
      },
    ]);
    expect(rows).toEqual([{ id: '7', v: 2, big: 'x'.repeat(5000) }]);
  });

  it('the log filter passes a chunk key only after its watermark, and everything once all passed', () => {
    const chunks = chunksAt(['10']);
    const f = new LogFilter(chunks, []);
    expect([f.passes(1n), f.passes(20n)]).toEqual([false, false]);
    f.see('chunk-1');
    expect([f.passes(1n), f.passes(20n)]).toEqual([false, true]);
    expect(f.state()).toEqual(['chunk-1']);
    f.see('chunk-0');
    expect(f.state()).toBe('all');
  });
});
