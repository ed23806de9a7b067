import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finish, root } from './cli-process.js';
import { spawn } from 'node:child_process';

const fixture = (name: string) => join('test', 'cli', 'fixtures', name);

/** `weir <args>` with extra environment variables (stderr is a pipe, so logs are JSON unless told). */
function weir(args: string[], env: Record<string, string> = {}) {
  return finish(
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }),
  );
}

/** The JSON log entries among the lines of stderr (the summary and error report are plain text). */
function entries(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const dir = mkdtempSync(join(tmpdir(), 'weir-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('structured logs of weir run', () => {
  it('logs a failure in a worker-thread slot as JSON naming the job, operator, subtask and record, with no secret', async () => {
    const r = await weir(['run', fixture('leaky-failing-job.ts')]);
    expect(r.code).toBe(1);
    const failed = entries(r.stderr).find((e) => e.event === 'failed');
    expect(failed, r.stderr).toMatchObject({ level: 'error', job: 'leaky', operator: 'Lookup', subtask: expect.stringMatching(/^[12]\/2$/), record: '3' });
    expect(String(failed!.msg)).toContain("operator 'Lookup'");
    expect(entries(r.stderr).find((e) => e.event === 'job-failed')).toMatchObject({ level: 'error', job: 'leaky' });
    // Neither the logs nor the error report show the password; the URL's user and host stay.
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).toContain('postgres://app:******@localhost/orders');
  });

  it("names the source and the record's position (file:line) when a malformed line fails the job", async () => {
    const file = join(dir, 'orders.jsonl');
    writeFileSync(file, '{"id":1}\n{"id":2}\n{"id": oops}\n{"id":4}\n');
    const r = await weir(['run', fixture('malformed-json-job.ts'), '--', file]);
    expect(r.code).toBe(1);
    const failed = entries(r.stderr).find((e) => e.event === 'failed');
    expect(failed, r.stderr).toMatchObject({ level: 'error', job: 'orders-from-file', operator: 'Orders File', subtask: '1/1', position: `${file}:3` });
  });

  it('--log-level and WEIR_LOG_LEVEL set the level; a job of its own env.log.level logs below it', async () => {
    const quiet = await weir(['run', fixture('leaky-failing-job.ts'), '--log-level', 'error']);
    expect(entries(quiet.stderr).map((e) => e.level)).toEqual(['error', 'error']);
    const fromEnv = await weir(['run', fixture('leaky-failing-job.ts')], { WEIR_LOG_LEVEL: 'error' });
    expect(entries(fromEnv.stderr).every((e) => e.level === 'error')).toBe(true);
    // The job's env.log.level: debug shows its attempts (in the main thread) whatever the process level.
    const debug = await weir(['run', fixture('leaky-failing-job.ts'), '--log-level', 'warn', '--', 'debug']);
    expect(entries(debug.stderr).find((e) => e.event === 'attempt')).toMatchObject({ level: 'debug', job: 'leaky', attempt: 1, slots: 2 });
    expect(entries(debug.stderr).find((e) => e.event === 'running')).toMatchObject({ level: 'debug', job: 'leaky' });
    const bad = await weir(['run', fixture('leaky-failing-job.ts'), '--log-level', 'loud']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected one of trace, debug, info, warn, error, fatal, silent');
  });

  it('writes one readable line per entry when told the output is a terminal (WEIR_LOG_FORMAT=pretty)', async () => {
    const r = await weir(['run', fixture('leaky-failing-job.ts')], { WEIR_LOG_FORMAT: 'pretty' });
    const line = r.stderr.split('\n').find((l) => l.includes('Task failed'));
    expect(line, r.stderr).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] ERROR: \[leaky Lookup [12]\/2\] Task failed in operator 'Lookup'/);
    expect(entries(r.stderr)).toEqual([]);
    expect(r.stderr).not.toContain('hunter2');
  });
});
