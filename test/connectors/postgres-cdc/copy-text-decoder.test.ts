// The snapshot's COPY reader against the pg driver: the same rows read with `SELECT *` through the
// driver's own parsers and with `COPY ... TO STDOUT` through CopyQuery must be equal, value for
// value and type for type, for every type the decoder reads itself (integers, text, dates and
// timestamps) and those it hands to the driver's parsers, with NULLs, escapes and edge values,
// under a local zone with daylight saving time and under UTC, in several session time zones.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyQuery } from '../../../src/connectors/postgres-cdc/copy-query.js';
import { unescapeCopy, type TextParser } from '../../../src/connectors/postgres-cdc/copy-text-decoder.js';
import { textTypes } from '../../../src/connectors/postgres-cdc/text-types.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { startPostgres, type PgInstance } from './pg-instance.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');
let server: PgInstance;
let client: pg.Client;

const COLUMNS = [
  'id int PRIMARY KEY',
  'i2 smallint',
  'i4 integer',
  'i8 bigint',
  'o oid',
  'n numeric',
  'f4 real',
  'f8 double precision',
  'bo boolean',
  'tx text',
  'vc varchar(20)',
  'ch char(3)',
  'by bytea',
  'd date',
  'ts timestamp',
  'tz timestamptz',
  'tm time',
  'iv interval',
  'u uuid',
  'j json',
  'jb jsonb',
  'ai integer[]',
  'at text[]',
  'ats timestamp[]',
];

// Literals in COLUMNS order after the id; null for NULL.
const ROWS: (string | null)[][] = [
  [
    '1',
    '2',
    '3',
    '4',
    '1.50',
    '1.5',
    '2.25',
    'true',
    "'plain'",
    "'v'",
    "'ab'",
    "'\\x00ff10'",
    "'2024-06-01'",
    "'2024-06-01 12:34:56.789'",
    "'2024-06-01 12:34:56.789+02'",
    "'12:00:01'",
    "'1 day 02:00:00'",
    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
    `'{"a": 1}'`,
    `'{"b": [1, 2]}'`,
    "'{1,2,NULL}'",
    '\'{a,NULL,"b c"}\'',
    '\'{"2024-01-01 00:00:00"}\'',
  ],
  new Array<string | null>(23).fill(null),
  [
    '-32768',
    '-2147483648',
    '-9223372036854775808',
    '4294967295',
    "'NaN'",
    "'Infinity'",
    "'-0'",
    'false',
    // tab, newline, carriage return, backslash, a text that reads \N, and non-ASCII
    "E'a\\tb\\nc\\rd\\\\e'",
    "'\\N'",
    "'é😀'",
    "'\\x'",
    "'0099-12-31'",
    "'0050-06-01 12:00:00'",
    "'0001-01-01 00:00:00+00'",
    "'24:00:00'",
    "'-178000000 years'",
    "'00000000-0000-0000-0000-000000000000'",
    `'{"t": "a\\tb\\\\c"}'`,
    `'{"n": 18446744073709551615}'`,
    "'{}'",
    `E'{"a\\\\\\"b","c,d","\\\\\\\\",NULL,"x\\ty"}'`,
    "'{infinity,NULL}'",
  ],
  [
    '32767',
    '2147483647',
    '9223372036854775807',
    '0',
    "'-123456789012345678901234567890.123456789'",
    "'-Infinity'",
    "'1e-300'",
    null,
    "''",
    "''",
    "'  '",
    "''",
    "'4713-01-01 BC'",
    "'4713-01-01 00:00:00 BC'",
    "'infinity'",
    "'00:00:00'",
    "'0'",
    null,
    "'null'",
    "'[]'",
    null,
    null,
    null,
  ],
  // Timestamps around New York's daylight-saving changes (a local time that does not exist and one
  // that happens twice), fractions of one to six digits, and the far ends.
  [null, null, null, null, null, null, null, null, null, null, null, null, "'2024-03-10'", "'2024-03-10 02:30:00'", "'2024-03-10 02:30:00-05'"],
  [null, null, null, null, null, null, null, null, null, null, null, null, "'2024-11-03'", "'2024-11-03 01:30:00.1'", "'2024-11-03 01:30:00.12-04'"],
  [null, null, null, null, null, null, null, null, null, null, null, null, "'1900-01-01'", "'1900-01-01 00:00:00.123456'", "'1900-01-01 00:00:00.1234+00'"],
  [null, null, null, null, null, null, null, null, null, null, null, null, "'9999-12-31'", "'9999-12-31 23:59:59.999999'", "'-infinity'"],
  [null, null, null, null, null, null, null, null, null, null, null, null, "'1970-01-01'", "'1969-12-31 23:59:59.5'", "'1969-12-31 23:59:59.001+05:30'"],
];

