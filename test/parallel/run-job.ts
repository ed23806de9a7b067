import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sumsJob = join(root, 'test/parallel/jobs/sums-job.ts');

export interface JobRun {
  readonly code: number | null;
  readonly lines: string[];
  readonly stderr: string;
}

/** Runs `weir run <job> ...args` (from source) and returns the printed records without subtask prefixes. */
export function runWeir(args: string[], env: Record<string, string> = {}, onStdout?: (chunk: string) => void): { done: Promise<JobRun>; kill: () => void } {
  // `node --import tsx` runs the CLI in this one process, so kill() stops the job itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
    onStdout?.(String(d));
  });
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<JobRun>((res) =>
    child.on('exit', (code) =>
      res({
        code,
        lines: out
          .split('\n')
          .filter((l) => l.length > 0)
          .map((l) => l.replace(/^\d+> /, '')),
        stderr: err,
      }),
    ),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

export const sorted = (lines: string[]) => lines.slice().sort();
