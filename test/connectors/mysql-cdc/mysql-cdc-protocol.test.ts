// The parts of mysql-cdc that need no server: binlog position order, rebuilding a chunk as of its
// low mark from a SELECT and the binlog around it, and option checks.
import { describe, expect, it } from 'vitest';
import { comparePositions } from '../../../src/connectors/mysql-cdc/binlog-position.js';
import { shortestFloat32 } from '../../../src/connectors/mysql-cdc/binlog-stream.js';
import { rowsAtLow } from '../../../src/connectors/mysql-cdc/chunk-reconciler.js';
import { resolveOptions } from '../../../src/connectors/mysql-cdc/mysql-cdc-options.js';
import type { BinlogTransaction, Row } from '../../../src/connectors/mysql-cdc/row-changes.js';
import type { CapturedTable } from '../../../src/connectors/mysql-cdc/captured-tables.js';
import { SchemaTracker } from '../../../src/connectors/mysql-cdc/schema-changes.js';
import { RowKind } from '../../../src/core/row-kind.js';
import { MysqlCdcEnumerator } from '../../../src/connectors/mysql-cdc/cdc-enumerator.js';
import type { MysqlCdcSplit } from '../../../src/connectors/mysql-cdc/cdc-splits.js';
import { logSplitWaitCases } from '../log-split-wait-cases.js';

const at = (file: number, pos: number) => ({ file: `mysql-bin.${String(file).padStart(6, '0')}`, pos });
const items: CapturedTable = { database: 'd', table: 'items', keyColumns: ['id'], chunkColumn: 'id', columns: ['id', 'v'] };
const tx = (end: { file: string; pos: number }, ...changes: [RowKind, number, Row, string?][]): BinlogTransaction => ({
  end,
  opTs: 1,
  changes: changes.map(([kind, key, row, table]) => ({ kind, table: table ?? 'd.items', key: String(key), chunkKey: BigInt(key), row })),
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
  const chunk = { id: 'c', lo: '1', hi: '10', table: 'd.items' };
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
    expect(byId(rowsAtLow(selected, items, chunk, low, log))).toEqual({ 1: 'a', 2: 'x', 4: 'same' });
  });

  it('applies what committed up to the low mark when the SELECT did not see it yet', () => {
    const selected = [{ id: 5, v: 'old' }];
    const log = [
      tx(at(1, 400), [RowKind.UPDATE_BEFORE, 5, { id: 5, v: 'old' }], [RowKind.UPDATE_AFTER, 5, { id: 5, v: 'new' }]),
      tx(at(1, 450), [RowKind.INSERT, 6, { id: 6, v: 'i' }]),
    ];
    expect(byId(rowsAtLow(selected, items, chunk, low, log))).toEqual({ 5: 'new', 6: 'i' });
  });

  it('takes the first change after the low mark and ignores keys of other chunks', () => {
    const log = [
      tx(at(2, 10), [RowKind.INSERT, 7, { id: 7, v: 'first' }]),
      tx(at(2, 20), [RowKind.DELETE, 7, { id: 7, v: 'first' }]),
      tx(at(2, 30), [RowKind.INSERT, 7, { id: 7, v: 'again' }]),
      tx(at(1, 100), [RowKind.INSERT, 42, { id: 42, v: 'elsewhere' }]),
      tx(at(1, 100), [RowKind.INSERT, 8, { id: 8, v: 'other table' }, 'd.others']),
    ];
    expect(rowsAtLow([{ id: 7, v: 'again' }], items, chunk, low, log)).toEqual([]);
  });
});

