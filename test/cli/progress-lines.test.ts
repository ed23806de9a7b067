import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finish, root, runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const job = join('test', 'cli', 'fixtures', 'slow-sink-job.ts');
const progressLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('[progress] '));

describe('progress of weir run and weir sql', () => {
  it('prints a plain line per job every --progress-interval when stderr is not a terminal', async () => {
    const r = await runCli(['run', job, '--progress-interval', '300ms', '--', join(dir, 'plain')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = progressLines(r.stderr);
    expect(lines.length, r.stderr).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(l).toMatch(/^\[progress\] slow-sink: in \d[\d.K]*\/s, out \d[\d.K]*\/s, [\d,]+ read, /);
    // Checkpoints every 300 ms; the sink takes 40 ms a batch, so the source's task waits most of the time.
    expect(lines.some((l) => /checkpoint \d+ [\d.]+ m?s ago/.test(l))).toBe(true);
    expect(lines.some((l) => /back-pressured: Numbers \d+%/.test(l))).toBe(true);
    // The summary comes after the last progress line.
    expect(r.stderr.lastIndexOf('[progress]')).toBeLessThan(r.stderr.indexOf("Job 'slow-sink' FINISHED"));
  });

  it('--quiet turns progress off', async () => {
    const r = await runCli(['run', job, '--quiet', '--progress-interval', '300ms', '--', join(dir, 'quiet')]);
    expect(r.code, r.stderr).toBe(0);
    expect(progressLines(r.stderr)).toEqual([]);
    expect(r.stderr).toContain("Job 'slow-sink' FINISHED");
  });

  it('on a terminal, redraws one live line in place and erases it for the summary', async () => {
    // `script` gives the CLI a real terminal (a pseudo-terminal) for stdout and stderr.
    const cmd = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'run', job, '--', join(dir, 'tty')].map((a) => `'${a}'`).join(' ');
    const r = await finish(spawn('script', ['-qec', cmd, '/dev/null'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(r.code, r.stdout).toBe(0);
    const out = r.stdout;
    // Each redraw erases the line (CR, erase line) and writes the new one; the summary follows an erase.
    const redraws = out.split('\r\x1b[2K').filter((s) => s.startsWith('slow-sink: in '));
    expect(redraws.length, out).toBeGreaterThanOrEqual(3);
    expect(out).toMatch(/\r\x1b\[2KJob 'slow-sink' FINISHED/);
    expect(out.split("Job 'slow-sink' FINISHED")[1]).not.toContain('slow-sink: in ');
    // No plain lines on a terminal.
    expect(out).not.toContain('[progress]');
  });

  it('weir sql -f shows the progress of each INSERT job', async () => {
    const script = join(dir, 'p.sql');
    writeFileSync(
      script,
      [
        "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3000', 'rows-per-second' = '2000');",
        "CREATE TABLE sink (id BIGINT) WITH ('connector' = 'blackhole');",
        'INSERT INTO sink SELECT id FROM src;',
      ].join('\n'),
    );
    const r = await runCli(['sql', '-f', script, '--progress-interval', '300ms']);
    expect(r.code, r.stderr).toBe(0);
    const lines = progressLines(r.stderr);
    expect(lines.length, r.stderr).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^\[progress\] insert-into_default_catalog\.default_database\.sink: in \d+\/s, out \d+\/s/);
    const quiet = await runCli(['sql', '-f', script, '-q', '--progress-interval', '300ms']);
    expect(progressLines(quiet.stderr)).toEqual([]);
  });
});
