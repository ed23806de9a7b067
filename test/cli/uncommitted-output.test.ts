import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finish, startCli, type CliRun } from './cli-process.js';

const dirs: string[] = [];
// After all: the tests run concurrently, and each needs its directories until it ends.
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'weir-uncommitted-cli-'));
  dirs.push(d);
  return d;
}

/** Runs the endless file-sink job until it printed a few lines, then presses Ctrl-C. */
async function runThenCtrlC(out: string, flags: string[]): Promise<CliRun> {
  const child = startCli(['run', 'test/cli/fixtures/endless-file-job.ts', '--no-progress', ...flags, '--', out]);
  const done = finish(child);
  let seen = 0;
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => (seen += d.toString().split('line ').length - 1) >= 3 && resolve()));
  child.kill('SIGINT');
  return done;
}

const linesOf = (dir: string, hidden: boolean) =>
  readdirSync(dir)
    .filter((n) => n.startsWith('.') === hidden)
    .flatMap((n) =>
      readFileSync(join(dir, n), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
/** The number in "Sink 'Lines': all N records it received are committed" (or "K of the N ..."). */
const received = (stderr: string) => Number(/Sink 'Lines': (?:all|[\d,]+ of the) ([\d,]+) records it received/.exec(stderr)?.[1]?.replace(/,/g, ''));

describe('Ctrl-C and the file sink', { concurrent: true }, () => {
  for (const p of ['1', '2']) {
    it(`without checkpointing, finishes the open parts and says so (p=${p})`, async () => {
      const out = join(tmp(), 'out');
      const r = await runThenCtrlC(out, ['-p', p]);
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toContain(
        `Sink 'Lines': part files in ${out} become visible as they roll; if the job stops early, its open part files are finished and made visible too`,
      );
      expect(readdirSync(out).filter((n) => n.endsWith('.inprogress'))).toEqual([]);
      const lines = linesOf(out, false);
      expect(r.stderr).toMatch(/Sink 'Lines': all [\d,]+ records it received are committed/);
      expect(lines.length).toBe(received(r.stderr));
      expect(lines.length).toBeGreaterThan(0);
      // The source counts up from 0 and the job was cancelled: what the sink got is distinct lines of it.
      expect(new Set(lines).size).toBe(lines.length);
      for (const l of lines) expect(l).toMatch(/^line \d+$/);
      if (p === '1') expect(lines).toEqual(Array.from({ length: lines.length }, (_, i) => `line ${i}`));
    });
  }

  it('with exactly-once checkpoints, says what stays uncommitted and where', async () => {
    const root = tmp();
    const out = join(root, 'out');
    const r = await runThenCtrlC(out, ['--checkpoint-dir', join(root, 'checkpoints'), '--checkpoint-interval', '1h']);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(
      `Sink 'Lines': part files in ${out} become visible as checkpoints complete; if the job stops, what it wrote after the last completed checkpoint stays in hidden .inprogress files there`,
    );
    // No checkpoint completed in the hour: nothing is committed, everything written is in the hidden part.
    const n = received(r.stderr);
    expect(r.stderr).toContain(`Sink 'Lines': ${n.toLocaleString('en-US')} of the ${n.toLocaleString('en-US')} records it received are not committed`);
    expect(linesOf(out, false)).toEqual([]);
    expect(linesOf(out, true)).toEqual(Array.from({ length: n }, (_, i) => `line ${i}`));
  });
});
