// Compound interval literals (`INTERVAL '1-2' YEAR TO MONTH`, `'1 02:03' DAY TO MINUTE`, ...) in
// Weir against DuckDB, which reads the same interval as a sum of single-unit ones: random
// intervals added to random timestamps.
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const RANGES = [
  ['YEAR', 'MONTH'],
  ['DAY', 'HOUR'],
  ['DAY', 'MINUTE'],
  ['DAY', 'SECOND'],
  ['HOUR', 'MINUTE'],
  ['HOUR', 'SECOND'],
  ['MINUTE', 'SECOND'],
] as const;
const ORDER = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];

/** An interval as Weir's literal and as DuckDB's sum of single units. */
const interval = fc
  .record({
    range: fc.constantFrom(...RANGES),
    values: fc.array(fc.integer({ min: 0, max: 70 }), { minLength: 4, maxLength: 4 }),
    millis: fc.integer({ min: 0, max: 999 }),
    negative: fc.boolean(),
  })
  .map(({ range, values, millis, negative }) => {
    const fields = ORDER.slice(ORDER.indexOf(range[0]), ORDER.indexOf(range[1]) + 1);
    const v = fields.map((f, i) =>
      f === 'MONTH' ? values[i]! % 12 : f === 'HOUR' && i > 0 ? values[i]! % 24 : f !== fields[0] ? values[i]! % 60 : values[i]!,
    );
    const sec = (i: number) => `${String(v[i]).padStart(2, '0')}.${String(millis).padStart(3, '0')}`;
    const text = fields
      .map((f, i) => (i === 0 ? '' : fields[i - 1] === 'YEAR' ? '-' : fields[i - 1] === 'DAY' ? ' ' : ':') + (f === 'SECOND' ? sec(i) : String(v[i])))
      .join('');
    const sign = negative ? '-' : '';
    const weir = `INTERVAL '${sign}${text}' ${range[0]} TO ${range[1]}`;
    const parts = fields.map((f, i) => (f === 'SECOND' ? `INTERVAL ${v[i]! * 1000 + millis} MILLISECOND` : `INTERVAL ${v[i]} ${f}`));
    const duck = `${negative ? '- ' : ''}(${parts.join(' + ')})`;
    return { weir, duck };
  });
const timestamp = fc.integer({ min: 946_684_800, max: 1_893_456_000 }).map((s) => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' '));

describe('compound interval literals vs DuckDB', () => {
  it('TIMESTAMP + and - each range give the same wall-clock time', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(timestamp, interval), { minLength: 1, maxLength: 10 }), async (cases) => {
          const tEnv = TableEnvironment.create();
          const weirSql = cases
            .map(([ts, i]) => `SELECT CAST(TIMESTAMP '${ts}' + ${i.weir} AS STRING), CAST(TIMESTAMP '${ts}' - ${i.weir} AS STRING)`)
            .join(' UNION ALL ');
          const duckSql = cases
            .map(
              ([ts, i]) =>
                `SELECT strftime(TIMESTAMP '${ts}' + ${i.duck}, '%Y-%m-%d %H:%M:%S.%g'), strftime(TIMESTAMP '${ts}' - ${i.duck}, '%Y-%m-%d %H:%M:%S.%g')`,
            )
            .join(' UNION ALL ');
          const t = tEnv.sqlQuery(weirSql);
          const w = (await t.execute().collect()).map((r) => JSON.stringify(t.columns.map((col) => r[col.name]))).sort();
          const d = ((await c.runAndReadAll(duckSql)).getRowsJS() as unknown[][]).map((r) => JSON.stringify(r)).sort();
          expect(w).toEqual(d);
        }),
        { numRuns: 30 },
      );
    } finally {
      c.closeSync();
      db.closeSync();
    }
  }, 120_000);

  it('a text not of the range is refused, showing the form; FLOOR(x TO DAY) still reads TO as its own', () => {
    const tEnv = TableEnvironment.create();
    expect(() => tEnv.sqlQuery("SELECT INTERVAL '1:2' DAY TO MINUTE")).toThrow(/not an interval DAY TO MINUTE \(write it as '1 02:03'\)/);
    expect(() => tEnv.sqlQuery("SELECT INTERVAL '1 2' YEAR TO MONTH")).toThrow(/years-months/);
    expect(tEnv.sqlQuery("SELECT FLOOR(TIMESTAMP '2024-01-01 10:00:00' + INTERVAL '1' HOUR TO DAY) AS d").columns[0]!.type.name).toBe('TIMESTAMP');
  });
});
