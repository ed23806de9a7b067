import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, runCli, startCli } from './cli-process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'weir-savepoint-cli-'));
  dirs.push(d);
  return d;
}

describe('weir savepoint', () => {
  it('answers at once when no job runs, and creates nothing', async () => {
    const dir = join(tmp(), 'checkpoints');
    const started = Date.now();
    const r = await runCli(['savepoint', 'orders', '--checkpoint-dir', dir, '--timeout', '30s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no job 'orders' is running with its checkpoints in .*checkpoints/);
    expect(r.stderr).toMatch(/no job is running there/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(existsSync(dir)).toBe(false);
  });

  it('names the running jobs for a misspelt name, then takes a savepoint of the right one', async () => {
    const dir = tmp();
    const job = startCli(['run', 'test/cli/fixtures/endless-job.ts', '--no-progress', '--checkpoint-dir', dir, '--checkpoint-interval', '1h']);
    const done = finish(job);
    try {
      await new Promise<void>((resolve) => job.stdout!.on('data', (d: Buffer) => d.includes('tick') && resolve()));
      const started = Date.now();
      const wrong = await runCli(['savepoint', 'endles', '--checkpoint-dir', dir, '--timeout', '30s']);
      expect(wrong.code, wrong.stderr).toBe(1);
      expect(wrong.stderr).toMatch(/no job 'endles' is running/);
      expect(wrong.stderr).toContain("running jobs there: 'endless'");
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(readdirSync(dir)).toEqual(['endless']);

      const right = await runCli(['savepoint', 'endless', '--checkpoint-dir', dir, '--timeout', '30s']);
      expect(right.code, right.stderr).toBe(0);
      expect(right.stdout.trim()).toMatch(/endless[/\\]savepoint-\d+$/);
    } finally {
      job.kill('SIGINT');
      await done;
    }
    // The job removed its marker as it ended: the savepoint command now says no job runs.
    const after = await runCli(['savepoint', 'endless', '--checkpoint-dir', dir, '--timeout', '30s']);
    expect(after.stderr).toMatch(/no job is running there/);
    expect(after.stderr).toMatch(/checkpoints of jobs not running: endless/);
  });
});
