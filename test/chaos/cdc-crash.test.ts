// SIGKILL and resume of a `weir run` job reading `mysql-cdc` from a private MariaDB while a writer
// changes the table: killed during the snapshot and during streaming, resumed with --resume each
// time; the committed changelog, folded by key, must be the table at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariadb, type MariadbInstance } from '../connectors/mysql-cdc/mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../support/server-binaries.js';
import { foldChangelog, sleep, startTableWriter } from '../connectors/cdc-test-support.js';
import { rowKindOf } from '../../src/core/row-kind.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'src/cli/main.ts');
const job = join(root, 'test/chaos/cdc-crash-job.ts');
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

/** Folds the committed `kind json` lines by id. */
function fold(lines: string[]): ReturnType<typeof foldChangelog> {
  return foldChangelog(
    lines.map((l) => JSON.parse(l.slice(3)) as { id: number }),
    lines.map((l) => rowKindOf(l.slice(0, 2))),
  );
}

function newestCheckpoint(dir: string): number {
  const jobDir = join(dir, 'cdc-chaos');
  if (!existsSync(jobDir)) return 0;
  let n = 0;
  for (const d of readdirSync(jobDir)) {
    const m = /^chk-(\d+)$/.exec(d);
    if (m && existsSync(join(jobDir, d, '_metadata'))) n = Math.max(n, Number(m[1]));
  }
  return n;
}

/** The committed lines in the order they were written: one subtask (-p 1), parts by their number. */
function committedLines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const parts = readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .map((n) => [Number(/-(\d+)\.txt$/.exec(n)![1]), n] as const);
  parts.sort((a, b) => a[0] - b[0]);
  return parts.flatMap(([, n]) => readFileSync(join(dir, n), 'utf8').split('\n')).filter((l) => l.length > 0);
}

function run(out: string, checkpoints: string): { child: ChildProcess; exited: Promise<void>; stderr: () => string } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, 'run', job, '--no-progress', '--checkpoint-dir', checkpoints, '--checkpoint-interval', '100ms', '--resume', '-p', '1'],
    {
      cwd: root,
      env: { ...process.env, WEIR_CHAOS_OUT: out, WEIR_CDC_PORT: String(db.port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return { child, exited: new Promise((r) => child.once('exit', () => r())), stderr: () => err };
}

describe.runIf(serversInstalled)('mysql-cdc under SIGKILL', () => {
  it('killed during the snapshot and during streaming, resumed each time: the committed changelog folds to the table', async () => {
    await db.query('CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s varchar(200)) ENGINE=InnoDB');
    await db.query(`INSERT INTO items SELECT seq, seq % 1000, CONCAT('row ', seq) FROM seq_1_to_${ROWS}`);
    const out = join(work, 'out');
    const checkpoints = join(work, 'checkpoints');
    const writer = startWriter();
    const phases: string[] = [];
    let seed = 5;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    // Kill soon after a new checkpoint: the first ones land in the snapshot (200 chunks), the later
    // ones, after waiting for the snapshot's rows to be committed, while streaming.
    for (let k = 0; k < 6; k++) {
      const r = run(out, checkpoints);
      const before = newestCheckpoint(checkpoints);
      const streaming = k >= 3;
      for (let t = 0; ; t++) {
        if (r.child.exitCode !== null) throw new Error(`the job exited: ${r.stderr().slice(-2000)}`);
        const committed = committedLines(out).length;
        if (newestCheckpoint(checkpoints) > before && (!streaming || committed > ROWS + 100)) break;
        if (t > 1200) throw new Error(`no new checkpoint: ${r.stderr().slice(-2000)}`);
        await sleep(50);
      }
      await sleep(rnd(300));
      phases.push(committedLines(out).length < ROWS ? 'snapshot' : 'streaming');
      r.child.kill('SIGKILL');
      await r.exited;
    }
    const ops = await writer.stop();
    await db.query(`INSERT INTO items VALUES (-1, 0, 'last')`);
    const last = run(out, checkpoints);
    for (let t = 0; !committedLines(out).some((l) => l.includes('"id":-1,')); t++) {
      if (last.child.exitCode !== null || t > 1200) throw new Error(`the last row never came: ${last.stderr().slice(-2000)}`);
      await sleep(50);
    }
    last.child.kill('SIGKILL');
    await last.exited;
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
