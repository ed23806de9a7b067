// Chunk reads skip the log only when nothing can have been written between a chunk's snapshot and
// its watermark: against a private PostgreSQL server, a quiet table is read with one round trip and
// no peek, while a writer holding a transaction id at the snapshot (which `pg_current_snapshot()`
// does not list when its id is the newest) sends the read through the log.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedTables, type CapturedTable } from '../../../src/connectors/postgres-cdc/captured-tables.js';
import type { ChunkSplit } from '../../../src/connectors/postgres-cdc/cdc-splits.js';
import { ChunkReads, NEXT_XID_AGE, quietBetween } from '../../../src/connectors/postgres-cdc/chunk-read.js';
import { ensureSlot, splitTable } from '../../../src/connectors/postgres-cdc/pg-catalog.js';
import { connectPg } from '../../../src/connectors/postgres-cdc/pg-connect.js';
import { resolveOptions, type ResolvedCdcOptions } from '../../../src/connectors/postgres-cdc/postgres-cdc-options.js';
import type { Row } from '../../../src/connectors/postgres-cdc/row-changes.js';
import { textTypes } from '../../../src/connectors/postgres-cdc/text-types.js';
import { parseXidSnapshot } from '../../../src/connectors/postgres-cdc/xid-snapshot.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { expectedBoundaries } from '../cdc-test-support.js';
import { startPostgres, type PgInstance } from './pg-instance.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');
const ROWS = 1000;
let server: PgInstance;
let o: ResolvedCdcOptions;
let reader: pg.Client;
let writer: pg.Client;
let table: CapturedTable;
let splits: ChunkSplit[];

beforeAll(async () => {
  if (!run) return;
  server = await startPostgres();
  await server.query('CREATE TABLE q (id bigint PRIMARY KEY, v int NOT NULL)');
  await server.query(`INSERT INTO q SELECT g, g FROM generate_series(1, ${ROWS}) g`);
  o = resolveOptions({
    hostname: '127.0.0.1',
    port: server.port,
    username: 'weir',
    password: 'weir',
    'database-name': 'weir',
    'table-name': 'q',
    'slot.name': 'chunk_reads',
    'scan.incremental.snapshot.chunk.size': 300,
  });
  reader = await connectPg({ ...o.connection, types: textTypes });
  writer = await connectPg(o.connection);
  [table] = await capturedTables(reader, o);
  await ensureSlot(reader, o, [table!]);
  splits = (await splitTable(reader, o, table!)).map((chunk) => ({ id: chunk.id, kind: 'chunk', table: table!, chunk }));
}, 60_000);
afterAll(async () => {
  await reader?.end();
  await writer?.end();
  await server?.stop();
});

/** Every chunk's rows by id, and the statements the reader's client was sent meanwhile. */
async function readAll(): Promise<{ rows: Map<number, Row>; queries: number }> {
  let queries = 0;
  const query = reader.query.bind(reader);
  reader.query = ((...args: Parameters<typeof query>) => (queries++, query(...args))) as typeof reader.query;
  try {
    const reads = new ChunkReads(reader, o, splits);
    const rows = new Map<number, Row>();
    for (let i = 0; i < splits.length; i++) for (const r of await reads.rows(i)) rows.set(Number(r.id), r);
    return { rows, queries };
  } finally {
    reader.query = query;
  }
}

/** The options of a source on table `name` with chunk size `size` and, if given, the even-distribution bound. */
const tableOptions = (name: string, size: number, bound?: number): ResolvedCdcOptions =>
  resolveOptions({
    hostname: '127.0.0.1',
    port: server.port,
    username: 'weir',
    password: 'weir',
    'database-name': 'weir',
    'table-name': name,
    'slot.name': 'walk',
    'scan.incremental.snapshot.chunk.size': size,
    ...(bound === undefined ? {} : { 'chunk-key.even-distribution.factor.upper-bound': bound }),
  });

