import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The number of the newest completed checkpoint (`chk-N` with its `_metadata`) of a job, 0 if none. */
export function newestCheckpoint(checkpoints: string, jobName: string): number {
  const jobDir = join(checkpoints, jobName);
  if (!existsSync(jobDir)) return 0;
  let n = 0;
  for (const d of readdirSync(jobDir)) {
    const m = /^chk-(\d+)$/.exec(d);
    if (m && existsSync(join(jobDir, d, '_metadata'))) n = Math.max(n, Number(m[1]));
  }
  return n;
}
