import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsCheckpointStorage } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import type { SubtaskSnapshot } from '../../src/runtime/subtask-snapshot.js';
import { finish, runCli, startCli } from '../cli/cli-process.js';
import { multisetDiff } from './multiset-diff.js';
import { committedLines } from './committed-lines.js';

const work = mkdtempSync(join(tmpdir(), 'weir-sp-resume-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ROWS = 4000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the job must commit, from its input alone (see savepoint-resume-job.ts). */
function expectedLines(): string[] {
  const lines: string[] = [];
  const perKey = new Array<number>(7).fill(0);
  for (let id = 0; id < ROWS; id++) {
    lines.push(`r ${id}`);
    lines.push(`c ${id % 7} ${++perKey[id % 7]!}`);
  }
  return lines;
}

/** Ids of complete checkpoints (not savepoints) in a job's checkpoint directory. */
function completeCheckpoints(jobDir: string): number[] {
  if (!existsSync(jobDir)) return [];
  return readdirSync(jobDir)
    .map((n) => /^chk-(\d+)$/.exec(n))
    .filter((m) => m && existsSync(join(jobDir, m[0], '_metadata')))
    .map((m) => Number(m![1]));
}

describe('a savepoint, then SIGKILL, then --resume', () => {
  it('resumes from the savepoint, whose output was committed, not from the older checkpoint', async () => {
    const out = join(work, 'out');
    const cps = join(work, 'checkpoints');
    const jobDir = join(cps, 'savepoint-resume');
    Object.assign(process.env, { WEIR_OUT: out, WEIR_ROWS: String(ROWS), WEIR_RATE: '500' });
    const args = ['run', 'test/checkpoint/savepoint-resume-job.ts', '--no-progress', '--checkpoint-dir', cps, '--checkpoint-interval', '2s'];

    const first = startCli(args);
    let exited = false;
    const firstRun = finish(first).finally(() => (exited = true));
    while (!exited && completeCheckpoints(jobDir).length === 0) await sleep(20);
    expect(exited, 'the job ended before its first checkpoint').toBe(false);

    const sp = await runCli(['savepoint', 'savepoint-resume', '--checkpoint-dir', cps]);
    expect(sp.code, sp.stderr).toBe(0);
    const saved = await FsCheckpointStorage.load(sp.stdout.trim());
    // The savepoint committed its pending parts: wait until they are visible, then kill at once.
    const parts = saved.states
      .filter((s) => s.operator === 'sink')
      .flatMap((s) => ((s.state as SubtaskSnapshot).operator as { committable: { parts: [string, string][] } }).committable.parts.map(([, final]) => final));
    expect(parts.length).toBeGreaterThan(0);
    while (!exited && !parts.every((p) => existsSync(p))) await sleep(5);
    first.kill('SIGKILL');
    expect((await firstRun).signal).toBe('SIGKILL');
    // The scenario: the newest checkpoint is older than the savepoint, and the job was mid-stream.
    expect(Math.max(...completeCheckpoints(jobDir))).toBeLessThan(saved.metadata.id);
    expect(committedLines(out).length).toBeLessThan(2 * ROWS);

    const resumed = await runCli([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(multisetDiff(expectedLines(), committedLines(out))).toEqual({ lost: [], duplicated: [] });
  }, 60_000);
});
