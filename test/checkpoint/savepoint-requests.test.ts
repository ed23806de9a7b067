import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { markJobRunning } from '../../src/runtime/checkpoint/running-job-marker.js';
import { requestSavepoint, serveSavepointRequests } from '../../src/runtime/checkpoint/savepoint-requests.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function jobDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'weir-sp-req-'));
  dirs.push(d);
  return d;
}

describe('savepoint requests through the checkpoint directory', () => {
  it('are answered with the path the job took', async () => {
    const dir = jobDir();
    const unmark = markJobRunning(dir, 'j');
    const stop = serveSavepointRequests(dir, () => Promise.resolve(join(dir, 'savepoint-7')));
    try {
      expect(await requestSavepoint(dir, 10_000)).toBe(join(dir, 'savepoint-7'));
      expect(readdirSync(dir).filter((f) => f.startsWith('savepoint-re'))).toEqual([]);
    } finally {
      stop();
      unmark();
    }
  });

  it('fail at once when the job ends before it answers, instead of waiting out the timeout', async () => {
    const dir = jobDir();
    const unmark = markJobRunning(dir, 'j');
    // Nobody serves the request; the job ends a moment after it was written.
    setTimeout(unmark, 300);
    const started = Date.now();
    await expect(requestSavepoint(dir, 60_000)).rejects.toThrow(/ended before it answered the savepoint request/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('still hear an answer written just before the job ended', async () => {
    const dir = jobDir();
    const unmark = markJobRunning(dir, 'j');
    const waiting = requestSavepoint(dir, 60_000);
    await new Promise((r) => setTimeout(r, 50));
    const id = readdirSync(dir)
      .find((f) => f.startsWith('savepoint-request-'))!
      .slice('savepoint-request-'.length);
    writeFileSync(join(dir, `savepoint-response-${id}`), JSON.stringify({ path: '/sp/1' }));
    unmark();
    expect(await waiting).toBe('/sp/1');
  });
});
