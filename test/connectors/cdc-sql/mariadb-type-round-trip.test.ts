// Type round trip MariaDB -> Weir -> MariaDB: a mysql-cdc table holding every type the connector
// maps (extremes, NULLs, fractional seconds, unicode, binary with zero bytes) copied by SQL into a
// jdbc table of the same private server. Rows 1-4 are read by the snapshot; rows 11-14 (the same
// values) are inserted and rows 1-4 updated after it, so they are read from the binlog. Both servers
// then print every column as text with the same SQL and the copy must equal the source. The private
// server's time zone and Node's differ from UTC and from each other.
process.env.TZ = 'America/New_York';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableEnvironment } from '../../../src/sql/index.js';
import '../../../src/index.js';
import { until } from '../cdc-test-support.js';
import { startMariadb, type MariadbInstance } from '../mysql-cdc/mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { asText, diffTables } from './table-diff.js';

const run = serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server');
let db: MariadbInstance;
let dir: string;

beforeAll(async () => {
  if (!run) return;
  db = await startMariadb();
  await db.query("SET GLOBAL time_zone = '+05:30'");
  await db.query(`GRANT ALL ON weir.* TO 'weir'@'%'`);
  dir = mkdtempSync(join(tmpdir(), 'weir-cdc-types-'));
}, 60_000);
afterAll(async () => {
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Source column, its Weir type, the copy's column type (binary travels as hex text).
const COLUMNS: [string, string, string, string][] = [
  ['d', 'decimal(38,10)', 'DECIMAL(38, 10)', 'decimal(38,10)'],
  ['dwide', 'decimal(65,30)', 'STRING', 'decimal(65,30)'],
  ['ub', 'bigint unsigned', 'DECIMAL(20, 0)', 'bigint unsigned'],
  ['sb', 'bigint', 'DECIMAL(19, 0)', 'bigint'],
  ['sbn', 'bigint', 'BIGINT', 'bigint'],
  ['i', 'int', 'INT', 'int'],
  ['ti', 'tinyint', 'INT', 'tinyint'],
  ['dt0', 'datetime', 'TIMESTAMP(0)', 'datetime'],
  ['dt3', 'datetime(3)', 'TIMESTAMP(3)', 'datetime(3)'],
  ['dt6', 'datetime(6)', 'TIMESTAMP(6)', 'datetime(6)'],
  ['ts3', 'timestamp(3) NULL', 'TIMESTAMP_LTZ(3)', 'timestamp(3) NULL'],
  ['dd', 'date', 'DATE', 'date'],
  ['tm', 'time(3)', 'TIME(3)', 'time(3)'],
  ['tmwide', 'time(6)', 'STRING', 'time(6)'],
  ['j', 'json', 'STRING', 'json'],
  ['b', 'blob', 'STRING', 'varchar(200)'],
  ['e', "enum('small','large','ü')", 'STRING', "enum('small','large','ü')"],
  ['st', "set('x','y','z')", 'STRING', "set('x','y','z')"],
  ['u', 'uuid', 'STRING', 'uuid'],
  ['bo', 'boolean', 'BOOLEAN', 'boolean'],
  ['f', 'float', 'DOUBLE', 'double'], // a double copy shows any difference between snapshot and binlog values
  ['db', 'double', 'DOUBLE', 'double'],
  ['vc', 'varchar(100)', 'STRING', 'varchar(100)'],
  ['dt1', 'datetime(1)', 'TIMESTAMP(1)', 'datetime(1)'],
  ['dt2', 'datetime(2)', 'TIMESTAMP(2)', 'datetime(2)'],
  ['dt4', 'datetime(4)', 'TIMESTAMP(4)', 'datetime(4)'],
  ['dt5', 'datetime(5)', 'TIMESTAMP(5)', 'datetime(5)'],
  ['ts0', 'timestamp(0) NULL', 'TIMESTAMP_LTZ(0)', 'timestamp(0) NULL'],
  ['ts6', 'timestamp(6) NULL', 'TIMESTAMP_LTZ(6)', 'timestamp(6) NULL'],
  ['tm6', 'time(6)', 'TIME(6)', 'time(6)'],
  ['dts6', 'datetime(6)', 'STRING', 'datetime(6)'],
];

// Rows as MariaDB literals, in COLUMNS order: maxima, minima and negatives, all NULL, ordinary.
const ROWS: string[][] = [
  [
    '9999999999999999999999999999.9999999999',
    '99999999999999999999999999999999999.999999999999999999999999999999',
    '18446744073709551615',
    '9223372036854775807',
    '9007199254740991',
    '2147483647',
    '127',
    "'9999-12-31 23:59:59'",
    "'9999-12-31 23:59:59.999'",
    "'9999-12-31 23:59:59.999999'",
    "'2038-01-18 03:14:07.999'",
    "'9999-12-31'",
    "'23:59:59.999'",
    "'838:59:59.000000'",
    `'{"a": [1, 2.5, null, "x\\\\"y"], "big": 18446744073709551615, "u": "\\\\u00e9😀"}'`,
    "X'00FF0000'",
    "'ü'",
    "'x,y,z'",
    "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
    'true',
    '3.40282e38',
    '1.7976931348623157e308',
    "'日本語 😀 \\\\ '' \"'",
    "'9999-12-31 23:59:59.9'",
    "'9999-12-31 23:59:59.99'",
    "'9999-12-31 23:59:59.9999'",
    "'9999-12-31 23:59:59.99999'",
    "'2038-01-18 03:14:07'",
    "'2038-01-18 03:14:07.999999'",
    "'23:59:59.999999'",
    "'9999-12-31 23:59:59.999999'",
  ],
  [
    '-9999999999999999999999999999.9999999999',
    '-0.000000000000000000000000000001',
    '0',
    '-9223372036854775808',
    '-9007199254740991',
    '-2147483648',
    '-128',
    "'1000-01-01 00:00:00'",
    "'1000-01-01 00:00:00.001'",
    "'1000-01-01 00:00:00.000001'",
    "'1970-01-01 05:30:01.000'",
    "'0001-01-01'",
    "'00:00:00.000'",
    "'-838:59:59.999999'",
    "'[]'",
    "X'00'",
    "'small'",
    "''",
    "'00000000-0000-0000-0000-000000000000'",
    'false',
    '-1.17549e-38',
    '-2.2250738585072014e-308',
    "''",
    "'1000-01-01 00:00:00.1'",
    "'1000-01-01 00:00:00.01'",
    "'1000-01-01 00:00:00.0001'",
    "'1000-01-01 00:00:00.00001'",
    "'1970-01-02 00:00:00'",
    "'1970-01-01 05:30:01.000001'",
    "'00:00:00.000001'",
    "'1000-01-01 00:00:00.000001'",
  ],
  COLUMNS.map(() => 'NULL'),
  [
    '12345.6789000000',
    '0.123456789012345678901234567890',
    '42',
    '-42',
    '-42',
    '7',
    '0',
    "'2024-02-29 12:34:56'",
    "'2024-02-29 12:34:56.789'",
    "'2024-02-29 12:34:56.789012'",
    "'2024-03-31 02:30:00.123'",
    "'2024-02-29'",
    "'12:34:56.789'",
    "'-00:00:01.500000'",
    '\'{"k": "v"}\'',
    "X'DEADBEEF00'",
    "'large'",
    "'y'",
    "'123e4567-e89b-12d3-a456-426614174000'",
    'true',
    '0.1',
    '0.1',
    "'plain'",
    "'2024-02-29 12:34:56.7'",
    "'2024-02-29 12:34:56.78'",
    "'2024-02-29 12:34:56.7891'",
    "'2024-02-29 12:34:56.78901'",
    "'2024-10-27 02:30:00'",
    "'2024-03-31 02:30:00.123456'",
    "'12:34:56.123456'",
    "'2024-02-29 12:34:56.789012'",
  ],
];

const names = COLUMNS.map((c) => c[0]);
/** A row with some columns' literals replaced. */
const withValues = (row: string[], values: Record<string, string>) => row.map((v, i) => values[names[i]!] ?? v);
// Microseconds at their edges, before the epoch and in early years: the ordinary row with them.
ROWS.push(
  withValues(ROWS[3]!, {
    dt6: "'1969-12-31 23:59:59.999999'",
    dt4: "'1700-01-01 00:00:00.0001'",
    dt5: "'2200-12-31 23:59:59.99999'",
    ts6: "'2001-09-09 07:16:40.000001'",
    tm6: "'23:59:59.000001'",
  }),
);

// Weir keeps the microseconds of TIMESTAMP(4..6) where a double holds them exactly (years 1692 to
// 2247) and milliseconds outside: a source value there is compared cut to its millisecond.
const asWeirKeeps = (n: string) =>
  `CASE WHEN ${n} BETWEEN '1692-01-01' AND '2247-12-31' THEN CAST(${n} AS CHAR) ELSE RPAD(LEFT(CAST(${n} AS CHAR), 23), LENGTH(CAST(${n} AS CHAR)), '0') END`;
const MICROS = /^datetime\([456]\)$/;

// The same text form of every column on both servers; instants as epoch seconds (time zones differ).
const textColumns = (source: boolean) =>
  COLUMNS.map(([n, srcType, weirType]) =>
    n === 'b' && source
      ? 'LOWER(HEX(b)) AS b'
      : source && MICROS.test(srcType) && weirType !== 'STRING'
        ? `${asWeirKeeps(n)} AS ${n}`
        : srcType.startsWith('timestamp')
          ? `CAST(UNIX_TIMESTAMP(${n}) AS CHAR) AS ${n}`
          : n === 'j'
            ? "CONCAT('', JSON_COMPACT(j)) AS j"
            : `CAST(${n} AS CHAR) AS ${n}`,
  ).join(', ');

describe.runIf(run)('mysql-cdc type round trip through snapshot and binlog', () => {
  it('copies every mapped type, NULLs and extremes, equal to the source', async () => {
    await db.query(`CREATE TABLE types (id bigint PRIMARY KEY, ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}) DEFAULT CHARSET utf8mb4`);
    const insert = (id: number, r: string[]) => db.query(`INSERT INTO types VALUES (${id}, ${r.join(', ')})`);
    for (let i = 0; i < ROWS.length; i++) await insert(i + 1, ROWS[i]!);
    await db.query(`CREATE TABLE weir_cdc_types_copy (id bigint PRIMARY KEY, ${COLUMNS.map(([n, , , t]) => `${n} ${t}`).join(', ')}) DEFAULT CHARSET utf8mb4`);
    const tEnv = TableEnvironment.create({ 'execution.checkpointing.interval': '300ms', 'state.checkpoints.dir': dir });
    const weirColumns = `id BIGINT, ${COLUMNS.map(([n, , w]) => `${n} ${w}`).join(', ')}, PRIMARY KEY (id) NOT ENFORCED`;
    tEnv.executeSql(
      `CREATE TABLE types (${weirColumns}) WITH ('connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '${db.port}', 'username' = 'weir',
       'password' = 'weir', 'database-name' = 'weir', 'table-name' = 'types', 'server-id' = '5600-5604')`,
    );
    tEnv.executeSql(
      `CREATE TABLE types_copy (${weirColumns}) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mariadb://127.0.0.1:${db.port}/weir', 'username' = 'weir', 'password' = 'weir',
       'table-name' = 'weir_cdc_types_copy', 'sink.buffer-flush.interval' = '100ms')`,
    );
    const job = tEnv.executeSql(`INSERT INTO types_copy SELECT * FROM types`);
    const sourceRows = async () => asText(await db.query(`SELECT id, ${textColumns(true)} FROM types ORDER BY id`));
    const targetRows = async () => asText(await db.query(`SELECT id, ${textColumns(false)} FROM weir_cdc_types_copy ORDER BY id`));
    try {
      let diff: string[] = [];
      const converged = async (what: string) => {
        const expected = await sourceRows();
        await until(what, async () => (diff = diffTables(expected, await targetRows())).length === 0).catch(() => {});
        expect(diff).toEqual([]);
      };
      await converged('the snapshot');
      // Through the binlog: the same values as new rows, and each old row takes another's values.
      for (let i = 0; i < ROWS.length; i++) await insert(i + 11, ROWS[i]!);
      for (let i = 0; i < ROWS.length; i++) {
        const from = ROWS[(i + 1) % ROWS.length]!;
        await db.query(`UPDATE types SET ${names.map((n, j) => `${n} = ${from[j]}`).join(', ')} WHERE id = ${i + 1}`);
      }
      await converged('the binlog changes');
      expect((await targetRows()).length).toBe(2 * ROWS.length);
    } finally {
      await job.jobClient?.cancel();
    }
  }, 120_000);
});
