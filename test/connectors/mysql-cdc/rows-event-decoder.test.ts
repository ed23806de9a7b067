// Weir's rows-event decoder against zongji's: the same binlog read by two replicas, one decoding
// rows with zongji, one with Weir's decoder, over every type Weir decodes itself and its edge
// values (extremes, zeros, NULLs, negative times with fractions, multi-byte text, zero bytes).
// The rows must be the same values; v2 events (MySQL's) are made from the captured v1 ones.
import ZongJi from '@vlasky/zongji';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { membersOf } from '../../../src/connectors/mysql-cdc/binlog-columns.js';
import type { Row } from '../../../src/connectors/mysql-cdc/row-changes.js';
import { decodeRowsEvent, shortestFloat32, tableDecoder } from '../../../src/connectors/mysql-cdc/rows-event-decoder.js';
import { decodeRowsWithWeir } from '../../../src/connectors/mysql-cdc/zongji-rows-hook.js';
import { haveMariadbBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { startMariadb, type MariadbInstance } from './mariadb-instance.js';

const run = serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server');
let db: MariadbInstance;

beforeAll(async () => {
  if (!run) return;
  db = await startMariadb();
  await db.query("SET GLOBAL time_zone = '+05:30'");
}, 60_000);
afterAll(async () => {
  await db?.stop();
});

// Column, type, values (SQL literals) of the rows: maxima, minima, zeros and ordinary values.
const COLUMNS: [string, string, string[]][] = [
  ['ti', 'tinyint', ['127', '-128', '0', '-1']],
  ['tiu', 'tinyint unsigned', ['255', '0', '1', '128']],
  ['si', 'smallint', ['32767', '-32768', '0', '-300']],
  ['siu', 'smallint unsigned', ['65535', '0', '1', '40000']],
  ['mi', 'mediumint', ['8388607', '-8388608', '0', '-70000']],
  ['miu', 'mediumint unsigned', ['16777215', '0', '1', '9000000']],
  ['i', 'int', ['2147483647', '-2147483648', '0', '-5']],
  ['iu', 'int unsigned', ['4294967295', '0', '1', '3000000000']],
  ['bi', 'bigint', ['9223372036854775807', '-9223372036854775808', '-9007199254740991', '-9007199254740992']],
  ['biu', 'bigint unsigned', ['18446744073709551615', '0', '9007199254740991', '9007199254740992']],
  ['bo', 'boolean', ['true', 'false', '0', '1']],
  ['f', 'float', ['3.40282e38', '-1.17549e-38', '0', '0.1']],
  ['db', 'double', ['1.7976931348623157e308', '-2.2250738585072014e-308', '0', '0.1']],
  ['d', 'decimal(38,10)', ['9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '0', '-0.5']],
  [
    'dw',
    'decimal(65,30)',
    ['99999999999999999999999999999999999.999999999999999999999999999999', '-0.000000000000000000000000000001', '0', '1000000000.000000001'],
  ],
  ['d0', 'decimal(10,0)', ['9999999999', '-9999999999', '0', '-1']],
  ['d5', 'decimal(5,2)', ['999.99', '-999.99', '0', '0.05']],
  ['d9', 'decimal(18,9)', ['999999999.999999999', '-999999999.999999999', '0', '-0.000000001']],
  ['dd', 'date', ["'9999-12-31'", "'0001-01-01'", "'0000-00-00'", "'2024-02-29'"]],
  ['tm0', 'time', ["'838:59:59'", "'-838:59:59'", "'00:00:00'", "'-00:00:01'"]],
  ['tm1', 'time(1)', ["'838:59:59.9'", "'-838:59:59.9'", "'-00:00:00.5'", "'12:34:56.7'"]],
  ['tm3', 'time(3)', ["'23:59:59.999'", "'-00:00:01.500'", "'00:00:00.000'", "'-12:34:56.789'"]],
  ['tm6', 'time(6)', ["'838:59:59.000000'", "'-838:59:59.999999'", "'-00:00:01.500000'", "'100:00:00.000001'"]],
  ['dt0', 'datetime', ["'9999-12-31 23:59:59'", "'1000-01-01 00:00:00'", "'0000-00-00 00:00:00'", "'2024-02-29 12:34:56'"]],
  ['dt1', 'datetime(1)', ["'9999-12-31 23:59:59.9'", "'1000-01-01 00:00:00.1'", "'2024-02-29 12:34:56.0'", "'2024-02-29 12:34:56.7'"]],
  ['dt2', 'datetime(2)', ["'9999-12-31 23:59:59.99'", "'1000-01-01 00:00:00.01'", "'2024-02-29 12:34:56.00'", "'2024-02-29 12:34:56.78'"]],
  ['dt3', 'datetime(3)', ["'9999-12-31 23:59:59.999'", "'1000-01-01 00:00:00.001'", "'2024-02-29 12:34:56.000'", "'2024-02-29 12:34:56.789'"]],
  ['dt4', 'datetime(4)', ["'9999-12-31 23:59:59.9999'", "'1000-01-01 00:00:00.0001'", "'2024-02-29 12:34:56.0000'", "'2024-02-29 12:34:56.7891'"]],
  ['dt5', 'datetime(5)', ["'9999-12-31 23:59:59.99999'", "'1000-01-01 00:00:00.00001'", "'2024-02-29 12:34:56.00000'", "'2024-02-29 12:34:56.78901'"]],
  ['dt6', 'datetime(6)', ["'9999-12-31 23:59:59.999999'", "'1000-01-01 00:00:00.000001'", "'2024-02-29 12:34:56.000000'", "'2024-02-29 12:34:56.789012'"]],
  ['ts0', 'timestamp(0) NULL', ["'2038-01-19 03:14:07'", "'1970-01-01 05:30:01'", "'2024-03-31 02:30:00'", "'2024-10-27 02:30:00'"]],
  ['ts3', 'timestamp(3) NULL', ["'2038-01-19 03:14:07.999'", "'1970-01-01 05:30:01.001'", "'2024-03-31 02:30:00.123'", "'2024-10-27 02:30:00.5'"]],
  ['ts6', 'timestamp(6) NULL', ["'2038-01-19 03:14:07.999999'", "'1970-01-01 05:30:01.000001'", "'2024-03-31 02:30:00.123456'", "'2024-10-27 02:30:00.5'"]],
  ['y', 'year', ['2155', '1901', '2000', '1970']],
  ['b1', 'bit(1)', ["b'1'", "b'0'", "b'0'", "b'1'"]],
  ['b13', 'bit(13)', ["b'1111111111111'", "b'0'", "b'1000000000001'", "b'101'"]],
  ['b64', 'bit(64)', ["X'FFFFFFFFFFFFFFFF'", "b'0'", "X'8000000000000001'", "X'00FF00FF00FF00FF'"]],
  ['e', "enum('small','large','ü')", ["'ü'", "'small'", "'large'", "'small'"]],
  ['st', "set('x','y','z')", ["'x,y,z'", "''", "'y'", "'x,z'"]],
  ['stw', `set(${Array.from({ length: 64 }, (_, i) => `'m${i}'`).join(',')})`, ["'m0,m31,m32,m63'", "''", "'m40'", "'m1,m2'"]],
  ['c', 'char(10)', ["'ü😀 end'", "''", "'a'", "'  lead'"]],
  ['vc', 'varchar(100)', ["'日本語 😀 \\\\ '' \"'", "''", "'plain'", "'x'"]],
  ['vcl', 'varchar(300)', [`'${'é'.repeat(300)}'`, "''", "'a'", "'ab'"]],
  ['bn', 'binary(4)', ["X'00FF0000'", "X'00'", "X'FFFFFFFF'", "'ab'"]],
  ['vb', 'varbinary(10)', ["X'00FF0000'", "X''", "X'DEADBEEF00'", "'ab'"]],
  ['tb', 'tinyblob', ["X'00FF'", "X''", "X'01'", "'blob'"]],
  ['bl', 'blob', ["X'00FF0000'", "X''", "X'DEADBEEF00'", "'blob'"]],
  ['mt', 'mediumtext', ["'ü😀'", "''", "'text'", "'t'"]],
  ['lt', 'longtext', [`'${'x'.repeat(70000)}'`, "''", "'long'", "'l'"]],
  ['j', 'json', [`'{"a": [1, 2.5, null, "x\\\\"y"], "big": 18446744073709551615, "u": "\\\\u00e9😀"}'`, "'[]'", "'null'", '\'{"k": "v"}\'']],
  [
    'u',
    'uuid',
    [
      "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
      "'00000000-0000-0000-0000-000000000000'",
      "'123e4567-e89b-12d3-a456-426614174000'",
      "'00000000-0000-0000-0000-000000000001'",
    ],
  ],
];
// latin1 (Windows-1252 in MySQL): every byte from 0x80 up, the five undefined ones included.
const HIGH_BYTES = Array.from({ length: 128 }, (_, i) => (0x80 + i).toString(16)).join('');
COLUMNS.push(
  ['l1', 'varchar(300) CHARACTER SET latin1', [`X'${HIGH_BYTES}'`, "''", "'plain'", "X'9D41'"]],
  ['l2', 'char(5) CHARACTER SET latin1', ["X'8081'", "''", "'abc'", "X'E9'"]],
  ['l3', 'text CHARACTER SET latin1', [`X'${HIGH_BYTES}'`, "''", "'text'", "X'80'"]],
);
const ROWS = 4;

/** The same options and filter as the binlog reader's (BinlogStream). */
function replica(serverId: number, from: { file: string; pos: number }, tables: string[]): ZongJi {
  const z = new ZongJi({ ...db.connection, dateStrings: ['DATE', 'DATETIME'], jsonStrings: true });
  z.on('error', () => {});
  queueMicrotask(() =>
    z.start({
      serverId,
      filename: from.file,
      position: from.pos,
      includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'rotate'],
      includeSchema: { weir: tables },
    }),
  );
  return z;
}

const stop = (z: ZongJi) => new Promise<void>((r) => (z.once('stopped', () => r()), z.stop()));

/** zongji's rows as the binlog reader takes them: an update's before then after, FLOAT as its shortest decimal. */
function zongjiImages(evt: {
  getEventName(): string;
  rows: Row[];
  tableMap: Record<number, { columns: { name: string; type: number }[] }>;
  tableId: number;
}): Row[] {
  const floats = evt.tableMap[evt.tableId]!.columns.filter((c) => c.type === 4).map((c) => c.name);
  const out: Row[] = [];
  for (const r of evt.rows) {
    if (evt.getEventName() === 'updaterows') out.push((r as { before: Row }).before, (r as { after: Row }).after);
    else out.push(r);
  }
  for (const r of out) for (const f of floats) if (typeof r[f] === 'number') r[f] = shortestFloat32(r[f] as number);
  return out;
}

async function binlogEnd(): Promise<{ file: string; pos: number }> {
  const [s] = await db.query<{ File: string; Position: number }>('SHOW MASTER STATUS');
  return { file: s!.File, pos: Number(s!.Position) };
}

async function waitFor(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i > 300) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(run)('binlog rows-event decoder', () => {
  it('decodes every type and edge value as zongji does, v1 and v2 events alike', async () => {
    await db.query(`CREATE TABLE every_type (id int PRIMARY KEY, ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}) DEFAULT CHARSET utf8mb4`);
    const from = await binlogEnd();
    for (let r = 0; r < ROWS; r++) await db.query(`INSERT INTO every_type VALUES (${r + 1}, ${COLUMNS.map(([, , v]) => v[r]).join(', ')})`);
    await db.query(`INSERT INTO every_type (id) VALUES (${ROWS + 1})`); // every column NULL
    // Each row takes the next row's values: before and after images differ in every column.
    await db.query(
      `UPDATE every_type SET ${COLUMNS.map(([n, , v]) => `${n} = CASE id ${v.map((x, r) => `WHEN ${r + 1} THEN ${v[(r + 1) % ROWS]}`).join(' ')} END`).join(', ')}`,
    );
    await db.query('DELETE FROM every_type');
    // Rows events are cut at binlog_row_event_max_size: counted in images, not events. The all-NULL
    // row is updated to itself, which changes nothing.
    const total = ROWS + 1 + 2 * ROWS + (ROWS + 1);

    const theirs: Row[][] = [];
    const z = replica(5701, from, ['every_type']);
    z.on('binlog', (e: unknown) => {
      const evt = e as Parameters<typeof zongjiImages>[0];
      if (['writerows', 'updaterows', 'deleterows'].includes(evt.getEventName())) theirs.push(zongjiImages(evt));
    });
    const ours: Row[][] = [];
    const packets: { type: number; body: Buffer; table: Parameters<typeof tableDecoder>[0] }[] = [];
    const w = replica(5702, from, ['every_type']);
    decodeRowsWithWeir(
      w,
      (_name, _table, images) => ours.push(images),
      (e) => ours.push([{ error: e }]),
    );
    // Keeps a copy of each rows event's bytes, from the packet handler the hook installed.
    w.on('ready', () => {
      const proto = (
        w as unknown as { BinlogClass: { prototype: { binlogData: (p: { buffer: Buffer; offset: number; end: number }, c: unknown) => unknown } } }
      ).BinlogClass.prototype;
      const inner = proto.binlogData;
      const capture = function (this: unknown, p: { buffer: Buffer; offset: number; end: number }, c: unknown) {
        const type = p.buffer[p.offset + 5]!;
        if (type >= 23 && type <= 25) {
          const table = (w as unknown as { tableMap: Record<number, Parameters<typeof tableDecoder>[0]> }).tableMap[p.buffer.readUIntLE(p.offset + 20, 6)]!;
          packets.push({ type, body: Buffer.from(p.buffer.subarray(p.offset + 20, p.end - 4)), table });
        }
        const next = inner.call(this, p, c);
        return next === inner ? capture : next;
      };
      proto.binlogData = capture;
    });
    try {
      await waitFor('both replicas to read every row image', () => theirs.flat().length >= total && ours.flat().length >= total);
    } finally {
      await Promise.all([stop(z), stop(w)]);
    }
    expect(ours).toEqual(theirs);
    const images = ours.flat();
    expect(images).toHaveLength(total);
    // Every column was read, with a value in some row and NULL in the all-NULL one.
    for (const [n] of COLUMNS) expect(images.some((r) => r[n] !== null && r[n] !== undefined)).toBe(true);
    expect(Object.values(images[ROWS]!).filter((v) => v !== null)).toEqual([ROWS + 1]);

    // v2 (MySQL's): the same body with an extra-data field after the flags, and the type code + 7.
    expect(packets).toHaveLength(theirs.length);
    for (const [i, p] of packets.entries()) {
      const extra = Buffer.from([4, 0, 0xab, 0xcd]);
      const v2 = Buffer.concat([p.body.subarray(0, 8), extra, p.body.subarray(8)]);
      const v1Rows: Row[] = [];
      const v2Rows: Row[] = [];
      decodeRowsEvent(p.body, 0, p.body.length, p.type, tableDecoder(p.table)!, v1Rows);
      decodeRowsEvent(v2, 0, v2.length, p.type + 7, tableDecoder(p.table)!, v2Rows);
      expect(v1Rows).toEqual(theirs[i]);
      expect(v2Rows).toEqual(theirs[i]);
    }
  }, 60_000);

  it('reads ENUM members holding commas and quotes, and the invalid-value empty string, as the table does', async () => {
    await db.query(`CREATE TABLE members (id int PRIMARY KEY, e enum('a,b','it''s','c') NULL)`);
    const from = await binlogEnd();
    // With a lax sql_mode an unknown member is stored as index 0, which reads as ''.
    await db.query(`SET STATEMENT sql_mode = '' FOR INSERT INTO members VALUES (1, 'a,b'), (2, 'it''s'), (3, 'c'), (4, 'nope'), (5, NULL)`);
    const ours: Row[] = [];
    const w = replica(5703, from, ['members']);
    decodeRowsWithWeir(
      w,
      (_n, _t, images) => ours.push(...images),
      () => {},
    );
    try {
      await waitFor('the inserted rows', () => ours.length >= 5);
    } finally {
      await stop(w);
    }
    const table = await db.query<Row>('SELECT id, e FROM members ORDER BY id');
    expect(ours.map((r) => ({ ...r }))).toEqual(table.map((r) => ({ ...r })));
    expect(membersOf("enum('a,b','it''s','')")).toEqual(['a,b', "it's", '']);
  }, 60_000);
});
