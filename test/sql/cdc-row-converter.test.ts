import { describe, expect, it } from 'vitest';
import { cdcRowConverter } from '../../src/sql/connectors/cdc-row-converter.js';
import type { Column } from '../../src/sql/expression-compiler.js';

const col = (name: string, type: Column['type']): Column => ({ name, type, nullable: true });

describe('CDC values into the new SQL types', () => {
  const convert = cdcRowConverter(
    'accounts',
    [
      col('id', { name: 'INT' }),
      col('balance', { name: 'DECIMAL', precision: 20, scale: 2 }),
      col('opened', { name: 'DATE' }),
      col('at', { name: 'TIME' }),
      col('seen', { name: 'TIMESTAMP_LTZ', precision: 3 }),
    ],
    new Map(),
    ['id'],
  );

  it('keeps DECIMAL text exact at the column scale, and reads DATE, TIME and instants', () => {
    const row = convert({ id: 1, balance: '12345678901234567.89', opened: '2026-12-03', at: '10:11:12.5', seen: new Date(Date.UTC(2026, 11, 3, 1, 2, 3, 4)) });
    expect(row.balance).toBe(1234567890123456789n);
    expect(row.opened).toBe(Date.UTC(2026, 11, 3) / 86_400_000);
    expect(row.at).toBe(((10 * 60 + 11) * 60 + 12) * 1000 + 500);
    expect(row.seen).toBe(Date.UTC(2026, 11, 3, 1, 2, 3, 4));
  });

  it('rounds nothing away silently: a value that is not a number fails naming the column', () => {
    expect(() => convert({ id: 1, balance: 'abc', opened: null, at: null, seen: null })).toThrow(
      /Column 'balance': 'abc' from the database is not a DECIMAL\(20, 2\)/,
    );
    expect(() => convert({ id: 1, balance: null, opened: 'not a date', at: null, seen: null })).toThrow(/Column 'opened'/);
  });
});

describe('CDC values at the edges of their types', () => {
  const convert = cdcRowConverter(
    'edges',
    [
      col('id', { name: 'INT' }),
      col('d', { name: 'DOUBLE' }),
      col('day', { name: 'DATE' }),
      col('wall', { name: 'TIMESTAMP', precision: 3 }),
      col('at', { name: 'TIMESTAMP_LTZ', precision: 3 }),
    ],
    new Map(),
    ['id'],
  );

  it('keeps the INT minimum, NaN and infinities, year 1, and reads an instant without offset as UTC', () => {
    const row = convert({ id: -2147483648, d: Number.NaN, day: '0001-01-01', wall: '0001-01-01 00:00:00.001', at: '2024-01-01 00:00:00.5' });
    expect(row.id).toBe(-2147483648);
    expect(row.d).toBeNaN();
    expect(row.day).toBe(Math.floor(new Date('0001-01-01T00:00:00Z').getTime() / 86_400_000));
    expect(row.wall).toBe(new Date('0001-01-01T00:00:00.001Z').getTime());
    expect(row.at).toBe(Date.UTC(2024, 0, 1, 0, 0, 0, 500));
    expect(convert({ id: 1, d: -Infinity, day: null, wall: null, at: null }).d).toBe(-Infinity);
  });

  it('fails naming the column for an INT below its minimum and a date out of range', () => {
    expect(() => convert({ id: -2147483649, d: null, day: null, wall: null, at: null })).toThrow(/Column 'id'/);
    expect(() => convert({ id: 1, d: null, day: null, wall: new Date(Number.NaN), at: null })).toThrow(/Column 'wall': a date out of range/);
  });

  it('fails naming the column for a MySQL TIME outside the day (declare such a column STRING)', () => {
    const time = cdcRowConverter('t', [col('id', { name: 'INT' }), col('tm', { name: 'TIME', precision: 3 })], new Map(), ['id']);
    expect(time({ id: 1, tm: '23:59:59.999' }).tm).toBe(86_399_999);
    expect(() => time({ id: 1, tm: '-838:59:59' })).toThrow(/Column 'tm': '-838:59:59' from the database is not a TIME/);
    expect(() => time({ id: 1, tm: '25:00:00' })).toThrow(/Column 'tm'/);
  });
});
