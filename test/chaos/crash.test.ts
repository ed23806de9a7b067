import { describe, expect, it } from 'vitest';
import { runChaos, type ChaosOptions, type ChaosResult } from './chaos-driver.js';

// WEIR_CHAOS_SEED replays the kill schedule of a failed run (its seed is in the failure message).
const seed = process.env.WEIR_CHAOS_SEED ? Number(process.env.WEIR_CHAOS_SEED) : undefined;

async function chaos(opts: ChaosOptions): Promise<ChaosResult> {
  const log: string[] = [];
  const r = await runChaos({ ...opts, ...(seed === undefined ? {} : { seed }), log: (l) => log.push(l) });
  const replay = `chaos seed ${r.seed} (WEIR_CHAOS_SEED=${r.seed} or npm run chaos -- --seed ${r.seed}); ${log.join('\n')}`;
  expect(r.kills, replay).toBe(opts.kills);
  expect({ lost: r.lost, duplicated: r.duplicated }, replay).toEqual({ lost: 0, duplicated: 0 });
  // Late rows reach the side output (only those read between a restore and its first watermark may
  // count as on time, and the driver has checked each of those fired its window alone).
  expect(r.lateDropped, replay).toBeGreaterThan(r.lateAcceptedAfterRestore);
  return r;
}

describe('exactly-once under SIGKILL', () => {
  it('a job killed 10 times (running, mid-checkpoint, restoring, committing restored parts) commits exactly the output computed from its input', async () => {
    // 30,000 rows at 3,000 a second: a run at 20,000 once finished after 9 of its 10 kills.
    const r = await chaos({ kills: 10, rows: 30000, rate: 3000 });
    expect(new Set(r.schedule.split(' ').map((k) => k.split('@')[0])).size).toBe(4);
  }, 240_000);

  it('holds at parallelism 2, with the job in worker-thread slots', async () => {
    await chaos({ kills: 4, rows: 12000, rate: 2000, parallelism: 2 });
  }, 300_000);

  it("holds with keyed state, window contents and timers on disk ('lmdb' backend) and incremental checkpoints", async () => {
    // 20,000 rows: at 12,000 a loaded machine could finish a run before its first kill.
    // A cache of 4 entries: nearly every state access and most timers go through the store.
    const r = await chaos({ kills: 5, rows: 20000, rate: 2500, stateBackend: 'lmdb', incremental: true, cacheEntries: 4 });
    // The checkpoints were incremental: their files are in the shared folder.
    expect(r.sharedFiles).toBeGreaterThan(0);
  }, 300_000);
});
