import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './run-job.js';

/** Runs the job file directly (no CLI, which would exit the process itself) and waits for the process to end. */
function runDirect(end: 'cancel' | 'fail'): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const t0 = Date.now();
  const child = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'test/parallel/jobs/cancel-job.ts')], { cwd: root, env: { ...process.env, WEIR_END: end } });
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
});
