// The postgres-cdc source against a private PostgreSQL server (wal_level=logical) started here:
// snapshot in chunks while a writer changes the table, then the log; the folded changelog must be
// the table, with no row missing and none twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/index.js';
import { CollectSink } from '../../../src/connectors/memory/index.js';
import { PostgresCdcSourceBuilder, type Row } from '../../../src/connectors/postgres-cdc/index.js';
import { RowKind } from '../../../src/core/row-kind.js';
import { startPostgres, type PgInstance } from './pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';

let pg: PgInstance;
let dir: string;
const serversInstalled = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');

beforeAll(async () => {
  if (!serversInstalled) return;
  pg = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'weir-cdc-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ROWS = 20_000;

/** Applies a changelog by primary key; counts what a correct changelog never does (+I of a present key, -U/-D of an absent one). */
function fold(values: Row[], kinds: RowKind[]): { table: Map<string, Row>; anomalies: string[] } {
  const table = new Map<string, Row>();
  const anomalies: string[] = [];
  values.forEach((row, i) => {
    const id = String(row.id);
    const kind = kinds[i]!;
    const { op_ts: _t, table_name: _n, ...data } = row;
    if (kind === RowKind.INSERT && table.has(id)) anomalies.push(`+I of present ${id}`);
    if ((kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE) && !table.has(id))
      anomalies.push(`${kind === RowKind.DELETE ? '-D' : '-U'} of absent ${id}`);
    if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) table.set(id, data);
    else table.delete(id);
  });
  return { table, anomalies };
}

async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let t = 0; t < 1200; t++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Inserts, updates and deletes in small transactions until `stop()`; returns how many it ran. */
function startWriter(): { stop: () => Promise<number> } {
  let running = true;
  let ops = 0;
  let nextId = ROWS + 1;
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const loop = async () => {
    while (running) {
      const id = 1 + rnd(nextId);
      const op = rnd(3);
      if (op === 0) await pg.query('INSERT INTO items VALUES ($1, $2, $3)', [nextId++, rnd(1000), 'new']);
      else if (op === 1) await pg.query(`UPDATE items SET v = v + 1, s = s || 'u' WHERE id = $1`, [id]);
      else await pg.query('DELETE FROM items WHERE id = $1', [id]);
      ops++;
    }
  };
  // Three connections at once, so transactions interleave and commit out of start order.
  const loops = Promise.all([loop(), loop(), loop()]);
  return {
    stop: async () => {
      running = false;
      await loops;
      return ops;
    },
  };
}

describe.runIf(serversInstalled)('postgres-cdc source', () => {
  it('snapshot with a concurrent writer, then the log: the folded changelog equals the table; checkpoints confirm the slot', async () => {
    await pg.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s text)');
    await pg.query('ALTER TABLE items REPLICA IDENTITY FULL');
    await pg.query(`INSERT INTO items SELECT g, g % 1000, 'row ' || g FROM generate_series(1, ${ROWS}) g`);
    const writer = startWriter();
    const env = StreamEnvironment.create({
      parallelism: 2,
      slotMode: 'single-thread',
      'execution.checkpointing.interval': '200ms',
      'state.checkpoints.dir': dir,
    });
    const sink = new CollectSink<Row>();
    const source = PostgresCdcSourceBuilder.create()
      .hostname('127.0.0.1')
      .port(pg.port)
      .username('weir')
      .password('weir')
      .databaseName('weir')
      .tableName('items')
      .slotName('items_slot')
      .chunkSize(500)
      .metadata('op_ts', 'table_name')
      .build();
    env.fromSource(source).sinkTo(sink);
    const job = env.executeAsync('cdc');
    const confirmed = async () =>
      (await pg.query<{ l: string }>(`SELECT (confirmed_flush_lsn - '0/0')::text AS l FROM pg_replication_slots WHERE slot_name = 'items_slot'`))[0]?.l;
    await until('the slot', async () => (await confirmed()) !== undefined);
    const created = BigInt((await confirmed())!);
    // Changes made after the snapshot ended reach the log split.
    await until('the snapshot', () => sink.values.length >= ROWS - 500 && sink.values.some((r, i) => r.op_ts !== 0 && sink.kinds[i] !== RowKind.INSERT));
    const ops = await writer.stop();
    await pg.query(`INSERT INTO items VALUES (-1, 0, 'last')`);
    await until('the last row', () => sink.values.some((r) => String(r.id) === '-1'));
    const { table, anomalies } = fold(sink.values, sink.kinds);
    const expected = await pg.query<Row>('SELECT * FROM items');
    expect(anomalies).toEqual([]);
    expect(table.size).toBe(expected.length);
    for (const r of expected) expect(table.get(String(r.id))).toEqual(r);
    expect(ops).toBeGreaterThan(0);
    expect(sink.values.every((r) => r.table_name === 'items')).toBe(true);
    // The slot moves on only once checkpoints covering the log completed.
    await until('the slot to be confirmed', async () => BigInt((await confirmed())!) > created);
    console.log(`cdc: ${sink.values.length} changelog rows, ${ops} concurrent writes, ${expected.length} rows at the end`);
    await job.cancel();
  }, 120_000);
});