beforeAll(async () => {
  if (!run) return;
  server = await startPostgres();
  await server.query(`CREATE TABLE t (${COLUMNS.join(', ')})`);
  for (const [i, row] of ROWS.entries()) {
    const values = COLUMNS.map((_, c) => (c === 0 ? String(i + 1) : (row[c - 1] ?? 'NULL')));
    await server.query(`INSERT INTO t VALUES (${values.join(', ')})`);
  }
  client = new pg.Client({ ...server.connection, types: textTypes });
  client.on('error', () => {});
  await client.connect();
}, 60_000);
afterAll(async () => {
  await client?.end().catch(() => {});
  await server?.stop();
});

/** The table's rows through COPY and CopyQuery, with `parserOf` for the types it does not read itself. */
async function copied(parserOf: (oid: number) => TextParser): Promise<Record<string, unknown>[]> {
  const q = new CopyQuery('BEGIN; SELECT * FROM t LIMIT 0; COPY (SELECT * FROM t ORDER BY id) TO STDOUT; COMMIT', parserOf);
  void client.query(q);
  return (await q.result).copies[0]!.rows();
}

const driverParser = (oid: number) => textTypes.getTypeParser(oid, 'text') as TextParser;

describe.runIf(run)('COPY text decoding', () => {
  for (const tz of ['America/New_York', 'UTC']) {
    it(`reads every row as the driver's SELECT does (local zone ${tz}, three session zones)`, async () => {
      const saved = process.env.TZ;
      process.env.TZ = tz;
      try {
        for (const session of ['UTC', 'Asia/Kolkata', 'America/St_Johns']) {
          await client.query(`SET TIME ZONE '${session}'`);
          const expected = (await client.query('SELECT * FROM t ORDER BY id')).rows as Record<string, unknown>[];
          const actual = await copied(driverParser);
          expect(actual.length).toBe(ROWS.length);
          for (let i = 0; i < expected.length; i++) {
            expect(Object.keys(actual[i]!)).toEqual(Object.keys(expected[i]!));
            // toStrictEqual tells -0 from 0, a Date from a string, and a null from an undefined.
            expect(actual[i]).toStrictEqual(expected[i]);
          }
        }
      } finally {
        process.env.TZ = saved;
        if (saved === undefined) delete process.env.TZ;
      }
    });
  }

  it('leaves every column to a parser the application registered instead of the driver’s', async () => {
    const own: TextParser = (v) => `own:${v}`;
    const types = { getTypeParser: ((oid: number) => own) as typeof pg.types.getTypeParser };
    const expected = (await client.query({ text: 'SELECT * FROM t ORDER BY id', types })).rows;
    expect(await copied(() => own)).toStrictEqual(expected);
    expect(expected[0]!.i4).toBe('own:2');
  });

  it('fails the decoding, not the process, when a line does not fit the columns', async () => {
    const q = new CopyQuery('BEGIN; SELECT 1 AS a LIMIT 0; COPY (SELECT 1, 2) TO STDOUT; COMMIT', driverParser);
    void client.query(q);
    const [copy] = (await q.result).copies;
    expect(() => copy!.rows()).toThrow(/a COPY line without 1 fields/);
    // The client still works.
    expect((await client.query('SELECT 1 AS x')).rows[0]).toEqual({ x: 1 });
  });
});

