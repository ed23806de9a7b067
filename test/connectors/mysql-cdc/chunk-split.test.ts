// How mysql-cdc cuts a table into snapshot chunks, against a private MariaDB server: a dense
// one-column integer key is cut every chunk-size keys from its range and the server's row
// estimate (no walk of the index), a sparse or composite key, or the option at 0, is walked
// exactly, and every row is in one chunk either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedTables } from '../../../src/connectors/mysql-cdc/captured-tables.js';
import { connect, splitTable, type Connection } from '../../../src/connectors/mysql-cdc/mysql-catalog.js';
import { resolveOptions } from '../../../src/connectors/mysql-cdc/mysql-cdc-options.js';
import { chunkIndexOf } from '../../../src/connectors/postgres-cdc/chunks.js';
import { haveMariadbBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { startMariadb, type MariadbInstance } from './mariadb-instance.js';
import { expectedBoundaries } from '../cdc-test-support.js';

const run = serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server');
let db: MariadbInstance;

beforeAll(async () => {
  if (!run) return;
  db = await startMariadb();
  // Dense keys 1..2000; keys 50 apart (factor 50); a composite key; an empty table.
  await db.query('CREATE TABLE dense (id bigint PRIMARY KEY, v int)');
  await db.query('INSERT INTO dense SELECT seq, seq FROM seq_1_to_2000');
  await db.query('CREATE TABLE sparse (id int PRIMARY KEY)');
  await db.query('INSERT INTO sparse SELECT seq * 50 FROM seq_1_to_400');
  await db.query('CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b))');
  await db.query('INSERT INTO pairs SELECT seq DIV 3, seq FROM seq_1_to_900');
  await db.query('CREATE TABLE empty (id int PRIMARY KEY)');
  // The estimates a table has once the server's statistics caught up with it.
  await db.query('ANALYZE TABLE dense, sparse, pairs, empty');
}, 60_000);
afterAll(async () => {
  await db?.stop();
});

/** The chunks of `table` and the statements sent to cut it. */
async function split(table: string, size: number, bound?: number) {
  const o = resolveOptions({
    hostname: '127.0.0.1',
    port: db.port,
    username: 'weir',
    password: 'weir',
    'database-name': 'weir',
    'table-name': table,
    'scan.incremental.snapshot.chunk.size': size,
    ...(bound === undefined ? {} : { 'chunk-key.even-distribution.factor.upper-bound': bound }),
  });
  const c: Connection = await connect(o);
  try {
    const [t] = await capturedTables(c, o);
    const sent: string[] = [];
    const query = c.query.bind(c);
    c.query = ((...args: Parameters<typeof query>) => (
      sent.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { sql: string }).sql)),
      query(...args)
    )) as typeof c.query;
    const chunks = await splitTable(c, o, t!);
    return { chunks, sent };
  } finally {
    await c.end();
  }
}

/** Rows of `table` per chunk, by the chunk column `k`. */
async function rowsPerChunk(table: string, k: string, chunks: Awaited<ReturnType<typeof split>>['chunks']): Promise<number[]> {
  const counts = new Array<number>(chunks.length).fill(0);
  for (const r of await db.query<{ k: string }>(`SELECT CAST(${k} AS CHAR) AS k FROM ${table}`)) counts[chunkIndexOf(chunks, BigInt(r.k))]!++;
  return counts;
}

describe.runIf(run)('mysql-cdc chunk split', () => {
  it('cuts a dense key every chunk-size keys from its range, without walking the index', async () => {
    const { chunks, sent } = await split('dense', 300);
    expect(sent.some((s) => s.includes('OFFSET'))).toBe(false);
    expect(chunks.map((c) => c.lo)).toEqual([null, '301', '601', '901', '1201', '1501', '1801']);
    expect(chunks.at(-1)!.hi).toBeNull();
    const counts = await rowsPerChunk('dense', 'id', chunks);
    expect(counts).toEqual([300, 300, 300, 300, 300, 300, 200]);
  });

  it('walks a key sparser than the bound, a composite key, and any key with the bound at 0', async () => {
    const sparseKeys = Array.from({ length: 400 }, (_, i) => (i + 1) * 50);
    const sparse = await split('sparse', 70);
    expect(sparse.sent.some((s) => s.includes('OFFSET'))).toBe(true);
    expect(sparse.chunks.slice(1).map((c) => c.lo)).toEqual(expectedBoundaries(sparseKeys, 70));
    // With a bound above the factor of 50 the same table is cut by range: 70 x 50 keys a chunk.
    const wide = await split('sparse', 70, 60);
    expect(wide.sent.some((s) => s.includes('OFFSET'))).toBe(false);
    expect((await rowsPerChunk('sparse', 'id', wide.chunks)).every((n) => n <= 70 * 60)).toBe(true);

    const pairs = await split('pairs', 100);
    const pairKeys = Array.from({ length: 900 }, (_, i) => Math.floor((i + 1) / 3)).sort((a, b) => a - b);
    expect(pairs.sent.some((s) => s.includes('OFFSET'))).toBe(true);
    expect(pairs.chunks.slice(1).map((c) => c.lo)).toEqual(expectedBoundaries(pairKeys, 100));

    const off = await split('dense', 300, 0);
    expect(off.sent.some((s) => s.includes('OFFSET'))).toBe(true);
    expect(off.chunks.slice(1).map((c) => c.lo)).toEqual(
      expectedBoundaries(
        Array.from({ length: 2000 }, (_, i) => i + 1),
        300,
      ),
    );
    expect(await rowsPerChunk('dense', 'id', off.chunks)).toEqual([300, 300, 300, 300, 300, 300, 200]);
  });

  it('makes one chunk of an empty table', async () => {
    const { chunks } = await split('empty', 10);
    expect(chunks.map((c) => [c.lo, c.hi])).toEqual([[null, null]]);
  });
});
