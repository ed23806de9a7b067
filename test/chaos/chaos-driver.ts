import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { committedLines } from '../checkpoint/committed-lines.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'src/cli/main.ts');
const job = join(root, 'test/chaos/crash-job.ts');
// `node --import tsx`, not the tsx command: that one runs the script in a child process, which a
// SIGKILL of the command would leave running.
const nodeArgs = ['--import', 'tsx'];

export interface ChaosOptions {
  readonly kills: number;
  readonly rows?: number;
  readonly rate?: number;
  /** Checkpoint interval passed to `weir run`. */
  readonly interval?: string;
  /** Parallelism (`-p`); above 1 the job runs in worker-thread slots. */
  readonly parallelism?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosResult {
  readonly kills: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly expected: number;
  readonly committed: number;
}

/** Committed output: the lines of every visible part file (hidden in-progress parts excluded). */
function run(out: string, checkpoints: string, opts: ChaosOptions, resume: boolean): { child: ChildProcess; done: Promise<number | null> } {
  const args = [cli, 'run', job, '--no-progress', '--checkpoint-dir', checkpoints, '--checkpoint-interval', opts.interval ?? '100ms'];
  if (resume) args.push('--resume');
  if (opts.parallelism) args.push('-p', String(opts.parallelism));
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: root,
    env: { ...process.env, WEIR_CHAOS_OUT: out, WEIR_CHAOS_ROWS: String(opts.rows ?? 6000), WEIR_CHAOS_RATE: String(opts.rate ?? 3000) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<number | null>((res) =>
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) opts.log?.(`run exited with ${code}: ${stderr.slice(-2000)}`);
      res(signal ? null : code);
    }),
  );
  return { child, done };
}

function newestCheckpoint(dir: string): number {
  const jobDir = join(dir, 'chaos');
  if (!existsSync(jobDir)) return 0;
  return Math.max(0, ...readdirSync(jobDir).map((n) => /^chk-(\d+)$/.exec(n)).filter((m) => m && existsSync(join(jobDir, m[0], '_metadata'))).map((m) => Number(m![1])));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the crash job uninterrupted, then again with `kills` SIGKILLs at random moments (each after
 * the run made a new checkpoint, so it progresses), resuming with `--resume` every time, and
 * compares the committed output of both as multisets.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const work = mkdtempSync(join(tmpdir(), 'weir-chaos-'));
  try {
    const refOut = join(work, 'reference');
    const ref = run(refOut, join(work, 'ref-checkpoints'), opts, false);
    if ((await ref.done) !== 0) throw new Error('the uninterrupted run failed');
    const expected = committedLines(refOut);

    const out = join(work, 'out');
    const cps = join(work, 'checkpoints');
    let kills = 0;
    for (;;) {
      const r = run(out, cps, opts, true);
      let exited = false;
      void r.done.then(() => (exited = true));
      if (kills < opts.kills) {
        const before = newestCheckpoint(cps);
        while (!exited && newestCheckpoint(cps) <= before) await sleep(10);
        if (!exited) {
          await sleep(Math.random() * 300);
          if (!exited) {
            r.child.kill('SIGKILL');
            await r.done;
            kills++;
            opts.log?.(`kill ${kills} after checkpoint ${newestCheckpoint(cps)}`);
            continue;
          }
        }
      }
      const code = await r.done;
      if (code !== 0) throw new Error(`the resumed run failed with exit code ${code}`);
      if (kills >= opts.kills) break;
      // It finished before all kills were done: the job is too short for the requested kills.
      throw new Error(`the job finished after ${kills} kills; use more rows or a lower rate for ${opts.kills} kills`);
    }
    const got = committedLines(out);
    const counts = new Map<string, number>();
    for (const l of expected) counts.set(l, (counts.get(l) ?? 0) + 1);
    let duplicated = 0;
    for (const l of got) {
      const c = counts.get(l) ?? 0;
      if (c > 0) counts.set(l, c - 1);
      else {
        duplicated++;
        if (duplicated <= 5) opts.log?.(`duplicated: ${l}`);
      }
    }
    let lost = 0;
    for (const [l, c] of counts) {
      if (c > 0 && lost < 5) opts.log?.(`lost: ${l}`);
      lost += c;
    }
    return { kills, lost, duplicated, expected: expected.length, committed: got.length };
  } finally {
    if (process.env.WEIR_CHAOS_KEEP) opts.log?.(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}
