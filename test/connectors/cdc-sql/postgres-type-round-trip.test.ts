// Type round trip PostgreSQL -> Weir -> PostgreSQL: a postgres-cdc table holding every type the
// connector maps (extremes, NULLs, NaN and infinities, arrays with NULL elements, bytea with zero
// bytes, a large TOASTed text) copied by SQL into a jdbc table of the same private server, whose
// database time zone is not UTC. Rows 1-4
// are read by the snapshot; rows 11-14 (the same values) are inserted and rows 1-4 updated after it,
// so they come from the log; then only a small column of each row changes, which the log sends
// without the unchanged TOAST value (REPLICA IDENTITY DEFAULT). Both servers print every column as
// text with the same SQL and the copy must equal the source. Session time zones differ from UTC.
process.env.TZ = 'America/New_York';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableEnvironment } from '../../../src/sql/index.js';
import '../../../src/index.js';
import { until } from '../cdc-test-support.js';
import { startPostgres, type PgInstance } from '../postgres-cdc/pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { asText, diffTables } from './table-diff.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');
let pg: PgInstance;
let dir: string;

beforeAll(async () => {
  if (!run) return;
  pg = await startPostgres();
  await pg.query("ALTER DATABASE weir SET timezone TO 'Asia/Kolkata'");
  dir = mkdtempSync(join(tmpdir(), 'weir-cdc-types-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Source column, its Weir type, the copy's column type (bytea travels as hex text).
const COLUMNS: [string, string, string, string][] = [
  ['d', 'numeric(38,10)', 'DECIMAL(38, 10)', 'numeric(38,10)'],
  ['dwide', 'numeric', 'STRING', 'numeric'],
  ['sb', 'bigint', 'DECIMAL(19, 0)', 'bigint'],
  ['sbn', 'bigint', 'BIGINT', 'bigint'],
  ['i', 'integer', 'INT', 'integer'],
  ['si', 'smallint', 'INT', 'smallint'],
  ['ts0', 'timestamp(0)', 'TIMESTAMP(0)', 'timestamp(0)'],
  ['ts3', 'timestamp(3)', 'TIMESTAMP(3)', 'timestamp(3)'],
  ['tz3', 'timestamptz(3)', 'TIMESTAMP_LTZ(3)', 'timestamptz(3)'],
  ['dd', 'date', 'DATE', 'date'],
  ['tm', 'time(3)', 'TIME(3)', 'time(3)'],
  ['ts6', 'timestamp(6)', 'TIMESTAMP(6)', 'timestamp(6)'],
  ['tz6', 'timestamptz(6)', 'TIMESTAMP_LTZ(6)', 'timestamptz(6)'],
  ['tm6', 'time(6)', 'TIME(6)', 'time(6)'],
  ['j', 'json', 'STRING', 'json'],
  ['jb', 'jsonb', 'STRING', 'jsonb'],
  ['b', 'bytea', 'STRING', 'text'],
  ['u', 'uuid', 'STRING', 'uuid'],
  ['ia', 'integer[]', 'ARRAY<INT>', 'integer[]'],
  ['ta', 'text[]', 'ARRAY<STRING>', 'text[]'],
  ['bo', 'boolean', 'BOOLEAN', 'boolean'],
  ['f', 'real', 'DOUBLE', 'real'],
  ['db', 'double precision', 'DOUBLE', 'double precision'],
  ['vc', 'varchar(100)', 'STRING', 'varchar(100)'],
  ['big', 'text', 'STRING', 'text'],
];

// A text PostgreSQL stores out of line (TOAST): long and not compressible to under 2 kB.
const LARGE = "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g)";

const names = COLUMNS.map((c) => c[0]);
/** A row with some columns' literals replaced. */
const withValues = (row: string[], values: Record<string, string>) => row.map((v, i) => values[names[i]!] ?? v);

// Rows as PostgreSQL literals, in COLUMNS order: maxima, minima and negatives, all NULL, ordinary.
const ROWS: string[][] = [
  [
    '9999999999999999999999999999.9999999999',
    '123456789012345678901234567890.123456789012345678901234567890',
    '9223372036854775807',
    '9007199254740991',
    '2147483647',
    '32767',
    "'9999-12-31 23:59:59'",
    "'9999-12-31 23:59:59.999'",
    "'9999-12-31 23:59:59.999+00'",
    "'9999-12-31'",
    "'23:59:59.999'",
    "'9999-12-31 23:59:59.999999'",
    "'9999-12-31 23:59:59.999999+00'",
    "'23:59:59.999999'",
    `'{"a": [1, 2.5, null, "x\\"y"], "big": 18446744073709551615, "u": "\\u00e9😀"}'`,
    `'{"a": [1, 2.5, null], "big": 18446744073709551615, "u": "é😀"}'`,
    "'\\x00ff0000'::bytea",
    "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
    "'{2147483647,NULL,-2147483648}'",
    `'{"a",NULL,"","日本","NULL"}'`,
    'true',
    "'Infinity'",
    '1.7976931348623157e308',
    "'日本語 😀 \\ '' \"'",
    LARGE,
  ],
  [
    '-9999999999999999999999999999.9999999999',
    "'NaN'",
    '-9223372036854775808',
    '-9007199254740991',
    '-2147483648',
    '-32768',
    "'0001-01-01 00:00:00'",
    "'0001-01-01 00:00:00.001'",
    "'1970-01-01 00:00:00+05:30'",
    "'0001-01-01'",
    "'00:00:00'",
    "'0001-01-01 00:00:00.000001'",
    "'1969-12-31 23:59:59.999999+00'",
    "'00:00:00.000001'",
    "'[]'",
    "'{}'",
    "'\\x00'::bytea",
    "'00000000-0000-0000-0000-000000000000'",
    "'{}'",
    "'{NULL}'",
    'false',
    "'-Infinity'",
    "'NaN'",
    "''",
    "''",
  ],
  COLUMNS.map(() => 'NULL'),
  [
    '12345.6789',
    '0.1',
    '42',
    '-42',
    '7',
    '0',
    "'2024-02-29 12:34:56'",
    "'2024-02-29 12:34:56.789'",
    "'2024-03-31 02:30:00.123 Europe/Paris'",
    "'2024-02-29'",
    "'12:34:56.789'",
    "'2024-02-29 12:34:56.789123'",
    "'2024-03-31 02:30:00.123456 Europe/Paris'",
    "'12:34:56.789123'",
    '\'{"k": "v"}\'',
    '\'{"k": "v"}\'',
    "'\\xdeadbeef00'::bytea",
    "'123e4567-e89b-12d3-a456-426614174000'",
    "'{1,2,3}'",
    "'{x}'",
    'true',
    '0.1',
    '0.1',
    "'plain'",
    `'small ' || ${LARGE}`,
  ],
];

// Microseconds at their edges, before the epoch and in early years: the ordinary row with them.
ROWS.push(
  withValues(ROWS[3]!, {
    ts3: "'1969-12-31 23:59:59.999'",
    ts6: "'1700-01-01 00:00:00.000001'",
    tz6: "'2200-12-31 23:59:59.999999+00'",
    tm6: "'23:59:59.999999'",
  }),
);

// Weir keeps the microseconds of TIMESTAMP(6) and TIMESTAMP_LTZ(6) where a double holds them
// exactly (years 1692 to 2247) and milliseconds outside: a source value there is compared cut to
// its millisecond by PostgreSQL's own date_trunc. Cutting, not rounding: .999999 stays in its second.
const asWeirKeeps = (n: string): string => `CASE WHEN ${n} BETWEEN '1692-01-01' AND '2247-12-31' THEN ${n} ELSE date_trunc('milliseconds', ${n}) END`;
const MICROS = /^(timestamp|timestamptz)\(6\)$/;

// The same text form of every column on both servers; instants as epoch seconds (time zones differ).
const textColumns = (source: boolean) =>
  COLUMNS.map(([n, srcType]) => {
    const v = source && MICROS.test(srcType) ? asWeirKeeps(n) : n;
    return n === 'b' && source
      ? "encode(b, 'hex') AS b"
      : srcType.startsWith('timestamptz')
        ? `extract(epoch FROM ${v})::text AS ${n}`
        : n === 'big'
          ? `md5(big) || length(big) AS big`
          : `${v}::text AS ${n}`;
  }).join(', ');

describe.runIf(run)('postgres-cdc type round trip through snapshot and log', () => {
  it('copies every mapped type, NULLs, extremes and unchanged TOAST values, equal to the source', async () => {
    await pg.query(`CREATE TABLE types (id bigint PRIMARY KEY, ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`);
    // Out of line and uncompressed, so an update of another column leaves it out of the log.
    await pg.query('ALTER TABLE types ALTER COLUMN big SET STORAGE EXTERNAL');
    const insert = (id: number, r: string[]) => pg.query(`INSERT INTO types VALUES (${id}, ${r.join(', ')})`);
    for (let i = 0; i < ROWS.length; i++) await insert(i + 1, ROWS[i]!);
    await pg.query(`CREATE TABLE weir_cdc_types_copy (id bigint PRIMARY KEY, ${COLUMNS.map(([n, , , t]) => `${n} ${t}`).join(', ')})`);
    const tEnv = TableEnvironment.create({ 'execution.checkpointing.interval': '300ms', 'state.checkpoints.dir': dir });
    const weirColumns = `id BIGINT, ${COLUMNS.map(([n, , w]) => `${n} ${w}`).join(', ')}, PRIMARY KEY (id) NOT ENFORCED`;
    tEnv.executeSql(
      `CREATE TABLE types (${weirColumns}) WITH ('connector' = 'postgres-cdc', 'hostname' = '127.0.0.1', 'port' = '${pg.port}', 'username' = 'weir',
       'password' = 'weir', 'database-name' = 'weir', 'schema-name' = 'public', 'table-name' = 'types', 'slot.name' = 'types_slot')`,
    );
    tEnv.executeSql(
      `CREATE TABLE types_copy (${weirColumns}) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:${pg.port}/weir', 'username' = 'weir', 'password' = 'weir',
       'table-name' = 'weir_cdc_types_copy', 'sink.buffer-flush.interval' = '100ms')`,
    );
    const job = tEnv.executeSql(`INSERT INTO types_copy SELECT * FROM types`);
    const sourceRows = async () => asText(await pg.query(`SELECT id, ${textColumns(true)} FROM types ORDER BY id`));
    const targetRows = async () => asText(await pg.query(`SELECT id, ${textColumns(false)} FROM weir_cdc_types_copy ORDER BY id`));
    try {
      let diff: string[] = [];
      const converged = async (what: string) => {
        const expected = await sourceRows();
        await until(what, async () => (diff = diffTables(expected, await targetRows())).length === 0).catch(() => {});
        expect(diff).toEqual([]);
      };
      await converged('the snapshot');
      for (let i = 0; i < ROWS.length; i++) await insert(i + 11, ROWS[i]!);
      for (let i = 0; i < ROWS.length; i++) {
        const from = ROWS[(i + 1) % ROWS.length]!;
        await pg.query(`UPDATE types SET ${names.map((n, j) => `${n} = ${from[j]}`).join(', ')} WHERE id = ${i + 1}`);
      }
      await converged('the log changes');
      // Only a small column changes: the log leaves the unchanged TOAST value out.
      await pg.query('UPDATE types SET i = coalesce(i, 0) / 2 + 1');
      await converged('the updates without their TOAST values');
      expect((await targetRows()).length).toBe(2 * ROWS.length);
    } finally {
      await job.jobClient?.cancel();
    }
  }, 120_000);
});
