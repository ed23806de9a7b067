import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { committedLines } from '../checkpoint/committed-lines.js';
import { chaosInput, expectedOutput, lateLine, windowLine, windowStart } from './crash-input.js';

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
  /** Seed of the kill schedule (kinds and delays); the same seed replays the same schedule. */
  readonly seed?: number;
  /** `state.backend.type` of the job (default: the heap backend). */
  readonly stateBackend?: string;
  /** `execution.checkpointing.incremental` of the job. */
  readonly incremental?: boolean;
  /** `state.backend.lmdb.memory.cache-entries`: small, state and timers go through the disk. */
  readonly cacheEntries?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosResult {
  readonly seed: number;
  /** The kill schedule, one `kind@delay` per kill. */
  readonly schedule: string;
  readonly kills: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly expected: number;
  readonly committed: number;
  /** Late rows the window dropped into its side output. */
  readonly lateDropped: number;
  /**
   * Late rows a restored window accepted as on time: watermarks are not part of a checkpoint (as in
   * Flink), so rows read after a restore and before the first watermark count as on time, and their
   * window fires once more with their amount alone.
   */
  readonly lateAcceptedAfterRestore: number;
  /** Files in the checkpoint directory's `shared/` folder at the end (incremental checkpoints). */
  readonly sharedFiles: number;
}

/**
 * Where a kill aims. `running`: a random moment after the run made a new checkpoint. `checkpoint-write`:
 * after a new checkpoint, as soon as the next one's directory exists without its `_metadata`.
 * `restore`: a random moment between the run saying "Restoring job" and the time an earlier run took
 * from there to its first checkpoint (loading state, committing restored parts). `commit`: as soon as the
 * set of visible part files changes after the start (the restore committing pending parts).
 */
export type KillKind = 'running' | 'checkpoint-write' | 'restore' | 'commit';
const KINDS: readonly KillKind[] = ['running', 'checkpoint-write', 'restore', 'commit'];

interface PlannedKill {
  readonly kind: KillKind;
  /** Fraction of the kind's delay range (running: of 300 ms; restore: of the time to the first checkpoint). */
  readonly at: number;
}

/** mulberry32: a small seeded generator, so a schedule replays from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function killSchedule(seed: number, kills: number): PlannedKill[] {
  const rand = seeded(seed);
  // Every kind at least once when there are enough kills, in a seeded order.
  const kinds = Array.from({ length: kills }, (_, k) => (k < KINDS.length ? KINDS[k]! : KINDS[Math.floor(rand() * KINDS.length)]!));
  for (let k = kinds.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [kinds[k], kinds[j]] = [kinds[j]!, kinds[k]!];
  }
  return kinds.map((kind) => ({ kind, at: rand() }));
}

interface Run {
  readonly child: ChildProcess;
  readonly done: Promise<number | null>;
  /** When the run said it restores from a checkpoint (`performance.now()`), once it has. */
  restoringAt?: number;
}

function run(out: string, checkpoints: string, opts: ChaosOptions): Run {
  const args = [cli, 'run', job, '--no-progress', '--checkpoint-dir', checkpoints, '--checkpoint-interval', opts.interval ?? '100ms', '--resume'];
  if (opts.parallelism) args.push('-p', String(opts.parallelism));
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: root,
    env: {
      ...process.env,
      WEIR_CHAOS_OUT: out,
      WEIR_CHAOS_ROWS: String(opts.rows ?? 6000),
      WEIR_CHAOS_RATE: String(opts.rate ?? 3000),
      WEIR_CHAOS_STATE_BACKEND: opts.stateBackend ?? '',
      WEIR_CHAOS_INCREMENTAL: opts.incremental ? 'true' : '',
      WEIR_CHAOS_CACHE_ENTRIES: opts.cacheEntries ? String(opts.cacheEntries) : '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const r: Run = { child, done: undefined as unknown as Promise<number | null> };
  child.stderr!.on('data', (d) => {
    stderr += d;
    if (r.restoringAt === undefined && stderr.includes('Restoring job')) r.restoringAt = performance.now();
  });
  (r as { done: Promise<number | null> }).done = new Promise<number | null>((res) =>
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) opts.log?.(`run exited with ${code}: ${stderr.slice(-2000)}`);
      res(signal ? null : code);
    }),
  );
  return r;
}

function checkpointDirs(dir: string): { complete: number; writing: boolean } {
  const jobDir = join(dir, 'chaos');
  if (!existsSync(jobDir)) return { complete: 0, writing: false };
  let complete = 0;
  let writing = false;
  for (const n of readdirSync(jobDir)) {
    const m = /^chk-(\d+)$/.exec(n);
    if (!m) continue;
    if (existsSync(join(jobDir, n, '_metadata'))) complete = Math.max(complete, Number(m[1]));
    else writing = true;
  }
  return { complete, writing };
}