describe.runIf(run)('chunk walk', () => {
  it('cuts a table every chunk-size keys in one query, past runs of a repeated first key column, and an empty one into one chunk', async () => {
    // Gaps in the keys, and a composite key whose first column repeats 1 to 700 times.
    await server.query('CREATE TABLE walk1 (id int PRIMARY KEY)');
    await server.query('INSERT INTO walk1 SELECT g * 3 + (g % 7) FROM generate_series(1, 2000) g');
    await server.query('CREATE TABLE walk2 (a bigint, b int, PRIMARY KEY (a, b))');
    await server.query(`INSERT INTO walk2 SELECT CASE WHEN g <= 700 THEN 5 ELSE g / 3 END, g FROM generate_series(1, 3000) g`);
    await server.query('CREATE TABLE walk3 (id int PRIMARY KEY)');
    for (const [name, size] of [
      ['walk1', 300],
      ['walk1', 1],
      ['walk2', 250],
      ['walk3', 10],
    ] as const) {
      // The walk itself, not the cut by range that a dense key gets once the table has an estimate.
      const wo = tableOptions(name, size, 0);
      const [t] = await capturedTables(reader, wo);
      const keys = (await server.query<{ k: string }>(`SELECT ${t!.chunkColumn} AS k FROM ${name} ORDER BY 1`)).map((r) => Number(r.k));
      let queries = 0;
      const query = reader.query.bind(reader);
      reader.query = ((...args: Parameters<typeof query>) => (queries++, query(...args))) as typeof reader.query;
      const chunks = await splitTable(reader, wo, t!).finally(() => (reader.query = query));
      expect(queries).toBe(1);
      const boundaries = expectedBoundaries(keys, size);
      expect(chunks.map((c) => c.lo)).toEqual([null, ...boundaries]);
      expect(chunks.map((c) => c.hi)).toEqual([...boundaries, null]);
    }
  });
});

describe.runIf(run)('chunk cut by range', () => {
  it('cuts a dense key every chunk-size keys from its range and the estimate, in one query without a walk, and walks a sparser one', async () => {
    await server.query('CREATE TABLE even1 (id bigint PRIMARY KEY)');
    await server.query('INSERT INTO even1 SELECT g FROM generate_series(11, 1010) g');
    await server.query('CREATE TABLE even2 (id int PRIMARY KEY)');
    await server.query('INSERT INTO even2 SELECT g * 40 FROM generate_series(1, 500) g');
    await server.query('ANALYZE even1, even2');
    for (const [name, bound, expected] of [
      ['even1', undefined, ['261', '511', '761']],
      // Keys 40 apart: a factor of 40, past the default bound of 10, so walked: every 250th key.
      ['even2', undefined, ['10040']],
      // Within a bound of 50: cut every 250 x 39.92 (19,961 keys over 500 rows) keys from 40.
      ['even2', 50, ['10021']],
    ] as const) {
      const wo = tableOptions(name, 250, bound);
      const [t] = await capturedTables(reader, wo);
      const sent: string[] = [];
      const query = reader.query.bind(reader);
      reader.query = ((...args: Parameters<typeof query>) => (sent.push(String(args[0])), query(...args))) as typeof reader.query;
      const chunks = await splitTable(reader, wo, t!).finally(() => (reader.query = query));
      expect(chunks.map((c) => c.lo)).toEqual([null, ...expected]);
      const walkedIt = sent.some((q) => q.includes('RECURSIVE'));
      expect(walkedIt).toBe(name === 'even2' && bound === undefined);
    }
  });
});

describe.runIf(run)('chunk reads', () => {
  it('read a quiet table in one round trip, without peeking at the log', async () => {
    expect(splits.length).toBeGreaterThan(2);
    const { rows, queries } = await readAll();
    expect(queries).toBe(1);
    expect(rows.size).toBe(ROWS);
    for (let id = 1; id <= ROWS; id++) expect(rows.get(id)).toEqual({ id: String(id), v: id });
  });

  it('peek at the log while a writer holds a transaction id, and keep what it had not committed out', async () => {
    await writer.query('BEGIN');
    await writer.query('UPDATE q SET v = -1 WHERE id = 5');
    try {
      const { rows, queries } = await readAll();
      expect(queries).toBe(2);
      expect(rows.get(5)).toEqual({ id: '5', v: 5 });
    } finally {
      await writer.query('COMMIT');
    }
    const { rows, queries } = await readAll();
    expect(queries).toBe(1);
    expect(rows.get(5)).toEqual({ id: '5', v: -1 });
  });

  it('call a snapshot quiet only if no transaction held an id at it and none got one until after', async () => {
    const at = async () => (await reader.query<{ s: string; a: string }>(`SELECT pg_current_snapshot()::text AS s, ${NEXT_XID_AGE} AS a`)).rows[0]!;
    const after = async () => (await reader.query<{ a: string }>(`SELECT ${NEXT_XID_AGE} AS a`)).rows[0]!.a;

    let s = await at();
    expect(quietBetween(parseXidSnapshot(s.s), s.a, await after())).toBe(true);

    s = await at();
    await writer.query('UPDATE q SET v = v WHERE id = 1');
    expect(quietBetween(parseXidSnapshot(s.s), s.a, await after())).toBe(false);

    // The writer's id is the newest: the snapshot lists no transaction in progress, yet one is.
    await writer.query('BEGIN');
    await writer.query('UPDATE q SET v = v WHERE id = 2');
    s = await at();
    await writer.query('COMMIT');
    expect(parseXidSnapshot(s.s).xip.size).toBe(0);
    expect(quietBetween(parseXidSnapshot(s.s), s.a, await after())).toBe(false);
  });
});
