// `table.local-time-zone` against DuckDB's ICU time zones (SET TimeZone) on random instants and
// wall-clock times, DST changes included: TIMESTAMP_LTZ cast to STRING, TIMESTAMP and DATE,
// DATE_FORMAT, EXTRACT and FLOOR of it, and a TIMESTAMP read as an instant in the zone.
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'UTC'];
// 2000 .. 2030, and the hours around New York's and Berlin's DST changes of 2024.
const instant = fc.oneof(
  fc.integer({ min: 946_684_800, max: 1_893_456_000 }),
  fc.integer({ min: 1_710_050_000, max: 1_710_070_000 }),
  fc.integer({ min: 1_730_605_000, max: 1_730_625_000 }),
  fc.integer({ min: 1_711_846_000, max: 1_711_856_000 }),
);

async function duck(zone: string, sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`SET TimeZone = '${zone}'`);
    return (await c.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function weir(zone: string, sql: string, batch = false): Promise<unknown[][]> {
  const tEnv = TableEnvironment.create();
  if (zone !== 'UTC' || batch) tEnv.executeSql(`SET 'table.local-time-zone' = '${zone}'`);
  if (batch) tEnv.executeSql("SET 'execution.runtime-mode' = 'batch'");
  const t = tEnv.sqlQuery(sql);
  return (await t.execute().collect()).map((r) => t.columns.map((c) => r[c.name]));
}

const norm = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r.map((v) => (typeof v === 'bigint' ? Number(v) : v)))).sort();

describe('table.local-time-zone vs DuckDB', () => {
  it('TIMESTAMP_LTZ shown, cast, formatted and extracted in the session zone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ZONES), fc.array(instant, { minLength: 1, maxLength: 8 }), async (zone, secs) => {
        const values = secs.map((s) => `(${s})`).join(', ');
        const w = await weir(
          zone,
          `SELECT e, CAST(TO_TIMESTAMP_LTZ(e, 0) AS STRING), DATE_FORMAT(TO_TIMESTAMP_LTZ(e, 0), 'yyyy-MM-dd HH:mm'),
             EXTRACT(HOUR FROM TO_TIMESTAMP_LTZ(e, 0)), CAST(CAST(TO_TIMESTAMP_LTZ(e, 0) AS DATE) AS STRING),
             CAST(CAST(TO_TIMESTAMP_LTZ(e, 0) AS TIMESTAMP(3)) AS STRING)
           FROM (VALUES ${values}) AS t(e)`,
        );
        const d = await duck(
          zone,
          `SELECT e, strftime(to_timestamp(e), '%Y-%m-%d %H:%M:%S.000'), strftime(to_timestamp(e), '%Y-%m-%d %H:%M'),
             extract(hour FROM to_timestamp(e)), CAST(CAST(to_timestamp(e) AS DATE) AS VARCHAR),
             strftime(CAST(to_timestamp(e) AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.000')
           FROM (VALUES ${values}) AS t(e)`,
        );
        expect(norm(w), zone).toEqual(norm(d));
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('a wall-clock TIMESTAMP cast to TIMESTAMP_LTZ is that time in the session zone (a DST gap moves forward)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ZONES), fc.array(instant, { minLength: 1, maxLength: 8 }), async (zone, secs) => {
        // Wall-clock times: the instants read as UTC wall clocks, so some fall in DST gaps and overlaps.
        const values = secs.map((s) => `(TIMESTAMP '${new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ')}')`).join(', ');
        const w = await weir(zone, `SELECT TIMESTAMPDIFF(SECOND, TO_TIMESTAMP_LTZ(0, 0), CAST(ts AS TIMESTAMP_LTZ(3))) FROM (VALUES ${values}) AS t(ts)`);
        const d = await duck(zone, `SELECT epoch(CAST(ts AS TIMESTAMPTZ))::BIGINT FROM (VALUES ${values}) AS t(ts)`);
        expect(norm(w), zone).toEqual(norm(d));
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('FLOOR(... TO DAY) starts the day at midnight of the zone; LOCALTIMESTAMP and CURRENT_DATE read its clock', async () => {
    const zone = 'Asia/Shanghai';
    // 2024-01-01 20:00 UTC is 2024-01-02 04:00 in Shanghai.
    const [[floor, date, lts, ltz]] = await weir(
      zone,
      `SELECT CAST(FLOOR(TO_TIMESTAMP_LTZ(1704139200, 0) TO DAY) AS STRING), CAST(CAST(TO_TIMESTAMP_LTZ(1704139200, 0) AS DATE) AS STRING),
         TIMESTAMPDIFF(MINUTE, CAST(CURRENT_TIMESTAMP AS TIMESTAMP(3)), LOCALTIMESTAMP), TIMESTAMPDIFF(MINUTE, CURRENT_TIMESTAMP, CAST(LOCALTIMESTAMP AS TIMESTAMP_LTZ(3)))`,
    );
    expect([floor, date]).toEqual(['2024-01-02 00:00:00.000', '2024-01-02']);
    // CAST(CURRENT_TIMESTAMP AS TIMESTAMP) is the zone's wall clock, as LOCALTIMESTAMP; both read back as the same instant.
    expect([lts, ltz]).toEqual([0, 0]);
    const [[utc]] = await weir('UTC', 'SELECT TIMESTAMPDIFF(HOUR, LOCALTIMESTAMP, CAST(CAST(TO_TIMESTAMP_LTZ(0, 0) AS TIMESTAMP(3)) AS TIMESTAMP(3)))');
    expect(typeof utc).toBe('number');
  });

  it('a result shows TIMESTAMP_LTZ in the session zone; SET and getConfig() name the same key; a bad zone is refused', async () => {
    const tEnv = TableEnvironment.create();
    tEnv.getConfig().setLocalTimeZone('GMT+08:00');
    const t = tEnv.sqlQuery('SELECT TO_TIMESTAMP_LTZ(0, 0) AS ts');
    const printed = await t.execute().format();
    expect(printed).toContain('1970-01-01 08:00:00.000');
    expect(tEnv.getConfig().get('table.local-time-zone')).toBe('GMT+08:00');
    expect(() => tEnv.executeSql("SET 'table.local-time-zone' = 'Mars/Olympus'")).toThrow(/not a time zone/);
    expect(tEnv.getConfig().localTimeZone()).toBe('+08:00');
  });
});
