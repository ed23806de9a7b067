/**
 * `npm run bench:state [-- --events N --keys K --records R --cache-entries C]`: the disk backend against the heap
 * backend on two jobs, each run in a fresh process per backend: Nexmark q5 (sliding windows, one
 * keyed value of slices per auction) and a count per distinct key (`--records` events over `--keys`
 * keys, each key's count in ValueState, little locality; the disk backend's caches are bounded by its
 * default managed memory, and `--cache-entries C` also caps them at C entries per state). Prints one JSON line per job with the
 * events/s of each backend, the ratio disk/heap, and each run's peak RSS. Then incremental against
 * full checkpoints of the disk backend with 1% of `--checkpoint-keys` keys changed between
 * checkpoints (bytes written and duration, see `incremental-checkpoints.ts`). `--only checkpoints`
 * runs that part alone.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StreamEnvironment, blackhole, valueState, type ValueState } from '../src/index.js';
import { incrementalCheckpoints } from './incremental-checkpoints.js';
import { QUERIES } from './query-registry.js';
import { runWeirQuery, sinkCount, STATE_BACKEND_VAR } from './weir-job.js';

interface Run {
  readonly eventsPerSec: number;
  /** Events per second of the process's CPU time (user + system): less disturbed by other load than wall time. */
  readonly eventsPerCpuSec: number;
  readonly peakRssMb: number;
  readonly outputs: number;
}

function perCpuSec(events: number, since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return Math.round(events / ((c.user + c.system) / 1e6));
}

/** Counts events per key: the keyed-state-heavy job (one read and one write of state per event). */
async function countPerKey(records: number, keys: number, backend: string, cacheEntries?: number): Promise<Run> {
  const env = StreamEnvironment.create({
    'state.backend.type': backend,
    ...(cacheEntries ? { 'state.backend.lmdb.memory.cache-entries': cacheEntries } : {}),
  });
  let outputs = 0;
  env
    .fromSequence(0, records - 1)
    // Spread consecutive events over the key space, so that consecutive events rarely share a key.
    .keyBy((v) => (v * 7919) % keys)
    .process<number>({
      open(ctx) {
        (this as unknown as { s: ValueState<number> }).s = ctx.state.getState(valueState<number>('count'));
      },
      processElement(_v, _ctx, out) {
        const s = (this as unknown as { s: ValueState<number> }).s;
        const c = (s.value() ?? 0) + 1;
        s.update(c);
        if (c === -1) out.collect(c);
      },
    })
    .sinkTo(blackhole());
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await env.execute(`count-per-key-${backend}`);
  const s = (performance.now() - t0) / 1000;
  return {
    eventsPerSec: Math.round(records / s),
    eventsPerCpuSec: perCpuSec(records, c0),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    outputs,
  };
}

async function q5(events: number, backend: string): Promise<Run> {
  process.env[STATE_BACKEND_VAR] = backend;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await runWeirQuery(QUERIES.q5!, { events, seed: 0 }, 1);
  const s = (performance.now() - t0) / 1000;
  return {
    eventsPerSec: Math.round(events / s),
    eventsPerCpuSec: perCpuSec(events, c0),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    outputs: sinkCount(result),
  };
}

function inChild(args: string[]): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', rej);
    child.on('exit', (code) => (code === 0 ? res(JSON.parse(out.trim().split('\n').pop()!) as Run) : rej(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [, job, backend, a, b, cache] = argv;
  const run =
    job === 'checkpoints'
      ? await incrementalCheckpoints(Number(a))
      : job === 'q5'
        ? await q5(Number(a), backend!)
        : await countPerKey(Number(a), Number(b), backend!, cache ? Number(cache) : undefined);
  process.stdout.write(JSON.stringify(run) + '\n');
} else {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '2000000' },
      records: { type: 'string', default: '10000000' },
      keys: { type: 'string', default: '5000000' },
      'checkpoint-keys': { type: 'string', default: '1000000' },
      'cache-entries': { type: 'string' },
      only: { type: 'string' },
    },
  });
  const jobs: [string, string[]][] = [
    ['q5', [values.events]],
    ['count-per-key', [values.records, values.keys, ...(values['cache-entries'] ? [values['cache-entries']] : [])]],
  ];
  for (const [job, args] of values.only ? jobs.filter(([j]) => j === values.only) : jobs) {
    const heap = await inChild([job, 'hashmap', ...args]);
    const disk = await inChild([job, 'lmdb', ...args]);
    if (heap.outputs !== disk.outputs) throw new Error(`${job}: the backends disagree (${heap.outputs} vs ${disk.outputs} outputs)`);
    process.stdout.write(
      JSON.stringify({
        bench: `state-${job}`,
        args,
        heap,
        lmdb: disk,
        ratio: Math.round((disk.eventsPerSec / heap.eventsPerSec) * 100) / 100,
        cpuRatio: Math.round((disk.eventsPerCpuSec / heap.eventsPerCpuSec) * 100) / 100,
      }) + '\n',
    );
  }
  if (!values.only || values.only === 'checkpoints') {
    const run = (await inChild(['checkpoints', 'lmdb', values['checkpoint-keys']])) as unknown as Record<string, unknown>;
    process.stdout.write(JSON.stringify({ bench: 'state-incremental-checkpoints', ...run }) + '\n');
  }
}
