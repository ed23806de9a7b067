import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PgoutputDecoder } from '../../../src/connectors/postgres-cdc/pgoutput-decoder.js';

// Messages are built here by the protocol's documented layout; the values are checked against
// `pg`'s own text parsers, which the snapshot's queries use.

const int8 = (v: number) => Buffer.from([v]);
const int16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};
const int32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const cstring = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);

function relation(oid: number, columns: [name: string, typeOid: number, key: boolean][]): Buffer {
  return Buffer.concat([
    Buffer.from('R'),
    int32(oid),
    cstring('public'),
    cstring('t'),
    Buffer.from('d'),
    int16(columns.length),
    ...columns.map(([name, typeOid, key]) => Buffer.concat([int8(key ? 1 : 0), cstring(name), int32(typeOid), int32(-1)])),
  ]);
}

/** TupleData of text values (null: SQL NULL, undefined: an unchanged TOAST value). */
function tuple(values: (string | null | undefined)[]): Buffer {
  return Buffer.concat([
    int16(values.length),
    ...values.map((v) => {
      if (v === null) return Buffer.from('n');
      if (v === undefined) return Buffer.from('u');
      const bytes = Buffer.from(v, 'utf8');
      return Buffer.concat([Buffer.from('t'), int32(bytes.length), bytes]);
    }),
  ]);
}

const TIMESTAMPS = [
  '2024-01-01 00:00:00',
  '2024-02-29 23:59:59.999',
  '1999-12-31 12:34:56.123456',
  '2038-01-19 03:14:08.5',
  '1000-01-01 00:00:00.000001',
  '0099-03-04 05:06:07',
  '0001-01-01 00:00:00 BC',
  '294276-12-31 23:59:59.999999',
  'infinity',
  '-infinity',
];
const TIMESTAMPTZ = ['2024-01-01 00:00:00+00', '2024-06-30 12:00:00.25+00', '2024-06-30 12:00:00+05:30', '1970-01-01 00:00:00-08', '0010-01-01 00:00:00+00'];
const INTEGERS = ['0', '1', '-1', '2147483647', '-2147483648', '42'];
const BIGINTS = ['0', '-9223372036854775808', '9223372036854775807', '123'];

describe('PgoutputDecoder', () => {
  it("decodes each type's text as pg's parser does, NULLs, unchanged TOAST values and the key of an update", () => {
    const d = new PgoutputDecoder();
    const cols: [string, number, boolean][] = [
      ['id', 20, true],
      ['i4', 23, false],
      ['i2', 21, false],
      ['ts', 1114, false],
      ['tz', 1184, false],
      ['txt', 25, false],
      ['js', 3802, false],
      ['num', 1700, false],
      ['b', 16, false],
    ];
    d.decode(relation(7, cols));
    const n = Math.max(TIMESTAMPS.length, TIMESTAMPTZ.length, INTEGERS.length, BIGINTS.length);
    for (let i = 0; i < n; i++) {
      const texts = [
        BIGINTS[i % BIGINTS.length]!,
        INTEGERS[i % INTEGERS.length]!,
        String((i * 1237) % 32767),
        TIMESTAMPS[i % TIMESTAMPS.length]!,
        TIMESTAMPTZ[i % TIMESTAMPTZ.length]!,
        `naïve ${i} ✓`,
        '{"big": 12345678901234567890}',
        '-12.50',
        i % 2 ? 't' : 'f',
      ];
      const m = d.decode(Buffer.concat([Buffer.from('I'), int32(7), Buffer.from('N'), tuple(texts)]));
      expect(m.tag).toBe('insert');
      const expected = Object.fromEntries(
        cols.map(([name, oid], c) => [name, oid === 3802 ? texts[c] : (pg.types.getTypeParser(oid, 'text') as (v: string) => unknown)(texts[c]!)]),
      );
      expect((m as { new: unknown }).new).toEqual(expected);
      expect(Object.getPrototypeOf((m as { new: object }).new)).toBe(Object.prototype);
    }

    const before = ['5', '1', '2', TIMESTAMPS[0]!, TIMESTAMPTZ[0]!, 'old', '{}', '1', 't'];
    const after = ['5', '2', null, TIMESTAMPS[1]!, TIMESTAMPTZ[1]!, undefined, '{}', '1', 't'];
    const full = d.decode(Buffer.concat([Buffer.from('U'), int32(7), Buffer.from('O'), tuple(before), Buffer.from('N'), tuple(after)]));
    expect(full).toMatchObject({ tag: 'update', new: { i4: 2, i2: null, txt: 'old' }, old: { i4: 1, txt: 'old' }, key: null });

    const keyed = d.decode(
      Buffer.concat([
        Buffer.from('U'),
        int32(7),
        Buffer.from('K'),
        tuple(['5', null, null, null, null, null, null, null, null]),
        Buffer.from('N'),
        tuple(after),
      ]),
    );
    expect(keyed).toMatchObject({ tag: 'update', key: { id: '5' }, old: null });
    expect(Object.keys((keyed as { key: object }).key)).toEqual(['id']);
    expect((keyed as { new: Record<string, unknown> }).new.txt).toBeUndefined();
    expect('txt' in (keyed as { new: Record<string, unknown> }).new).toBe(true);

    const del = d.decode(Buffer.concat([Buffer.from('D'), int32(7), Buffer.from('K'), tuple(['9', null, null, null, null, null, null, null, null])]));
    expect(del).toMatchObject({ tag: 'delete', key: { id: '9' }, old: null, new: null });
  });

  it('reads begin, commit and logical messages', () => {
    const d = new PgoutputDecoder();
    const lsn = (hi: number, lo: number) => Buffer.concat([int32(hi), int32(lo)]);
    const commitUs = BigInt(Date.UTC(2026, 11, 4, 17, 0, 0, 123) - Date.UTC(2000, 0, 1)) * 1000n + 456n;
    const time = Buffer.alloc(8);
    time.writeBigInt64BE(commitUs);
    expect(d.decode(Buffer.concat([Buffer.from('B'), lsn(1, 0x2000), time, int32(77)]))).toEqual({
      tag: 'begin',
      commitLsn: 0x1_0000_2000n,
      commitTime: Date.UTC(2026, 11, 4, 17, 0, 0, 123),
    });
    expect(d.decode(Buffer.concat([Buffer.from('C'), int8(0), lsn(1, 0x2000), lsn(1, 0x2040), time]))).toEqual({
      tag: 'commit',
      commitLsn: 0x1_0000_2000n,
      commitEndLsn: 0x1_0000_2040n,
    });
    const content = Buffer.from('slot:chunk-1:read', 'utf8');
    const m = d.decode(Buffer.concat([Buffer.from('M'), int8(0), lsn(0, 5), cstring('weir-cdc-watermark'), int32(content.length), content]));
    expect(m.tag === 'message' && [m.prefix, m.content.toString('utf8')]).toEqual(['weir-cdc-watermark', 'slot:chunk-1:read']);
    expect(() => d.decode(Buffer.concat([Buffer.from('I'), int32(99), Buffer.from('N'), tuple(['1'])]))).toThrow(/relation 99/);
  });
});
