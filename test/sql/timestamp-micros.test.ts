// TIMESTAMP(p), TIMESTAMP_LTZ(p) and TIME(p) for p 4..6 keep microseconds as the fraction of their
// milliseconds: any microsecond of the years where a double holds them exactly formats back to the
// text it was read from; p <= 3 values stay whole milliseconds; lower precisions cut, never round.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import pg from 'pg';
import { MicroDate, microsOf } from '../../src/core/micro-date.js';
import { withTextMicros } from '../../src/connectors/postgres-cdc/timestamp-micros.js';
import { cdcRowConverter } from '../../src/sql/connectors/cdc-row-converter.js';
import type { Column } from '../../src/sql/expression-compiler.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { parseTimestamp } from '../../src/sql/runtime-helpers.js';
import { cutMicros, MICROS_EXACT_MS } from '../../src/sql/types/micros.js';
import { parseInstant } from '../../src/sql/types/instant-text.js';
import { formatTime, formatTimestampP, parseTime } from '../../src/sql/types/temporal.js';
import { textOf } from '../../src/sql/types/value-format.js';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const us6 = (n: number) => String(n).padStart(6, '0');
// Whole seconds of years 1692 to 2247, inside the exact range.
const seconds = fc.integer({ min: Math.ceil(-MICROS_EXACT_MS / 1000) + 1, max: Math.floor(MICROS_EXACT_MS / 1000) - 1 });
const micros = fc.integer({ min: 0, max: 999_999 });

describe('TIMESTAMP(6) text', () => {
  it('any microsecond of years 1692-2247 formats back to the same text', () => {
    fc.assert(
      fc.property(seconds, micros, (s, us) => {
        const text = `${iso(s * 1000)}.${us6(us)}`;
        const v = parseTimestamp(text, 6);
        expect(formatTimestampP(v, 6)).toBe(text);
        expect(textOf({ name: 'TIMESTAMP', precision: 6 })(v)).toBe(text);
        expect(formatTimestampP(v, 4)).toBe(text.slice(0, -2));
      }),
      { numRuns: 2000 },
    );
  });

  it('edges: .000001, .999999 (no carry into the next second), before the epoch', () => {
    for (const text of [
      '2024-02-29 23:59:59.999999',
      '2024-03-01 00:00:00.000001',
      '1969-12-31 23:59:59.999999',
      '1970-01-01 00:00:00.000001',
      '1900-01-01 00:00:00.123456',
    ])
      expect(formatTimestampP(parseTimestamp(text, 6), 6)).toBe(text);
    expect(parseTimestamp('1969-12-31 23:59:59.999999', 6)).toBeCloseTo(-0.001, 9);
  });

  it('keeps p <= 3 whole milliseconds, as before', () => {
    expect(parseTimestamp('2024-01-01 00:00:00.123456')).toBe(Date.UTC(2024, 0, 1, 0, 0, 0, 123));
    expect(parseTimestamp('2024-01-01 00:00:00.123456', 3)).toBe(Date.UTC(2024, 0, 1, 0, 0, 0, 123));
    expect(Number.isInteger(parseTimestamp('2024-01-01 00:00:00.123', 6))).toBe(true);
  });

  it('keeps p digits of a finer text: TIMESTAMP(4) of .123456 is .1234', () => {
    expect(formatTimestampP(parseTimestamp('2024-01-01 00:00:00.123456', 4), 6)).toBe('2024-01-01 00:00:00.123400');
    expect(formatTimestampP(parseTimestamp('2024-01-01 00:00:00.123456789', 9), 9)).toBe('2024-01-01 00:00:00.123456000');
  });

  it('keeps whole milliseconds outside the years a double holds microseconds in (0001, 9999)', () => {
    expect(parseTimestamp('9999-12-31 23:59:59.999999', 6)).toBe(parseTimestamp('9999-12-31 23:59:59.999'));
    expect(formatTimestampP(parseTimestamp('0001-01-01 00:00:00.000001', 6), 6)).toBe('0001-01-01 00:00:00.000000');
    // Microseconds since the epoch are past 2^53 there: the text is made without them.
    expect(formatTimestampP(parseTimestamp('9999-12-31 23:59:59.999999', 6), 6)).toBe('9999-12-31 23:59:59.999000');
  });

  it('cuts to a lower precision, never rounding into the next second', () => {
    const v = parseTimestamp('2024-02-29 23:59:59.999999', 6);
    expect(cutMicros(v, 3)).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(formatTimestampP(cutMicros(v, 5), 6)).toBe('2024-02-29 23:59:59.999990');
    expect(textOf({ name: 'TIMESTAMP', precision: 3 })(v)).toBe('2024-02-29 23:59:59.999');
    expect(textOf({ name: 'TIMESTAMP', precision: 0 })(v)).toBe('2024-02-29 23:59:59');
  });
});

describe('TIME(6) text', () => {
  it('any microsecond of the day formats back to the same text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_399 }), micros, (s, us) => {
        const text = `${iso(s * 1000).slice(11)}.${us6(us)}`;
        expect(formatTime(parseTime(text, 6), 6)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps milliseconds for TIME(3) and cuts when printing fewer digits', () => {
    expect(parseTime('12:00:00.123456')).toBe(43_200_123);
    expect(formatTime(parseTime('23:59:59.999999', 6), 3)).toBe('23:59:59.999');
    expect(formatTime(parseTime('23:59:59.999999', 6), 0)).toBe('23:59:59');
  });
});

