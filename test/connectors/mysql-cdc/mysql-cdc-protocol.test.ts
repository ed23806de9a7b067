// The parts of mysql-cdc that need no server: binlog position order, rebuilding a chunk as of its
// low mark from a SELECT and the binlog around it, and option checks.
import { describe, expect, it } from 'vitest';
import { comparePositions } from '../../../src/connectors/mysql-cdc/binlog-position.js';
import { shortestFloat32 } from '../../../src/connectors/mysql-cdc/binlog-stream.js';
import { rowsAtLow } from '../../../src/connectors/mysql-cdc/chunk-reconciler.js';
import { resolveOptions } from '../../../src/connectors/mysql-cdc/mysql-cdc-options.js';
import type { BinlogTransaction, Row } from '../../../src/connectors/mysql-cdc/row-changes.js';
import { RowKind } from '../../../src/core/row-kind.js';

const at = (file: number, pos: number) => ({ file: `mysql-bin.${String(file).padStart(6, '0')}`, pos });
const tx = (end: { file: string; pos: number }, ...changes: [RowKind, number, Row][]): BinlogTransaction => ({
  end,
  opTs: 1,
  changes: changes.map(([kind, key, row]) => ({ kind, key: BigInt(key), row })),
});
const byId = (rows: Row[]) => Object.fromEntries(rows.map((r) => [String(r.id), r.v]));

describe('binlog positions', () => {
  it('order by file number, then offset', () => {
    expect(comparePositions(at(1, 900), at(2, 4))).toBeLessThan(0);
    expect(comparePositions(at(2, 500), at(2, 400))).toBeGreaterThan(0);
    expect(comparePositions(at(9, 10), at(10, 4))).toBeLessThan(0);
    expect(comparePositions(at(3, 7), at(3, 7))).toBe(0);
  });
});

describe('rowsAtLow', () => {
  const chunk = { id: 'c', lo: '1', hi: '10' };
  const low = at(1, 500);

  it('undoes what committed after the low mark, whether or not the SELECT saw it', () => {
    // The SELECT saw the update of 1 and the insert of 3 (both after low), not the delete of 2.
    const selected = [
      { id: 1, v: 'b' },
      { id: 2, v: 'x' },
      { id: 3, v: 'n' },
      { id: 4, v: 'same' },
    ];
    const log = [
      tx(at(1, 600), [RowKind.UPDATE_BEFORE, 1, { id: 1, v: 'a' }], [RowKind.UPDATE_AFTER, 1, { id: 1, v: 'b' }]),
      tx(at(1, 700), [RowKind.INSERT, 3, { id: 3, v: 'n' }]),
      tx(at(1, 800), [RowKind.DELETE, 2, { id: 2, v: 'x' }]),
    ];
    expect(byId(rowsAtLow(selected, 'id', chunk, low, log))).toEqual({ 1: 'a', 2: 'x', 4: 'same' });
  });

  it('applies what committed up to the low mark when the SELECT did not see it yet', () => {
    const selected = [{ id: 5, v: 'old' }];
    const log = [
      tx(at(1, 400), [RowKind.UPDATE_BEFORE, 5, { id: 5, v: 'old' }], [RowKind.UPDATE_AFTER, 5, { id: 5, v: 'new' }]),
      tx(at(1, 450), [RowKind.INSERT, 6, { id: 6, v: 'i' }]),
    ];
    expect(byId(rowsAtLow(selected, 'id', chunk, low, log))).toEqual({ 5: 'new', 6: 'i' });
  });

  it('takes the first change after the low mark and ignores keys of other chunks', () => {
    const log = [
      tx(at(2, 10), [RowKind.INSERT, 7, { id: 7, v: 'first' }]),
      tx(at(2, 20), [RowKind.DELETE, 7, { id: 7, v: 'first' }]),
      tx(at(2, 30), [RowKind.INSERT, 7, { id: 7, v: 'again' }]),
      tx(at(1, 100), [RowKind.INSERT, 42, { id: 42, v: 'elsewhere' }]),
    ];
    expect(rowsAtLow([{ id: 7, v: 'again' }], 'id', chunk, low, log)).toEqual([]);
  });
});

describe('mysql-cdc options', () => {
  const base = { hostname: 'h', username: 'u', 'database-name': 'd', 'table-name': 't' };
  it('reads a server-id range and refuses a reversed one', () => {
    expect(resolveOptions({ ...base, 'server-id': '5400-5404' }).serverIds).toEqual({ first: 5400, last: 5404 });
    expect(resolveOptions({ ...base, 'server-id': 7 }).serverIds).toEqual({ first: 7, last: 7 });
    expect(() => resolveOptions({ ...base, 'server-id': '9-3' })).toThrow(/server-id/);
  });

  it('a binlog FLOAT becomes the number a query reads, not its float32 bits as a double', () => {
    for (const text of ['3.40282e38', '0.1', '-1.17549e-38', '1.2345678', '0', '-42.5']) {
      expect(shortestFloat32(Math.fround(Number(text)))).toBe(Number(text));
    }
  });
});
