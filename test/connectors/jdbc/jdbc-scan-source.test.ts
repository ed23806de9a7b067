// The jdbc scan source restored from a checkpoint mid-table reads on from its position: the rows
// before and after the restore are the table's rows, each once, in key order (or, without a key,
// in the order of all columns).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jdbcScan } from '../../../src/connectors/jdbc/jdbc-scan-source.js';
import type { Batch } from '../../../src/core/batch.js';
import { readerContext } from '../../../src/testing/index.js';
import { haveTestDatabases, mariadbTest, postgresTest, type TestDatabase } from './jdbc-databases.js';

const run = await haveTestDatabases();
const table = `weir_scan_${process.pid}`;
const ROWS = 95;

type Row = Record<string, unknown>;

async function readAll(reader: { poll(): unknown }, limit = Infinity): Promise<Row[]> {
  const out: Row[] = [];
  for (let polls = 0; polls < limit; polls++) {
    const r = (await reader.poll()) as Batch<Row> | 'end' | 'later';
    if (r === 'end') break;
    if (r !== 'later') out.push(...r.values);
  }
  return out;
}

describe.runIf(run).each([
  { name: 'postgres', open: postgresTest },
  { name: 'mariadb', open: mariadbTest },
])('jdbc scan source on $name', ({ open }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await open();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.query(`CREATE TABLE ${table} (a int, b varchar(10), v int, PRIMARY KEY (a, b))`);
    // Inserted out of key order, so a read in insertion order would show.
    const values = Array.from({ length: ROWS }, (_v, i) => (i * 37) % ROWS).map((i) => `(${i % 4}, 'k${String(i).padStart(3, '0')}', ${i})`);
    await db.query(`INSERT INTO ${table} VALUES ${values.join(', ')}`);
  });
  afterAll(async () => {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.close();
  });

  for (const keyed of [true, false]) {
    it(`restored after two pages reads the rest once (${keyed ? 'keyset pages on the primary key' : 'no key: pages by offset'})`, async () => {
      const source = jdbcScan({
        url: db.url,
        'table-name': table,
        username: db.username,
        columns: ['a', 'b', 'v'],
        ...(keyed ? { primaryKey: ['a', 'b'] } : {}),
        'scan.fetch-size': 10,
      });
      const expected = (await db.query<Row>(`SELECT a, b, v FROM ${table} ORDER BY a, b, v`)).map((r) => `${r.a}/${r.b}/${r.v}`);
      const first = source.createReader(source.splits(1), readerContext().ctx);
      const before = await readAll(first, 2);
      const position = first.snapshotState!();
      await first.close?.();
      const second = source.createReader(source.splits(1), readerContext().ctx, position);
      const after = await readAll(second);
      await second.close?.();
      expect(before).toHaveLength(20);
      expect([...before, ...after].map((r) => `${r.a}/${r.b}/${r.v}`)).toEqual(expected);
    });
  }
});
