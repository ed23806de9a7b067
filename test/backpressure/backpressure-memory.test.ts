import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Measured {
  readonly rows: number;
  readonly sunk: number;
  /** Writes the task made while the writer's last write was still pending (it must wait: `block`). */
  readonly busyWrites: number;
  readonly peakRssMb: number;
  readonly startRssMb: number;
}

/** Runs the slow-sink job in its own process (so its RSS is its own) and returns what it measured. */
function runSlowSink(parallelism: number, env: Record<string, string>): Measured {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'run', 'test/backpressure/slow-sink-job.ts', '-p', String(parallelism), '--no-progress'],
    {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measured;
}

// A sink slower than its source must hold the source back, so memory stays flat however many rows
// pass. Without that, the rows the sink has not written yet pile up: at p = 1 the job below peaks
// above 600 MB over its start when the source ignores the sink (measured), and 2M rows of ~170 bytes
// are over 300 MB however they are held.
describe('backpressure bounds memory under a slow sink', () => {
  it('in one thread (p = 1): 2M rows, RSS grows by less than 150 MB, every row written', () => {
    const m = runSlowSink(1, { WEIR_BP_ROWS: '2000000', WEIR_BP_SINK_MS: '5', WEIR_BP_PAD: '150' });
    expect(m.sunk).toBe(2_000_000);
    expect(m.busyWrites).toBe(0);
    expect(m.peakRssMb - m.startRssMb, JSON.stringify(m)).toBeLessThan(150);
  }, 60_000);

  // Batches from another slot wait on their link while a sink write here is pending (slot-inbox.ts).
  it('across worker-thread slots (p = 2): no write while the last is pending, RSS grows by less than 300 MB', () => {
    const m = runSlowSink(2, { WEIR_BP_ROWS: '500000', WEIR_BP_SINK_MS: '10', WEIR_BP_PAD: '1000' });
    expect(m.sunk).toBe(500_000);
    expect(m.busyWrites, JSON.stringify(m)).toBe(0);
    expect(m.peakRssMb - m.startRssMb, JSON.stringify(m)).toBeLessThan(300);
  }, 90_000);
});
