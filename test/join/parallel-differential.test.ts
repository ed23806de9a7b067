import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runWeir, sorted } from '../parallel/run-job.js';

const job = join(root, 'test/join/jobs/joins-job.ts');

/** What test/join/jobs/joins-job.ts must print for 1..n, computed by brute force. */
function expected(n: number): string[] {
  const out: string[] = [];
  for (let l = 2; l <= n; l += 2) {
    for (let r = 1; r <= n; r += 2) {
      if (l % 7 !== r % 7) continue;
      if (r >= l - 20 && r <= l + 20) out.push(`interval ${l} ${r} @${Math.max(l, r)}`);
      if (l - (l % 100) === r - (r % 100)) out.push(`window ${l} ${r}`);
    }
  }
  for (let v = 1; v <= n; v++) {
    if (v % 10 === 0) out.push(`async ${v}`);
    if (v % 25 === 0) out.push(`scaled ${v * 3}`);
  }
  return out;
}

describe('joins, async I/O and broadcast state in worker threads', () => {
  it('a job at parallelism 3 prints what a nested-loop reference computes', async () => {
    const run = await runWeir(['run', job, '-p', '3'], { WEIR_N: '600' }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(sorted(run.lines.filter((l) => /^(interval|window|async|scaled) /.test(l)))).toEqual(sorted(expected(600)));
  });
});