describe('COPY text escapes', () => {
  it('undoes every escape COPY reads', () => {
    expect(unescapeCopy('a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh')).toBe('a\tb\nc\rd\\e\bf\fg\vh');
    expect(unescapeCopy('\\101\\x42\\q\\N')).toBe('ABqN');
    expect(unescapeCopy('no escapes')).toBe('no escapes');
  });

  it('joins a line that two COPY messages split', async () => {
    const q = new CopyQuery('', driverParser);
    q.handleRowDescription({
      fields: [
        { name: 'a', dataTypeID: 23 },
        { name: 'b', dataTypeID: 25 },
      ],
    });
    // Three lines in two messages, cut inside the two bytes of 'é'.
    const bytes = Buffer.from('1\tx\n2\tyé\n3\t\\N\n');
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    q.handleCopyData({ chunk: bytes.subarray(0, cut) });
    q.handleCopyData({ chunk: bytes.subarray(cut) });
    q.handleCommandComplete({ text: 'COPY 3' });
    q.handleReadyForQuery();
    const { statements, copies } = await q.result;
    expect(statements).toStrictEqual([[]]);
    expect(copies.map((c) => c.rows())).toStrictEqual([
      [
        { a: 1, b: 'x' },
        { a: 2, b: 'yé' },
        { a: 3, b: null },
      ],
    ]);
  });

  it('holds COPY text in blocks of whole lines, each line in one block however the messages cut it', async () => {
    const q = new CopyQuery('', driverParser);
    q.handleRowDescription({
      fields: [
        { name: 'a', dataTypeID: 23 },
        { name: 'b', dataTypeID: 25 },
      ],
    });
    // 3000 lines (over 16 kB, so several blocks), sent in messages of 7 bytes that cut lines anywhere;
    // one line longer than a block.
    const long = 'x'.repeat(40_000);
    const lines = Array.from({ length: 3000 }, (_, i) => `${i}\t${i === 1500 ? long : `v${i}`}\n`).join('');
    const bytes = Buffer.from(lines);
    for (let at = 0; at < bytes.length; at += 7) q.handleCopyData({ chunk: bytes.subarray(at, at + 7) });
    q.handleCommandComplete({ text: 'COPY 3000' });
    q.handleReadyForQuery();
    const [copy] = (await q.result).copies;
    expect(copy!.bytes).toBe(bytes.length);
    const rows = copy!.rows();
    expect(rows.length).toBe(3000);
    expect(rows[1500]).toStrictEqual({ a: 1500, b: long });
    rows.forEach((r, i) => i !== 1500 && expect(r).toStrictEqual({ a: i, b: `v${i}` }));
    // Decoded again on each call: the caller keeps what it asked for.
    expect(copy!.rows()).not.toBe(rows);
  });

  it('answers the first statements while the rest are still to come, and fails waiters when the script fails', async () => {
    const q = new CopyQuery('', driverParser);
    let second = false;
    const two = q.whenStatements(2).then(() => (second = true));
    const three = q.whenStatements(3);
    q.handleDataRow({ fields: ['a'] });
    q.handleCommandComplete({ text: 'SELECT 1' });
    await Promise.resolve();
    expect(second).toBe(false);
    q.handleCommandComplete({ text: 'BEGIN' });
    await two;
    expect(q.statements).toStrictEqual([[['a']], []]);
    q.handleError(new Error('boom'));
    await expect(three).rejects.toThrow('boom');
    await expect(q.whenStatements(4)).rejects.toThrow('boom');
  });

  it('fails a COPY whose data ends inside a line', async () => {
    const q = new CopyQuery('', driverParser);
    q.handleRowDescription({ fields: [{ name: 'a', dataTypeID: 23 }] });
    q.handleCopyData({ chunk: Buffer.from('1\n2') });
    q.handleCommandComplete({ text: 'COPY 2' });
    q.handleReadyForQuery();
    await expect(q.result).rejects.toThrow(/ended inside a line/);
  });
});
