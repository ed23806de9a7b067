import { describe, expect, it } from 'vitest';
import { runWeir, sorted, sumsJob } from './run-job.js';

describe('the same job at parallelism 1, 2 and 4', () => {
  it('gives the same results as multisets, with p > 1 in worker threads', async () => {
    const env = { WEIR_N: '20000' };
    const [p1, p2, p4] = await Promise.all([
      runWeir(['run', sumsJob, '-p', '1', '--no-progress'], env).done,
      runWeir(['run', sumsJob, '-p', '2', '--no-progress'], env).done,
      runWeir(['run', sumsJob, '-p', '4', '--no-progress'], env).done,
    ]);
    for (const r of [p1, p2, p4]) expect(r.code, r.stderr).toBe(0);
    // 31 keys x 20 one-second windows plus 31 final sums.
    expect(p1.lines.filter((l) => l.startsWith('final'))).toHaveLength(31);
    expect(p1.lines.length).toBeGreaterThan(31 * 20);
    const total = p1.lines.filter((l) => l.startsWith('final')).reduce((a, l) => a + Number(l.split(' ')[2]), 0);
    expect(total).toBe((20000 * 20001) / 2);
    expect(sorted(p2.lines)).toEqual(sorted(p1.lines));
    expect(sorted(p4.lines)).toEqual(sorted(p1.lines));
    expect(p4.stderr).toMatch(/Keyed Process\s+4/);
  }, 180_000);
});
