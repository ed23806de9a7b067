import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finish, root, runCli } from './cli-process.js';

const dirs: string[] = [];
// After all: the tests run concurrently, and each needs its directories until it ends.
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'weir-resume-cli-'));
  dirs.push(d);
  return d;
}
const squares = 'test/cli/fixtures/squares-job.ts';
const alwaysFailing = 'test/cli/fixtures/always-failing-job.ts';
const iso = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('weir run --resume / --from-savepoint say what they restore', { concurrent: true }, () => {
  it('refuses --resume without checkpointing, before reading any input', async () => {
    const r = await runCli(['run', squares, '--resume', '--checkpoint-dir', tmp()]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/Job 'squares': --resume \(restore\.latest\) needs checkpointing, which this job does not enable: add --checkpoint-interval/);
    expect(r.stdout).not.toContain('square:');
  });

  it('says it starts with empty state when there is no checkpoint to resume from', async () => {
    const dir = tmp();
    const r = await runCli(['run', squares, '--resume', '--checkpoint-dir', dir, '--checkpoint-interval', '1h']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`No checkpoint of job 'squares' in ${join(dir, 'squares')} to resume from: starting with empty state`);
  });

  it('names the checkpoint it restores, with --resume and with --from-savepoint', async () => {
    const dir = tmp();
    // Under exactly-once a bounded job ends with a final checkpoint: chk-1.
    const first = await runCli(['run', squares, '--checkpoint-dir', dir, '--checkpoint-interval', '1h']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toMatch(/Restoring|No checkpoint/);
    const chk = join(dir, 'squares', 'chk-1');
    const resumed = await runCli(['run', squares, '--resume', '--checkpoint-dir', dir, '--checkpoint-interval', '1h']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`Restoring job 'squares' from checkpoint 1 \\(${esc(chk)}, taken at ${iso}\\)`));
    // The resumed run ended with checkpoint 2, which replaced checkpoint 1.
    const chk2 = join(dir, 'squares', 'chk-2');
    const fromSavepoint = await runCli(['run', squares, '--from-savepoint', chk2]);
    expect(fromSavepoint.code, fromSavepoint.stderr).toBe(0);
    expect(fromSavepoint.stderr).toMatch(new RegExp(`Restoring job 'squares' from checkpoint 2 \\(${esc(chk2)}, taken at ${iso}\\)`));
  });
});

describe('a job that keeps failing says so at every restart', { concurrent: true }, () => {
  const restartLine = (attempt: number) =>
    new RegExp(
      `Job 'always-failing' failed \\(attempt ${attempt}\\): User function in operator 'Picky Map' failed on record 300: cannot take 300; restarting from checkpoint \\d+ in 100 ms \\(restart-strategy fixed-delay \\(2 attempts, 100 ms\\)\\)`,
    );

  it('under the CLI', async () => {
    const r = await runCli(['run', alwaysFailing, '--no-progress', '--', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(restartLine(1));
    expect(r.stderr).toMatch(restartLine(2));
    expect(r.stderr).not.toMatch(/attempt 3/);
  });

  it('run directly, without the CLI', async () => {
    const r = await finish(spawn(process.execPath, ['--import', 'tsx', alwaysFailing, tmp()], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(restartLine(1));
    expect(r.stderr).toMatch(restartLine(2));
  });
});
