// SIGKILL and resume of a `weir run` job reading `postgres-cdc` from a private PostgreSQL while a
// writer changes the table: killed during the snapshot and during streaming, resumed with --resume
// each time; the committed changelog, folded by key, must be the table at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PgInstance } from '../connectors/postgres-cdc/pg-instance.js';
import { havePostgresBinaries, serverTestsRun } from '../support/server-binaries.js';
import { startTableWriter } from '../connectors/cdc-test-support.js';
import { committedLines, fold, killRepeatedly, resumeUntilLastRow, runCrashJob } from './cdc-crash-support.js';

// Chunks are read by COPY, four to a request: 20,000 rows were read before the first checkpoint
// after a start completed, so no kill landed in the snapshot. This many rows take some seconds.
const ROWS = 150_000;

let pg: PgInstance;
let work: string;
const serversInstalled = serverTestsRun('postgres-cdc crash', havePostgresBinaries(), 'postgresql');

beforeAll(async () => {
  if (!serversInstalled) return;
  pg = await startPostgres();
  work = mkdtempSync(join(tmpdir(), 'weir-pg-cdc-chaos-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Two connections changing the table while the job reads it, with a pause after each change. */
function startWriter(): { stop: () => Promise<number> } {
  return startTableWriter(
    {
      insert: (id, v) => pg.query('INSERT INTO items VALUES ($1, $2, $3)', [id, v, 'new']),
      update: (id) => pg.query(`UPDATE items SET v = v + 1, s = s || 'u' WHERE id = $1`, [id]),
      delete: (id) => pg.query('DELETE FROM items WHERE id = $1', [id]),
    },
    { rows: ROWS, seed: 13, connections: 2, pauseMs: 2 },
  );
}

describe.runIf(serversInstalled)('postgres-cdc under SIGKILL', () => {
  it('killed during the snapshot and during streaming, resumed each time: the committed changelog folds to the table', async () => {
    await pg.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s text)');
    await pg.query('ALTER TABLE items REPLICA IDENTITY FULL');
    await pg.query(`INSERT INTO items SELECT g, g % 1000, 'row ' || g FROM generate_series(1, ${ROWS}) g`);
    const out = join(work, 'out');
    const checkpoints = join(work, 'checkpoints');
    const start = () => runCrashJob('postgres', pg.port, out, checkpoints);
    const writer = startWriter();
    let phases: string[];
    let ops: number;
    try {
      // The first kills land in the snapshot (300 chunks), the later ones while streaming.
      phases = await killRepeatedly(start, out, checkpoints, ROWS, 6);
    } finally {
      ops = await writer.stop();
    }
    await pg.query(`INSERT INTO items VALUES (-1, 0, 'last')`);
    await resumeUntilLastRow(start, out);
    const { table, anomalies } = fold(committedLines(out));
    const expected = await pg.query<{ id: string }>('SELECT * FROM items');
    console.log(`postgres-cdc chaos: kills ${phases.join(', ')}; ${ops} concurrent writes; ${expected.length} rows at the end`);
    expect(anomalies).toEqual([]);
    expect(table.size).toBe(expected.length);
    for (const r of expected) expect(table.get(String(r.id))).toEqual({ ...r });
    expect(phases).toContain('snapshot');
    expect(phases).toContain('streaming');
  }, 300_000);
});
