// SIGKILL and resume of a `weir run` job reading `mysql-cdc` from a private MariaDB while a writer
// changes the table: killed during the snapshot and during streaming, resumed with --resume each
// time; the committed changelog, folded by key, must be the table at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariadb, type MariadbInstance } from '../connectors/mysql-cdc/mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../support/server-binaries.js';
import { startTableWriter } from '../connectors/cdc-test-support.js';
import { committedLines, fold, killRepeatedly, resumeUntilLastRow, runCrashJob } from './cdc-crash-support.js';

const ROWS = 20_000;

let db: MariadbInstance;
let work: string;
const serversInstalled = serverTestsRun('mysql-cdc crash', haveMariadbBinaries(), 'mariadb-server');

beforeAll(async () => {
  if (!serversInstalled) return;
  db = await startMariadb();
  work = mkdtempSync(join(tmpdir(), 'weir-cdc-chaos-'));
}, 60_000);
afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Two connections changing the table while the job reads it, with a pause after each change. */
function startWriter(): { stop: () => Promise<number> } {
  return startTableWriter(
    {
      insert: (id, v) => db.query('INSERT INTO items VALUES (?, ?, ?)', [id, v, 'new']),
      update: (id) => db.query(`UPDATE items SET v = v + 1, s = CONCAT(s, 'u') WHERE id = ?`, [id]),
      delete: (id) => db.query('DELETE FROM items WHERE id = ?', [id]),
    },
    { rows: ROWS, seed: 11, connections: 2, pauseMs: 2 },
  );
}

describe.runIf(serversInstalled)('mysql-cdc under SIGKILL', () => {
  it('killed during the snapshot and during streaming, resumed each time: the committed changelog folds to the table', async () => {
    await db.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200)) ENGINE=InnoDB');
    await db.query(`INSERT INTO items SELECT seq, seq % 1000, CONCAT('row ', seq) FROM seq_1_to_${ROWS}`);
    const out = join(work, 'out');
    const checkpoints = join(work, 'checkpoints');
    const start = () => runCrashJob('mysql', db.port, out, checkpoints);
    const writer = startWriter();
    // The first kills land in the snapshot (200 chunks), the later ones while streaming.
    const phases = await killRepeatedly(start, out, checkpoints, ROWS, 6);
    const ops = await writer.stop();
    await db.query(`INSERT INTO items VALUES (-1, 0, 'last')`);
    await resumeUntilLastRow(start, out);
    const { table, anomalies } = fold(committedLines(out));
    const expected = await db.query<{ id: number }>('SELECT * FROM items');
    console.log(`mysql-cdc chaos: kills ${phases.join(', ')}; ${ops} concurrent writes; ${expected.length} rows at the end`);
    expect(anomalies).toEqual([]);
    expect(table.size).toBe(expected.length);
    for (const r of expected) expect(table.get(String(r.id))).toEqual({ ...r });
    expect(phases).toContain('snapshot');
    expect(phases).toContain('streaming');
  }, 300_000);
});