function visibleParts(dir: string): string {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => !n.startsWith('.'))
        .sort()
        .join('\n')
    : '';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the crash job with `kills` SIGKILLs on a seeded schedule, resuming with `--resume` every
 * time, and compares its committed output as a multiset with the output computed from the input by
 * plain code (`crash-input.ts`).
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const plan = killSchedule(seed, opts.kills);
  const schedule = plan.map((p) => `${p.kind}@${p.at.toFixed(3)}`).join(' ');
  opts.log?.(`seed ${seed}: ${schedule}`);
  const expected = expectedOutput(chaosInput(opts.rows ?? 6000));
  const work = mkdtempSync(join(tmpdir(), 'weir-chaos-'));
  try {
    const out = join(work, 'out');
    const cps = join(work, 'checkpoints');
    let kills = 0;
    // Time from the start of a restore to the run's first new checkpoint, measured on the runs so far.
    let restoreMs = 500;
    let startupMs = 3000;
    for (;;) {
      const started = performance.now();
      const r = run(out, cps, opts);
      let exited = false;
      void r.done.then(() => (exited = true));
      const next = plan[kills];
      if (next) {
        const before = checkpointDirs(cps).complete;
        const parts = visibleParts(out);
        const progressed = async (): Promise<void> => {
          while (!exited && checkpointDirs(cps).complete <= before) await sleep(5);
          startupMs = performance.now() - started;
          if (r.restoringAt !== undefined) restoreMs = performance.now() - r.restoringAt;
        };
        if (next.kind === 'running') {
          await progressed();
          await sleep(next.at * 300);
        } else if (next.kind === 'checkpoint-write') {
          await progressed();
          const deadline = performance.now() + 2000;
          while (!exited && !checkpointDirs(cps).writing && performance.now() < deadline) await sleep(1);
        } else if (next.kind === 'restore') {
          // From the moment it says it restores until its first checkpoint: loading state, opening
          // operators, committing the restored checkpoint's pending parts.
          const deadline = performance.now() + 2 * startupMs;
          while (!exited && r.restoringAt === undefined && performance.now() < deadline) await sleep(2);
          await sleep(next.at * restoreMs);
        } else {
          const deadline = performance.now() + 2 * startupMs;
          while (!exited && visibleParts(out) === parts && performance.now() < deadline) await sleep(2);
        }
        if (!exited) {
          r.child.kill('SIGKILL');
          await r.done;
          kills++;
          opts.log?.(`kill ${kills} (${next.kind}) at ${Math.round(performance.now() - started)} ms, newest checkpoint ${checkpointDirs(cps).complete}`);
          continue;
        }
      }
      const code = await r.done;
      if (code !== 0) throw new Error(`the resumed run failed with exit code ${code} (chaos seed ${seed})`);
      if (kills >= opts.kills) break;
      // It finished before all kills were done: the job is too short for the requested kills.
      throw new Error(`the job finished after ${kills} kills; use more rows or a lower rate for ${opts.kills} kills`);
    }
    const got = committedLines(out);
    const missing = new Map<string, number>();
    for (const l of expected.lines) missing.set(l, (missing.get(l) ?? 0) + 1);
    const extra = new Map<string, number>();
    for (const l of got) {
      const c = missing.get(l) ?? 0;
      if (c > 0) missing.set(l, c - 1);
      else extra.set(l, (extra.get(l) ?? 0) + 1);
    }
    // A late row missing from the side output is accounted for only by its window firing once more
    // with exactly its amount (see `lateAcceptedAfterRestore`); anything else is lost or duplicated.
    let lateAcceptedAfterRestore = 0;
    for (const e of expected.late) {
      const l = lateLine(e);
      const w = windowLine(e.user, windowStart(e.ts), e.amount);
      if ((missing.get(l) ?? 0) > 0 && (extra.get(w) ?? 0) > 0) {
        missing.set(l, missing.get(l)! - 1);
        extra.set(w, extra.get(w)! - 1);
        lateAcceptedAfterRestore++;
      }
    }
    let lost = 0;
    for (const [l, c] of missing) {
      if (c > 0 && lost < 5) opts.log?.(`lost: ${l}`);
      lost += c;
    }
    let duplicated = 0;
    for (const [l, c] of extra) {
      if (c > 0 && duplicated < 5) opts.log?.(`unexpected: ${l}`);
      duplicated += c;
    }
    return {
      seed,
      schedule,
      kills,
      lost,
      duplicated,
      expected: expected.lines.length,
      committed: got.length,
      lateDropped: expected.late.length - lateAcceptedAfterRestore,
      lateAcceptedAfterRestore,
      sharedFiles: existsSync(join(cps, 'chaos', 'shared')) ? readdirSync(join(cps, 'chaos', 'shared')).length : 0,
    };
  } finally {
    if (process.env.WEIR_CHAOS_KEEP) opts.log?.(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}