describe('rowsAtLow with a composite key', () => {
  // Chunked on the first key column; rows are told apart by the whole key.
  const lines: CapturedTable = { database: 'd', table: 'lines', keyColumns: ['o', 'n'], chunkColumn: 'o', columns: ['o', 'n', 'v'] };
  const change = (kind: RowKind, row: Row) => ({ kind, table: 'd.lines', key: `${row.o}\u0000${row.n}`, chunkKey: BigInt(row.o as number), row });
  it('undoes a change after the low mark of one key without touching the other keys of the same first column', () => {
    const selected = [
      { o: 1, n: 1, v: 'a' },
      { o: 1, n: 2, v: 'b2' },
    ];
    const log: BinlogTransaction[] = [
      { end: at(1, 600), opTs: 1, changes: [change(RowKind.UPDATE_BEFORE, { o: 1, n: 2, v: 'b' }), change(RowKind.UPDATE_AFTER, { o: 1, n: 2, v: 'b2' })] },
      { end: at(1, 700), opTs: 1, changes: [change(RowKind.INSERT, { o: 5, n: 1, v: 'later' })] },
    ];
    const rows = rowsAtLow(selected, lines, { id: 'c', lo: '1', hi: '5', table: 'd.lines' }, at(1, 500), log);
    expect(rows.map((r) => `${r.o}/${r.n}=${r.v}`).sort()).toEqual(['1/1=a', '1/2=b']);
  });
});

describe('schema changes in the binlog', () => {
  const pos = at(3, 120);
  const tables: CapturedTable[] = [items];
  it('follows ADD COLUMN under evolve: the new column passes on', () => {
    const s = new SchemaTracker(tables, 'evolve');
    expect(s.onStatement('ALTER TABLE items ADD COLUMN note varchar(20) DEFAULT NULL', 'd', pos)).toBeUndefined();
    expect(s.onStatement('alter table `d`.`items` add index (v), add c2 int', 'x', pos)).toBeUndefined();
    expect(s.shape('d.items', { id: 1, v: 2, note: 'n' }, () => pos)).toEqual({ id: 1, v: 2, note: 'n' });
  });
  it('leaves added columns out of the rows under ignore', () => {
    const s = new SchemaTracker(tables, 'ignore');
    expect(s.onStatement('ALTER TABLE items ADD note text', 'd', pos)).toBeUndefined();
    expect(s.shape('d.items', { id: 1, v: 2, note: 'n' }, () => pos)).toEqual({ id: 1, v: 2 });
  });
  it('stops at ADD COLUMN under exception, naming the table, position and statement', () => {
    const s = new SchemaTracker(tables, 'exception');
    expect(s.onStatement('ALTER TABLE d.items ADD COLUMN note text', 'd', pos)?.message).toMatch(
      /mysql-cdc d\.items: schema change at mysql-bin\.000003:120 stops the job \('schema\.change\.behavior' is exception\): ALTER TABLE d\.items ADD COLUMN note text/,
    );
  });
  it('stops at DROP, MODIFY, CHANGE, RENAME and TRUNCATE of a captured table whatever the behaviour, and not at other tables', () => {
    const s = new SchemaTracker(tables, 'evolve');
    for (const ddl of [
      'ALTER TABLE items DROP COLUMN v',
      'ALTER TABLE items MODIFY v bigint',
      'ALTER TABLE items CHANGE v w int',
      'ALTER TABLE items RENAME COLUMN v TO w',
      'RENAME TABLE items TO items_old',
      'DROP TABLE IF EXISTS `items`',
      'TRUNCATE TABLE d.items',
    ])
      expect(s.onStatement(ddl, 'd', pos)?.message, ddl).toMatch(/stops the job/);
    expect(s.onStatement('ALTER TABLE other DROP COLUMN v', 'd', pos)).toBeUndefined();
    expect(s.onStatement('ALTER TABLE items DROP COLUMN v', 'elsewhere', pos)).toBeUndefined();
    expect(s.onStatement('ALTER TABLE items ALTER COLUMN v SET DEFAULT 3, ADD INDEX iv (v)', 'd', pos)).toBeUndefined();
  });
  it('stops when rows lose a column it was not told about', () => {
    const s = new SchemaTracker(tables, 'evolve');
    expect(() => s.shape('d.items', { id: 1 }, () => pos)).toThrow(/column\(s\) v no longer in the rows/);
  });
});

