import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NexmarkGenerator, type NexmarkEvent } from '../src/connectors/nexmark/index.js';
import { QUERIES } from './query-registry.js';
import { runWeirQuery, sinkCount } from './weir-job.js';

/** What one child process measured. */
export interface Measurement {
  readonly eventsPerSec: number;
  /** Events per second of CPU time (all threads of the process): what a core does when the machine is busy. */
  readonly eventsPerCpuSec: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly outputs: number;
  /** Weir only: time before the job ran (slot workers starting and loading the job module), not counted in the rates. */
  readonly startupMs?: number;
  /** Seconds of each measured run, in order (the copies of a synchronized measurement are compared run by run). */
  readonly runSeconds: number[];
}

/** `sql`: the query's file in bench/nexmark/sql/ at parallelism 1, into a blackhole (its outputs are not counted). */
export type MeasureMode = 'weir' | 'baseline' | 'generator' | 'sql';

/** Generates events and does nothing with them: the rate every query is bounded by. */
function generatorOnly(gen: NexmarkGenerator, events: number): number {
  const values = new Array<NexmarkEvent>(1024);
  const timestamps = new Array<number>(1024);
  let n = 0;
  for (let i = 0; i < events; i += 1024) {
    const count = Math.min(1024, events - i);
    gen.fill(values, timestamps, i, 1, count);
    n += count;
  }
  return n;
}

async function once(mode: MeasureMode, query: string, events: number, parallelism: number, seed: number): Promise<{ outputs: number; startupMs: number }> {
  if (mode === 'generator') return { outputs: generatorOnly(new NexmarkGenerator({ seed }), events), startupMs: 0 };
  if (mode === 'sql') {
    // Loaded only here: the SQL layer in every measuring process made the heap of DataStream
    // queries and loops 9 MB larger (a costlier mark-compact inside the measured run).
    const { runSqlQuery } = await import('./sql/nexmark-sql-job.js');
    await runSqlQuery(query, events, seed);
    return { outputs: 0, startupMs: 0 };
  }
  const q = QUERIES[query];
  if (!q) throw new Error(`unknown query '${query}' (known: ${Object.keys(QUERIES).join(', ')})`);
  if (mode === 'baseline') return { outputs: q.baseline(new NexmarkGenerator({ seed }), events), startupMs: 0 };
  const result = await runWeirQuery(q, { events, seed }, parallelism);
  return { outputs: sinkCount(result), startupMs: result.startupMs ?? 0 };
}

/**
 * A full collection, so that no measured run inherits the mark-compact that start-up began: the
 * generator's string pools (about 25 MB, built by the warm-up run) push the old generation past its
 * limit, and the collection that follows used to land inside the measured run of some processes and
 * queries (a job) and after it in others (a loop), for 5-10% of a q1 run. Jobs and loops alike.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * One measurement in this process: a warm-up run (so the JIT has compiled the hot loops), then
 * `runs` measured runs, each after a full collection, of which the fastest counts (other processes on the machine only ever slow
 * a run down). Wall time, CPU time and peak RSS cover this process only; the parent starts a fresh
 * process per measurement. `beforeRun` is awaited before each measured run: copies that run at the
 * same time wait there for each other.
 */
export async function measure(
  mode: MeasureMode,
  query: string,
  events: number,
  parallelism: number,
  seed = 0,
  runs = 1,
  beforeRun?: () => Promise<void>,
): Promise<Measurement> {
  await once(mode, query, Math.min(events, Math.max(200_000, Math.floor(events / 10))), parallelism, seed + 1);
  let best: Omit<Measurement, 'peakRssMb' | 'runSeconds'> | undefined;
  const runSeconds: number[] = [];
  for (let r = 0; r < runs; r++) {
    await beforeRun?.();
    collectGarbage();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { outputs, startupMs } = await once(mode, query, events, parallelism, seed);
    const seconds = (performance.now() - t0 - startupMs) / 1000;
    runSeconds.push(seconds);
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const m = {
      eventsPerSec: Math.round(events / seconds),
      eventsPerCpuSec: Math.round(events / cpuSeconds),
      cpuSeconds: +cpuSeconds.toFixed(3),
      outputs,
      ...(startupMs > 0 ? { startupMs: Math.round(startupMs) } : {}),
    };
    if (!best || m.eventsPerSec > best.eventsPerSec) best = m;
  }
  return { ...best!, runSeconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}
