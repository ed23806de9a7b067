// A reader asks for its next chunks while it emits its current ones, so the server reads one
// hand-out ahead: against a private PostgreSQL server, the enumerator holds the log split back until
// the reader says it emitted every chunk, and a restore between a read ahead and its emission
// re-reads those chunks, losing and duplicating no row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresCdcSource } from '../../../src/connectors/postgres-cdc/postgres-cdc-source.js';
import { CdcEnumerator, CHUNKS_PER_REQUEST } from '../../../src/connectors/postgres-cdc/cdc-enumerator.js';
import type { CdcSplit } from '../../../src/connectors/postgres-cdc/cdc-splits.js';
import { resolveOptions, type PostgresCdcOptions } from '../../../src/connectors/postgres-cdc/postgres-cdc-options.js';
import type { Row } from '../../../src/connectors/postgres-cdc/row-changes.js';
import type { SplitEnumeratorContext } from '../../../src/core/split-enumerator.js';
import { ManualClock } from '../../../src/core/clock.js';
import { EnumeratorRun } from '../../../src/testing/enumerator-run.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { startPostgres, type PgInstance } from './pg-instance.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');
const ROWS = 10_000;
const CHUNK = 250;
let server: PgInstance;

beforeAll(async () => {
  if (!run) return;
  server = await startPostgres();
  await server.query('CREATE TABLE p (id bigint PRIMARY KEY, v int NOT NULL)');
  await server.query(`INSERT INTO p SELECT g, g FROM generate_series(1, ${ROWS}) g`);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function options(slot: string, extra: Partial<PostgresCdcOptions> = {}): PostgresCdcOptions {
  return {
    hostname: '127.0.0.1',
    port: server.port,
    username: 'weir',
    password: 'weir',
    'database-name': 'weir',
    'table-name': 'p',
    'slot.name': slot,
    'scan.incremental.snapshot.chunk.size': CHUNK,
    ...extra,
  };
}

/** The chunk numbers whose statements the server was last sent on each of its connections. */
async function chunksSent(): Promise<number[]> {
  const rows = await server.query<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE query LIKE '%weir-cdc-watermark%' AND pid <> pg_backend_pid()`);
  return rows.flatMap((r) => [...r.query.matchAll(/#chunk-(\d+):/g)].map((m) => Number(m[1])));
}

describe.runIf(run)('postgres-cdc read-ahead', () => {
  it('a restore between a read ahead and its emission re-reads those chunks: every row once', async () => {
    const source = postgresCdcSource(options('ahead_restore', { 'scan.startup.mode': 'snapshot' }));
    const first = new EnumeratorRun<Row>(source, 1);
    // Into the second hand-out, whose successor the server was sent.
    await first.run(CHUNKS_PER_REQUEST + 5);
    const cp = first.checkpoint(1);
    const done = Object.values(cp.positions).filter((p) => p === 'done').length;
    expect(first.out.length).toBe(done * CHUNK);
    const ahead = (Math.floor(done / CHUNKS_PER_REQUEST) + 1) * CHUNKS_PER_REQUEST;
    expect(done).toBeGreaterThan(0);
    expect(Math.max(...(await chunksSent()))).toBeGreaterThanOrEqual(ahead);
    await first.close();

    const second = new EnumeratorRun<Row>(source, 1, cp);
    await second.run();
    await second.close();
    const ids = [...first.out, ...second.out].map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(second.out.every((r) => Number(r.id) === Number(r.v))).toBe(true);
  }, 60_000);

  it('the log split waits for a request made after every chunk was emitted, not for one made while emitting', async () => {
    const handed: (CdcSplit | 'no-more')[] = [];
    const work: Promise<void>[] = [];
    const ctx: SplitEnumeratorContext<CdcSplit> = {
      sourceName: 'p',
      parallelism: 1,
      clock: new ManualClock(0),
      registeredReaders: () => [0],
      assignSplit: (_, s) => void handed.push(s),
      signalNoMoreSplits: () => void handed.push('no-more'),
      callAsync: (w, then) => void work.push(w().then(then)),
    };
    const e = new CdcEnumerator(resolveOptions(options('ahead_log')), ctx, undefined);
    e.start();
    await Promise.all(work);
    const chunks = ROWS / CHUNK;
    // Each request made while the previous hand-out is emitted.
    for (let i = 0; i < chunks / CHUNKS_PER_REQUEST; i++) e.handleSplitRequest(0);
    expect(handed.length).toBe(chunks);
    // None left: the reader may still be emitting its last hand-out, so it gets a drain, not the log.
    e.handleSplitRequest(0);
    expect(handed.slice(chunks).map((s) => (s === 'no-more' ? s : s.kind))).toEqual(['drain']);
    // Asked again after the drain: every chunk was emitted.
    e.handleSplitRequest(0);
    expect(handed.slice(chunks + 1).map((s) => (s === 'no-more' ? s : s.kind))).toEqual(['log']);
    e.close();
  }, 60_000);
});
