import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './run-job.js';

/** Runs the job file directly (no CLI, which would exit the process itself) and waits for the process to end. */
function runDirect(end: 'cancel' | 'fail' | 'reuse'): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const t0 = Date.now();
  const job = end === 'reuse' ? 'reuse-job.ts' : 'cancel-job.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/parallel/jobs', job)], { cwd: root, env: { ...process.env, WEIR_END: end } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((res) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, out, err, ms: Date.now() - t0 });
    }),
  );
}

describe('no orphaned worker threads', () => {
  it('after cancel, the process exits by itself', async () => {
    const r = await runDirect('cancel');
    expect(r.out, r.err).toContain('ended: CANCELED');
    expect(r.code).toBe(0);
  }, 120_000);

  it('after a failure without restarts, the process exits by itself', async () => {
    const r = await runDirect('fail');
    expect(r.out, r.err).toMatch(/ended: FAILED User function in operator 'Map'.*injected failure/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('slots that ran a job cleanly serve the next jobs in the process, checkpoints included; the slots of a failed job are replaced; idle slots let the process exit', async () => {
    const r = await runDirect('reuse');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('job '))).toEqual([
      'job first finished',
      'job second finished',
      'job checkpointed finished',
      "job failing failed User function in operator 'Map' failed on record 1500: injected failure",
      'job third finished',
    ]);
    const threads = (tag: string) => new Set(lines.filter((l) => l.startsWith(tag + ' ')).map((l) => l.split(' ')[1]));
    // Each job saw its own environment: every record of a clean job is there, under its own tag.
    for (const tag of ['first', 'second', 'checkpointed', 'third']) expect(lines.filter((l) => l.startsWith(tag + ' '))).toHaveLength(2000);
    expect(threads('first').size).toBe(2);
    expect(threads('second')).toEqual(threads('first'));
    // Checkpoints run through reused slots: barriers, acknowledgements and the job's own control ports.
    expect(threads('checkpointed')).toEqual(threads('first'));
    expect(Number(lines.find((l) => l.startsWith('checkpoints '))!.split(' ')[1])).toBeGreaterThan(0);
    expect(threads('failing')).toEqual(threads('first'));
    for (const t of threads('third')) expect(threads('first').has(t)).toBe(false);
  }, 120_000);
});
