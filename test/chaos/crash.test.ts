import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos-driver.js';

describe('exactly-once under SIGKILL', () => {
  it('a job killed 10 times and resumed commits exactly what an uninterrupted run commits', async () => {
    const r = await runChaos({ kills: 10, rows: 20000, rate: 3000 });
    expect(r.kills).toBe(10);
    expect(r.expected).toBeGreaterThan(20000);
    expect({ lost: r.lost, duplicated: r.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(r.committed).toBe(r.expected);
  }, 240_000);

  it('holds at parallelism 2, with the job in worker-thread slots', async () => {
    const r = await runChaos({ kills: 4, rows: 12000, rate: 2000, parallelism: 2 });
    expect(r.kills).toBe(4);
    expect({ lost: r.lost, duplicated: r.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(r.committed).toBe(r.expected);
  }, 300_000);
});