describe('TIMESTAMP_LTZ(6) text with an offset', () => {
  it('moves the wall clock by the offset and keeps the microseconds', () => {
    expect(formatTimestampP(parseInstant('2024-03-31 02:30:00.123456+02', 6), 6)).toBe('2024-03-31 00:30:00.123456');
    expect(formatTimestampP(parseInstant('2024-03-31 02:30:00.123456-03:30', 6), 6)).toBe('2024-03-31 06:00:00.123456');
    expect(formatTimestampP(parseInstant('2024-03-31 02:30:00.123456', 6), 6)).toBe('2024-03-31 02:30:00.123456');
    expect(parseInstant('2024-03-31 02:30:00.123456+02', 3)).toBe(Date.UTC(2024, 2, 31, 0, 30, 0, 123));
  });
});

describe('CDC values with microseconds', () => {
  const col = (name: string, type: Column['type']): Column => ({ name, type, nullable: true });
  const convert = cdcRowConverter(
    't',
    [
      col('ts6', { name: 'TIMESTAMP', precision: 6 }),
      col('ts3', { name: 'TIMESTAMP', precision: 3 }),
      col('tz6', { name: 'TIMESTAMP_LTZ', precision: 6 }),
      col('tm6', { name: 'TIME', precision: 6 }),
    ],
    new Map(),
    [],
  );
  const at = Date.UTC(2024, 1, 29, 12, 34, 56, 789);

  it('keeps a MicroDate’s microseconds above precision 3 and the millisecond at 3', () => {
    const local = new Date(2024, 1, 29, 12, 34, 56, 789);
    const row = convert({
      ts6: new MicroDate(local.getTime(), 123),
      ts3: new MicroDate(local.getTime(), 123),
      tz6: new MicroDate(at, 1),
      tm6: '12:34:56.789123',
    });
    expect(formatTimestampP(row.ts6 as number, 6)).toBe('2024-02-29 12:34:56.789123');
    expect(row.ts3).toBe(at);
    expect(formatTimestampP(row.tz6 as number, 6)).toBe('2024-02-29 12:34:56.789001');
    expect(formatTime(row.tm6 as number, 6)).toBe('12:34:56.789123');
  });

  it('reads the text of a MySQL snapshot and of the binlog’s DATETIME with its microseconds', () => {
    const row = convert({ ts6: '2024-02-29 12:34:56.789123', ts3: '2024-02-29 12:34:56.789123', tz6: '2024-02-29 12:34:56.999999', tm6: '00:00:00.000001' });
    expect(formatTimestampP(row.ts6 as number, 6)).toBe('2024-02-29 12:34:56.789123');
    expect(row.ts3).toBe(at);
    expect(formatTimestampP(row.tz6 as number, 6)).toBe('2024-02-29 12:34:56.999999');
    expect(formatTime(row.tm6 as number, 6)).toBe('00:00:00.000001');
  });
});

describe('CAST with microseconds in SQL', () => {
  it('reads text as TIMESTAMP(6) and TIME(6), prints p digits, and cuts to lower precisions; a file keeps them too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-micros-'));
    try {
      const path = join(dir, 'v.json');
      const [s, t] = ['2024-02-29 23:59:59.999999', '12:34:56.000001'];
      writeFileSync(path, JSON.stringify({ s, t, ts: s, tm: t, tz: s + 'Z' }) + '\n');
      const tEnv = TableEnvironment.create();
      tEnv.executeSql(
        `CREATE TABLE v (s STRING, t STRING, ts TIMESTAMP(6), tm TIME(6), tz TIMESTAMP_LTZ(6)) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
      );
      const read = await tEnv.sqlQuery('SELECT CAST(ts AS STRING) AS ts, CAST(tm AS STRING) AS tm, CAST(tz AS STRING) AS tz FROM v').execute().collect();
      expect(read).toEqual([{ ts: s, tm: t, tz: s }]);
      const rows = await tEnv
        .sqlQuery(
          `SELECT CAST(CAST(s AS TIMESTAMP(6)) AS STRING) AS s6, CAST(CAST(CAST(s AS TIMESTAMP(6)) AS TIMESTAMP(3)) AS STRING) AS s3,
             CAST(CAST(CAST(s AS TIMESTAMP(6)) AS TIMESTAMP(4)) AS STRING) AS s4, CAST(CAST(s AS TIMESTAMP(3)) AS STRING) AS p3,
             CAST(CAST(t AS TIME(6)) AS STRING) AS t6 FROM v`,
        )
        .execute()
        .collect();
      expect(rows).toEqual([
        {
          s6: '2024-02-29 23:59:59.999999',
          s3: '2024-02-29 23:59:59.999',
          s4: '2024-02-29 23:59:59.9999',
          p3: '2024-02-29 23:59:59.999',
          t6: '12:34:56.000001',
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pg’s own timestamp parser (what the fast paths leave to it)', () => {
  it('keeps the microseconds the parser drops, and only for its own parser', () => {
    const parse = withTextMicros(1184, pg.types.getTypeParser(1184, 'text') as (t: string) => unknown);
    const d = parse('2024-01-01 12:00:00.123456+05:30') as Date;
    expect(d.getTime()).toBe(Date.UTC(2024, 0, 1, 6, 30, 0, 123));
    expect(microsOf(d)).toBe(456);
    expect(microsOf(parse('2024-01-01 12:00:00.123+05:30') as Date)).toBe(0);
    const mine = (t: string) => t;
    expect(withTextMicros(1184, mine)).toBe(mine);
  });
});
