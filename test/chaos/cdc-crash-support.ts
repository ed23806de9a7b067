// What the CDC crash tests share: running the crash job under `weir run --resume`, reading its
// committed output and checkpoints, and the kill loop (killed during the snapshot, then while
// streaming, resumed each time).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { foldChangelog, sleep } from '../connectors/cdc-test-support.js';
import { rowKindOf } from '../../src/core/row-kind.js';
import { newestCheckpoint } from '../support/newest-checkpoint.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'src/cli/main.ts');
const job = join(root, 'test/chaos/cdc-crash-job.ts');

/** The crash job's name: its checkpoints are under `<checkpoint dir>/cdc-chaos`. */
const JOB_NAME = 'cdc-chaos';

export interface RunningJob {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stderr(): string;
}

/** Folds the committed `kind json` lines by id. */
export function fold(lines: string[]): ReturnType<typeof foldChangelog> {
  return foldChangelog(
    lines.map((l) => JSON.parse(l.slice(3)) as { id: number }),
    lines.map((l) => rowKindOf(l.slice(0, 2))),
  );
}

const newestCheckpointOf = (dir: string): number => newestCheckpoint(dir, JOB_NAME);

/** The committed lines in the order they were written: one subtask (-p 1), parts by their number. */
export function committedLines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const parts = readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .map((n) => [Number(/-(\d+)\.txt$/.exec(n)![1]), n] as const);
  parts.sort((a, b) => a[0] - b[0]);
  return parts.flatMap(([, n]) => readFileSync(join(dir, n), 'utf8').split('\n')).filter((l) => l.length > 0);
}

/** Starts (or resumes) the crash job reading the `kind` source (`mysql` or `postgres`) on `port`. */
export function runCrashJob(kind: 'mysql' | 'postgres', port: number, out: string, checkpoints: string): RunningJob {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, 'run', job, '--no-progress', '--checkpoint-dir', checkpoints, '--checkpoint-interval', '100ms', '--resume', '-p', '1'],
    {
      cwd: root,
      env: { ...process.env, WEIR_CHAOS_OUT: out, WEIR_CDC_PORT: String(port), WEIR_CDC_KIND: kind },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return { child, exited: new Promise((r) => child.once('exit', () => r())), stderr: () => err };
}

/**
 * Kills the job `kills` times soon after a new checkpoint: the first half while the snapshot is
 * read, the rest after waiting for the snapshot's `rows` to be committed (streaming). Returns the
 * phase of each kill.
 */
export async function killRepeatedly(start: () => RunningJob, out: string, checkpoints: string, rows: number, kills: number): Promise<string[]> {
  const phases: string[] = [];
  let seed = 5;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let k = 0; k < kills; k++) {
    const r = start();
    const before = newestCheckpointOf(checkpoints);
    const streaming = k >= kills / 2;
    for (let t = 0; ; t++) {
      if (r.child.exitCode !== null) throw new Error(`the job exited: ${r.stderr().slice(-2000)}`);
      const committed = committedLines(out).length;
      if (newestCheckpointOf(checkpoints) > before && (!streaming || committed > rows + 100)) break;
      if (t > 2400) throw new Error(`no new checkpoint: ${r.stderr().slice(-2000)}`);
      await sleep(50);
    }
    await sleep(rnd(300));
    phases.push(committedLines(out).length < rows ? 'snapshot' : 'streaming');
    r.child.kill('SIGKILL');
    await r.exited;
  }
  return phases;
}

/** Resumes the job once more and waits until the row with id -1 (written last) is committed. */
export async function resumeUntilLastRow(start: () => RunningJob, out: string): Promise<void> {
  const last = start();
  for (let t = 0; !committedLines(out).some((l) => l.includes('"id":-1,') || l.includes('"id":"-1",')); t++) {
    if (last.child.exitCode !== null || t > 2400) throw new Error(`the last row never came: ${last.stderr().slice(-2000)}`);
    await sleep(50);
  }
  last.child.kill('SIGKILL');
  await last.exited;
}