describe('mysql-cdc options', () => {
  const base = { hostname: 'h', username: 'u', 'database-name': 'd', 'table-name': 't' };
  it('reads a server-id range and refuses a reversed one', () => {
    expect(resolveOptions({ ...base, 'server-id': '5400-5404' }).serverIds).toEqual({ first: 5400, last: 5404 });
    expect(resolveOptions({ ...base, 'server-id': 7 }).serverIds).toEqual({ first: 7, last: 7 });
    expect(() => resolveOptions({ ...base, 'server-id': '9-3' })).toThrow(/server-id/);
  });
  it('reads scan.newly-added-table.enabled (off by default, as a boolean or SQL text), which needs the initial startup mode', () => {
    expect(resolveOptions(base).newlyAddedTables).toBe(false);
    expect(resolveOptions({ ...base, 'scan.newly-added-table.enabled': true }).newlyAddedTables).toBe(true);
    expect(resolveOptions({ ...base, 'scan.newly-added-table.enabled': 'true' as unknown as boolean }).newlyAddedTables).toBe(true);
    expect(resolveOptions({ ...base, 'scan.newly-added-table.enabled': 'false' as unknown as boolean }).newlyAddedTables).toBe(false);
    expect(() => resolveOptions({ ...base, 'scan.newly-added-table.enabled': true, 'scan.startup.mode': 'latest-offset' })).toThrow(
      /'scan.newly-added-table.enabled' needs 'scan.startup.mode' = 'initial'/,
    );
  });
  it('reads the startup modes without a snapshot with their position or time, each naming what is missing or misplaced', () => {
    expect(resolveOptions({ ...base, 'scan.startup.mode': 'earliest-offset' }).startupMode).toBe('earliest-offset');
    const specific = resolveOptions({
      ...base,
      'scan.startup.mode': 'specific-offset',
      'scan.startup.specific-offset.file': 'mysql-bin.000003',
      'scan.startup.specific-offset.pos': '1234' as unknown as number,
    });
    expect(specific.startupOffset).toEqual({ file: 'mysql-bin.000003', pos: 1234 });
    expect(resolveOptions({ ...base, 'scan.startup.mode': 'timestamp', 'scan.startup.timestamp-millis': 1_700_000_000_000 }).startupTimestamp).toBe(
      1_700_000_000_000,
    );
    expect(() => resolveOptions({ ...base, 'scan.startup.mode': 'specific-offset', 'scan.startup.specific-offset.file': 'mysql-bin.000003' })).toThrow(
      /'specific-offset' needs 'scan.startup.specific-offset.gtid-set', or both 'scan.startup.specific-offset.file' and 'scan.startup.specific-offset.pos'/,
    );
    // A GTID set alone, or beside a file and offset (it wins, as in Flink CDC), starts by GTID.
    const gtid = { ...base, 'scan.startup.mode': 'specific-offset' as const, 'scan.startup.specific-offset.gtid-set': ' 0-1-42 ' };
    expect(resolveOptions(gtid).startupOffset).toEqual({ file: '', pos: 0, gtid: '0-1-42' });
    expect(resolveOptions({ ...gtid, 'scan.startup.specific-offset.file': 'f.000001', 'scan.startup.specific-offset.pos': 4 }).startupOffset).toEqual({
      file: '',
      pos: 0,
      gtid: '0-1-42',
    });
    expect(() => resolveOptions({ ...gtid, 'scan.startup.specific-offset.gtid-set': ' ' })).toThrow(/'scan.startup.specific-offset.gtid-set' must name GTIDs/);
    expect(() => resolveOptions({ ...base, 'scan.startup.specific-offset.gtid-set': '0-1-42' })).toThrow(
      /'scan.startup.specific-offset.file', '.pos' and '.gtid-set' need 'scan.startup.mode' = 'specific-offset', not 'initial'/,
    );
    expect(() =>
      resolveOptions({
        ...base,
        'scan.startup.mode': 'specific-offset',
        'scan.startup.specific-offset.file': 'f.000001',
        'scan.startup.specific-offset.pos': 2,
      }),
    ).toThrow(/'scan.startup.specific-offset.pos' = 2 is inside the file's header/);
    expect(() =>
      resolveOptions({
        ...base,
        'scan.startup.mode': 'specific-offset',
        'scan.startup.specific-offset.file': 'f.000001',
        'scan.startup.specific-offset.pos': -5,
      }),
    ).toThrow(/'scan.startup.specific-offset.pos' must be a non-negative integer, got '-5'/);
    expect(() => resolveOptions({ ...base, 'scan.startup.mode': 'timestamp' })).toThrow(/'timestamp' needs 'scan.startup.timestamp-millis'/);
    expect(() => resolveOptions({ ...base, 'scan.startup.mode': 'timestamp', 'scan.startup.timestamp-millis': 'noon' as unknown as number })).toThrow(
      /'scan.startup.timestamp-millis' must be a non-negative integer, got 'noon'/,
    );
    expect(() => resolveOptions({ ...base, 'scan.startup.timestamp-millis': 5 })).toThrow(
      /'scan.startup.timestamp-millis' needs 'scan.startup.mode' = 'timestamp', not 'initial'/,
    );
    expect(() => resolveOptions({ ...base, 'scan.startup.mode': 'latest-offset', 'scan.startup.specific-offset.pos': 4 })).toThrow(
      /need 'scan.startup.mode' = 'specific-offset', not 'latest-offset'/,
    );
    expect(() => resolveOptions({ ...base, 'scan.startup.mode': 'committed-offset' as never })).toThrow(
      /'committed-offset' is not one of initial, latest-offset, earliest-offset, specific-offset, timestamp, snapshot/,
    );
  });
  it('reads heartbeat.interval as a duration (30 s by default, 0 for none)', () => {
    expect(resolveOptions(base).heartbeatMs).toBe(30_000);
    expect(resolveOptions({ ...base, 'heartbeat.interval': '5s' }).heartbeatMs).toBe(5000);
    expect(resolveOptions({ ...base, 'heartbeat.interval': 0 }).heartbeatMs).toBe(0);
    expect(() => resolveOptions({ ...base, 'heartbeat.interval': 'often' })).toThrow(/mysql-cdc: 'heartbeat.interval': Invalid duration: 'often'/);
  });
  it('reads database-name and table-name as whole-name regular expressions, and schema.change.behavior', () => {
    const o = resolveOptions({ ...base, 'database-name': 'shop_\\d+', 'table-name': 'orders|items' });
    expect(o.matches('shop_12', 'items')).toBe(true);
    expect(o.matches('shop_12x', 'items')).toBe(false);
    expect(o.matches('shop_1', 'orders')).toBe(true);
    expect(o.matches('shop_1', 'items2')).toBe(false);
    // Flink CDC 3's form: `\.` is any character, the first bare `.` separates database and table.
    const cdc3 = resolveOptions({ hostname: 'h', username: 'u', tables: 'app_db.\\.*, other.t_[0-9]+' });
    expect(cdc3.matches('app_db', 'anything')).toBe(true);
    expect(cdc3.matches('other', 't_12')).toBe(true);
    expect(cdc3.matches('other', 'anything')).toBe(false);
    expect(o.schemaChange).toBe('evolve');
    expect(() => resolveOptions({ ...base, 'table-name': 'a(' })).toThrow(/'table-name' = 'a\(' is not a regular expression/);
    expect(() => resolveOptions({ ...base, 'schema.change.behavior': 'lenient' as never })).toThrow(/schema\.change\.behavior/);
  });

  it('a binlog FLOAT becomes the number a query reads, not its float32 bits as a double', () => {
    for (const text of ['3.40282e38', '0.1', '-1.17549e-38', '1.2345678', '0', '-42.5']) {
      expect(shortestFloat32(Math.fround(Number(text)))).toBe(Number(text));
    }
  });
});

logSplitWaitCases<MysqlCdcSplit>('mysql-cdc', {
  make: (ctx) => new MysqlCdcEnumerator(resolveOptions({ hostname: 'h', username: 'u', 'database-name': 'd', 'table-name': 'items' }), ctx, undefined),
  // No server: the first call finds the layout, the others note the binlog's end (a low mark).
  answer: (call) =>
    call === 0
      ? {
          tables: [items],
          start: at(1, 4),
          chunks: [
            { id: 'd.items#0', lo: null, hi: '10', table: 'd.items' },
            { id: 'd.items#1', lo: '10', hi: null, table: 'd.items' },
          ],
        }
      : at(1, 100 + call),
  requestsAfterEmit: [0, 1],
});
